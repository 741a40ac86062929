package org.wardstream.evaluation.validation;

import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.EpisodeLifecycle;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.detector.DetectorState;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.detector.Reading;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.signals.ActivityState;
import org.wardstream.signals.HeartRateEvent;
import org.wardstream.signals.HeartRateParameters;
import org.wardstream.signals.HeartRateThresholds;
import org.wardstream.signals.RhythmRuleParameters;
import org.wardstream.signals.RrHeartRate;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;

/**
 * Runs one record through the episode-detection job's per-patient path (the job's {@link PatientDetector}, then
 * {@link DetectorPath#lifecycle}) built from the same rules the job uses ({@code alert-rules/}: {@link RhythmRuleParameters},
 * {@link HeartRateParameters}):
 * <ul>
 *   <li>the record's beats become RR batches as a wearable sends them ({@link #batches}: one per
 *       {@value #BATCH_MS} ms of device time, quality GAP where the annotation has a {@code gap_note}, CLEAN
 *       otherwise; the detector never sees beat symbols or rhythm labels);</li>
 *   <li>each batch goes through {@link PatientDetector#analyse} as an RR batch and the resulting transitions through
 *       {@link DetectorPath#lifecycle} (alert changes, cool-downs, minimum durations as in the job);</li>
 *   <li>tachycardia and bradycardia come from the detector's own heart rate from RR intervals (these ECG records
 *       have no heart-rate samples, like a chest strap's or an ECG patch's stream: {@link RrHeartRate}, a rate a
 *       minute from the clean intervals, which the job derives the same way), so validate runs no derivation of its
 *       own; before the first batch the device reports itself on the body ({@link Reading.Wear}: a Holter
 *       recording is worn) and no activity follows, so the wear tracker has the patient worn and still
 *       ({@link ActivityState#WORN_STILL}), at rest for the tachycardia rule, as the replay files of
 *       {@code validate --replay-out} tell the job; the record starts at {@link RhythmValidation#BASE_EPOCH_MS}
 *       (09:00 in {@link #ZONE}, inside waking hours).</li>
 * </ul>
 * At the end of the record an AF episode still open is closed at its last beat ({@link RrAnalyser#endOfData})
 * for scoring; the alert changes up to then are those the job emits for the same batches (the job does not
 * close AF when a stream pauses), and the end-of-record close is marked {@link Outcome#alertsAtEndOfRecord}.
 */
public final class JobPath {
    /** Device time covered by one RR batch. */
    public static final long BATCH_MS = 60_000L;
    /**
     * The programme of the validation "patients" (part of their episode ids, as in the job): that of the replay files
     * {@code validate --replay-out} writes, so the job raises the same episodes with the same ids.
     */
    public static final String PROGRAMME = "physionet";
    /** Time zone of the validation "patients" (the job's default zone). */
    public static final ZoneId ZONE = ZoneId.of("Europe/London");
    /**
     * Clean RR outside this range is analysed as excluded by the detector, and a batch mostly of it refused by the job's
     * ingest (dead-lettered): the job's own bounds.
     */
    public static final int INGEST_MIN_CLEAN_RR_MS = org.wardstream.detector.Reading.MIN_CLEAN_RR_MS;
    public static final int INGEST_MAX_CLEAN_RR_MS = org.wardstream.detector.Reading.MAX_CLEAN_RR_MS;

    private JobPath() {
    }

    /**
     * One RR batch as a device sends it.
     *
     * @param firstIndex record index of the beat ending the first interval
     */
    public record Batch(long startMs, int[] rrMs, byte[] quality, int firstIndex) {
        public long endMs() {
            long t = startMs;
            for (int v : rrMs) t += v;
            return t;
        }

        /**
         * Whether the job's ingest would refuse this batch, as the job's EventValidator: more than half its intervals
         * clean and outside 200-60000 ms (fewer are analysed as excluded, by the detector both paths run:
         * {@link PatientDetector#excludingImplausible}), or a span of more than an hour.
         */
        public boolean refusedByIngest() {
            return endMs() - startMs > org.wardstream.detector.Reading.MAX_RR_BATCH_SPAN_MS
                    || 2 * PatientDetector.implausibleCleanIntervals(rrMs, quality) > rrMs.length;
        }
    }

    /** What one record gave on the job's path. */
    public static final class Outcome {
        /** Every rhythm event, the end-of-record close included (for scoring). */
        public final List<RhythmEvent> rhythm = new ArrayList<>();
        /** Heart-rate detector events (tachycardia/bradycardia crossings). */
        public final List<HeartRateEvent> heartRate = new ArrayList<>();
        /** Alert changes as the job emits them for the record's batches. */
        public final List<AlertChange> alerts = new ArrayList<>();
        /** Alert changes caused only by closing the record (not emitted by the job, which keeps AF open). */
        public final List<AlertChange> alertsAtEndOfRecord = new ArrayList<>();
        public int batches;
        public int batchesRefusedByIngest;
        public int outOfOrderBeats;
        public int tachycardiaExplainedByAf;
        public int maxStateBytes;
    }

