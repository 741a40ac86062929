package org.wardstream.detect;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.wardstream.arrival.ArrivalOrder;
import org.wardstream.arrival.ArrivalState;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.ingest.DeadLetter;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rhythm.RhythmSegment;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;
import org.wardstream.rules.Rules;
import org.wardstream.signals.HeartRateParameters;
import org.wardstream.signals.HeartRateState;
import org.wardstream.signals.HeartRateThresholds;
import org.wardstream.signals.RhythmRuleParameters;
import org.wardstream.signals.WearActivityEvent;
import org.wardstream.signals.WearActivityParameters;
import org.wardstream.signals.WearActivityState;
import org.wardstream.signals.WearActivityTracker;
import org.wardstream.signals.WearSignal;

/**
 * Per patient, the signal stage: runs the plain-Java detectors ({@link RrAnalyser} for AF and pauses,
 * {@link HeartRateThresholds} for tachycardia and bradycardia, {@link WearActivityTracker} for wear,
 * inactivity and device-offline) over the admitted readings and emits their derived, low-rate events: the
 * episode {@link Transition}s (as {@link EpisodeSignal}s, for {@link EpisodeAlerter}) and the
 * {@link PatternCue}s of the compound CEP patterns (side output {@link #CUES}, for {@link CompoundPatterns}).
 * A thin adapter: every decision is in the clinical module.
 *
 * <p>Readings are not held back for the watermark: a backlog uploaded hours late is analysed like live data
 * (its alerts carry how delayed they are). {@link ArrivalOrder} decides from the data alone, whether or not the
 * device announces a reconnection, which readings are held briefly and analysed in device-time order (a backlog
 * and the live readings interleaved with its upload), so each detector, and the CEP patterns downstream, see the
 * patient's events in order; a reading too old to analyse in order is dead-lettered ({@link #DEAD_LETTERS}).
 * Silence becoming device-offline, waking hours ending and the release of held readings run on event-time timers.
 *
 * <p>Each detector's state is a compact byte array (a few hundred bytes per patient in all).
 */
public final class SignalDetector extends KeyedCoProcessFunction<String, DeviceReading, EnrolmentUpdate, EpisodeSignal> {
    private static final long serialVersionUID = 1L;
    /** The side output of cues for the CEP patterns. */
    public static final OutputTag<PatternCue> CUES = new OutputTag<>("pattern-cues") {
    };
    /** Side output of readings that cannot be analysed in order (reason {@code out-of-order}), for the DLQ. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("detector-dead-letters",
            TypeInformation.of(DeadLetter.class));
    /** Which readings are held and analysed in device-time order, and which cannot be analysed (plain Java). */
    static final ArrivalOrder ORDER = new ArrivalOrder(ArrivalOrder.Parameters.defaults());
    /**
     * Weight of each new AF segment's rate in the smoothed AF rate (an exponentially weighted mean over about
     * the last seven 8-beat segments, some 30 s): one short segment's rate, noisy over 8 beats, neither
     * starts nor breaks a fast run; the rate-control target is defined on the mean rate, not on single beats.
     */
    static final double AF_RATE_SMOOTHING = 0.15;

    private final Rules rules;

    private transient ValueState<PatientProfile> profile;
    private transient ValueState<byte[]> rrState;
    private transient ValueState<byte[]> hrState;
    private transient ValueState<byte[]> wearState;
    /** The smoothed ventricular rate of the ongoing AF episode, bpm (absent outside AF). */
    private transient ValueState<Float> afRate;
    private transient KeyedTimer timer;
    /** {@link ArrivalState} (held readings, newest analysed, last receipt, reconnection). */
    private transient ValueState<byte[]> arrivalState;
    /** Format before {@link ArrivalState}: read once to migrate state from older savepoints, then cleared. */
    private transient ValueState<Long> legacyLastReceived;
    private transient ValueState<Long> legacyBacklogUntil;
    private transient ValueState<Integer> legacyHeldCount;
    private transient ListState<DeviceReading> held;
    private transient ProfileRules<Detectors> detectors;
    private transient Counter outOfOrderBeats;
    private transient Counter processed;
    private transient Counter outOfOrderReadings;

