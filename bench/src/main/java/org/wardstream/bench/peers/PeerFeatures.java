package org.wardstream.bench.peers;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.wardstream.detect.ProfileRules;
import org.wardstream.detect.Readings;
import org.wardstream.detector.DetectorState;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.detector.Reading;
import org.wardstream.episodes.Transition;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rhythm.RhythmSegment;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.rhythm.SegmentClass;
import org.wardstream.rules.Rules;
import org.wardstream.signals.MinuteBucket;
import org.wardstream.signals.WearActivityState;

/**
 * The signal extraction the peer engines share with the detection stage, in plain Java: per patient, the same
 * {@link org.wardstream.rhythm.RrAnalyser} (rhythm segments, data-gap resets, AF state) and
 * {@link org.wardstream.signals.WearActivityTracker} (worn / at rest) and the heart rate it reads (the device's
 * heart-rate samples, or, when none is recent, a rate a minute from the RR intervals:
 * {@link org.wardstream.signals.RrHeartRate}, one source at a time), built by the same {@link PatientDetector},
 * over the readings in the order the detection stage analyses them (its arrival order: the hold-and-sort of a
 * backlog, readings too old to analyse in order left out), turned into {@link PeerRow}s. The peers then express the two <i>rules</i> (sustained tachycardia at
 * rest; AF onset and offset over consecutive segments) in their own language over these rows.
 *
 * <p>Not thread-safe; one instance per thread or per Flink subtask. Per-patient state lives in a heap map (the
 * peers' engines keep their own pattern state).
 */
