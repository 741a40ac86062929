package org.wardstream.equity.job;

import java.time.LocalDate;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.wardstream.equity.io.Recomputation;

/**
 * A recomputation's rows on their way to every sink (the topics as PostgreSQL), in one operator:
 * <ul>
 * <li>the rows of windows starting before its {@code --recompute-from} are left out, so the incomplete first month of
 * the retained input never replaces complete figures;</li>
 * <li>each row carries its window's generation ({@link Recomputation#generationOf}): the compacted topic keeps, under
 * the key of a stratum the recomputation no longer has, the live job's row at a higher revision, and only the
 * generation tells a reader that row is older than the window's recomputed rows (closing 20);</li>
 * <li>a row of a generation above 0 goes to the topics under its own message key, {@code <row key>|<generation>}: under
 * the row key, the live job's next emission of the window (from its uncorrected state) replaced the recomputed row on
 * the compacted topic, and a reader of the compacted topic lost the correction (session 22). The row key itself (the
 * JSON's {@code key}, the PostgreSQL {@code row_key}) is unchanged.</li>
 * </ul>
 */
final class RecomputedRows implements FlatMapFunction<EquityRowOut, EquityRowOut> {
    private static final long serialVersionUID = 1L;
    private final Recomputation recomputation;

    RecomputedRows(Recomputation recomputation) {
        this.recomputation = recomputation;
    }

    @Override
    public void flatMap(EquityRowOut row, Collector<EquityRowOut> out) {
        if (!recomputation.writes(windowStart(row.key))) {
            return;
        }
        String json = RowJson.withGeneration(row.json, recomputation);
        out.collect(new EquityRowOut(row.view, messageKey(row.key, RowJson.generation(json)), row.revision, json));
    }

    /** The message key of a row of {@code generation} on the topics: the row key, with the generation when above 0. */
    static String messageKey(String rowKey, long generation) {
        return generation == Recomputation.LIVE ? rowKey : rowKey + "|" + generation;
    }

    /** The window start in a row key ({@code programme|granularity|window_start|...}; a programme has no '|'). */
    static LocalDate windowStart(String key) {
        return LocalDate.parse(key.split("\\|", 4)[2]);
    }
}
