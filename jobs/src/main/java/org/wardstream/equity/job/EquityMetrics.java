package org.wardstream.equity.job;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.wardstream.ingest.IngestMetrics;

/** Names of the equity job's counters (user group {@code wardstream}, like the ingest counters). */
public final class EquityMetrics {
    /** Valid device readings the equity job read. */
    public static final String READINGS = "equityReadings";
    /** Device-event records that did not decode or validate (counted only: the detection job dead-letters them). */
    public static final String INVALID = "equityInvalidReadings";
    /** Episode or triage records that did not decode (counted and skipped). */
    public static final String UNDECODABLE = "equityUndecodableRecords";
    /** Enrolment records refused by {@link org.wardstream.contract.EnrolmentValidator} (the detection job's checks). */
    public static final String ENROLMENTS_REJECTED = "equityEnrolmentsRejected";
    /** Inputs for a day already emitted: the day is re-emitted with the next revision. */
    public static final String REVISED = "equityLateRevisions";
    /** Inputs for a day past its allowed lateness, by {@code input} (reading, episode, triage): not counted. */
    public static final String DROPPED_LATE = "equityDroppedLate";
    public static final String INPUT = "input";
    /** Patient-day records emitted (every revision). */
    public static final String DAYS_EMITTED = "equityPatientDays";
    /** Local days with data but no ACTIVE enrolment covering them: not part of any measure. */
    public static final String DAYS_WITHOUT_ENROLMENT = "equityDaysWithoutEnrolment";
    /** Aggregate windows emitted (every revision). */
    public static final String WINDOWS_EMITTED = "equityWindows";
    /**
     * Live job: calendar months emitted (any revision) once final by the clock (end + 12 h + allowed lateness): the
     * job was behind, and a recomputation submitted before owns the month (readers do not see this emission).
     */
    public static final String MONTHS_AFTER_FINAL = "equityMonthsAfterFinal";

    private EquityMetrics() {
    }

    public static Counter counter(MetricGroup group, String name) {
        return IngestMetrics.counter(group, name);
    }

    public static Counter droppedLate(MetricGroup group, String input) {
        return group.addGroup(IngestMetrics.GROUP).addGroup(INPUT, input).counter(DROPPED_LATE);
    }
}
