package org.wardstream.simulator;

import java.time.Instant;
import java.util.Comparator;

/**
 * One injected episode. {@code start} and {@code end} are the first and last instants the condition holds, in
 * device time (see the simulator README for each type's exact definition).
 *
 * @param episodeType one of {@link EpisodeTypes}
 */
public record GroundTruthEpisode(String patientId, String episodeType, Instant start, Instant end) {
    /** The order of {@code ground-truth.csv}: start, then patient, type and end. */
    public static final Comparator<GroundTruthEpisode> ORDER = Comparator.comparing(GroundTruthEpisode::start)
            .thenComparing(GroundTruthEpisode::patientId)
            .thenComparing(GroundTruthEpisode::episodeType)
            .thenComparing(GroundTruthEpisode::end);
}