public final class PeerFeatures implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final BeatQuality[] QUALITY = {BeatQuality.CLEAN, BeatQuality.ARTEFACT, BeatQuality.GAP};

    private final Rules rules;
    /** How many closing rows end an AF episode in the peers' pattern (see {@link PeerRules}). */
    private final int closingRows;
    private transient Map<String, Patient> patients;
    private transient ProfileRules<PatientDetector> extractors;
    private transient List<RhythmEvent> events;

    public PeerFeatures(Rules rules) {
        this.rules = rules;
        this.closingRows = new PeerRules(rules).afOffsetSegments;
    }

    private static final class Patient {
        final String id;
        PatientProfile profile;
        /** The detection stage's per-patient state: its RR analyser and wear tracker states, and the backlog hold. */
        final DetectorState state = new DetectorState();
        final RrAnalyserState rr = state.rr;
        final WearActivityState wear = state.wear;
        long lastHrMs = Long.MIN_VALUE;
        /** The heart-rate minute in progress, as the detection stage's thresholds build it. */
        final MinuteBucket minute = new MinuteBucket();
        final List<DeviceReading> held = new ArrayList<>();

        boolean begun;

        Patient(String id) {
            this.id = id;
        }
    }

    private Patient patient(String id) {
        if (patients == null) {
            patients = new HashMap<>();
            extractors = new ProfileRules<>(rules, PatientDetector::new);
            events = new ArrayList<>(4);
        }
        return patients.computeIfAbsent(id, Patient::new);
    }

    public void enrol(EnrolmentUpdate u) {
        Patient p = patient(u.patientId);
        p.profile = u.isTombstone() ? null : u.profile;
    }

    /** One reading, in arrival order; rows go to {@code out}. */
    public void onReading(DeviceReading r, Consumer<PeerRow> out) {
        Patient p = patient(r.patientId);
        PatientDetector x = extractors.of(p.profile);
        Reading reading = Readings.of(r);
        // as the detection stage orders the patient's readings (the wear tracker sees a proven outage)
        PatientDetector.Arrival arrival = x.arrive(p.state, p.id, null, reading, NO_OUTPUT);
        if (arrival == PatientDetector.Arrival.RELEASE_FIRST) {
            release(p, out);
            arrival = x.arrive(p.state, p.id, null, reading, NO_OUTPUT);
        }
        switch (arrival) {
            case HOLD -> p.held.add(r);
            case DEAD_LETTER, ALREADY_ANALYSED -> { } // the detection stage dead-letters it: no rows
            default -> analyse(p, r, out);
        }
    }

    /** The peers take their rows from the readings, not from the detector's transitions. */
    private static final PatientDetector.Output NO_OUTPUT = new PatientDetector.Output() {
        @Override
        public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
        }

        @Override
        public void cue(PatternCue cue) {
        }
    };

    private void release(Patient p, Consumer<PeerRow> out) {
        List<DeviceReading> readings = new ArrayList<>(p.held);
        p.held.clear();
        PatientDetector.ORDER.released(p.state.arrival);
        PatientDetector.sortHeld(readings, h -> h.time);
        for (DeviceReading h : readings) {
            analyse(p, h, out);
        }
    }

    /** End of the input for one patient: END rows close whatever the rules have open (held backlogs stay held, as in detection). */
    public void end(String patientId, Consumer<PeerRow> out) {
        Patient p = patient(patientId);
        long t = Math.max(p.lastHrMs, p.rr.lastBeatMs);
        out.accept(PeerRow.of(p.id, PeerRow.STREAM_HR, PeerRow.END, t));
        for (int i = 0; i < closingRows; i++) {
            out.accept(PeerRow.of(p.id, PeerRow.STREAM_RHYTHM, PeerRow.END, t));
        }
    }

    /** Ends every patient seen. */
    public void endAll(Consumer<PeerRow> out) {
        if (patients != null) {
            for (String id : new ArrayList<>(patients.keySet())) {
                end(id, out);
            }
        }
    }

    /**
     * One heart-rate sample, a device's or ({@code rrDerived}) one a minute from the RR intervals, into the minutes of
     * the detection stage's thresholds (HeartRateThresholds.onSample): a sample a minute or more after the minute's
     * first completes it (a MINUTE row) and begins the next; one not after the last sample is left out.
     */
    private static void heartRate(Patient p, PatientDetector x, long t, double bpm, String sourceId, boolean rrDerived,
                                  Consumer<PeerRow> out) {
        if (p.lastHrMs != Long.MIN_VALUE && t <= p.lastHrMs) return;
        if (p.lastHrMs != Long.MIN_VALUE && t - p.lastHrMs > x.heartRateParameters().maxSampleGapMs()) {
            out.accept(PeerRow.of(p.id, PeerRow.STREAM_HR, PeerRow.HR_GAP, t));
            p.minute.clear();
        }
        if (p.minute.completedBy(t)) {
            out.accept(PeerRow.minute(p.id, p.minute, p.lastHrMs, t, p.rr.afActive));
            p.minute.begin(t);
        } else if (!p.minute.isOpen()) {
            p.minute.begin(t);
        }
        p.lastHrMs = t;
        // at rest by the wear of the sample's own device (the strap's, for a rate from its intervals), as PatientDetector
        p.minute.add(bpm, x.heartRateThresholds().atRest(x.wearTracker().activityOf(p.wear, sourceId),
                p.wear.lastStepsPerMinute), false, rrDerived);
    }

    private void analyse(Patient p, DeviceReading r, Consumer<PeerRow> out) {
        PatientDetector.ORDER.analysed(p.state.arrival, r.time);
        if (!p.begun) {
            p.begun = true;
            out.accept(PeerRow.of(p.id, PeerRow.STREAM_HR, PeerRow.BEGIN, r.time));
        }
        PatientDetector x = extractors.of(p.profile);
        switch (r.kind) {
            case RR_BATCH -> {
                long beat = r.rrStart;
                for (int i = 0; i < r.rrMs.length; i++) {
                    beat += r.rrMs[i];
                    int before = p.rr.rrCount;
                    boolean first = p.rr.beatsSeen == 0;
                    if (p.rr.lastBeatMs == RrAnalyserState.NO_TIME || beat > p.rr.lastBeatMs) {
                        // as PatientDetector (DetectorPath.rrBatch's beat sink): a beat the analyser is about to use
                        // goes to the heart rate from RR intervals first; a minute it completes, with no device
                        // heart-rate sample recent, is a heart-rate sample of the strap's
                        x.rrHeartRate().onInterval(p.state.rrRate, beat, r.rrMs[i],
                                QUALITY[r.rrQuality[i]] == BeatQuality.CLEAN,
                                (timeMs, bpm) -> heartRate(p, x, timeMs, bpm, r.sourceId, true, out));
                    }
                    events.clear();
                    boolean used = x.rrAnalyser().onBeat(p.rr, beat, r.rrMs[i], QUALITY[r.rrQuality[i]], events::add);
                    // segStart of BEGIN and RR_GAP: where the analyser's window history (re)starts, the time a run
                    // opening with the first judged segment after it is back-dated to (RrAnalyser's warm-up rule)
                    if (used && first) {
                        PeerRow begin = PeerRow.of(p.id, PeerRow.STREAM_RHYTHM, PeerRow.BEGIN, beat);
                        begin.setSegStart(p.rr.irregularRunStartMs);
                        out.accept(begin);
                    } else if (used && before >= 1 && p.rr.rrCount == 1) { // the analyser reset its evidence (missing data)
                        boolean closedAf = false;
                        for (RhythmEvent e : events) {
                            closedAf |= e instanceof AfOffset off && off.reason() == AfOffset.Reason.DATA_GAP;
                        }
                        for (int k = 0; k < (closedAf ? closingRows : 1); k++) {
                            PeerRow gap = PeerRow.of(p.id, PeerRow.STREAM_RHYTHM, PeerRow.RR_GAP, beat);
                            gap.setLongGap(closedAf);
                            gap.setSegStart(p.rr.irregularRunStartMs);
                            out.accept(gap);
                        }
                    }
                    for (RhythmEvent e : events) {
                        if (e instanceof RhythmSegment s) {
                            // an IRREGULAR segment carries its run's onset evidence as the analyser computed it
                            // (RrAnalyser.onsetEvidence): the state after this beat, which closed the segment; held at
                            // onsetThreshold while it is not above the run's own bar (RrAnalyser.onsetBar: a run
                            // without a rise in rate needs the higher one), so the patterns' "score > onsetThreshold"
                            // is the analyser's decision
                            boolean irregular = s.classification() == SegmentClass.IRREGULAR;
                            float score = (float) s.irregularity();
                            if (irregular) {
                                org.wardstream.rhythm.RhythmParameters rp = x.rrAnalyser().parameters();
                                float evidence = p.rr.irregularRunEvidence;
                                double bar = org.wardstream.rhythm.RrAnalyser.onsetBar(rp, p.rr);
                                score = evidence > bar ? evidence : Math.min(evidence, (float) rp.onsetThreshold());
                            }
                            out.accept(PeerRow.segment(p.id, s.startMs(), s.endMs(), irregular,
                                    s.classification() == SegmentClass.REGULAR, score));
                        } else if (e instanceof PauseEvent pause) {
                            x.wearTracker().onData(p.wear, r.sourceId, pause.endMs());
                        }
                    }
                }
                x.wearTracker().onData(p.wear, r.sourceId, r.time);
            }
            case HEART_RATE -> {
                x.wearTracker().onData(p.wear, r.sourceId, r.time);
                double bpm = r.bpm;
                if (bpm > 0 && !Double.isInfinite(bpm) && x.heartRateThresholds().reliable(r.signalQuality)) {
                    // as PatientDetector: a device's usable sample, in order or not, keeps the RR rate out while recent
                    x.rrHeartRate().onDeviceSample(p.state.rrRate, r.time);
                    heartRate(p, x, r.time, bpm, r.sourceId, false, out);
                } // below the quality floor: left out, as PatientDetector
            }
            case ACTIVITY -> {
                x.wearTracker().onActivity(p.wear, r.sourceId, r.time, r.time + r.intervalSeconds * 1000L, r.steps,
                        r.activityCount);
            }
            case WEAR -> x.wearTracker().onWear(p.wear, r.sourceId, r.time, PatientDetector.wearSignal((Reading.Wear) Readings.of(r)));
            case STATUS -> {
                if (PatientDetector.announcesBacklog(Readings.of(r))) {
                    x.wearTracker().onTime(p.wear, r.time);
                } else {
                    x.wearTracker().onData(p.wear, r.sourceId, r.time);
                }
            }
        }
    }
}
