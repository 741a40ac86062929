package org.wardstream.evaluation.validation;

import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;

import java.util.ArrayList;
import java.util.List;

/**
 * Feeds one {@link RrCsvRecord} through an {@link RrAnalyser} exactly as the streaming job would
 * (one beat at a time, RR value, beat time and quality only) and scores the events against the
 * record's annotations.
 *
 * <p>The detector never sees {@code beat_symbol} or {@code rhythm}. Quality is derived only from
 * {@code gap_note}: {@code noise}/{@code vflutter} (any non-empty note) -> GAP, else CLEAN.
 *
 * <p>Scoring conventions:
 * <ul>
 *   <li>Each beat with an RR (every beat but the first) is one scored interval. Reference AF = rhythm
 *       {@code (AFIB}. Atrial flutter {@code (AFL} intervals are <b>excluded</b> from beat-level
 *       sensitivity/specificity/PPV (neither AF nor non-AF; flutter is often regular and RR-only
 *       methods do not target it); how many of them the detector covered is reported separately.</li>
 *   <li>An interval is detected-AF if it ends inside an AF episode {@code (onsetMs, offsetMs]} of the
 *       analyser (episode still open at the end of the record closes at its last clean beat).</li>
 *   <li>Reference AF runs: maximal runs of consecutive {@code (AFIB} intervals lasting >= 30 s. A run is
 *       detected if an episode overlaps it; its delay is the onset's emission time minus the run start
 *       (0 if AF was already active at the run start).</li>
 *   <li>False episodes: detected episodes overlapping no {@code (AFIB} or {@code (AFL} interval.</li>
 *   <li>Reference pauses: intervals with RR > 3000 ms and no gap note. A pause event matches the
 *       interval ending at the same beat.</li>
 * </ul>
 */
public final class RhythmValidation {
    /**
     * Beat times are built as epoch ms from this base plus {@code time_s}: 2023-11-14 09:00 UTC, 09:00 in
     * Europe/London, so a record starts inside waking hours (the sustained-bradycardia criterion needs them).
     */
    public static final long BASE_EPOCH_MS = 1_699_952_400_000L;
    public static final String AF = "(AFIB";
    public static final String AFL = "(AFL";
    public static final double MIN_RUN_S = 30.0;
    public static final int REFERENCE_PAUSE_MS = 3000;
    /** Tolerance when matching a pause event to a reference pause (rounding of beat times and RRs). */
    public static final int PAUSE_MATCH_MS = 10;

    private RhythmValidation() {
    }

    public static BeatQuality qualityFromGapNote(String gapNote) {
        return gapNote == null || gapNote.isEmpty() ? BeatQuality.CLEAN : BeatQuality.GAP;
    }

    /** Runs the analyser over a record and returns all events it emitted (including end-of-data). */
    public static List<RhythmEvent> run(RrCsvRecord rec, RrAnalyser analyser, int[] maxStateBytes) {
        RrAnalyserState state = new RrAnalyserState();
        List<RhythmEvent> events = new ArrayList<>();
        // The interval fed is the difference of consecutive beat times in whole ms (a beat at the same ms as the previous
        // one gives none), exactly as the job's RR batches carry it (JobPath.batches), so both paths see the same RRs.
        long prev = rec.size() == 0 ? 0 : beatMs(rec, 0);
        for (int i = 1; i < rec.size(); i++) {
            long t = beatMs(rec, i);
            long d = t - prev;
            if (d <= 0) continue;
            prev = t;
            analyser.onBeat(state, t, (int) Math.min(d, Integer.MAX_VALUE), qualityFromGapNote(rec.gapNote[i]), events::add);
            if (maxStateBytes != null && (i & 1023) == 0) {
                maxStateBytes[0] = Math.max(maxStateBytes[0], state.serializedSize());
            }
        }
        analyser.endOfData(state, events::add);
        if (maxStateBytes != null) maxStateBytes[0] = Math.max(maxStateBytes[0], state.serializedSize());
        return events;
    }

