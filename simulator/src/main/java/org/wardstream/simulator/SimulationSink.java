package org.wardstream.simulator;

import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;

/** Where {@link Simulator#run} sends what it generates: Kafka, replay files, or a test. Called from one thread. */
public interface SimulationSink {
    /** One enrolment (all of them come before the first device event); {@code value} null is a tombstone. */
    void enrolment(PatientKey key, Enrolment value);

    /** One device-event record, in delivery order (non-decreasing {@link SimulatedRecord#timestampMs()}). */
    void deviceEvent(SimulatedRecord record);
}
