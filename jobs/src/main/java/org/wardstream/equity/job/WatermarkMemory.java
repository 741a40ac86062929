package org.wardstream.equity.job;

import java.util.List;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The equity job's event time across a restart. Flink does not checkpoint watermarks: after every restore (a failure
 * recovery, an upgrade from a savepoint) an operator's watermark is {@link Long#MIN_VALUE} until the first one
 * arrives, and until then the patient-day operator took any late input as on time: a backlog reading for a month long
 * final created its day again, and the window operator, whose state for that month was purged, published the month
 * again (revision 0) holding that one patient-day, over the complete figures (checked in
 * {@code RestartLateDayTest}). Each operator keeps the watermark it had seen in its checkpoint (union operator state,
 * a long per subtask) and, after a restore, uses the lowest of them until its own watermark passes it.
 */
final class WatermarkMemory {
    private ListState<Long> stored;
    private long restored = Long.MIN_VALUE;
    private long seen = Long.MIN_VALUE;

    void initialize(FunctionInitializationContext context, String name) throws Exception {
        stored = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(name, Types.LONG));
        if (context.isRestored()) {
            long lowest = Long.MAX_VALUE;
            for (Long w : stored.get()) {
                lowest = Math.min(lowest, w);
            }
            restored = lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
        }
    }

    /** The event time to judge lateness by: the operator's watermark, or the restored one while it is higher. */
    long effective(long current) {
        if (current != Long.MAX_VALUE && current > seen) {
            seen = current;
        }
        return Math.max(current, restored);
    }

    void snapshot() throws Exception {
        long w = Math.max(seen, restored);
        stored.update(w == Long.MIN_VALUE ? List.of() : List.of(w));
    }
}