    public SignalDetector(Rules rules) {
        this.rules = rules;
    }

    /** The detectors for one time zone and set of overrides (shared by every patient with the same). */
    record Detectors(RrAnalyser rr, HeartRateThresholds hr, WearActivityTracker wear, double fastRateBpm,
                     long fastRateMinMs, long stillnessWithinMs, long stillnessSpanMs) {
        static Detectors of(EffectiveRules eff, ZoneId zone) {
            Rule af = eff.rule(EpisodeType.ATRIAL_FIBRILLATION);
            Rule pause = eff.rule(EpisodeType.PAUSE);
            return new Detectors(new RrAnalyser(RhythmRuleParameters.from(eff)),
                    new HeartRateThresholds(HeartRateParameters.from(eff, zone)),
                    new WearActivityTracker(WearActivityParameters.from(eff, zone)),
                    af.number("fastRateBpm"), af.millis("fastRateMinDuration"), pause.millis("stillnessWithin"),
                    pause.millis("stillnessWithin") + pause.millis("stillnessMinDuration"));
        }
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        profile = ctx.getState(new ValueStateDescriptor<>("detector-profile", TypeInformation.of(PatientProfile.class)));
        rrState = ctx.getState(new ValueStateDescriptor<>("rr-analyser", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        hrState = ctx.getState(new ValueStateDescriptor<>("hr-thresholds", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        wearState = ctx.getState(new ValueStateDescriptor<>("wear-activity", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        afRate = ctx.getState(new ValueStateDescriptor<>("af-rate", Types.FLOAT));
        timer = new KeyedTimer(ctx.getState(new ValueStateDescriptor<>("detector-timer", Types.LONG)));
        arrivalState = ctx.getState(new ValueStateDescriptor<>("arrival-order", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        legacyLastReceived = ctx.getState(new ValueStateDescriptor<>("last-received", Types.LONG));
        legacyBacklogUntil = ctx.getState(new ValueStateDescriptor<>("backlog-until", Types.LONG));
        legacyHeldCount = ctx.getState(new ValueStateDescriptor<>("backlog-held-count", Types.INT));
        held = ctx.getListState(new ListStateDescriptor<>("backlog-held", TypeInformation.of(DeviceReading.class)));
        detectors = new ProfileRules<>(rules, Detectors::of);
        outOfOrderBeats = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.OUT_OF_ORDER_BEATS);
        // a reading ingest admitted (processed) but that cannot be analysed leaves as a dead letter instead
        processed = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.PROCESSED);
        outOfOrderReadings = IngestMetrics.deadLetterCounter(ctx.getMetricGroup(), DeadLetterReason.OUT_OF_ORDER.code());
    }

    /** The patient's working state for one call. */
    private final class Work {
        final String patient;
        final Detectors d;
        final RrAnalyserState rr;
        final HeartRateState hr;
        final WearActivityState wear;
        /** Smoothed AF rate, or NaN outside AF. */
        double afRateBpm;
        /** The smoothed AF rate as loaded from state (NaN: none stored). */
        final double loadedAfRateBpm;
        final List<Transition> transitions = new ArrayList<>();
        final List<PatternCue> cues = new ArrayList<>();
        /** The reading being analysed (for the cues' delay and receipt; on a timer: 0 and the timer time). */
        long delayedByMs;
        long receivedMs;
        String programme;
        /** The patient's arrival state (for the end of a device-offline episode). */
        ArrivalState arrival = new ArrivalState();

        Work(String patient) throws IOException {
            this.patient = patient;
            PatientProfile p = profile.value();
            this.programme = p == null ? null : p.programme;
            this.d = detectors.of(p);
            byte[] rrBytes = rrState.value();
            this.rr = rrBytes == null ? new RrAnalyserState() : RrAnalyserState.fromBytes(rrBytes);
            byte[] hrBytes = hrState.value();
            this.hr = hrBytes == null ? new HeartRateState() : HeartRateState.fromBytes(hrBytes);
            byte[] wearBytes = wearState.value();
            this.wear = wearBytes == null ? new WearActivityState() : WearActivityState.fromBytes(wearBytes);
            Float rate = afRate.value();
            this.afRateBpm = rate == null ? Double.NaN : rate;
            this.loadedAfRateBpm = afRateBpm;
        }

        void wearEvents(List<WearActivityEvent> events) {
            for (WearActivityEvent e : events) {
                transitions.addAll(Transitions.fromWearActivity(patient, e));
                if (e instanceof WearActivityEvent.StillFor still) {
                    PatternCue c = cue(PatternCue.Kind.STILL_FOR, still.atMs());
                    c.sinceMs = still.stillSinceMs();
                    cues.add(c);
                }
            }
        }

        /** The pattern cues of a rhythm event (its transitions are added by {@link DetectorPath#rrBatch}). */
        void rhythmCues(RhythmEvent e) {
            if (e instanceof PauseEvent p) {
                PatternCue c = cue(PatternCue.Kind.PAUSE, p.endMs());
                c.sinceMs = p.startMs();
                c.windowMs = d.stillnessWithinMs();
                c.spanMs = d.stillnessSpanMs();
                cues.add(c);
            } else if (e instanceof AfOnset on) {
                afRateBpm = Double.NaN;
                afRate(on.emittedAtMs(), on.meanRateBpm());
            } else if (e instanceof RhythmSegment seg && seg.afActive()) {
                afRate(seg.endMs(), seg.meanRateBpm());
            } else if (e instanceof AfOffset off) {
                afRateBpm = Double.NaN;
                cues.add(cue(PatternCue.Kind.AF_END, off.offsetMs()));
            }
        }

        /** An AF_RATE cue with the smoothed rate; it starts a fast run when the smoothed rate crosses fastRateBpm. */
        private void afRate(long atMs, double segmentRateBpm) {
            boolean wasFast = afRateBpm > d.fastRateBpm(); // false while NaN
            afRateBpm = Double.isNaN(afRateBpm) ? segmentRateBpm
                    : afRateBpm + AF_RATE_SMOOTHING * (segmentRateBpm - afRateBpm);
            PatternCue c = cue(PatternCue.Kind.AF_RATE, atMs);
            c.rateBpm = afRateBpm;
            c.fast = afRateBpm > d.fastRateBpm();
            c.fastFrom = c.fast && !wasFast;
            c.windowMs = d.fastRateMinMs();
            cues.add(c);
        }

        private PatternCue cue(PatternCue.Kind kind, long atMs) {
            return PatternCue.of(kind, patient, programme, atMs, delayedByMs, receivedMs);
        }

        void save() throws IOException {
            rrState.update(rr.toBytes());
            hrState.update(hr.toBytes());
            wearState.update(wear.toBytes());
            // written only when it changed: outside AF (most readings of most patients) this is no state access
            if (Double.isNaN(afRateBpm)) {
                if (!Double.isNaN(loadedAfRateBpm)) {
                    afRate.clear();
                }
            } else if (afRateBpm != loadedAfRateBpm) {
                afRate.update((float) afRateBpm);
            }
        }
    }

    @Override
    public void processElement1(DeviceReading r, Context ctx, Collector<EpisodeSignal> out) throws Exception {
        ArrivalState a = loadArrival();
        Work w = null;
        if (ORDER.heard(a, r.timeReceived, silenceLimitMs())) {
            // nothing received for the silence limit: the device was offline up to now, whatever device times its
            // uploaded backlog will show (it proves the silence, like a "reconnected" message; time only)
            w = new Work(r.patientId);
            w.arrival = a;
            w.receivedMs = r.timeReceived;
            w.wearEvents(w.d.wear().onTime(w.wear, r.timeReceived));
            emit(w, ctx, out);
        }
        ArrivalOrder.Action action = ORDER.onArrival(a, r.time, r.timeReceived);
        if (action == ArrivalOrder.Action.RELEASE_FIRST) {
            w = releaseHeld(a, w, ctx, out);
            action = ORDER.onArrival(a, r.time, r.timeReceived);
        }
        switch (action) {
            case HOLD -> held.add(r);
            case DEAD_LETTER -> {
                processed.dec();
                outOfOrderReadings.inc();
                ctx.output(DEAD_LETTERS, new DeadLetter(null, null, DeadLetterReason.OUT_OF_ORDER.code(),
                        ORDER.tooOldDetail(a, r.time), r.origin, r.brokerTimestamp, r.sourceLine));
            }
            default -> {
                w = w == null ? new Work(r.patientId) : w;
                analyse(w, a, r, ctx, out);
            }
        }
        finish(w, a, ctx);
    }

    private long silenceLimitMs() throws IOException {
        return detectors.of(profile.value()).wear().parameters().silenceLimitMs();
    }

    /** The arrival state; from a savepoint of the previous format, built from its last receipt and held backlog. */
    private ArrivalState loadArrival() throws Exception {
        byte[] bytes = arrivalState.value();
        if (bytes != null) {
            return ArrivalState.fromBytes(bytes);
        }
        ArrivalState a = new ArrivalState();
        Long heard = legacyLastReceived.value();
        if (heard != null) {
            a.lastReceivedMs = heard;
            Integer n = legacyHeldCount.value();
            if (legacyBacklogUntil.value() != null && n != null && n > 0) {
                a.holdSinceReceivedMs = heard; // a backlog held by the previous format: released after a hold
                a.heldCount = n;
            }
            legacyLastReceived.clear();
            legacyBacklogUntil.clear();
            legacyHeldCount.clear();
        }
        return a;
    }

    /** Analyses the held readings in device-time order and ends the hold; returns the working state used. */
    private Work releaseHeld(ArrivalState a, Work w, Context ctx, Collector<EpisodeSignal> out) throws Exception {
        List<DeviceReading> readings = new ArrayList<>();
        for (DeviceReading h : held.get()) {
            readings.add(h);
        }
        held.clear();
        ORDER.released(a);
        if (readings.isEmpty()) {
            return w;
        }
        ArrivalOrder.inAnalysisOrder(readings, h -> h.time);
        Work work = w == null ? new Work(readings.get(0).patientId) : w; // one load and one save for all
        for (DeviceReading h : readings) {
            analyse(work, a, h, ctx, out);
        }
        return work;
    }

    /** Feeds one reading to the detectors and emits the alert changes it causes (state is saved by the caller). */
    private void analyse(Work w, ArrivalState a, DeviceReading r, Context ctx, Collector<EpisodeSignal> out) {
        ORDER.analysed(a, r.time);
        w.arrival = a;
        w.delayedByMs = ORDER.reportedDelayMs(r.time, r.timeReceived);
        w.receivedMs = r.timeReceived;
        if (r.programme != null) {
            w.programme = r.programme;
        }
        switch (r.kind) {
            case RR_BATCH -> {
                // the same steps as `wardstream validate` (DetectorPath), plus the pattern cues
                int outOfOrder = DetectorPath.rrBatch(w.d.rr(), w.rr, w.patient, r.rrStart, r.rrMs, r.rrQuality,
                        w.transitions, ev -> {
                            w.rhythmCues(ev);
                            if (ev instanceof PauseEvent p) {
                                w.wearEvents(w.d.wear().onData(w.wear, p.endMs()));
                            }
                        });
                outOfOrderBeats.inc(outOfOrder);
                w.wearEvents(w.d.wear().onData(w.wear, r.time));
            }
            case HEART_RATE -> {
                w.wearEvents(w.d.wear().onData(w.wear, r.time));
                for (var e : w.d.hr().onSample(w.hr, r.time, r.bpm, w.wear.activityState(),
                        w.wear.lastStepsPerMinute)) {
                    w.transitions.addAll(Transitions.fromHeartRate(w.patient, e));
                }
            }
            case ACTIVITY -> {
                if (r.steps >= 0) {
                    w.wearEvents(w.d.wear().onActivity(w.wear, r.time, r.time + r.intervalSeconds * 1000L, r.steps));
                } else {
                    w.wearEvents(w.d.wear().onData(w.wear, r.time));
                }
            }
            case WEAR -> w.wearEvents(w.d.wear().onWear(w.wear, r.time, r.onBody ? WearSignal.ON_BODY
                    : "CHARGER".equals(r.wearMethod) ? WearSignal.CHARGING : WearSignal.OFF_BODY));
            case STATUS -> {
                // "Reconnected, n readings buffered" comes before the backlog it announces. It proves the silence
                // up to now (device-offline), but counting it as data would put the patient's clock after the
                // backlog, whose readings would then be out of order: advance time only.
                if (r.connectivity == DeviceReading.CONN_RECONNECTED && r.bufferedEvents > 0) {
                    w.wearEvents(w.d.wear().onTime(w.wear, r.time));
                } else {
                    w.wearEvents(w.d.wear().onData(w.wear, r.time));
                }
            }
        }
        emit(w, ctx, out);
    }

    @Override
    public void processElement2(EnrolmentUpdate update, Context ctx, Collector<EpisodeSignal> out) throws Exception {
        if (update.isTombstone()) {
            profile.clear();
            rrState.clear();
            hrState.clear();
            wearState.clear();
            afRate.clear();
            arrivalState.clear();
            legacyLastReceived.clear();
            legacyBacklogUntil.clear();
            legacyHeldCount.clear();
            held.clear();
            timer.delete(ctx.timerService());
        } else {
            profile.update(update.profile);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EpisodeSignal> out) throws Exception {
        timer.fired();
        ArrivalState a = loadArrival();
        Work w = null;
        long release = ORDER.releaseTimerMs(a);
        if (release != Long.MIN_VALUE && release <= timestamp) {
            w = releaseHeld(a, w, ctx, out); // no more data came: the hold ends
        }
        w = w == null ? new Work(ctx.getCurrentKey()) : w;
        w.arrival = a;
        w.delayedByMs = 0;
        if (a.lastReceivedMs == ArrivalState.NO_TIME
                || a.lastReceivedMs + w.d.wear().parameters().silenceLimitMs() <= timestamp) {
            w.wearEvents(w.d.wear().onTime(w.wear, timestamp));
        }
        w.receivedMs = timestamp;
        emit(w, ctx, out);
        finish(w, a, ctx);
    }

    private void emit(Work w, Context ctx, Collector<EpisodeSignal> out) {
        for (Transition t : w.transitions) {
            // device-offline ends at the reconnection, not at the first buffered reading (plain Java)
            t = ArrivalOrder.withOutageEnd(w.arrival, t);
            out.collect(EpisodeSignal.of(t, w.programme, w.delayedByMs, w.receivedMs));
        }
        for (PatternCue c : w.cues) {
            ctx.output(CUES, c);
        }
        w.transitions.clear();
        w.cues.clear();
    }

    /** Saves the state and keeps one timer at the earliest of the wear tracker's and the hold's due times. */
    private void finish(Work w, ArrivalState a, Context ctx) throws IOException {
        arrivalState.update(a.toBytes());
        Long heard = a.lastReceivedMs == ArrivalState.NO_TIME ? null : a.lastReceivedMs;
        long wear;
        if (w != null) {
            w.save();
            wear = nextWearTimer(w.d, w.wear, heard);
        } else { // held or dead-lettered: the detectors' state is unchanged, their timer is computed from it
            byte[] wearBytes = wearState.value();
            wear = nextWearTimer(detectors.of(profile.value()),
                    wearBytes == null ? new WearActivityState() : WearActivityState.fromBytes(wearBytes), heard);
        }
        long release = ORDER.releaseTimerMs(a);
        timer.moveTo(ctx.timerService(), release == Long.MIN_VALUE ? wear
                : wear == Long.MIN_VALUE ? release : Math.min(release, wear));
    }

    /**
     * The next event time at which the wear tracker has something due. Its silence runs on device time, but a
     * device that has just uploaded a backlog has been heard from: its silence counts from the last receipt.
     */
    private static long nextWearTimer(Detectors d, WearActivityState wear, Long heardAt) {
        long next = d.wear().nextTimerMs(wear);
        if (next != Long.MIN_VALUE && heardAt != null) {
            next = Math.max(next, heardAt + d.wear().parameters().silenceLimitMs());
        }
        return next;
    }
}
