package org.wardstream.rhythm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Nanoseconds per beat of the whole RR analyser with the incremental features beside the same analyser with the
 * copy-and-sort reference features ({@link ReferenceAfFeatures}), in the same JVM on the same fixed beat set: the
 * shipped PhysioNet subset ({@code evaluation/src/test/resources/physionet}) replayed in a loop, one patient state
 * per record, plus the thread CPU time. Not a test (no timing assertions):
 * <pre>
 * ./mvnw -o -q -B -pl evaluation -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp evaluation/target/test-classes:evaluation/target/classes:$(cat evaluation/target/cp.txt) \
 *     org.wardstream.rhythm.AfFeaturesMicrobenchmark 21
 * </pre>
 * After 5 warm-up rounds, rounds alternate reference and incremental; the median round and a bootstrap-free
 * min-max are printed, with the load average at the start and end.
 */
public final class AfFeaturesMicrobenchmark {
    private AfFeaturesMicrobenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        PhysionetBeats beats = PhysionetBeats.load();
        long[][] t = beats.times();
        int[][] rr = beats.rrMs();
        BeatQuality[][] q = beats.quality();
        int n = beats.beats();
        String loadStart = Files.readString(Path.of("/proc/loadavg")).trim();
        RrAnalyser incremental = new RrAnalyser();
        RrAnalyser reference = ReferenceAfFeatures.analyser(RhythmParameters.DEFAULTS);
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] sink = {0};
        double[] wallRef = new double[rounds], wallInc = new double[rounds];
        double[] cpuRef = new double[rounds], cpuInc = new double[rounds];
        for (int round = -5; round < rounds; round++) {
            long c0 = threads.getCurrentThreadCpuTime(), a = System.nanoTime();
            replay(reference, t, rr, q, sink);
            long c1 = threads.getCurrentThreadCpuTime(), b = System.nanoTime();
            replay(incremental, t, rr, q, sink);
            long c2 = threads.getCurrentThreadCpuTime(), c = System.nanoTime();
            if (round >= 0) {
                wallRef[round] = (double) (b - a) / n;
                wallInc[round] = (double) (c - b) / n;
                cpuRef[round] = (double) (c1 - c0) / n;
                cpuInc[round] = (double) (c2 - c1) / n;
            }
        }
        String loadEnd = Files.readString(Path.of("/proc/loadavg")).trim();
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) ratio[i] = cpuRef[i] / cpuInc[i];
        System.out.printf(Locale.ROOT, "beats per round: %d (%d records); rounds: %d after 5 warm-up; events: %d%n", n,
                beats.records(), rounds, sink[0]);
        print("reference (copy and sort)", wallRef, cpuRef);
        print("incremental (sorted sets)", wallInc, cpuInc);
        Arrays.sort(ratio);
        System.out.printf(Locale.ROOT, "thread-CPU ratio reference / incremental per round: median %.2f (min %.2f, max %.2f)%n",
                ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
        System.out.println("load average at start: " + loadStart + "; at end: " + loadEnd);
    }

    private static void replay(RrAnalyser a, long[][] t, int[][] rr, BeatQuality[][] q, long[] sink) {
        for (int k = 0; k < t.length; k++) {
            RrAnalyserState s = new RrAnalyserState();
            for (int i = 0; i < t[k].length; i++) a.onBeat(s, t[k][i], rr[k][i], q[k][i], e -> sink[0]++);
        }
    }

    private static void print(String name, double[] wall, double[] cpu) {
        double[] w = wall.clone(), c = cpu.clone();
        Arrays.sort(w);
        Arrays.sort(c);
        int m = w.length / 2;
        System.out.printf(Locale.ROOT, "%-26s wall median %.1f ns/beat (min %.1f, max %.1f); thread CPU median %.1f ns/beat (min %.1f, max %.1f)%n",
                name, w[m], w[0], w[w.length - 1], c[m], c[0], c[c.length - 1]);
    }
}
