package org.wardstream.bench;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;

/**
 * What a run on the broker sends: the enrolments, then device-event records in delivery order, the first
 * {@link #n()} of them the throughput set and up to {@link #size()} in all (the second N for the state measurement).
 * {@link EventSet} holds them in memory; {@link OpeningEventSet} reads them from a spill file, for populations that
 * do not fit.
 */
interface RecordSource {
    int patients();

    /** Records in the throughput set. */
    int n();

    /** Records in all (up to 2N). */
    int size();

    /** Injected unknown-patient records among the first N: ingest holds them for the enrolment grace before refusing them. */
    int unknownPatientN();

    /** Every enrolment to the enrolments topic. */
    void sendEnrolments(Producer<byte[], byte[]> producer, Callback check);

    /**
     * Records {@code from} to {@code to} (exclusive) to the device-events topic with their delivery time as the
     * record timestamp.
     *
     * @param partition the partition, or null for the producer's choice
     * @param check     called for each send, or null
     */
    void sendRecords(int from, int to, Producer<byte[], byte[]> producer, Integer partition, Callback check);
}
