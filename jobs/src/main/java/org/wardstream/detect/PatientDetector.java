package org.wardstream.detect;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.EpisodeLifecycle;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
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
 * Per patient: runs the plain-Java detectors ({@link RrAnalyser} for AF and pauses,
 * {@link HeartRateThresholds} for tachycardia and bradycardia, {@link WearActivityTracker} for
 * wear, inactivity and device-offline) over the admitted readings, turns their derived events into
 * episode transitions and those, through {@link EpisodeLifecycle} and the patient's rules, into
 * alert state changes. A thin adapter: every decision is in the clinical module.
 *
 * <p>Readings are analysed in the order the patient's devices delivered them, not held back for the
 * watermark: a backlog uploaded hours late is analysed like live data (its alerts carry how delayed
 * they are). When a device announces a backlog ("reconnected, n readings buffered"), the backlog and
 * the live readings that interleave with its upload are held briefly and analysed in device-time order,
 * so each detector still sees the patient's readings in order. Time-driven changes (silence becoming device-offline, waking hours ending, episode
 * windows, re-notification) run on event-time timers.
 *
 * <p>Each detector's state is a compact byte array (a few hundred bytes per patient in all).
 */
public final class PatientDetector extends KeyedCoProcessFunction<String, DeviceReading, EnrolmentUpdate, AlertEvent> {
    private static final long serialVersionUID = 1L;
    private static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/London");
    private static final BeatQuality[] QUALITY = {BeatQuality.CLEAN, BeatQuality.ARTEFACT, BeatQuality.GAP};
    /**
     * After a device announces a backlog, the patient's readings (the backlog, and live readings up to this
     * long after the reconnection) are held and analysed together in device-time order once live data has
     * moved beyond it: a backlog uploads in seconds, interleaved with live data. Not the announced count: a
     * count that is off would release live data mid-backlog.
     */
    static final long BACKLOG_WAIT_MS = 3 * 60_000L;
    /** At most this many readings are held for one backlog (about 3 days of one device); then they are analysed. */
    static final int MAX_HELD = 20_000;

    private final Rules rules;

    private transient ValueState<PatientProfile> profile;
    private transient ValueState<byte[]> rrState;
    private transient ValueState<byte[]> hrState;
    private transient ValueState<byte[]> wearState;
    private transient ValueState<byte[]> episodeState;
    private transient ValueState<Long> timer;
    private transient ValueState<Long> lastReceived;
    private transient ValueState<Long> backlogUntil;
    private transient ListState<DeviceReading> held;
    private transient ValueState<Integer> heldCount;
    private transient Map<String, Detectors> detectors;
    private transient Counter alertChanges;
    private transient Counter outOfOrderBeats;
    private transient Counter explainedByAf;

    public PatientDetector(Rules rules) {
        this.rules = rules;
    }

