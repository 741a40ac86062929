package org.wardstream.equity.disclosure;

import java.time.LocalDate;
import java.util.List;
import org.wardstream.equity.model.AggregateRow;

/**
 * One row of the published (disclosure-controlled) view. Counts are strings: {@code "0"}, {@code "*"}
 * (suppressed: 1 to 7), {@code "**"} (withheld by secondary suppression) or a multiple of 5. Values, intervals and ratios are computed from the rounded counts and are null
 * (blank) when suppressed or undefined. No patient identifier.
 *
 * <p>{@code generation} orders before {@code revision}: 0 for the live job, a recomputation's submission time (ms)
 * for the windows it owns ({@code org.wardstream.equity.io.Recomputation}). Revisions restart at 0 in every run, so
 * the newest figures of a window are its rows of the highest generation, then the highest revision
 * ({@link #NEWEST_FIRST}); a file or message without a generation is the live job's (0).
 */
public record PublishedRow(String programme, LocalDate windowStart, LocalDate windowEnd, String granularity,
                           String dimension, String stratum, String measure, String method,
                           String numeratorCount, String denominatorCount,
                           Double value, Double lower, Double upper,
                           String referenceStratum, Double ratio, Double ratioLower, Double ratioUpper,
                           String imdEdition, int revision, long generation) {

    /** Orders rows newest computation first: by generation, then revision (both descending). */
    public static final java.util.Comparator<PublishedRow> NEWEST_FIRST = java.util.Comparator
            .comparingLong(PublishedRow::generation).thenComparingInt(PublishedRow::revision).reversed();

    /** A row of the live job (generation 0). */
    public PublishedRow(String programme, LocalDate windowStart, LocalDate windowEnd, String granularity,
                        String dimension, String stratum, String measure, String method,
                        String numeratorCount, String denominatorCount,
                        Double value, Double lower, Double upper,
                        String referenceStratum, Double ratio, Double ratioLower, Double ratioUpper,
                        String imdEdition, int revision) {
        this(programme, windowStart, windowEnd, granularity, dimension, stratum, measure, method, numeratorCount,
                denominatorCount, value, lower, upper, referenceStratum, ratio, ratioLower, ratioUpper, imdEdition,
                revision, 0L);
    }

    /**
     * CSV / table column names in order; every count column ends in {@code _count}. {@code generation} is the last
     * (added in session 21): files written before it have none, and read as generation 0.
     */
    public static final List<String> COLUMNS = List.of("programme", "window_start", "window_end", "granularity",
            "dimension", "stratum", "measure", "method", "numerator_count", "denominator_count", "value", "lower",
            "upper", "reference_stratum", "ratio", "ratio_lower", "ratio_upper", "imd_edition", "revision",
            "generation");

    /** Deterministic upsert key, the same as {@link AggregateRow#key()}. */
    public String key() {
        return AggregateRow.key(programme, granularity, windowStart, dimension, stratum, measure);
    }

    /** The same row written with {@code generation}. */
    public PublishedRow withGeneration(long generation) {
        return new PublishedRow(programme, windowStart, windowEnd, granularity, dimension, stratum, measure, method,
                numeratorCount, denominatorCount, value, lower, upper, referenceStratum, ratio, ratioLower, ratioUpper,
                imdEdition, revision, generation);
    }

    /** Whether a count is suppressed ({@code *}) or withheld by secondary suppression ({@code **}). */
    public boolean suppressed() {
        return hidden(numeratorCount) || hidden(denominatorCount);
    }

    /** Whether the row is withheld by secondary suppression ({@code **}): not small itself, but it would reveal one. */
    public boolean secondarySuppressed() {
        return Disclosure.SECONDARY_SUPPRESSED.equals(numeratorCount);
    }

    private static boolean hidden(String count) {
        return Disclosure.SUPPRESSED.equals(count) || Disclosure.SECONDARY_SUPPRESSED.equals(count);
    }
}
