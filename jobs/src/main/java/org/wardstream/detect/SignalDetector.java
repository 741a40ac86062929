package org.wardstream.detect;

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
import org.wardstream.detector.DetectorState;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.detector.Reading;
import org.wardstream.episodes.Transition;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.Rules;

/**
 * Per patient, the signal stage: a Flink adapter around {@link PatientDetector}, which holds every decision. This
 * operator loads and stores the patient's {@link DetectorState} (one versioned byte array), keeps the readings the
 * detector holds during a backlog upload (list state), keeps the one event-time timer the detector asks for, and
 * emits the detector's transitions (as {@link EpisodeSignal}s, for {@link EpisodeAlerter}) and its
 * {@link PatternCue}s (side output {@link #CUES}, for {@link CompoundPatterns}).
 */
public final class SignalDetector extends KeyedCoProcessFunction<String, DeviceReading, EnrolmentUpdate, EpisodeSignal> {
    private static final long serialVersionUID = 1L;
    /** The side output of cues for the CEP patterns. */
    public static final OutputTag<PatternCue> CUES = new OutputTag<>("pattern-cues") {
    };

    private final Rules rules;

    private transient ValueState<PatientProfile> profile;
    private transient ValueState<byte[]> detectorState;
    private transient ListState<DeviceReading> held;
    private transient KeyedTimer timer;
    private transient LegacyDetectorState legacy;
    private transient ProfileRules<PatientDetector> detectors;
    private transient Counter outOfOrderBeats;

    public SignalDetector(Rules rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        profile = ctx.getState(new ValueStateDescriptor<>("detector-profile", TypeInformation.of(PatientProfile.class)));
        detectorState = ctx.getState(new ValueStateDescriptor<>("patient-detector",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        held = ctx.getListState(new ListStateDescriptor<>("backlog-held", TypeInformation.of(DeviceReading.class)));
        timer = new KeyedTimer(ctx.getState(new ValueStateDescriptor<>("detector-timer", Types.LONG)));
        legacy = new LegacyDetectorState(ctx);
        detectors = new ProfileRules<>(rules, PatientDetector::new);
        outOfOrderBeats = IngestMetrics.counter(ctx.getMetricGroup(), IngestMetrics.OUT_OF_ORDER_BEATS);
    }

    @Override
    public void processElement1(DeviceReading r, Context ctx, Collector<EpisodeSignal> out) throws Exception {
        DetectorState s = load();
        Reading reading = Readings.of(r);
        PatientDetector.Arrival arrival = PatientDetector.arrive(s, reading);
        if (arrival == PatientDetector.Arrival.HOLD) {
            held.add(r);
            detectorState.update(s.toBytes());
            return;
        }
        PatientProfile p = profile.value();
        PatientDetector detector = detectors.of(p);
        PatientDetector.Output emit = emit(ctx, out);
        if (arrival == PatientDetector.Arrival.RELEASE_THEN_ANALYSE) {
            List<Reading> readings = new ArrayList<>();
            held.get().forEach(h -> readings.add(Readings.of(h)));
            held.clear();
            detector.releaseHeld(s, r.patientId, programmeOf(ctx.getCurrentKey()), readings, emit);
        }
        detector.analyse(s, r.patientId, programmeOf(ctx.getCurrentKey()), reading, emit);
        save(s, detector, ctx);
    }

    @Override
    public void processElement2(EnrolmentUpdate update, Context ctx, Collector<EpisodeSignal> out) throws Exception {
        if (update.isTombstone()) {
            profile.clear();
            detectorState.clear();
            legacy.clear();
            held.clear();
            timer.delete(ctx.timerService());
        } else {
            profile.update(update.profile);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EpisodeSignal> out) throws Exception {
        timer.fired();
        DetectorState s = load();
        PatientDetector detector = detectors.of(profile.value());
        String key = ctx.getCurrentKey();
        detector.onTime(s, PatientKeys.patientOf(key), programmeOf(key), timestamp, emit(ctx, out));
        save(s, detector, ctx);
    }

    /** The programme in this patient's key (cues and transitions stay on the key they came from). */
    private String programmeOf(String key) throws Exception {
        String programme = PatientKeys.programmeOf(key);
        PatientProfile p = programme == null ? profile.value() : null;
        return programme != null ? programme : p == null ? null : p.programme;
    }

    private DetectorState load() throws Exception {
        byte[] bytes = detectorState.value();
        DetectorState old = bytes == null ? legacy.takeOver() : null; // a savepoint from before the one-value state
        return old != null ? old : DetectorState.fromBytes(bytes);
    }

    private void save(DetectorState s, PatientDetector detector, Context ctx) throws Exception {
        detectorState.update(s.toBytes());
        timer.moveTo(ctx.timerService(), detector.nextTimerMs(s));
    }

    /** The detector's output, as this operator's main and side outputs. */
    private PatientDetector.Output emit(Context ctx, Collector<EpisodeSignal> out) {
        return new PatientDetector.Output() {
            @Override
            public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
                out.collect(EpisodeSignal.of(t, programme, delayedByMs, receivedMs));
            }

            @Override
            public void cue(PatternCue cue) {
                ctx.output(CUES, cue);
            }

            @Override
            public void outOfOrderBeats(int n) {
                outOfOrderBeats.inc(n);
            }
        };
    }
}