    /** Whether the interval ending at {@code t} is within {@link #PAUSE_MATCH_MS} of the pause threshold (rounding). */
    private static boolean borderlinePause(RrCsvRecord rec, long t) {
        int lo = firstBeatAtOrAfter(rec, t);
        for (int k = Math.max(1, lo - 1); k <= Math.min(rec.size() - 1, lo + 1); k++) {
            if (Math.abs(beatMs(rec, k) - t) <= PAUSE_MATCH_MS && rec.rrMs[k] >= REFERENCE_PAUSE_MS - PAUSE_MATCH_MS) {
                return true;
            }
        }
        return false;
    }

    /** Index of the first beat at or after {@code t} (the last beat if none). */
    static int firstBeatAtOrAfter(RrCsvRecord rec, long t) {
        int lo = 0, hi = rec.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (beatMs(rec, mid) < t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    public static long beatMs(RrCsvRecord rec, int i) {
        return BASE_EPOCH_MS + Math.round(rec.timeS[i] * 1000.0);
    }

    /** Runs the analyser beat by beat (no batching, no rules) and scores the record. */
    public static RecordResult evaluate(RrCsvRecord rec, RrAnalyser analyser) {
        int[] maxBytes = {0};
        List<RhythmEvent> events = run(rec, analyser, maxBytes);
        RecordResult r = score(rec, events);
        r.stateBytesMax = maxBytes[0];
        return r;
    }

    /**
     * Runs the record through the job's per-patient path ({@link JobPath}: RR batches, the rules' detector
     * parameters, the episode lifecycle) and scores it: rhythm as {@link #score}, heart-rate episodes against the
     * SVTA/VT/SBR labels, and the alert changes the job would emit.
     */
    public static RecordResult evaluateJobPath(RrCsvRecord rec, org.wardstream.rules.EffectiveRules rules) {
        JobPath.Outcome o = JobPath.run(rec, rec.name, rules);
        RecordResult r = score(rec, o.rhythm);
        r.stateBytesMax = o.maxStateBytes;
        r.batches = o.batches;
        r.batchesRefusedByIngest = o.batchesRefusedByIngest;
        r.alerts.addAll(o.alerts);
        r.alertsAtEndOfRecord.addAll(o.alertsAtEndOfRecord);
        HeartRateScoring.score(rec, o, r);
        return r;
    }

    /** Scores the rhythm events of a record against its annotations. */
    public static RecordResult score(RrCsvRecord rec, List<RhythmEvent> events) {
        RecordResult r = new RecordResult();
        r.record = rec.name;
        r.database = rec.database;
        boolean labelled = false;
        for (String s : rec.rhythm) {
            if (!s.isEmpty()) {
                labelled = true;
                break;
            }
        }
        r.kind = labelled ? RecordResult.Kind.LABELLED
                : rec.name.toLowerCase().startsWith("nsr") ? RecordResult.Kind.NSR : RecordResult.Kind.UNLABELLED;
        r.beats = rec.size();
        r.durationS = rec.timeS[rec.size() - 1] - rec.timeS[0];

        List<long[]> episodes = new ArrayList<>(); // {onset, offset, emittedAt}
        List<Long> onsetEmitted = new ArrayList<>();
        List<Long> pauseEnds = new ArrayList<>();
        for (RhythmEvent e : events) {
            if (e instanceof AfOnset on) {
                onsetEmitted.add(on.emittedAtMs());
            } else if (e instanceof AfOffset off) {
                long emitted = onsetEmitted.isEmpty() ? off.onsetMs() : onsetEmitted.remove(0);
                episodes.add(new long[]{off.onsetMs(), off.offsetMs(), emitted});
            } else if (e instanceof PauseEvent pe) {
                pauseEnds.add(pe.endMs());
            }
        }
        r.afEpisodes.addAll(episodes);
        r.detectedEpisodes = episodes.size();
        for (long[] ep : episodes) r.detectedAfSeconds += (ep[1] - ep[0]) / 1000.0;
        r.pauseEvents = pauseEnds.size();

        // beat level
        int n = rec.size();
        boolean[] detected = new boolean[n];
        int epi = 0;
        for (int i = 0; i < n; i++) {
            long t = beatMs(rec, i);
            while (epi < episodes.size() && episodes.get(epi)[1] < t) epi++;
            detected[i] = epi < episodes.size() && t > episodes.get(epi)[0] && t <= episodes.get(epi)[1];
        }
        boolean scoreAf = r.kind != RecordResult.Kind.UNLABELLED; // unlabelled: AF burden only
        for (int i = 1; i < n; i++) {
            if (rec.rrMs[i] < 0) continue;
            if (!rec.gapNote[i].isEmpty()) r.gapBeats++;
            if (!scoreAf) continue;
            String rh = rec.rhythm[i];
            if (rh.isEmpty() && r.kind == RecordResult.Kind.LABELLED) {
                // no rhythm label in force (ltafdb 64's first 18.9 h): neither AF nor non-AF; counted, not scored
                r.unlabelledBeats++;
            } else if (rh.equals(AFL)) {
                r.aflBeats++;
                if (detected[i]) r.aflDetected++;
            } else if (rh.equals(AF)) {
                if (detected[i]) r.tp++; else r.fn++;
            } else {
                String key = rh.isEmpty() ? "(N" : rh; // nsr2db: normal sinus rhythm throughout
                r.nonAfBeatsByRhythm.merge(key, 1L, Long::sum);
                if (detected[i]) {
                    r.fp++;
                    r.falsePositiveBeatsByRhythm.merge(key, 1L, Long::sum);
                } else {
                    r.tn++;
                }
            }
        }

        // reference AF runs >= 30 s
        int i = 1;
        while (i < n) {
            if (!rec.rhythm[i].equals(AF) || rec.rrMs[i] < 0) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < n && rec.rhythm[j + 1].equals(AF)) j++;
            long start = beatMs(rec, i - 1);
            long end = beatMs(rec, j);
            if ((end - start) / 1000.0 >= MIN_RUN_S) {
                r.afRunsN30(start, end, episodes);
            }
            i = j + 1;
        }

        // false episodes: overlapping no AF/AFL interval and at least one labelled one (an episode wholly inside
        // an unlabelled stretch is counted apart)
        boolean labelledRecord = r.kind == RecordResult.Kind.LABELLED;
        for (long[] ep : scoreAf ? episodes : List.<long[]>of()) {
            boolean overlapsAf = false, overlapsLabel = !labelledRecord;
            for (int k = Math.max(1, firstBeatAtOrAfter(rec, ep[0])); k < n && !overlapsAf; k++) {
                long t = beatMs(rec, k);
                if (t > ep[1]) break;
                if (t <= ep[0]) continue;
                String rh = rec.rhythm[k];
                if (!rh.isEmpty()) overlapsLabel = true;
                overlapsAf = rh.equals(AF) || rh.equals(AFL);
            }
            if (overlapsAf) continue;
            if (overlapsLabel) r.falseEpisodes++; else r.unlabelledEpisodes++;
        }

        // pauses: a reference pause is a clean interval over 3 s; a pause event matches the reference interval ending
        // within PAUSE_MATCH_MS of its end (beat times are rounded to the ms, RRs to the sample). A matched event is
        // never also a false one; an unmatched event is false only if no interval within PAUSE_MATCH_MS of the
        // threshold ends there (a 2,999.6 ms RR read as 3,000.4 ms is rounding, not a false pause).
        long[] refEnds = new long[n];
        int nRef = 0;
        for (int k = 1; k < n; k++) {
            if (rec.rrMs[k] > REFERENCE_PAUSE_MS && rec.gapNote[k].isEmpty()) refEnds[nRef++] = beatMs(rec, k);
        }
        r.referencePauses = nRef;
        boolean[] refFound = new boolean[nRef];
        for (long t : pauseEnds) {
            int at = java.util.Arrays.binarySearch(refEnds, 0, nRef, t);
            int ins = at >= 0 ? at : -at - 1;
            int match = -1;
            for (int c = Math.max(0, ins - 1); c <= Math.min(nRef - 1, ins); c++) {
                if (Math.abs(refEnds[c] - t) <= PAUSE_MATCH_MS) match = c;
            }
            if (match >= 0) {
                refFound[match] = true;
            } else if (!borderlinePause(rec, t)) {
                r.falsePauses++;
            }
        }
        for (boolean f : refFound) if (f) r.pausesFound++;
        return r;
    }
}
