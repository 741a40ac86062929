package org.wardstream.rhythm.legacy;

import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.evaluation.validation.RhythmValidation;
import org.wardstream.evaluation.validation.RrCsvRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Nanoseconds per beat of the RR analyser, the current one beside the one of main 260fb77 ({@link LegacyRrAnalyser}),
 * in the same JVM on the same fixed beat set: the shipped PhysioNet subset ({@code src/test/resources/physionet},
 * 6 records, 35,078 beats) replayed in a loop, one patient state per record. Not a test (no timing assertions):
 * <pre>
 * ./mvnw -o -q -pl clinical test-compile
 * java -cp clinical/target/test-classes:clinical/target/classes:$(deps) org.wardstream.rhythm.legacy.AnalyserMicrobenchmark [rounds]
 * </pre>
 * Rounds alternate old and new after a warm-up; the median round is reported.
 */
public final class AnalyserMicrobenchmark {
    private AnalyserMicrobenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path dir = Path.of("clinical/src/test/resources/physionet");
        List<RrCsvRecord> recs = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(RrCsvRecord::isRecordFile).sorted().toList()) recs.add(RrCsvRecord.read(f));
        }
        int n = 0;
        for (RrCsvRecord r : recs) n += r.size() - 1;
        long[][] t = new long[recs.size()][];
        int[][] rr = new int[recs.size()][];
        BeatQuality[][] q = new BeatQuality[recs.size()][];
        for (int k = 0; k < recs.size(); k++) {
            RrCsvRecord r = recs.get(k);
            t[k] = new long[r.size() - 1];
            rr[k] = new int[r.size() - 1];
            q[k] = new BeatQuality[r.size() - 1];
            for (int i = 1; i < r.size(); i++) {
                t[k][i - 1] = RhythmValidation.beatMs(r, i);
                rr[k][i - 1] = r.rrMs[i];
                q[k][i - 1] = RhythmValidation.qualityFromGapNote(r.gapNote[i]);
            }
        }
        RrAnalyser now = new RrAnalyser();
        LegacyRrAnalyser old = new LegacyRrAnalyser();
        long[] sink = {0};
        double[] tNew = new double[rounds], tOld = new double[rounds];
        for (int round = -5; round < rounds; round++) {
            long a = System.nanoTime();
            for (int k = 0; k < recs.size(); k++) {
                LegacyRrAnalyserState s = new LegacyRrAnalyserState();
                for (int i = 0; i < t[k].length; i++) old.onBeat(s, t[k][i], rr[k][i], q[k][i], e -> sink[0]++);
            }
            long b = System.nanoTime();
            for (int k = 0; k < recs.size(); k++) {
                RrAnalyserState s = new RrAnalyserState();
                for (int i = 0; i < t[k].length; i++) now.onBeat(s, t[k][i], rr[k][i], q[k][i], e -> sink[0]++);
            }
            long c = System.nanoTime();
            if (round >= 0) {
                tOld[round] = (double) (b - a) / n;
                tNew[round] = (double) (c - b) / n;
            }
        }
        Arrays.sort(tOld);
        Arrays.sort(tNew);
        System.out.printf(Locale.ROOT, "beats per round: %d (%d records); rounds: %d after 5 warm-up; events: %d%n", n, recs.size(),
                rounds, sink[0]);
        System.out.printf(Locale.ROOT, "old analyser (main 260fb77, state format 2): median %.1f ns/beat (min %.1f, max %.1f)%n",
                tOld[rounds / 2], tOld[0], tOld[rounds - 1]);
        System.out.printf(Locale.ROOT, "new analyser (af-model-v1, state format 3):  median %.1f ns/beat (min %.1f, max %.1f)%n",
                tNew[rounds / 2], tNew[0], tNew[rounds - 1]);
        System.out.printf(Locale.ROOT, "state bytes: old max %d, new %d%n", LegacyRrAnalyserState.maxSerializedSize(),
                RrAnalyserState.maxSerializedSize());
    }
}
