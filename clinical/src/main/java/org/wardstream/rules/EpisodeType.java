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
    DEVICE_OFFLINE("device-offline"),
    /**
     * Technical: a patient whose devices sent beat-to-beat (RR) intervals sends none for the silence limit while heart
     * rate goes on arriving (a chest strap's battery flat beside a watch): AF and pause monitoring have stopped.
     */
    BEAT_TO_BEAT_OFFLINE("beat-to-beat-offline");

    private final String code;

    EpisodeType(String code) {
        this.code = code;
    }

    /** The public code, e.g. {@code atrial-fibrillation}. */
    public String code() {
        return code;
    }

    /**
     * Whether alerts of this type are technical (about the monitoring itself: check the device), not clinical findings:
     * device-offline and beat-to-beat-offline. Counted apart from clinical alerts (equity), filtered apart (worklist).
     */
    public boolean technical() {
        return this == DEVICE_OFFLINE || this == BEAT_TO_BEAT_OFFLINE;
    }

    public static Optional<EpisodeType> fromCode(String code) {
        return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
