package org.wardstream.detect;

import java.io.IOException;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.AlertClock;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.EpisodeLifecycle;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.EnrolmentWait;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * Per patient, the alert stage: runs each episode type's {@link EpisodeLifecycle} over the transitions from
 * the detectors and the escalations from the CEP patterns, with the patient's effective rules (overrides
 * from the enrolment apply from the next transition, no restart), and emits each alert state change once.
 * Time-driven changes (episode windows, AF minimum duration, re-notification) are ordered against the transitions by
 * {@link AlertClock} (clinical), from when each transition became known (its receipt; for released held readings the
 * time the detector's clock TICK gives; the latest so far is the patient's clock, {@link PatientEpisodes#clockMs}):
 * before a transition, the changes due by its time or known to be due before it became known; otherwise on this
 * operator's event-time timer, the settle time after the due time: the job's watermark out-of-orderness
 * ({@link IngestSettings#outOfOrderness}, 5 min by default; {@link AlertClock#settleMs}). The same order whichever of the
 * watermark and a transition thread timing delivers first, even for a transition dated before the due time (the
 * detectors back-date, e.g. an AF end to its first regular beat).
 * A transition that reaches this operator before the patient's enrolment does (the two come by different inputs, and
 * which is read first is thread timing: a replay or a what-if reads both at once) waits for it, so every alert is
 * decided with the patient's own rules and written in the patient's time zone; within bounds ({@link EnrolmentWait}:
 * up to the enrolment grace, and one whose evidence was received before the patient's unenrolment is dropped, counted).
 * A thin adapter: every decision is in the clinical module.
 */
public final class EpisodeAlerter extends KeyedCoProcessFunction<String, StreamedTransition, EnrolmentUpdate, StreamedAlertChange> {
    private static final long serialVersionUID = 1L;

    private final Rules rules;
    private final long enrolmentGraceMs;
    /** Its settle time is the job's watermark out-of-orderness ({@link IngestSettings#outOfOrderness}). */
    private final AlertClock alertClock;

    private transient ValueState<PatientProfile> profile;
    private transient ValueState<byte[]> episodeState;
    /** Transitions that arrived before the patient's enrolment, in arrival order (empty once it is known). */
    private transient EnrolmentWait<StreamedTransition> waitingForEnrolment;
    private transient KeyedTimer timer;
    private transient ProfileRules<EffectiveRules> effective;
    private transient Counter alertChanges;
    private transient Counter explainedByAf;
    private transient Map<String, Counter> byTypeAndState;
    private transient Histogram delay;

    public EpisodeAlerter(Rules rules, IngestSettings settings) {
        this.rules = rules;
        this.enrolmentGraceMs = settings.enrolmentGrace().toMillis();
        this.alertClock = new AlertClock(settings.outOfOrderness().toMillis());
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        profile = ctx.getState(new ValueStateDescriptor<>("alerter-profile", TypeInformation.of(PatientProfile.class)));
        episodeState = ctx.getState(new ValueStateDescriptor<>("episodes", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        waitingForEnrolment = EnrolmentWait.downstream(ctx, "alerter", StreamedTransition.class, s -> s.receivedMs,
                enrolmentGraceMs);
        timer = new KeyedTimer(ctx.getState(new ValueStateDescriptor<>("alerter-timer", Types.LONG)));
        effective = new ProfileRules<>(rules, (eff, zone) -> eff);
        alertChanges = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.ALERT_CHANGES);
        explainedByAf = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.TACHYCARDIA_EXPLAINED_BY_AF);
        byTypeAndState = new HashMap<>();
        delay = ctx.getMetricGroup().addGroup(IngestMetrics.GROUP)
                .histogram(IngestMetrics.EVENT_TO_ALERT_DELAY, new DescriptiveStatisticsHistogram(10_000));
    }

    @Override
    public void processElement1(StreamedTransition signal, Context ctx, Collector<StreamedAlertChange> out) throws Exception {
        PatientProfile p = profile.value();
        if (waitingForEnrolment.admit(signal, p, ctx.timerService(), EpisodeAlerter::dropped)) {
            handle(signal, p, ctx, out);
        }
    }

    private void handle(StreamedTransition signal, PatientProfile p, Context ctx, Collector<StreamedAlertChange> out)
            throws Exception {
        if (p != null && !p.alerting()) {
            // withdrawn, discharged or paused: no alert about a patient nobody monitors now; the alerts open at the
            // unenrolment or pause were closed then (closeOpenAlerts)
            return;
        }
        EffectiveRules eff = effective.of(p);
        PatientEpisodes episodes = PatientEpisodes.fromBytes(episodeState.value());
        // the patient's programme is part of each episode's id: the key's, the same for every change (timers too)
        Transition t = signal.toTransition().inProgramme(programmeOf(ctx.getCurrentKey(), p));
        // what fell due before this transition became known happens first, as its timer would have made it (whether
        // the watermark passed that time before this record arrived depends on thread timing, not on the input)
        boolean clock = t.kind() == Transition.Kind.TICK; // a TICK from the detector is its clock only (DetectorOutput)
        tickUpTo(episodes, eff, p, ctx.getCurrentKey(),
                alertClock.dueBefore(episodes.clockMs, clock ? AlertClock.NO_TIME : t.atMs(), signal.receivedMs), out);
        episodes.clockMs = AlertClock.advance(episodes.clockMs, signal.receivedMs);
        if (!clock) {
            apply(episodes, t, eff, p, signal.programme, signal.delayedByMs, signal.receivedMs, out);
            EpisodeState s = episodes.of(t.type());
            s.evidenceReceivedMs = signal.receivedMs;
            s.evidenceDelayedByMs = signal.delayedByMs;
        }
        finish(episodes, eff, ctx);
    }

    @Override
    public void processElement2(EnrolmentUpdate update, Context ctx, Collector<StreamedAlertChange> out) throws Exception {
        if (update.isTombstone()) {
            closeOpenAlerts(profile.value(), ctx, out); // before the erasure: the team's open alerts get their close
            profile.clear();
            episodeState.clear();
            timer.delete(ctx.timerService());
            waitingForEnrolment.unenrolled(ctx.timerService(), ctx.timestamp(), EpisodeAlerter::dropped);
        } else {
            profile.update(update.profile);
            waitingForEnrolment.enrolled(ctx.timerService(), signal -> handle(signal, update.profile, ctx, out));
            if (!update.profile.alerting()) {
                closeOpenAlerts(update.profile, ctx, out);
            }
        }
    }

    /**
     * The patient is unenrolled (a tombstone, or withdrawn or discharged) or paused: every alert still open closes
     * ({@link EpisodeLifecycle#onUnenrolment}, with the reason {@link AlertChange#PAUSED} for a pause), and what was
     * not alerted is forgotten; no alert is raised until the patient is ACTIVE again, and the detectors then start
     * afresh ({@link SignalDetector}).
     */
    private void closeOpenAlerts(PatientProfile p, Context ctx, Collector<StreamedAlertChange> out) throws IOException {
        byte[] bytes = episodeState.value();
        if (bytes == null) {
            return;
        }
        PatientEpisodes episodes = PatientEpisodes.fromBytes(bytes);
        EffectiveRules eff = effective.of(p);
        String key = ctx.getCurrentKey();
        String programme = programmeOf(key, p);
        long now = System.currentTimeMillis();
        for (EpisodeType type : EpisodeType.values()) {
            EpisodeState s = episodes.byType[type.ordinal()];
            if (s == null) {
                continue;
            }
            for (AlertChange c : EpisodeLifecycle.onUnenrolment(s, programme, PatientKeys.patientOf(key), type, eff,
                    Transitions.detectorVersion(type), p != null && p.paused() ? AlertChange.PAUSED : AlertChange.UNENROLLED)) {
                alertChanges.inc();
                Long at = ctx.timestamp(); // known when the unenrolment was
                out.collect(StreamedAlertChange.of(c, programme, 0, at == null ? c.atMs() : at, now)
                        .forPatient(p));
            }
        }
        finish(episodes, eff, ctx); // every episode idle now (one pending or held back is forgotten)
    }

    /** The patient's programme: the key's, always (tests key by the pseudonym alone: then the enrolment's, if any). */
    private static String programmeOf(String key, PatientProfile p) {
        String keyProgramme = PatientKeys.programmeOf(key);
        return keyProgramme != null ? keyProgramme : p != null ? p.programme : null;
    }

    /** A transition of a patient unenrolled, or never enrolled here within the grace: counted (EnrolmentWait), no more. */
    private static void dropped(StreamedTransition signal, String why) {
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StreamedAlertChange> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) { // the enrolment wait's deadline
            waitingForEnrolment.expire(timestamp, EpisodeAlerter::dropped);
            return;
        }
        timer.fired();
        PatientProfile p = profile.value();
        if (p != null && !p.alerting()) {
            return; // nothing is due for a patient whose alerts are off (closeOpenAlerts left every episode idle)
        }
        EffectiveRules eff = effective.of(p);
        PatientEpisodes episodes = PatientEpisodes.fromBytes(episodeState.value());
        // everything due by the watermark being reached, at once: Flink would fire the next timer (registered by
        // finish) within this same advance anyway, once per re-notification interval of a jump (fuzz22 F1)
        long reached = Math.max(timestamp, ctx.timerService().currentWatermark());
        tickUpTo(episodes, eff, p, ctx.getCurrentKey(), alertClock.dueBy(reached), out);
        finish(episodes, eff, ctx);
    }

    /** Every TICK due up to {@code limitMs}, each at its due time, in time order. */
    private void tickUpTo(PatientEpisodes episodes, EffectiveRules eff, PatientProfile p, String key, long limitMs,
                          Collector<StreamedAlertChange> out) throws IOException {
        long last = Long.MIN_VALUE;
        for (long due = skipMissedRenotifications(episodes, eff, limitMs); due != Long.MIN_VALUE && due <= limitMs
                && due > last; due = skipMissedRenotifications(episodes, eff, limitMs)) {
            tick(episodes, eff, p, key, due, out);
            last = due;
        }
    }

    /** Event time has reached {@code timestamp}: a TICK for every type with something due by then. */
    private void tick(PatientEpisodes episodes, EffectiveRules eff, PatientProfile p, String key, long timestamp,
                      Collector<StreamedAlertChange> out) throws IOException {
        for (EpisodeType type : EpisodeType.values()) {
            EpisodeState s = episodes.byType[type.ordinal()];
            if (s != null) {
                long due = EpisodeLifecycle.nextTimerMs(s, eff.rule(type));
                if (due != Long.MIN_VALUE && due <= timestamp) {
                    // time alone: raised when its evidence was received, if after this time (a backlog), with its delay
                    boolean later = s.evidenceReceivedMs != EpisodeState.NO_TIME && s.evidenceReceivedMs > timestamp;
                    apply(episodes, Transition.tick(PatientKeys.patientOf(key), type, timestamp,
                                    Transitions.detectorVersion(type)).inProgramme(programmeOf(key, p)),
                            eff, p, PatientKeys.programmeOf(key), later ? s.evidenceDelayedByMs : 0,
                            later ? s.evidenceReceivedMs : timestamp, out);
                }
            }
        }
    }

    /**
     * @param p the patient's enrolment (null: none known), for what it adds to each alert: the time zone of its local
     *          times and a pacemaker ({@link StreamedAlertChange#forPatient})
     */
    private void apply(PatientEpisodes episodes, Transition t, EffectiveRules eff, PatientProfile p, String programme,
                       long delayedByMs, long receivedMs, Collector<StreamedAlertChange> out) throws IOException {
        long now = System.currentTimeMillis();
        // the same steps as `wardstream validate` (DetectorPath)
        DetectorPath.lifecycle(List.of(t), episodes::of, eff, c -> {
            alertChanges.inc();
            byTypeAndState.computeIfAbsent(c.type().code() + "|" + c.kind(), k -> IngestMetrics.alertCounter(
                    getRuntimeContext().getMetricGroup(), c.type().code(), c.kind().name())).inc();
            if (c.kind() == AlertChange.Kind.OPENED || c.kind() == AlertChange.Kind.ESCALATED) {
                delay.update(Math.max(0, now - receivedMs));
            }
            out.collect(StreamedAlertChange.of(c, programme, delayedByMs, receivedMs, now).forPatient(p));
        }, explainedByAf::inc);
    }

    /** Saves the episodes and keeps one event-time timer to decide the earliest TICK that can change something. */
    private void finish(PatientEpisodes episodes, EffectiveRules eff, Context ctx) throws IOException {
        episodeState.update(episodes.toBytes());
        timer.moveTo(ctx.timerService(), alertClock.timerMs(nextTimerMs(episodes, eff), episodes.clockMs));
    }

    /**
     * {@link #nextTimerMs} after {@link EpisodeLifecycle#skipMissedRenotifications}: event time that jumps many
     * re-notification intervals at once re-notifies once, not once an interval (fuzz22 F1).
     */
    private static long skipMissedRenotifications(PatientEpisodes episodes, EffectiveRules eff, long limitMs) {
        for (EpisodeType type : EpisodeType.values()) {
            EpisodeState s = episodes.byType[type.ordinal()];
            if (s != null) {
                EpisodeLifecycle.skipMissedRenotifications(s, eff.rule(type), limitMs);
            }
        }
        return nextTimerMs(episodes, eff);
    }

    /** The earliest time a TICK can change something for any type, or {@link Long#MIN_VALUE}. */
    private static long nextTimerMs(PatientEpisodes episodes, EffectiveRules eff) {
        long next = Long.MIN_VALUE;
        for (EpisodeType type : EpisodeType.values()) {
            EpisodeState s = episodes.byType[type.ordinal()];
            if (s != null) {
                long t = EpisodeLifecycle.nextTimerMs(s, eff.rule(type));
                if (t != Long.MIN_VALUE && (next == Long.MIN_VALUE || t < next)) {
                    next = t;
                }
            }
        }
        return next;
    }
}
