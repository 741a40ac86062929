package org.wardstream.equity.disclosure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.LocalDate;
import org.wardstream.equity.Measures;
import org.wardstream.equity.model.AggregateRow;
import org.wardstream.equity.stats.ConfidenceIntervals;
import org.wardstream.equity.stats.Estimate;

/**
 * NHS Digital disclosure control (HES/ECDS methodology from September 2018), as used by this project: 0 stays 0,
 * 1 to 7 become {@code *}, other counts are rounded to the nearest multiple of 5; rates and percentages are computed
 * from the rounded counts; ratios only where both numerators are at least 10. Whole-stratum suppression: a stratum
 * of 1 to 7 people (its {@code enrolled_patients} count) publishes no measure at all, since each of its measures
 * (alerts, days, completeness, delays) would describe those few identifiable people even with their count hidden.
 * Secondary suppression (probe 19a D3): strata add up to published totals (a dimension's strata to {@code all}; in
 * the two-way split, each quintile's cells to that quintile and each ethnic group's cells to that group), so a single
 * suppressed stratum, or suppressed strata of 1 to 7 people together, would be recovered by subtraction (minute and
 * day counts are far too large for rounding to 5 to hide anything). In each such set the smallest published stratum
 * is withheld too ({@code **} in its counts), repeated until no set leaks.
 */
public final class Disclosure {
    public static final String SUPPRESSED = "*";
    /**
     * The counts of a stratum withheld by secondary suppression: it is not small itself, but publishing it would let
     * a suppressed stratum be derived by subtraction from a total.
     */
    public static final String SECONDARY_SUPPRESSED = "**";
    /** Counts from 1 to this are suppressed. */
    public static final int SUPPRESS_UP_TO = 7;
    /** Ratios are published only where both numerators are at least this. */
    public static final int RATIO_MIN_NUMERATOR = 10;

    private Disclosure() {
    }

