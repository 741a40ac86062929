package org.wardstream.ingest;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A patient's records that reach a keyed operator before the patient's enrolment reaches it on the operator's other
 * input. Enrolments may be published after a patient's first readings, and every operator reads the enrolments on
 * an input of its own: which input Flink delivers first depends on thread timing (a replay or a what-if run reads a
 * whole history at once), so a reading the {@link IngestGate} admitted can still overtake the enrolment at the
 * detector or the alerter. A record that overtakes it waits here (keyed list state) and is handled when the
 * enrolment arrives, with the patient's own rules and time zone, as it would have been in order. The gate bounds the
 * wait with its grace period; downstream, a tombstone drops what waits with the rest of the patient's state.
 */
public final class EnrolmentWait<T> {
    /** What the operator does with a record once the patient's profile is known. */
    public interface Handler<T> {
        void handle(T record) throws Exception;
    }

    private final ListState<T> waiting;

    public EnrolmentWait(RuntimeContext ctx, String stateName, Class<T> type) {
        waiting = ctx.getListState(new ListStateDescriptor<>(stateName, TypeInformation.of(type)));
    }

    /** @return whether {@code record} waits, because this operator has no profile for the patient yet */
    public boolean waits(T record, PatientProfile profile) throws Exception {
        if (profile != null) {
            return false;
        }
        waiting.add(record);
        return true;
    }

    /** Hands every waiting record to {@code handler}, in arrival order; call once the profile is stored. */
    public void release(Handler<T> handler) throws Exception {
        Iterable<T> stored = waiting.get();
        if (stored == null) {
            return;
        }
        List<T> records = new ArrayList<>();
        stored.forEach(records::add);
        waiting.clear();
        for (T record : records) {
            handler.handle(record);
        }
    }

    public void clear() {
        waiting.clear();
    }
}
