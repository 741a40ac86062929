package org.wardstream.rules;

import java.io.Serializable;

/**
 * A per-patient override that was not applied, with the reason (for the caller to log and count).
 *
 * @param key    the override key as given, e.g. {@code tachycardia.rateBpm}
 * @param value  the value as given
 * @param reason why it was refused, e.g. {@code must be between 60 and 250 bpm (was 20)}
 */
public record RejectedOverride(String key, Double value, String reason) implements Serializable {
    @Override
    public String toString() {
        return key + ": " + reason;
    }
}
