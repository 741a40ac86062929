package org.wardstream.simulator;

import java.util.List;

/** The episode-type codes of the alert and ground-truth contracts (DESIGN.md). */
public final class EpisodeTypes {
    public static final String ATRIAL_FIBRILLATION = "atrial-fibrillation";
    public static final String TACHYCARDIA = "tachycardia";
    public static final String BRADYCARDIA = "bradycardia";
    public static final String PAUSE = "pause";
    public static final String INACTIVITY = "inactivity";
    public static final String DEVICE_OFFLINE = "device-offline";

    public static final List<String> ALL =
            List.of(ATRIAL_FIBRILLATION, TACHYCARDIA, BRADYCARDIA, PAUSE, INACTIVITY, DEVICE_OFFLINE);

    private EpisodeTypes() {
    }
}
