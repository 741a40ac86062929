package org.wardstream.ingest;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Names of the ingest counters. All live under the user group {@value #GROUP}; dead letters add a
 * {@code reason} key/value group, which the Prometheus reporter turns into a label. Counts
 * reconcile: consumed = processed + duplicate + sum(deadLetter by reason).
 */
public final class IngestMetrics {
    public static final String GROUP = "wardstream";
    public static final String CONSUMED = "ingestConsumed";
    public static final String PROCESSED = "ingestProcessed";
    public static final String DUPLICATE = "ingestDuplicate";
    public static final String LATE = "ingestLate";
    public static final String DEAD_LETTER = "ingestDeadLetter";
    public static final String REASON = "reason";
    public static final String ENROLMENTS_REJECTED = "enrolmentsRejected";

    private IngestMetrics() {
    }

    public static Counter counter(MetricGroup group, String name) {
        return group.addGroup(GROUP).counter(name);
    }

    public static Counter deadLetterCounter(MetricGroup group, String reasonCode) {
        return group.addGroup(GROUP).addGroup(REASON, reasonCode).counter(DEAD_LETTER);
    }
}