    /** The detectors for one time zone and set of overrides (shared by every patient with the same). */
    record Detectors(EffectiveRules rules, RrAnalyser rr, HeartRateThresholds hr, WearActivityTracker wear) {
        static Detectors of(EffectiveRules eff, ZoneId zone) {
            return new Detectors(eff, new RrAnalyser(RhythmRuleParameters.from(eff)),
                    new HeartRateThresholds(HeartRateParameters.from(eff, zone)),
                    new WearActivityTracker(WearActivityParameters.from(eff, zone)));
        }
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        profile = ctx.getState(new ValueStateDescriptor<>("detector-profile", TypeInformation.of(PatientProfile.class)));
        rrState = ctx.getState(new ValueStateDescriptor<>("rr-analyser", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        hrState = ctx.getState(new ValueStateDescriptor<>("hr-thresholds", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        wearState = ctx.getState(new ValueStateDescriptor<>("wear-activity", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        episodeState = ctx.getState(new ValueStateDescriptor<>("episodes", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        timer = ctx.getState(new ValueStateDescriptor<>("detector-timer", Types.LONG));
        lastReceived = ctx.getState(new ValueStateDescriptor<>("last-received", Types.LONG));
        backlogUntil = ctx.getState(new ValueStateDescriptor<>("backlog-until", Types.LONG));
        held = ctx.getListState(new ListStateDescriptor<>("backlog-held", TypeInformation.of(DeviceReading.class)));
        heldCount = ctx.getState(new ValueStateDescriptor<>("backlog-held-count", Types.INT));
        detectors = new HashMap<>();
        alertChanges = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.ALERT_CHANGES);
        outOfOrderBeats = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.OUT_OF_ORDER_BEATS);
        explainedByAf = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.TACHYCARDIA_EXPLAINED_BY_AF);
    }

    private Detectors detectorsFor(PatientProfile p) {
        String zone = p == null || p.timeZone == null ? DEFAULT_ZONE.getId() : p.timeZone;
        Map<String, Double> overrides = p == null ? Map.of() : new TreeMap<>(p.thresholdOverrides);
        return detectors.computeIfAbsent(zone + "|" + overrides, k -> {
            ZoneId z;
            try {
                z = ZoneId.of(zone);
            } catch (RuntimeException e) {
                z = DEFAULT_ZONE;
            }
            return Detectors.of(rules.forPatient(overrides), z);
        });
    }

    /** The patient's working state for one call. */
    private final class Work {
        final String patient;
        final Detectors d;
        final RrAnalyserState rr;
        final HeartRateState hr;
        final WearActivityState wear;
        final PatientEpisodes episodes;
        final List<Transition> transitions = new ArrayList<>();

        Work(String patient) throws IOException {
            this.patient = patient;
            this.d = detectorsFor(profile.value());
            byte[] rrBytes = rrState.value();
            this.rr = rrBytes == null ? new RrAnalyserState() : RrAnalyserState.fromBytes(rrBytes);
            byte[] hrBytes = hrState.value();
            this.hr = hrBytes == null ? new HeartRateState() : HeartRateState.fromBytes(hrBytes);
            byte[] wearBytes = wearState.value();
            this.wear = wearBytes == null ? new WearActivityState() : WearActivityState.fromBytes(wearBytes);
            this.episodes = PatientEpisodes.fromBytes(episodeState.value());
        }

        void wearEvents(List<WearActivityEvent> events) {
            for (WearActivityEvent e : events) {
                transitions.addAll(Transitions.fromWearActivity(patient, e));
            }
        }

        void save() throws IOException {
            rrState.update(rr.toBytes());
            hrState.update(hr.toBytes());
            wearState.update(wear.toBytes());
            episodeState.update(episodes.toBytes());
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
            for (EpisodeType type : EpisodeType.values()) {
                EpisodeState s = episodes.byType[type.ordinal()];
                if (s != null) {
                    long t = EpisodeLifecycle.nextTimerMs(s, d.rules().rule(type));
                    if (t != Long.MIN_VALUE && (next == Long.MIN_VALUE || t < next)) {
                        next = t;
                    }
                }
            }
            return next;
        }
    }

    @Override
    public void processElement1(DeviceReading r, Context ctx, Collector<AlertEvent> out) throws Exception {
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
        analyse(w, r, out);
        finish(w, ctx);
    }

    /** Analyses the readings held during a backlog upload in device-time order, and leaves backlog mode. */
    private void releaseHeld(Context ctx, Collector<AlertEvent> out) throws Exception {
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
            analyse(w, h, out);
        }
        finish(w, ctx);
    }

    /** Feeds one reading to the detectors and emits the alert changes it causes (state is saved by the caller). */
    private void analyse(Work w, DeviceReading r, Collector<AlertEvent> out) {
        switch (r.kind) {
            case RR_BATCH -> {
                long beat = r.rrStart;
                for (int i = 0; i < r.rrMs.length; i++) {
                    beat += r.rrMs[i];
                    boolean inOrder = w.d.rr().onBeat(w.rr, beat, r.rrMs[i], QUALITY[r.rrQuality[i]], ev -> {
                        w.transitions.addAll(Transitions.fromRhythm(w.patient, ev));
                        if (ev instanceof PauseEvent p) {
                            w.wearEvents(w.d.wear().onPause(w.wear, p.endMs()));
                        }
                    });
                    if (!inOrder) {
                        outOfOrderBeats.inc();
                    }
                }
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
        emit(w, r.lateByMs, r.timeReceived, r.programme, out);
    }

    @Override
    public void processElement2(EnrolmentUpdate update, Context ctx, Collector<AlertEvent> out) throws Exception {
        if (update.isTombstone()) {
            profile.clear();
            rrState.clear();
            hrState.clear();
            wearState.clear();
            episodeState.clear();
            lastReceived.clear();
            backlogUntil.clear();
            held.clear();
            heldCount.clear();
            Long t = timer.value();
            if (t != null) {
                ctx.timerService().deleteEventTimeTimer(t);
                timer.clear();
            }
        } else {
            profile.update(update.profile);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        timer.clear();
        Work w = new Work(ctx.getCurrentKey());
        Long heard = lastReceived.value();
        if (heard == null || heard + w.d.wear().parameters().silenceLimitMs() <= timestamp) {
            w.wearEvents(w.d.wear().onTime(w.wear, timestamp));
        }
        for (EpisodeType type : EpisodeType.values()) {
            EpisodeState s = w.episodes.byType[type.ordinal()];
            if (s != null) {
                long due = EpisodeLifecycle.nextTimerMs(s, w.d.rules().rule(type));
                if (due != Long.MIN_VALUE && due <= timestamp) {
                    w.transitions.add(Transition.tick(w.patient, type, timestamp, Transitions.detectorVersion(type)));
                }
            }
        }
        PatientProfile p = profile.value();
        emit(w, 0, timestamp, p == null ? null : p.programme, out);
        finish(w, ctx);
    }

    private void emit(Work w, long delayedByMs, long receivedMs, String programme, Collector<AlertEvent> out) {
        long now = System.currentTimeMillis();
        for (Transition t : w.transitions) {
            if (Transitions.explainedByAf(t, w.episodes.byType[EpisodeType.ATRIAL_FIBRILLATION.ordinal()])) {
                explainedByAf.inc();
                continue;
            }
            for (AlertChange c : EpisodeLifecycle.onTransition(w.episodes.of(t.type()), t, w.d.rules())) {
                alertChanges.inc();
                out.collect(AlertEvent.of(c, programme, delayedByMs, receivedMs, now));
            }
        }
        w.transitions.clear();
    }

    private void finish(Work w, Context ctx) throws IOException {
        w.save();
        long next = w.nextTimer(lastReceived.value());
        Long current = timer.value();
        if (current != null && current != next) {
            ctx.timerService().deleteEventTimeTimer(current);
            timer.clear();
        }
        if (next != Long.MIN_VALUE && (current == null || current != next)) {
            ctx.timerService().registerEventTimeTimer(next);
            timer.update(next);
        }
    }
}
