package org.wardstream.equity;

import java.util.EnumMap;
import java.util.Map;
import org.wardstream.equity.model.Dimension;

/**
 * Settings of the equity measures.
 *
 * @param coverageThreshold share of the ACTIVE minutes of a day that must have data for the day to count as
 *                          monitored (0..1)
 * @param confidence        confidence level of every interval as a fraction (0.95)
 * @param referenceStrata   reference stratum per dimension; a dimension absent from the map (by default age_band
 *                          and icb) uses the stratum with the most patients in the window (age_band prefers
 *                          "65-74" when present)
 */
public record EquitySettings(double coverageThreshold, double confidence,
                             Map<Dimension, String> referenceStrata) {

    public static final double DEFAULT_COVERAGE = 0.7;
    public static final String DEFAULT_AGE_BAND_REFERENCE = "65-74";

    public EquitySettings {
        if (!(coverageThreshold > 0 && coverageThreshold <= 1)) {
            throw new IllegalArgumentException("coverageThreshold must be in (0, 1]: " + coverageThreshold);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be a fraction in (0, 1): " + confidence);
        }
        EnumMap<Dimension, String> copy = new EnumMap<>(Dimension.class);
        if (referenceStrata != null) {
            copy.putAll(referenceStrata);
        }
        referenceStrata = Map.copyOf(copy);
    }

    /**
     * Coverage 0.7, 95 %, references imd_quintile 5, ethnic_group White, sex female. (The response targets an
     * acknowledgement is timed against are the worklist's, per priority: alert-rules/response-targets.yaml, read by
     * the equity job; there is no target of its own here.)
     */
    public static EquitySettings defaults() {
        return new EquitySettings(DEFAULT_COVERAGE, 0.95, defaultReferences());
    }

    public static Map<Dimension, String> defaultReferences() {
        EnumMap<Dimension, String> m = new EnumMap<>(Dimension.class);
        m.put(Dimension.IMD_QUINTILE, "5");
        m.put(Dimension.ETHNIC_GROUP, "White");
        m.put(Dimension.SEX, "female");
        m.put(Dimension.IMD_QUINTILE_X_ETHNIC_GROUP, "5 x White");
        return m;
    }

    public EquitySettings withCoverageThreshold(double c) {
        return new EquitySettings(c, confidence, referenceStrata);
    }
}
