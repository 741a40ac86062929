package org.wardstream.detect;

import java.util.List;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.detector.DetectorState;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.detector.Reading;
import org.wardstream.ingest.DeadLetter;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.EnrolmentWait;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.RejectedOverride;
import org.wardstream.rules.Rules;
import org.wardstream.signals.TravelZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per patient, the signal stage: a Flink adapter around {@link PatientDetector}, which holds every decision. It keeps
 * the patient's {@link DetectorState} and the readings the detector holds ({@link DetectorStateHandles}), the
 * patient's profile (readings that overtake it wait for it, within bounds: {@link EnrolmentWait}) and the one
 * event-time timer the detector asks for, and emits, on one stream in the order the detector derived them, its
 * {@link PatternCue}s and its transitions (as {@link PatternCue.Transit}s), for the patterns of
 * {@link CompoundPatterns} and then {@link EpisodeAlerter}; and the readings it does not analyse ({@link #DEAD_LETTERS}).
 */
public final class SignalDetector extends KeyedCoProcessFunction<String, DeviceReading, EnrolmentUpdate, PatternCue> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SignalDetector.class);
    /**
     * Side output, for the DLQ: readings not analysed in order ({@code out-of-order}), repeating readings already
     * analysed ({@code already-analysed}) or unenrolled ({@code unknown-patient}).
     */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("detector-dead-letters",
            TypeInformation.of(DeadLetter.class));

    /** The keyed state holding the {@link DetectorState} object. */
    static final String STATE_NAME = "patient-detector-state";
    /** Its byte-array form before issue 19 (read once per patient after an upgrade). */
    static final String BYTES_STATE_NAME = "patient-detector";
    /**
     * The event-time timer of an alerting start that came before the job had any event time ({@link #startAlerting}):
     * it fires at the first watermark. No detector timer is ever this early (they are device times).
     */
    static final long FIRST_WATERMARK = Long.MIN_VALUE + 1;

    private final Rules rules;
    private final long enrolmentGraceMs;
    private transient ValueState<PatientProfile> profile;
    private transient DetectorStateHandles state;
    private transient KeyedTimer timer;
    /** An alerting start waiting for the first watermark: the enrolment's record time, or MIN_VALUE when it had none. */
    private transient ValueState<Long> alertingStartPending;
    private transient EnrolmentWait<DeviceReading> waitingForEnrolment;
    private transient ProfileRules<PatientDetector> detectors;
    private transient DetectorOutput.Counters counters;
    private transient DetectorRefusals refusals;
    private transient Counter overridesRejected;
    /** When the patient's alerting last stopped (paused, discharged, withdrawn) and when it resumed after that. */
    private transient ValueState<Long> alertingStoppedAt;
    private transient ValueState<Long> alertingResumedAt;
    private transient Counter recordedWhileNotMonitored;
    /**
     * The UTC offset (minutes) of the patient's device while it says the patient is away from home
     * ({@link TravelZone}): their waking hours follow it; empty at home (probe 21b D1).
     */
    private transient AwayOffsetState awayOffset;

    public SignalDetector(Rules rules, IngestSettings settings) {
        this.rules = rules;
        this.enrolmentGraceMs = settings.enrolmentGrace().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        profile = ctx.getState(new ValueStateDescriptor<>("detector-profile", TypeInformation.of(PatientProfile.class)));
        state = new DetectorStateHandles(ctx);
        timer = new KeyedTimer(ctx.getState(new ValueStateDescriptor<>("detector-timer", Types.LONG)));
        alertingStartPending = ctx.getState(new ValueStateDescriptor<>("detector-alerting-start-pending", Types.LONG));
        waitingForEnrolment = EnrolmentWait.downstream(ctx, "detector", DeviceReading.class, DeviceReading::publishedMs,
                enrolmentGraceMs);
        detectors = new ProfileRules<>(rules, PatientDetector::new);
        counters = DetectorOutput.Counters.of(ctx.getMetricGroup());
        refusals = new DetectorRefusals(ctx.getMetricGroup());
        overridesRejected = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.OVERRIDES_REJECTED);
        alertingStoppedAt = ctx.getState(new ValueStateDescriptor<>("detector-alerting-stopped-at", Types.LONG));
        alertingResumedAt = ctx.getState(new ValueStateDescriptor<>("detector-alerting-resumed-at", Types.LONG));
        recordedWhileNotMonitored = IngestMetrics.counter(ctx.getMetricGroup(),
                IngestMetrics.RECORDED_WHILE_NOT_MONITORED);
        awayOffset = new AwayOffsetState(ctx.getState(new ValueStateDescriptor<>("detector-away-offset-minutes",
                Types.INT)));
    }

    @Override
    public void processElement1(DeviceReading r, Context ctx, Collector<PatternCue> out) throws Exception {
        PatientProfile p = profile.value(); // read once per reading (a state access; on RocksDB a get)
        if (waitingForEnrolment.admit(r, p, ctx.timerService(), unenrolled(ctx))) {
            analyse(r, p, ctx, out); // with the patient's own rules and zone
        }
    }

    private void analyse(DeviceReading r, PatientProfile p, Context ctx, Collector<PatternCue> out) throws Exception {
        if (recordedWhileNotMonitored(r, p)) {
            recordedWhileNotMonitored.inc();
            return;
        }
        DetectorState s = state.load();
        Reading reading = Readings.of(r);
        PatientDetector detector = detectors.of(p, localOffset(r, p, ctx.getCurrentKey()));
        var emit = new DetectorOutput(out, counters);
        String programme = programmeOf(ctx.getCurrentKey());
        PatientDetector.Arrival arrival = detector.arrive(s, r.patientId, programme, reading, emit);
        if (arrival == PatientDetector.Arrival.RELEASE_FIRST) {
            detector.releaseHeld(s, r.patientId, programme, state.takeHeld(), reading.receivedMs(), emit);
            arrival = detector.arrive(s, r.patientId, programme, reading, emit);
        }
        switch (arrival) {
            case HOLD -> state.hold(r);
            case DEAD_LETTER -> refusals.refuse(r, DeadLetterReason.OUT_OF_ORDER, PatientDetector.tooOldDetail(s, reading), ctx);
            case ALREADY_ANALYSED -> refusals.refuse(r, DeadLetterReason.ALREADY_ANALYSED,
                    PatientDetector.alreadyAnalysedDetail(s, reading), ctx);
            default -> detector.analyse(s, r.patientId, programme, reading, emit);
        }
        save(s, detector, ctx);
    }

    /**
     * Whether {@code r}, arriving while the patient's alerts are on, was recorded (device time) between the last time
     * they stopped and the time they resumed: a buffer of the pause (the watch worn in hospital) uploaded at home. It
     * is not analysed: TRIAGE.md, "nothing is alerted while paused, ... nor a clinical alert (the watch worn in
     * hospital)" (probe 20a D3: its AF raised an alert dated inside the pause). Readings recorded before the pause
     * began are analysed as before; only the latest pause is remembered.
     */
    private boolean recordedWhileNotMonitored(DeviceReading r, PatientProfile p) throws Exception {
        if (p == null || !p.alerting()) {
            return false;
        }
        Long resumed = alertingResumedAt.value(); // null unless a pause ended; live readings are past it: one read
        if (resumed == null || r.time >= resumed) {
            return false;
        }
        Long stopped = alertingStoppedAt.value();
        return stopped != null && r.time >= stopped;
    }

    /**
     * Where the patient is by {@code r}'s UTC offset ({@link TravelZone#awayOffset}: null at home), remembered for the
     * time-driven work between readings (waking hours ending, inactivity). Per reading: the home zone is parsed once
     * per zone ({@link ProfileRules#homeZoneOf}) and the state is touched only for another patient or a changed offset.
     */
    private Integer localOffset(DeviceReading r, PatientProfile p, String key) throws Exception {
        Integer away = TravelZone.awayOffset(detectors.homeZoneOf(p), r.time, r.utcOffsetMinutes);
        awayOffset.set(key, away);
        return away;
    }

    /** The enrolment record's time, else the job's event time, else null (not known yet). */
    private static Long recordTime(Context ctx) {
        Long recordMs = ctx.timestamp();
        long eventTime = ctx.timerService().currentWatermark();
        return recordMs != null ? Long.valueOf(recordMs) : eventTime == Long.MIN_VALUE ? null : Long.valueOf(eventTime);
    }

    @Override
    public void processElement2(EnrolmentUpdate update, Context ctx, Collector<PatternCue> out) throws Exception {
        if (update.isTombstone()) {
            // readings held to put a backlog in order belonged to the ended enrolment: dead letters, as those that
            // arrive after the tombstone (probe 20a D4: they vanished with the state, counted processed)
            for (DeviceReading r : state.takeHeldReadings()) {
                refusals.refuse(r, DeadLetterReason.UNKNOWN_PATIENT, "held to analyse a backlog in device-time order "
                        + "when the patient's enrolment was erased (tombstone): not analysed", ctx);
            }
            profile.clear();
            state.clear();
            clearAlertingStart(ctx);
            alertingStoppedAt.clear();
            alertingResumedAt.clear();
            awayOffset.clear(ctx.getCurrentKey());
            timer.delete(ctx.timerService());
            waitingForEnrolment.unenrolled(ctx.timerService(), ctx.timestamp(), unenrolled(ctx));
        } else {
            PatientProfile before = profile.value();
            profile.update(update.profile);
            if (before == null || !before.rulesKey().equals(update.profile.rulesKey())) {
                reportRefusedOverrides(ctx.getCurrentKey(), update.profile);
            }
            boolean changed = before != null && before.alerting() != update.profile.alerting();
            if (changed || before == null && update.profile.alerting()) {
                DetectorState s = state.load();
                PatientDetector detector = detectors.of(update.profile, awayOffset.value(ctx.getCurrentKey()));
                if (changed) {
                    // alerts stop (discharged, withdrawn, paused: the alert stage closes the open ones) or resume: the
                    // detectors forget their open episodes, so data after a re-enrolment start afresh (an episode the
                    // detector kept open would never START again, and the alert stage, which closed it, would stay
                    // silent)
                    detector.monitoringChanged(s);
                }
                if (update.profile.alerting()) {
                    startAlerting(s, detector, ctx); // a device silent from now on raises device-offline
                    if (changed) { // resumed: a buffer of the pause uploaded from now on is not analysed
                        Long at = recordTime(ctx);
                        if (at == null || alertingStoppedAt.value() == null) {
                            alertingStoppedAt.clear();
                            alertingResumedAt.clear();
                        } else {
                            alertingResumedAt.update(at);
                        }
                    }
                } else {
                    clearAlertingStart(ctx);
                    Long at = recordTime(ctx);
                    if (at == null) {
                        alertingStoppedAt.clear();
                    } else {
                        alertingStoppedAt.update(at);
                    }
                    alertingResumedAt.clear();
                }
                save(s, detector, ctx);
            }
            waitingForEnrolment.enrolled(ctx.timerService(), r -> analyse(r, update.profile, ctx, out));
        }
    }

    /**
     * The patient's threshold overrides that the rules refuse (a misspelt parameter, a value outside its range): the
     * rule's own value applies, so the clinician who set it must be told (probe 20a D5: they were ignored silently).
     * Logged once per enrolment record that sets them, with the patient key (programme and pseudonym) and a
     * description that carries no free text of the enrolment ({@link RejectedOverride#describe}), and counted.
     */
    private void reportRefusedOverrides(String key, PatientProfile p) {
        if (p.thresholdOverrides == null || p.thresholdOverrides.isEmpty()) {
            return;
        }
        for (RejectedOverride r : rules.forPatient(p.thresholdOverrides).rejected()) {
            overridesRejected.inc();
            LOG.warn("Threshold override refused for patient {}: {}; the rule's own value applies", key, r.describe());
        }
    }

    /**
     * The patient's alerting starts (a new enrolment, ACTIVE) or resumes (a pause ended, enrolled again): the silence
     * clock starts then ({@link PatientDetector#monitoringStarted}), at the later of the enrolment record's time and
     * the job's event time (an enrolment read long after it was written, e.g. all of them by a job started without
     * state, starts it now, not in the past). Before the job has any event time (just started: it cannot tell whether
     * the patient's data since are still to be read) the start waits for the first watermark ({@link #FIRST_WATERMARK}).
     */
    private void startAlerting(DetectorState s, PatientDetector detector, Context ctx) throws Exception {
        Long recordMs = ctx.timestamp();
        long eventTime = ctx.timerService().currentWatermark();
        if (eventTime == Long.MIN_VALUE) {
            alertingStartPending.update(recordMs == null ? Long.MIN_VALUE : recordMs);
            ctx.timerService().registerEventTimeTimer(FIRST_WATERMARK);
        } else {
            detector.monitoringStarted(s, recordMs == null ? eventTime : Math.max(recordMs, eventTime));
        }
    }

    /** Forgets an alerting start still waiting for the first watermark, and its timer. */
    private void clearAlertingStart(Context ctx) throws Exception {
        if (alertingStartPending.value() != null) {
            alertingStartPending.clear();
            ctx.timerService().deleteEventTimeTimer(FIRST_WATERMARK);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PatternCue> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) { // the enrolment wait's deadline
            waitingForEnrolment.expire(timestamp, unenrolled(ctx));
            return;
        }
        if (timestamp == FIRST_WATERMARK) { // the job's first event time: a pending alerting start begins
            Long pending = alertingStartPending.value();
            alertingStartPending.clear();
            PatientProfile p = profile.value();
            if (pending != null && p != null && p.alerting()) {
                DetectorState s = state.load();
                PatientDetector detector = detectors.of(p, awayOffset.value(ctx.getCurrentKey()));
                detector.monitoringStarted(s, Math.max(pending, ctx.timerService().currentWatermark()));
                save(s, detector, ctx);
            }
            return;
        }
        timer.fired();
        DetectorState s = state.load();
        String key = ctx.getCurrentKey();
        PatientDetector detector = detectors.of(profile.value(), awayOffset.value(key));
        List<Reading> due = PatientDetector.releaseDue(s, timestamp) ? state.takeHeld() : List.of();
        detector.onTime(s, PatientKeys.patientOf(key), programmeOf(key), timestamp, due,
                new DetectorOutput(out, counters));
        save(s, detector, ctx);
    }

    /** The programme in this patient's key (cues and transitions stay on the key they came from). */
    private String programmeOf(String key) throws Exception {
        String programme = PatientKeys.programmeOf(key);
        PatientProfile p = programme == null ? profile.value() : null;
        return programme != null ? programme : p == null ? null : p.programme;
    }

    /** Readings dropped while waiting for an enrolment, or after an unenrolment: dead letters. */
    private EnrolmentWait.Dropped<DeviceReading> unenrolled(Context ctx) {
        return (r, why) -> refusals.refuse(r, DeadLetterReason.UNKNOWN_PATIENT, why, ctx);
    }

    private void save(DetectorState s, PatientDetector detector, Context ctx) throws Exception {
        state.save(s);
        timer.moveTo(ctx.timerService(), detector.nextTimerMs(s));
    }
}
