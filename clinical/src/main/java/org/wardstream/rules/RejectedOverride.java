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

    /** A key that names a rule's parameter ({@code <episode-type>.<parameter>}), not free text. */
    private static final java.util.regex.Pattern PARAMETER_NAME = java.util.regex.Pattern.compile("[a-z][a-z-]{0,40}\\.[A-Za-z_]{1,40}");
    /** Any run of 6 or more digits (an NHS number, a date of birth written as digits) in a reason. */
    private static final java.util.regex.Pattern LONG_NUMBER = java.util.regex.Pattern.compile("\\d{6,}");

    /**
     * What a log line or an operator may be shown: the key when it has the shape of a parameter name (else only that
     * it has not), and the reason with any run of 6 or more digits blanked; the enrolment's free text goes no further.
     */
    public String describe() {
        String k = key != null && PARAMETER_NAME.matcher(key).matches() ? key
                : "(a key that is not <episode-type>.<parameter>)";
        return k + ": " + LONG_NUMBER.matcher(reason).replaceAll("#");
    }
}
