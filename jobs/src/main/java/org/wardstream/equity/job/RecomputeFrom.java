package org.wardstream.equity.job;

import java.time.LocalDate;

import org.apache.flink.api.common.functions.FilterFunction;
import org.wardstream.equity.io.Recomputation;

/**
 * A recomputation's {@code --recompute-from}: the rows of windows starting before it leave none of its sinks (the
 * topics and PostgreSQL), so the incomplete first month of the retained input never replaces complete figures.
 */
final class RecomputeFrom implements FilterFunction<EquityRowOut> {
    private static final long serialVersionUID = 1L;
    private final Recomputation recomputation;

    RecomputeFrom(Recomputation recomputation) {
        this.recomputation = recomputation;
    }

    @Override
    public boolean filter(EquityRowOut row) {
        return recomputation.writes(windowStart(row.key));
    }

    /** The window start in a row key ({@code programme|granularity|window_start|...}; a programme has no '|'). */
    static LocalDate windowStart(String key) {
        return LocalDate.parse(key.split("\\|", 4)[2]);
    }
}
