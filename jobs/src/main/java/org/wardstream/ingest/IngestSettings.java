package org.wardstream.ingest;

import java.io.Serializable;
import java.time.Duration;

/**
 * Ingest tuning, with the defaults documented in docs/JOBS.md ("Ingest").
 *
 * @param futureTolerance     how far device time may lie after timeReceived before the event is refused
 * @param enrolmentGrace      how long (processing time) an event waits for its patient's enrolment
 * @param outOfOrderness      watermark bound: how far event time may go backwards before an event is late
 * @param idleness            a partition with no records for this long stops holding the watermark back
 * @param dedupHorizon        event ids are remembered for this long of receipt time (timeReceived)
 * @param dedupMaxIdsPerPatient hard cap on remembered ids per patient (oldest evicted first)
 */
public record IngestSettings(Duration futureTolerance, Duration enrolmentGrace, Duration outOfOrderness,
                             Duration idleness, Duration dedupHorizon, int dedupMaxIdsPerPatient)
        implements Serializable {

    public static IngestSettings defaults() {
        return new IngestSettings(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(5),
                Duration.ofSeconds(30), Duration.ofMinutes(30), 8192);
    }

    public IngestSettings withEnrolmentGrace(Duration grace) {
        return new IngestSettings(futureTolerance, grace, outOfOrderness, idleness, dedupHorizon,
                dedupMaxIdsPerPatient);
    }

    public IngestSettings withIdleness(Duration idle) {
        return new IngestSettings(futureTolerance, enrolmentGrace, outOfOrderness, idle, dedupHorizon,
                dedupMaxIdsPerPatient);
    }
}
