package org.wardstream.rules;

import java.util.Arrays;
import java.util.Optional;

/** Alert severity; the codes are FHIR R4 {@code Task.priority} (request-priority), in rising order. */
public enum Severity {
    ROUTINE("routine"),
    URGENT("urgent"),
    ASAP("asap"),
    STAT("stat");

    private final String code;

    Severity(String code) {
        this.code = code;
    }

    /** The FHIR request-priority code. */
    public String code() {
        return code;
    }

    public boolean isHigherThan(Severity other) {
        return compareTo(other) > 0;
    }

    public static Optional<Severity> fromCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
