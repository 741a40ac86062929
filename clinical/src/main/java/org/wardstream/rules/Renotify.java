package org.wardstream.rules;

import java.io.Serializable;
import java.time.Duration;

/**
 * Re-notification while an episode stays open: {@code NEVER}, or {@code WHILE_OPEN} at most once per
 * {@code interval} (an UPDATED alert change "still ongoing").
 */
public record Renotify(Policy policy, Duration interval) implements Serializable {

    public enum Policy {
        NEVER("never"), WHILE_OPEN("while-open");

        private final String code;

        Policy(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public static final Renotify NEVER = new Renotify(Policy.NEVER, null);
}
