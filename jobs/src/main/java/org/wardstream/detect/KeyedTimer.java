package org.wardstream.detect;

import java.io.IOException;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The one event-time timer an operator keeps per patient (its time in keyed state), moved to the next due
 * time after every change, so a patient never has more than one pending timer.
 */
final class KeyedTimer {
    private final ValueState<Long> due;

    KeyedTimer(ValueState<Long> due) {
        this.due = due;
    }

    /** Moves the timer to {@code next}, or removes it when {@code next} is {@link Long#MIN_VALUE} (nothing due). */
    void moveTo(TimerService timers, long next) throws IOException {
        Long current = due.value();
        if (current != null && current != next) {
            timers.deleteEventTimeTimer(current);
            due.clear();
        }
        if (next != Long.MIN_VALUE && (current == null || current != next)) {
            timers.registerEventTimeTimer(next);
            due.update(next);
        }
    }

    /** The timer has fired. */
    void fired() {
        due.clear();
    }

    void delete(TimerService timers) throws IOException {
        moveTo(timers, Long.MIN_VALUE);
    }
}
