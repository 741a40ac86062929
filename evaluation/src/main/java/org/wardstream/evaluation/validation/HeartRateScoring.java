package org.wardstream.evaluation.validation;

import org.wardstream.signals.HeartRateEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Scores the tachycardia and bradycardia episodes of {@link JobPath} against the record's rhythm labels:
 * {@code (SVTA} and {@code (VT} runs for tachycardia, {@code (SBR} runs for bradycardia. The rules define these
 * episodes by sustained rate (tachycardia above 120 bpm at rest for 10 min; bradycardia below 50 bpm for 10 min
 * awake or below 40 bpm for 1 min), not by rhythm, so a labelled run shorter than the rule's minimum is not
 * expected to alert ({@code referenceRunsLong} counts those that reach it), and an episode outside the labels is
 * reported (with its mean rate) rather than called false: a sinus rhythm at 125 bpm is a tachycardia by the rule.
 */
final class HeartRateScoring {
    static final Set<String> TACHY_LABELS = Set.of("(SVTA", "(VT");
    static final Set<String> BRADY_LABELS = Set.of("(SBR");
    /** The rules' shortest qualifying durations (tachycardia minDuration; bradycardia severeMinDuration). */
    static final long TACHY_MIN_MS = 10 * 60_000L;
    static final long BRADY_MIN_MS = 60_000L;

    private HeartRateScoring() {
    }

    static void score(RrCsvRecord rec, JobPath.Outcome o, RecordResult r) {
        long end = RhythmValidation.beatMs(rec, rec.size() - 1);
        List<long[]> tachy = new ArrayList<>();
        List<long[]> brady = new ArrayList<>();
        long[] openT = null;
        long[] openB = null;
        for (HeartRateEvent e : o.heartRate) {
            switch (e.kind()) {
                case TACHYCARDIA_START -> openT = new long[]{e.episodeStartMs(), end, Math.round(e.meanBpm() * 10)};
                case TACHYCARDIA_END -> {
                    if (openT != null) {
                        openT[1] = e.atMs();
                        openT[2] = Math.round(e.meanBpm() * 10);
                        tachy.add(openT);
                        openT = null;
                    }
                }
                case BRADYCARDIA_START -> openB = new long[]{e.episodeStartMs(), end, Math.round(e.meanBpm() * 10)};
                case BRADYCARDIA_END -> {
                    if (openB != null) {
                        openB[1] = e.atMs();
                        openB[2] = Math.round(e.meanBpm() * 10);
                        brady.add(openB);
                        openB = null;
                    }
                }
                case BRADYCARDIA_SEVERE -> { }
            }
        }
        if (openT != null) tachy.add(openT);
        if (openB != null) brady.add(openB);
        score(rec, TACHY_LABELS, TACHY_MIN_MS, tachy, r.tachycardia);
        score(rec, BRADY_LABELS, BRADY_MIN_MS, brady, r.bradycardia);
    }

    private static void score(RrCsvRecord rec, Set<String> labels, long minMs, List<long[]> detected,
                              RecordResult.HeartRateScore s) {
        List<long[]> runs = new ArrayList<>();
        int n = rec.size();
        int i = 1;
        while (i < n) {
            if (!labels.contains(rec.rhythm[i])) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < n && labels.contains(rec.rhythm[j + 1])) j++;
            runs.add(new long[]{RhythmValidation.beatMs(rec, i - 1), RhythmValidation.beatMs(rec, j)});
            i = j + 1;
        }
        for (long[] run : runs) {
            boolean isLong = run[1] - run[0] >= minMs;
            s.referenceRuns++;
            s.referenceSeconds += (run[1] - run[0]) / 1000.0;
            if (isLong) s.referenceRunsLong++;
            if (overlapsAny(run, detected)) {
                s.referenceRunsDetected++;
                if (isLong) s.referenceRunsLongDetected++;
            }
        }
        s.episodes = detected.size();
        s.detected.addAll(detected);
        for (long[] d : detected) {
            if (!overlapsAny(d, runs)) s.episodesOutsideLabels++;
        }
    }

    private static boolean overlapsAny(long[] a, List<long[]> bs) {
        for (long[] b : bs) {
            if (a[0] < b[1] && a[1] > b[0]) return true;
        }
        return false;
    }
}
