package org.wardstream.rhythm.legacy;

import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;

import java.util.Arrays;
import java.util.Locale;

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
        org.wardstream.rhythm.PhysionetBeats beats = org.wardstream.rhythm.PhysionetBeats.load();
        long[][] t = beats.times();
        int[][] rr = beats.rrMs();
        BeatQuality[][] q = beats.quality();
        int n = beats.beats();
        RrAnalyser now = new RrAnalyser();
        LegacyRrAnalyser old = new LegacyRrAnalyser();
        long[] sink = {0};
        double[] tNew = new double[rounds], tOld = new double[rounds];
        for (int round = -5; round < rounds; round++) {
            long a = System.nanoTime();
            for (int k = 0; k < beats.records(); k++) {
                LegacyRrAnalyserState s = new LegacyRrAnalyserState();
                for (int i = 0; i < t[k].length; i++) old.onBeat(s, t[k][i], rr[k][i], q[k][i], e -> sink[0]++);
            }
            long b = System.nanoTime();
            for (int k = 0; k < beats.records(); k++) {
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
        System.out.printf(Locale.ROOT, "beats per round: %d (%d records); rounds: %d after 5 warm-up; events: %d%n", n, beats.records(),
                rounds, sink[0]);
        System.out.printf(Locale.ROOT, "old analyser (main 260fb77, state format 2): median %.1f ns/beat (min %.1f, max %.1f)%n",
                tOld[rounds / 2], tOld[0], tOld[rounds - 1]);
        System.out.printf(Locale.ROOT, "new analyser (af-model-v1, state format 3):  median %.1f ns/beat (min %.1f, max %.1f)%n",
                tNew[rounds / 2], tNew[0], tNew[rounds - 1]);
        System.out.printf(Locale.ROOT, "state bytes: old max %d, new %d%n", LegacyRrAnalyserState.maxSerializedSize(),
                RrAnalyserState.maxSerializedSize());
    }
}
