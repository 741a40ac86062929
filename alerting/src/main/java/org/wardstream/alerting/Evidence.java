package org.wardstream.alerting;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the lifecycle's evidence keys ({@code AlertChange.evidence}, filled by {@code Transitions}) become
 * Observation.component entries: a wardstream evidence code (always), a LOINC code where one exists, a UCUM unit.
 * Components appear in the order of {@link #KNOWN}, then any unknown keys sorted by name (never dropped: an
 * unknown key is written with its own name as code and no unit).
 */
final class Evidence {

    /**
     * @param key     evidence key in AlertChange.evidence
     * @param code    code in {@link FhirAlerts#EVIDENCE_SYSTEM}
     * @param display human-readable name
     * @param loinc   LOINC code or null
     * @param loincDisplay LOINC display
     * @param ucum    UCUM code (also used as the human unit)
     * @param factor  multiply the evidence value by this to get the UCUM unit
     * @param decimals rounding of the written value
     */
    record Spec(String key, String code, String display, String loinc, String loincDisplay, String ucum,
                double factor, int decimals) {
    }

    static final String LOINC_HEART_RATE = "8867-4";
    static final String LOINC_STEPS = "55423-8";

    /** Evidence computed here rather than taken from the map: the episode's duration up to end or change time. */
    static final Spec DURATION = new Spec(null, "episode-duration", "Episode duration", null, null, "min", 1, 1);

    static final List<Spec> KNOWN = List.of(
            // Heart-rate statistics over the episode. LOINC 8867-4 "Heart rate" is the broader concept; the
            // wardstream code says which statistic (LOINC has no generic min/mean/max heart-rate codes for this).
            new Spec("minRateBpm", "heart-rate-min", "Lowest heart rate", LOINC_HEART_RATE, "Heart rate", "/min", 1, 0),
            new Spec("meanRateBpm", "heart-rate-mean", "Mean heart rate", LOINC_HEART_RATE, "Heart rate", "/min", 1, 0),
            new Spec("maxRateBpm", "heart-rate-max", "Highest heart rate", LOINC_HEART_RATE, "Heart rate", "/min", 1, 0),
            // where the rate came from: 0 the device's own heart-rate samples, 100 a rate a minute from RR intervals
            new Spec(org.wardstream.episodes.Transitions.RATE_FROM_RR_PERCENT, "heart-rate-from-rr-intervals",
                    "Heart-rate samples derived from beat-to-beat (RR) intervals rather than sent by the device as heart"
                            + " rate", null, null, "%", 1, 0),
            new Spec("fastRateBpm", "af-fast-rate", "AF ventricular rate when escalated (smoothed mean)",
                    LOINC_HEART_RATE, "Heart rate", "/min", 1, 0),
            new Spec("onsetRateBpm", "af-onset-rate", "Mean ventricular rate at AF onset (over the confirming segments)",
                    LOINC_HEART_RATE, "Heart rate", "/min", 1, 0),
            new Spec("fastMinutes", "af-fast-rate-duration", "Time in AF above the fast-rate threshold", null, null,
                    "min", 1, 1),
            new Spec("afBurdenPercent", "af-burden", "AF burden (time in AF)", null, null, "%", 1, 1),
            new Spec("irregularity", "rr-irregularity",
                    "Probability of AF from RR features (model " + org.wardstream.rhythm.AfModel.DEFAULT.version()
                            + ", over the confirming run, its latest segments weighing most)", null, null,
                    "1", 1, 3),
            new Spec("onsetBar", "af-onset-bar", "AF onset bar set for this patient (the validated bar is "
                    + org.wardstream.rhythm.AfModel.DEFAULT.onsetThreshold() + ")", null, null, "1", 1, 2),
            new Spec("onsetBarWithoutRateRise", "af-onset-bar-without-rate-rise",
                    "AF onset bar without a rise in heart rate, set for this patient (the validated bar is "
                    + org.wardstream.rhythm.RhythmParameters.DEFAULTS.steadyOnsetThreshold() + ")", null, null, "1", 1, 2),
            new Spec("noDataMinutes", "no-data-duration",
                    "Time without usable data (device off, charging or not sending) before the AF was seen again",
                    null, null, "min", 1, 0),
            new Spec("pauseMs", "pause-duration", "Pause (longest RR interval)", null, null, "s", 0.001, 3),
            new Spec("stillMinutes", "still-duration", "Time worn without movement", null, null, "min", 1, 1),
            new Spec("limitMinutes", "still-limit", "Stillness limit for this time of day", null, null, "min", 1, 1),
            new Spec("steps", "steps", "Number of steps", LOINC_STEPS,
                    "Number of steps in unspecified time Pedometer", "{steps}", 1, 0));

    private Evidence() {
    }

    static Optional<Spec> spec(String key) {
        return KNOWN.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    static boolean isKnown(String key) {
        return spec(key).isPresent();
    }

    /** The value in the spec's unit, rounded; null for NaN/infinite (FHIR decimals cannot hold them). */
    static BigDecimal scaled(Spec s, double raw) {
        return decimal(raw * s.factor(), s.decimals());
    }

    static BigDecimal decimal(double v, int decimals) {
        if (!Double.isFinite(v)) return null;
        BigDecimal d = BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    static Double get(Map<String, Double> evidence, String key) {
        if (evidence == null) return null;
        Double v = evidence.get(key);
        return v == null || !Double.isFinite(v) ? null : v;
    }
}
