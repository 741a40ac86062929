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
    /**
     * Ingest: a device's clock offset became trusted (or changed): its readings are rebased (DeviceClockOffsets);
     * logged with the patient key.
     */
    public static final String CLOCK_OFFSET_APPLIED = "deviceClockOffsetApplied";
    /** Ingest: a device's clock offset was dropped (its clock reports within the tolerance again). */
    public static final String CLOCK_OFFSET_DROPPED = "deviceClockOffsetDropped";
    /** Ingest: readings accepted with their device times rebased by their device's clock offset. */
    public static final String CLOCK_REBASED = "clockRebasedReadings";
    /** Ingest (gauge, per source reader): devices whose readings are being rebased by a clock offset now. */
    public static final String DEVICES_WITH_CLOCK_OFFSET = "devicesWithClockOffset";
    /**
     * Records (readings at the gate and the detector, transitions at the alerter) that waited for their patient's
     * enrolment longer than the enrolment grace and were dropped (readings: dead-lettered {@code unknown-patient}).
     */
    public static final String ENROLMENT_WAIT_EXPIRED = "enrolmentWaitExpired";
    /**
     * Detection: records published before their patient's unenrolment (a tombstone) that reached the detector or the
     * alerter after it, and were dropped (readings: dead-lettered {@code unknown-patient}) rather than held.
     */
    public static final String DROPPED_AFTER_UNENROLMENT = "droppedAfterUnenrolment";
    /** Detection: alert state changes emitted (each becomes one Bundle on {@code alerts}). */
    public static final String ALERT_CHANGES = "alertChanges";
    /** Detection: beats that arrived out of device-time order for their patient and were skipped. */
    public static final String OUT_OF_ORDER_BEATS = "outOfOrderBeatsSkipped";
    /**
     * Detection: heart-rate samples not after their patient's last analysed heart-rate sample (within the reorder
     * bound; older ones are dead-lettered out-of-order), skipped.
     */
    public static final String OUT_OF_ORDER_SAMPLES = "outOfOrderSamplesSkipped";
    /**
     * Detection: RR batches at which a patient's beat clock was re-anchored, because an earlier batch of the patient
     * had claimed more time than passed (a mis-encoded interval) and this later batch's beats all lay before the clock.
     */
    public static final String BEAT_CLOCK_REANCHORS = "beatClockReanchors";
    /**
     * Detection: clean RR intervals outside 200-60,000 ms in batches ingest accepted (at most half of a batch), analysed
     * as excluded (an artefact below, a gap above): never irregularity, never a pause.
     */
    public static final String IMPLAUSIBLE_BEATS = "implausibleBeatsExcluded";
    /**
     * Detection: heart-rate samples left out because their device rated them below the quality floor
     * ({@code HeartRateParameters.DEFAULT_MIN_SIGNAL_QUALITY}; their device still counts as reporting).
     */
    public static final String UNRELIABLE_HEART_RATE = "unreliableHeartRateSkipped";
    /**
     * Detection: patients' analyses restarted because their data continued on an earlier clock (a device clock set
     * back, a late upload after newer data; {@code ArrivalOrder}).
     */
    public static final String EARLIER_CLOCK_RESTARTS = "earlierClockRestarts";
    /**
     * Detection: per-patient threshold overrides the rules refused (unknown parameter, outside its range, in conflict
     * with the patient's other values): the rule's own value applies; each is logged (WARN) with the patient key.
     */
    public static final String OVERRIDES_REJECTED = "overridesRejected";
    /**
     * Detection: readings recorded while the patient's alerting was paused or ended that arrived after it resumed
     * (a watch worn in hospital uploading its buffer at home): processed, not analysed, so they raise no alert.
     */
    public static final String RECORDED_WHILE_NOT_MONITORED = "readingsRecordedWhileNotMonitored";
    /** Detection: tachycardia starts not alerted because an open AF episode explains them (AF escalates instead). */
    public static final String TACHYCARDIA_EXPLAINED_BY_AF = "tachycardiaExplainedByAf";
    /** Alert state changes by episode type and state: group {@value #EPISODE_TYPE} / {@value #STATE}, counter {@value #ALERTS}. */
    public static final String ALERTS = "alerts";
    public static final String EPISODE_TYPE = "episodeType";
    public static final String STATE = "state";
    /** Histogram of event-to-alert delay (emitted minus evidence received) of OPENED and ESCALATED alerts, ms. */
    public static final String EVENT_TO_ALERT_DELAY = "eventToAlertDelayMs";

    private IngestMetrics() {
    }

    public static Counter counter(MetricGroup group, String name) {
        return group.addGroup(GROUP).counter(name);
    }

    /** Counter of alert state changes of one episode type and state (OPENED, UPDATED, ESCALATED, CLOSED). */
    public static Counter alertCounter(MetricGroup group, String episodeType, String state) {
        return group.addGroup(GROUP).addGroup(EPISODE_TYPE, episodeType).addGroup(STATE, state).counter(ALERTS);
    }

    public static Counter deadLetterCounter(MetricGroup group, String reasonCode) {
        return group.addGroup(GROUP).addGroup(REASON, reasonCode).counter(DEAD_LETTER);
    }
}
