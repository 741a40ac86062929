package org.wardstream.bench.peers;

import java.io.Serializable;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rhythm.RhythmSegment;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.rhythm.SegmentClass;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.Rules;
import org.wardstream.signals.ActivityState;
import org.wardstream.signals.HeartRateParameters;
import org.wardstream.signals.RhythmRuleParameters;
import org.wardstream.signals.WearActivityParameters;
import org.wardstream.signals.WearActivityState;
import org.wardstream.signals.WearActivityTracker;
import org.wardstream.signals.WearSignal;

/**
 * The signal extraction the peer engines share with the detection stage, in plain Java: per patient, the same
 * {@link RrAnalyser} (rhythm segments, data-gap resets, AF state) and {@link WearActivityTracker} (worn / at rest)
 * over the readings in the order the detection stage analyses them (including its hold-and-sort of an announced
 * backlog), turned into {@link PeerRow}s. The peers then express the two <i>rules</i> (sustained tachycardia at
 * rest; AF onset and offset over consecutive segments) in their own language over these rows.
 *
 * <p>Not thread-safe; one instance per thread or per Flink subtask. Per-patient state lives in a heap map (the
 * peers' engines keep their own pattern state).
 */
public final class PeerFeatures implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/London");
    private static final BeatQuality[] QUALITY = {BeatQuality.CLEAN, BeatQuality.ARTEFACT, BeatQuality.GAP};
    /** As the detection stage (SignalDetector.BACKLOG_WAIT_MS and MAX_HELD): how an announced backlog is held. */
    static final long BACKLOG_WAIT_MS = 3 * 60_000L;
    static final int MAX_HELD = 20_000;

    private final Rules rules;
    /** How many closing rows end an AF episode in the peers' pattern (see {@link PeerRules}). */
    private final int closingRows;
    private transient Map<String, Patient> patients;
    private transient Map<String, Extractors> extractors;
    private transient List<RhythmEvent> events;

    public PeerFeatures(Rules rules) {
        this.rules = rules;
        this.closingRows = new PeerRules(rules).afOffsetSegments;
    }

    private record Extractors(RrAnalyser rr, WearActivityTracker wear, HeartRateParameters hr) {
    }

    private static final class Patient {
        final String id;
        PatientProfile profile;
        final RrAnalyserState rr = new RrAnalyserState();
        final WearActivityState wear = new WearActivityState();
        long lastHrMs = Long.MIN_VALUE;
        Long backlogUntil;
        final List<DeviceReading> held = new ArrayList<>();

        boolean begun;

        Patient(String id) {
            this.id = id;
        }
    }

    private Patient patient(String id) {
        if (patients == null) {
            patients = new HashMap<>();
            extractors = new HashMap<>();
            events = new ArrayList<>(4);
        }
        return patients.computeIfAbsent(id, Patient::new);
    }

    private Extractors extractors(PatientProfile p) {
        String zone = p == null || p.timeZone == null ? DEFAULT_ZONE.getId() : p.timeZone;
        Map<String, Double> overrides = p == null ? Map.of() : new TreeMap<>(p.thresholdOverrides);
        return extractors.computeIfAbsent(zone + "|" + overrides, k -> {
            ZoneId z;
            try {
                z = ZoneId.of(zone);
            } catch (RuntimeException e) {
                z = DEFAULT_ZONE;
            }
            EffectiveRules eff = rules.forPatient(overrides);
            return new Extractors(new RrAnalyser(RhythmRuleParameters.from(eff)),
                    new WearActivityTracker(WearActivityParameters.from(eff, z)), HeartRateParameters.from(eff, z));
        });
    }

    public void enrol(EnrolmentUpdate u) {
        Patient p = patient(u.patientId);
        p.profile = u.isTombstone() ? null : u.profile;
    }

    /** One reading, in arrival order; rows go to {@code out}. */
    public void onReading(DeviceReading r, Consumer<PeerRow> out) {
        Patient p = patient(r.patientId);
        if (p.backlogUntil != null) {
            if (r.time <= p.backlogUntil + BACKLOG_WAIT_MS && p.held.size() < MAX_HELD) {
                p.held.add(r);
                return;
            }
            release(p, out);
        }
        if (r.kind == DeviceReading.Kind.STATUS && r.connectivity == DeviceReading.CONN_RECONNECTED
                && r.bufferedEvents > 0) {
            p.backlogUntil = r.time;
        }
        analyse(p, r, out);
    }

    private void release(Patient p, Consumer<PeerRow> out) {
        List<DeviceReading> readings = new ArrayList<>(p.held);
        p.held.clear();
        p.backlogUntil = null;
        readings.sort(Comparator.comparingLong(h -> h.time));
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

    private void analyse(Patient p, DeviceReading r, Consumer<PeerRow> out) {
        if (!p.begun) {
            p.begun = true;
            out.accept(PeerRow.of(p.id, PeerRow.STREAM_HR, PeerRow.BEGIN, r.time));
        }
        Extractors x = extractors(p.profile);
        switch (r.kind) {
            case RR_BATCH -> {
                long beat = r.rrStart;
                for (int i = 0; i < r.rrMs.length; i++) {
                    beat += r.rrMs[i];
                    int before = p.rr.rrCount;
                    boolean first = p.rr.beatsSeen == 0;
                    events.clear();
                    boolean used = x.rr().onBeat(p.rr, beat, r.rrMs[i], QUALITY[r.rrQuality[i]], events::add);
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
                            // the score as the analyser adds it to the run's sum: (float) of the segment's median
                            out.accept(PeerRow.segment(p.id, s.startMs(), s.endMs(),
                                    s.classification() == SegmentClass.IRREGULAR,
                                    s.classification() == SegmentClass.REGULAR, (float) s.irregularity()));
                        } else if (e instanceof PauseEvent pause) {
                            x.wear().onData(p.wear, pause.endMs());
                        }
                    }
                }
                x.wear().onData(p.wear, r.time);
            }
            case HEART_RATE -> {
                x.wear().onData(p.wear, r.time);
                long t = r.time;
                double bpm = r.bpm;
                if ((p.lastHrMs == Long.MIN_VALUE || t > p.lastHrMs) && bpm > 0 && !Double.isInfinite(bpm)) {
                    if (p.lastHrMs != Long.MIN_VALUE && t - p.lastHrMs > x.hr().maxSampleGapMs()) {
                        out.accept(PeerRow.of(p.id, PeerRow.STREAM_HR, PeerRow.HR_GAP, t));
                    }
                    p.lastHrMs = t;
                    ActivityState a = p.wear.activityState();
                    boolean atRest = a == ActivityState.WORN_STILL
                            || a == ActivityState.ACTIVE && p.wear.lastStepsPerMinute < x.hr().restBelowStepsPerMinute();
                    out.accept(PeerRow.hr(p.id, t, bpm, atRest, p.rr.afActive));
                }
            }
            case ACTIVITY -> {
                if (r.steps >= 0) {
                    x.wear().onActivity(p.wear, r.time, r.time + r.intervalSeconds * 1000L, r.steps);
                } else {
                    x.wear().onData(p.wear, r.time);
                }
            }
            case WEAR -> x.wear().onWear(p.wear, r.time, r.onBody ? WearSignal.ON_BODY
                    : "CHARGER".equals(r.wearMethod) ? WearSignal.CHARGING : WearSignal.OFF_BODY);
            case STATUS -> {
                if (r.connectivity == DeviceReading.CONN_RECONNECTED && r.bufferedEvents > 0) {
                    x.wear().onTime(p.wear, r.time);
                } else {
                    x.wear().onData(p.wear, r.time);
                }
            }
        }
    }
}
