package org.wardstream.rules;

import java.util.Arrays;
import java.util.Optional;

/**
 * The episode types wardstream alerts on. The codes are a public contract (FHIR CodeSystem
 * {@code https://wardstream.org/fhir/CodeSystem/episode-type}, the simulator's ground truth, the rule file
 * names {@code alert-rules/<code>.yaml}); they never change.
 */
public enum EpisodeType {
    ATRIAL_FIBRILLATION("atrial-fibrillation"),
    TACHYCARDIA("tachycardia"),
    BRADYCARDIA("bradycardia"),
    PAUSE("pause"),
    INACTIVITY("inactivity"),
    DEVICE_OFFLINE("device-offline");

    private final String code;

    EpisodeType(String code) {
        this.code = code;
    }

    /** The public code, e.g. {@code atrial-fibrillation}. */
    public String code() {
        return code;
    }

    public static Optional<EpisodeType> fromCode(String code) {
        return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
