package org.wardstream.equity.model;

import java.time.LocalDate;

/**
 * The computed, UNROUNDED value of one measure in one window and stratum (internal topic; never published as is:
 * see {@link org.wardstream.equity.disclosure.Disclosure}). No patient identifier.
 *
 * @param granularity "day" | "month"
 * @param windowEnd   exclusive
 * @param method      "wilson", "exact", "byars", "median", "p90", "count"
 * @param revision    0 for the first emission of a window, higher for re-emissions after late data
 */
public record AggregateRow(String programme, String granularity, LocalDate windowStart, LocalDate windowEnd,
                           String dimension, String stratum, String measure,
                           long numerator, double denominator, Double value, Double lower, Double upper,
                           String method, String referenceStratum, Double ratio, Double ratioLower,
                           Double ratioUpper, String imdEdition, int revision) {

    /** Deterministic upsert key: programme|granularity|windowStart|dimension|stratum|measure. */
    public String key() {
        return key(programme, granularity, windowStart, dimension, stratum, measure);
    }

    public static String key(String programme, String granularity, LocalDate windowStart, String dimension,
                             String stratum, String measure) {
        return String.join("|", programme, granularity, windowStart.toString(), dimension, stratum, measure);
    }

    /** The same row with another revision. */
    public AggregateRow withRevision(int newRevision) {
        return new AggregateRow(programme, granularity, windowStart, windowEnd, dimension, stratum, measure,
                numerator, denominator, value, lower, upper, method, referenceStratum, ratio, ratioLower,
                ratioUpper, imdEdition, newRevision);
    }
}