    /** The record's intervals as RR batches of {@link #BATCH_MS}; beat times are those of {@link RhythmValidation#beatMs}. */
    public static List<Batch> batches(RrCsvRecord rec) {
        List<Batch> out = new ArrayList<>();
        int n = rec.size();
        int i = 1;
        while (i < n) {
            long start = RhythmValidation.beatMs(rec, i - 1);
            int j = i;
            while (j < n && RhythmValidation.beatMs(rec, j) - start <= BATCH_MS) j++;
            if (j == i) j = i + 1; // a single interval longer than a batch (a signal gap)
            List<Integer> rr = new ArrayList<>();
            List<Byte> q = new ArrayList<>();
            long prev = start;
            int first = -1;
            for (int k = i; k < j; k++) {
                long t = RhythmValidation.beatMs(rec, k);
                long d = t - prev;
                if (d <= 0) continue; // duplicate beat time: no interval (the job refuses non-positive RR)
                if (first < 0) first = k;
                rr.add((int) d);
                q.add((byte) RhythmValidation.qualityFromGapNote(rec.gapNote[k]).ordinal());
                prev = t;
            }
            if (!rr.isEmpty()) {
                int[] a = new int[rr.size()];
                byte[] b = new byte[q.size()];
                for (int k = 0; k < a.length; k++) {
                    a[k] = rr.get(k);
                    b[k] = q.get(k);
                }
                out.add(new Batch(start, a, b, first));
            }
            i = j;
        }
        return out;
    }

    /** Runs the record through the job's path with the given (patient's effective) rules. */
    public static Outcome run(RrCsvRecord rec, String patient, EffectiveRules rules) {
        PatientDetector detector = new PatientDetector(rules, ZONE);
        DetectorState state = new DetectorState();
        EpisodeState[] episodes = new EpisodeState[EpisodeType.values().length];
        Outcome o = new Outcome();
        List<Transition> transitions = new ArrayList<>();
        Runnable explained = () -> o.tachycardiaExplainedByAf++;
        PatientDetector.Output out = new PatientDetector.Output() {
            @Override
            public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
                if (RECORDED.contains(t.type())) {
                    transitions.add(t.inProgramme(PROGRAMME)); // the job's alert stage: the key's programme
                }
            }

            @Override
            public void cue(PatternCue cue) {
            }

            @Override
            public void rhythm(RhythmEvent e) {
                o.rhythm.add(e);
            }

            @Override
            public void heartRate(HeartRateEvent e) {
                o.heartRate.add(e);
            }

            @Override
            public void outOfOrderBeats(int n) {
                o.outOfOrderBeats += n;
            }
        };
        List<Batch> batches = batches(rec);
        if (!batches.isEmpty()) {
            long t = batches.get(0).startMs();
            detector.analyse(state, patient, null, worn(t), out); // a Holter recording is worn
        }
        for (Batch b : batches) {
            heldAfCloseDue(episodes, patient, rules, b.startMs(), o.alerts);
            o.batches++;
            if (b.refusedByIngest()) o.batchesRefusedByIngest++;
            long t = b.startMs();
            detector.analyse(state, patient, null, new Reading.RrBatch(t, t, 0, null, b.startMs(), b.rrMs(),
                    b.quality()), out);
            DetectorPath.lifecycle(transitions, ty -> state(episodes, ty), rules, o.alerts::add, explained);
            transitions.clear();
            o.maxStateBytes = Math.max(o.maxStateBytes, state.rr.serializedSize());
        }
        heldAfCloseDue(episodes, patient, rules, Long.MAX_VALUE, o.alertsAtEndOfRecord);
        detector.endOfRecord(state, patient, out);
        DetectorPath.lifecycle(transitions, ty -> state(episodes, ty), rules, o.alertsAtEndOfRecord::add, explained);
        return o;
    }

    /**
     * The job's alert stage closes an AF alert held over a data gap on its event-time timer, when no AF was found again
     * within 10 min of the data resuming ({@link EpisodeLifecycle#nextTimerMs}); here that TICK comes before the first
     * batch after it is due ({@code byMs}; {@link Long#MAX_VALUE}: the end of the record). No other timer is run here:
     * the other types' changes are those the next transition shows, as before.
     */
    private static void heldAfCloseDue(EpisodeState[] episodes, String patient, EffectiveRules rules, long byMs,
                                       List<AlertChange> out) {
        EpisodeState af = state(episodes, EpisodeType.ATRIAL_FIBRILLATION);
        if (af.dataResumedMs == EpisodeState.NO_TIME) return;
        long due = EpisodeLifecycle.nextTimerMs(af, rules.rule(EpisodeType.ATRIAL_FIBRILLATION));
        if (due == Long.MIN_VALUE || due > byMs) return;
        out.addAll(EpisodeLifecycle.onTransition(af, Transition.tick(patient, EpisodeType.ATRIAL_FIBRILLATION, due,
                Transitions.RHYTHM_DETECTOR_VERSION).inProgramme(PROGRAMME), rules));
    }

    /**
     * The device's report that it is on the body, at the record's first beat, before its first RR batch (received
     * then): the one wear report {@code validate} and its replay files give a record.
     */
    public static Reading.Wear worn(long atMs) {
        return new Reading.Wear(atMs, atMs, 0, null, true, null);
    }

    /**
     * The episode types these records can show: rhythm (AF, pause) and heart rate. The records have no wear or
     * activity stream, so what the detector's wear tracker infers from the beats alone is not scored.
     */
    private static final Set<EpisodeType> RECORDED = EnumSet.of(EpisodeType.ATRIAL_FIBRILLATION, EpisodeType.PAUSE,
            EpisodeType.TACHYCARDIA, EpisodeType.BRADYCARDIA);

    private static EpisodeState state(EpisodeState[] episodes, EpisodeType type) {
        EpisodeState s = episodes[type.ordinal()];
        if (s == null) {
            s = new EpisodeState();
            episodes[type.ordinal()] = s;
        }
        return s;
    }
}
