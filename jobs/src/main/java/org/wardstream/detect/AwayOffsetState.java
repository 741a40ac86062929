package org.wardstream.detect;

import java.io.IOException;

import org.apache.flink.api.common.state.ValueState;
import org.wardstream.signals.TravelZone;

/**
 * The patient's away offset ({@link TravelZone}: the UTC offset, minutes, of their device while it says they are away
 * from home; none at home) in keyed state, and the value of the one patient last read or written through it: a run of
 * readings of one patient whose offset stays as it was (at home, nearly always) then costs no state access. The keyed
 * state is the source of truth: what is remembered is only what this operator instance last read from it or wrote to
 * it for that key, and every access goes through here; a job restored from a checkpoint (or rescaled) opens new
 * instances, which remember nothing and read the state first. Create it in {@code open()}.
 */
final class AwayOffsetState {
    private final ValueState<Integer> state;
    /** The key whose state value is {@link #known}; null: none. */
    private String knownKey;
    private Integer known;

    AwayOffsetState(ValueState<Integer> state) {
        this.state = state;
    }

    /** The current patient's away offset ({@code key}: the current key); null at home. */
    Integer value(String key) throws IOException {
        if (!key.equals(knownKey)) {
            known = state.value();
            knownKey = key;
        }
        return known;
    }

    /** Sets the current patient's away offset ({@code away}, null at home), writing the state only when it changes. */
    void set(String key, Integer away) throws IOException {
        Integer before = value(key);
        if (away == null && before != null) {
            state.clear();
        } else if (away != null && !away.equals(before)) {
            state.update(away);
        }
        known = away;
    }

    /** Forgets the current patient's away offset (their enrolment is erased). */
    void clear(String key) {
        state.clear();
        knownKey = key;
        known = null;
    }
}
