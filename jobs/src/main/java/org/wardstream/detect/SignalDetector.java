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
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.PatientKeys;
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
 * <p>Readings are analysed in the order the patient's devices delivered them, not held back for the
 * watermark: a backlog uploaded hours late is analysed like live data (its alerts carry how delayed
 * they are). When a device announces a backlog ("reconnected, n readings buffered"), the backlog and
 * the live readings that interleave with its upload are held briefly and analysed in device-time order,
 * so each detector, and the CEP patterns downstream, still see the patient's events in order. Silence
 * becoming device-offline and waking hours ending run on event-time timers.
 *
 * <p>Each detector's state is a compact byte array (a few hundred bytes per patient in all).
 */
public final class SignalDetector extends KeyedCoProcessFunction<String, DeviceReading, EnrolmentUpdate, EpisodeSignal> {
    private static final long serialVersionUID = 1L;
    /** The side output of cues for the CEP patterns. */
    public static final OutputTag<PatternCue> CUES = new OutputTag<>("pattern-cues") {
    };
    /**
     * After a device announces a backlog, the patient's readings (the backlog, and live readings up to this
     * long after the reconnection) are held and analysed together in device-time order once live data has
     * moved beyond it: a backlog uploads in seconds, interleaved with live data. Not the announced count: a
     * count that is off would release live data mid-backlog.
     */
    static final long BACKLOG_WAIT_MS = 3 * 60_000L;
    /** At most this many readings are held for one backlog (about 3 days of one device); then they are analysed. */
    static final int MAX_HELD = 20_000;
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
    private transient ValueState<Long> lastReceived;
    private transient ValueState<Long> backlogUntil;
    private transient ListState<DeviceReading> held;
    private transient ValueState<Integer> heldCount;
    private transient ProfileRules<Detectors> detectors;
    private transient Counter outOfOrderBeats;

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
        lastReceived = ctx.getState(new ValueStateDescriptor<>("last-received", Types.LONG));
        backlogUntil = ctx.getState(new ValueStateDescriptor<>("backlog-until", Types.LONG));
        held = ctx.getListState(new ListStateDescriptor<>("backlog-held", TypeInformation.of(DeviceReading.class)));
        heldCount = ctx.getState(new ValueStateDescriptor<>("backlog-held-count", Types.INT));
        detectors = new ProfileRules<>(rules, Detectors::of);
        outOfOrderBeats = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.OUT_OF_ORDER_BEATS);
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

        /**
         * The next event time at which something is due. The wear tracker's silence runs on device time, but a
         * device that has just uploaded a backlog has been heard from: its silence counts from the last receipt.
         */
        long nextTimer(Long heardAt) {
            long next = d.wear().nextTimerMs(wear);
            if (next != Long.MIN_VALUE && heardAt != null) {
                next = Math.max(next, heardAt + d.wear().parameters().silenceLimitMs());
            }
            return next;
        }
    }

    @Override
    public void processElement1(DeviceReading r, Context ctx, Collector<EpisodeSignal> out) throws Exception {
        Long heard = lastReceived.value();
        if (heard == null || r.timeReceived > heard) {
            lastReceived.update(r.timeReceived);
        }
        Long until = backlogUntil.value();
        if (until != null) {
            Integer count = heldCount.value();
            int n = count == null ? 0 : count;
            if (r.time <= until + BACKLOG_WAIT_MS && n < MAX_HELD) {
                held.add(r); // the backlog and the live readings around it, analysed together in device-time order
                heldCount.update(n + 1);
                return;
            }
            releaseHeld(ctx, out); // live data has moved on: the backlog is in
        }
        if (r.kind == DeviceReading.Kind.STATUS && r.connectivity == DeviceReading.CONN_RECONNECTED
                && r.bufferedEvents > 0) {
            backlogUntil.update(r.time);
            heldCount.update(0);
        }
        Work w = new Work(r.patientId);
        analyse(w, r, ctx, out);
        finish(w, ctx);
    }

    /** Analyses the readings held during a backlog upload in device-time order, and leaves backlog mode. */
    private void releaseHeld(Context ctx, Collector<EpisodeSignal> out) throws Exception {
        List<DeviceReading> readings = new ArrayList<>();
        for (DeviceReading h : held.get()) {
            readings.add(h);
        }
        held.clear();
        heldCount.clear();
        backlogUntil.clear();
        if (readings.isEmpty()) {
            return;
        }
        readings.sort(java.util.Comparator.comparingLong(h -> h.time));
        Work w = new Work(readings.get(0).patientId); // one load and one save for the whole backlog
        for (DeviceReading h : readings) {
            analyse(w, h, ctx, out);
        }
        finish(w, ctx);
    }

    /** Feeds one reading to the detectors and emits the alert changes it causes (state is saved by the caller). */
    private void analyse(Work w, DeviceReading r, Context ctx, Collector<EpisodeSignal> out) {
        w.delayedByMs = r.lateByMs;
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
            lastReceived.clear();
            backlogUntil.clear();
            held.clear();
            heldCount.clear();
            timer.delete(ctx.timerService());
        } else {
            profile.update(update.profile);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EpisodeSignal> out) throws Exception {
        timer.fired();
        Work w = new Work(PatientKeys.patientOf(ctx.getCurrentKey()));
        w.programme = PatientKeys.programmeOf(ctx.getCurrentKey()); // the key's, so cues stay on this key
        Long heard = lastReceived.value();
        if (heard == null || heard + w.d.wear().parameters().silenceLimitMs() <= timestamp) {
            w.wearEvents(w.d.wear().onTime(w.wear, timestamp));
        }
        w.receivedMs = timestamp;
        emit(w, ctx, out);
        finish(w, ctx);
    }

    private void emit(Work w, Context ctx, Collector<EpisodeSignal> out) {
        for (Transition t : w.transitions) {
            out.collect(EpisodeSignal.of(t, w.programme, w.delayedByMs, w.receivedMs));
        }
        for (PatternCue c : w.cues) {
            ctx.output(CUES, c);
        }
        w.transitions.clear();
        w.cues.clear();
    }

    private void finish(Work w, Context ctx) throws IOException {
        w.save();
        long next = w.nextTimer(lastReceived.value());
        timer.moveTo(ctx.timerService(), next);
    }
}
