package org.wardstream.simulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link Simulator#run} emitted: exactly what a consumer must account for.
 *
 * @param deviceEvents      every device-event record emitted (readings + duplicates + malformed)
 * @param enrolments        enrolment records emitted
 * @param duplicates        byte-identical re-sends among {@code deviceEvents}
 * @param malformedByReason injected faults among {@code deviceEvents}, by dead-letter reason code (all six codes
 *                          present, zero when none)
 * @param episodesByType    ground-truth episodes by episode-type code (all six codes present)
 */
public record SimulationManifest(long deviceEvents, long enrolments, long duplicates,
                                 Map<String, Long> malformedByReason, Map<String, Long> episodesByType) {
    public SimulationManifest {
        malformedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(malformedByReason));
        episodesByType = Collections.unmodifiableMap(new LinkedHashMap<>(episodesByType));
    }

    public long malformed() {
        return malformedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Real readings: what a correct ingest processes. */
    public long readings() {
        return deviceEvents - duplicates - malformed();
    }
}