    /** 0 -&gt; "0", 1..7 -&gt; "*", otherwise the nearest multiple of 5 (8 -&gt; "10"). */
    public static String publish(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("a count cannot be negative: " + count);
        }
        if (count == 0) {
            return "0";
        }
        if (count <= SUPPRESS_UP_TO) {
            return SUPPRESSED;
        }
        return Long.toString(Math.round(count / 5.0) * 5);
    }

    /** The published view of internal rows at 95 % confidence. */
    public static List<PublishedRow> publish(List<AggregateRow> rows) {
        return publish(rows, 0.95);
    }

    /**
     * The published view: counts rounded or suppressed; proportions, rates and their intervals recomputed from the
     * rounded counts (blank when a count is suppressed); medians and 90th percentiles shown only when at least 8
     * values contribute; ratios recomputed from the rounded counts of both strata and shown only where both
     * unrounded numerators are at least 10. Pass all rows of a window together: a ratio needs its reference
     * stratum's row (same programme, granularity, window, dimension and measure), which is looked up in {@code rows}.
     * Every row of a stratum of 1 to 7 people is published suppressed: counts {@code *} (a 0 too), no value, no
     * interval, no ratio; and no ratio is published against such a stratum as the reference. Every row of a stratum
     * withheld by {@link SecondarySuppression} is published the same way with {@code **} in its counts.
     */
    public static List<PublishedRow> publish(List<AggregateRow> rows, double confidence) {
        Map<String, AggregateRow> byKey = new HashMap<>();
        Set<String> fewPeople = new HashSet<>();
        for (AggregateRow r : rows) {
            byKey.put(r.key(), r);
            if (Measures.ENROLLED_PATIENTS.equals(r.measure()) && r.numerator() >= 1 && r.numerator() <= SUPPRESS_UP_TO) {
                fewPeople.add(stratumKey(r.programme(), r.granularity(), r.windowStart(), r.dimension(), r.stratum()));
            }
        }
        Set<String> withheld = SecondarySuppression.withheld(rows, fewPeople);
        List<PublishedRow> out = new ArrayList<>(rows.size());
        for (AggregateRow r : rows) {
            String key = stratumKey(r.programme(), r.granularity(), r.windowStart(), r.dimension(), r.stratum());
            if (fewPeople.contains(key) || withheld.contains(key)) {
                out.add(suppressedRow(r, fewPeople.contains(key) ? SUPPRESSED : SECONDARY_SUPPRESSED));
                continue;
            }
            PublishedRow p = publishRow(r, byKey, confidence);
            String refKey = r.referenceStratum() == null ? null : stratumKey(r.programme(), r.granularity(),
                    r.windowStart(), r.dimension(), r.referenceStratum());
            if (p.ratio() != null && refKey != null && (fewPeople.contains(refKey) || withheld.contains(refKey))) {
                p = withoutRatio(p);
            }
            out.add(p);
        }
        return out;
    }

    static String stratumKey(String programme, String granularity, LocalDate windowStart,
                                     String dimension, String stratum) {
        return String.join("|", programme, granularity, windowStart.toString(), dimension, stratum);
    }

    /** A suppressed row: nothing but its identity and why it is suppressed ({@code marker} in both counts). */
    private static PublishedRow suppressedRow(AggregateRow r, String marker) {
        return new PublishedRow(r.programme(), r.windowStart(), r.windowEnd(), r.granularity(), r.dimension(),
                r.stratum(), r.measure(), r.method(), marker, marker, null, null, null, r.referenceStratum(),
                null, null, null, r.imdEdition(), r.revision());
    }

    private static PublishedRow withoutRatio(PublishedRow p) {
        return new PublishedRow(p.programme(), p.windowStart(), p.windowEnd(), p.granularity(), p.dimension(),
                p.stratum(), p.measure(), p.method(), p.numeratorCount(), p.denominatorCount(), p.value(), p.lower(), p.upper(),
                p.referenceStratum(), null, null, null, p.imdEdition(), p.revision());
    }

    private static PublishedRow publishRow(AggregateRow r, Map<String, AggregateRow> byKey, double confidence) {
        String num = publish(r.numerator());
        String den = publish(Math.round(r.denominator()));
        Long rn = number(num);
        Long rd = number(den);
        String method = r.method();
        Estimate e = null;
        if ("count".equals(method)) {
            e = rn == null ? null : new Estimate(rn.doubleValue(), null, null, method);
        } else if (Measures.isProportion(method)) {
            e = rn == null || rd == null || rd == 0 || r.value() == null ? null
                    : ConfidenceIntervals.proportion(rn, rd, confidence);
        } else if (Measures.isRate(method)) {
            if (rn != null && rd != null && rd > 0 && r.value() != null) {
                e = ConfidenceIntervals.crudeRate(rn, rd, Measures.RATE_MULTIPLIER, confidence);
                method = e.method();
            }
        } else {
            // a simple statistic (median, p90): shown only when at least 8 values contribute
            e = r.numerator() > SUPPRESS_UP_TO && r.value() != null
                    ? new Estimate(r.value(), null, null, method) : null;
        }
        Estimate ratio = null;
        if (e != null && r.referenceStratum() != null && r.ratio() != null && r.numerator() >= RATIO_MIN_NUMERATOR) {
            AggregateRow ref = byKey.get(AggregateRow.key(r.programme(), r.granularity(), r.windowStart(),
                    r.dimension(), r.referenceStratum(), r.measure()));
            if (ref != null && ref.numerator() >= RATIO_MIN_NUMERATOR) {
                ratio = ratio(r, ref, confidence);
            }
        }
        return new PublishedRow(r.programme(), r.windowStart(), r.windowEnd(), r.granularity(), r.dimension(),
                r.stratum(), r.measure(), method, num, den,
                e == null ? null : clean(e.value()), e == null ? null : clean(e.lower()),
                e == null ? null : clean(e.upper()), r.referenceStratum(), ratio == null ? null : clean(ratio.value()),
                ratio == null ? null : clean(ratio.lower()), ratio == null ? null : clean(ratio.upper()),
                r.imdEdition(), r.revision());
    }

    /** Significant digits kept in published values: no float artefacts such as 1191001.9000000006. */
    public static final int SIGNIFICANT_DIGITS = 10;

    /** A published value rounded to {@link #SIGNIFICANT_DIGITS} significant digits (null stays null). */
    public static Double clean(Double v) {
        if (v == null || v.isNaN() || v.isInfinite() || v == 0) {
            return v;
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(SIGNIFICANT_DIGITS)).doubleValue();
    }

    /** The ratio of a row to its reference row, from the rounded counts of both. */
    private static Estimate ratio(AggregateRow r, AggregateRow ref, double confidence) {
        if (r.key().equals(ref.key())) {
            return new Estimate(1.0, null, null, "reference");
        }
        Long n1 = number(publish(r.numerator()));
        Long d1 = number(publish(Math.round(r.denominator())));
        Long n2 = number(publish(ref.numerator()));
        Long d2 = number(publish(Math.round(ref.denominator())));
        if (n1 == null || d1 == null || n2 == null || d2 == null || d1 == 0 || d2 == 0) {
            return null;
        }
        Estimate e = Measures.isRate(r.method())
                ? ConfidenceIntervals.rateRatioExact(n1, d1, n2, d2, confidence)
                : ConfidenceIntervals.proportionRatioMover(n1, d1, n2, d2, confidence);
        return e.value() == null ? null : e;
    }

    private static Long number(String published) {
        return SUPPRESSED.equals(published) || SECONDARY_SUPPRESSED.equals(published) ? null : Long.valueOf(published);
    }
}
