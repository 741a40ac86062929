package org.wardstream.equity.job;

import org.apache.flink.api.common.functions.MapFunction;
import org.wardstream.equity.io.Recomputation;

/**
 * A recomputation's rows leave every sink (the topics as PostgreSQL) with its generation ({@link Recomputation}): the
 * compacted topic keeps, under the key of a stratum the recomputation no longer has, the live job's row at a higher
 * revision, and only the generation tells a reader that row is older than the window's recomputed rows (closing 20).
 */
final class RecomputedGeneration implements MapFunction<EquityRowOut, EquityRowOut> {
    private static final long serialVersionUID = 1L;
    private final Recomputation recomputation;

    RecomputedGeneration(Recomputation recomputation) {
        this.recomputation = recomputation;
    }

    @Override
    public EquityRowOut map(EquityRowOut row) {
        return new EquityRowOut(row.view, row.key, row.revision, RowJson.withGeneration(row.json, recomputation));
    }
}
