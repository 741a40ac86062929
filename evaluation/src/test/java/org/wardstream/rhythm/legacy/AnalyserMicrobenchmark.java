package org.wardstream.rhythm.legacy;

import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Nanoseconds per beat of the RR analyser, the current one beside the one of main 260fb77 ({@link LegacyRrAnalyser}),
 * in the same JVM on the same fixed beat set: the shipped PhysioNet subset ({@code evaluation/src/test/resources/physionet},
 * 6 records, 35,078 beats) replayed in a loop, one patient state per record. Not a test (no timing assertions):
 * <pre>
 * ./mvnw -o -q -B -pl clinical,alerting,evaluation -am test-compile
 * java -cp evaluation/target/test-classes:evaluation/target/classes:clinical/target/classes:$(deps) \
 *     org.wardstream.rhythm.legacy.AnalyserMicrobenchmark [rounds] [--previous-classes DIR]
 * </pre>
 * Rounds alternate old and new after a warm-up; the median round is reported.
 *
 * <p>With {@code --previous-classes DIR} (repeatable: several releases in the same rounds) (a compiled {@code clinical/src/main} of an earlier commit, e.g. the
 * af-model-v1 analyser: {@code git archive <commit> clinical/src/main | tar -x -C /tmp/prev} and {@code javac} it, with
 * its resources, into DIR), that release's {@code RrAnalyser} is loaded in its own class loader and timed in the same
 * rounds, called through method handles; the current analyser is then called the same way, so the two compare
 * like for like.
 */
public final class AnalyserMicrobenchmark {
    private AnalyserMicrobenchmark() {
    }

    public static void main(String[] args) throws Throwable {
        int rounds = 15;
        List<Path> previous = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--previous-classes")) previous.add(Path.of(args[++i]));
            else rounds = Integer.parseInt(args[i]);
        }
        org.wardstream.rhythm.PhysionetBeats beats = org.wardstream.rhythm.PhysionetBeats.load();
        long[][] t = beats.times();
        int[][] rr = beats.rrMs();
        BeatQuality[][] q = beats.quality();
        int n = beats.beats();
        RrAnalyser now = new RrAnalyser();
        LegacyRrAnalyser old = new LegacyRrAnalyser();
        long[] sink = {0};
        double[] tNew = new double[rounds], tOld = new double[rounds];
        // through method handles: each previous release, then the current one last in the list; per round, wall and
        // thread CPU ns per beat
        List<Handles> handles = new ArrayList<>();
        for (Path p : previous) {
            handles.add(Handles.of(new java.net.URLClassLoader(new java.net.URL[]{p.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader())));
        }
        if (!previous.isEmpty()) handles.add(Handles.of(AnalyserMicrobenchmark.class.getClassLoader()));
        double[][] wall = new double[handles.size()][rounds], cpu = new double[handles.size()][rounds];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.function.Consumer<Object> count = e -> sink[0]++;
        for (int round = -5; round < rounds; round++) {
            // the handles in a rotating order, so that no analyser always runs first (or after the same one) in a round
            for (int k = 0; k < handles.size(); k++) {
                int h = Math.floorMod(k + round, handles.size());
                long c0 = threads.getCurrentThreadCpuTime();
                long p0 = System.nanoTime();
                handles.get(h).replay(t, rr, q, count);
                long p1 = System.nanoTime();
                long c1 = threads.getCurrentThreadCpuTime();
                if (round >= 0) {
                    wall[h][round] = (double) (p1 - p0) / n;
                    cpu[h][round] = (double) (c1 - c0) / n;
                }
            }
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
        System.out.printf(Locale.ROOT, "new analyser (%s, state format %d):  median %.1f ns/beat (min %.1f, max %.1f)%n",
                org.wardstream.rhythm.AfModel.DEFAULT.version(), new org.wardstream.rhythm.RrAnalyserState().toBytes()[0], tNew[rounds / 2], tNew[0], tNew[rounds - 1]);
        if (!previous.isEmpty()) {
            int cur = handles.size() - 1;
            System.out.println("through method handles, same rounds (median ns/beat, min-max; wall, then thread CPU):");
            for (int h = 0; h < handles.size(); h++) {
                System.out.printf(Locale.ROOT, "  %-40s wall %7.1f (%.1f-%.1f)  cpu %7.1f (%.1f-%.1f)  state %d bytes%n",
                        h == cur ? "current" : previous.get(h).toString(), median(wall[h]), min(wall[h]), max(wall[h]),
                        median(cpu[h]), min(cpu[h]), max(cpu[h]), handles.get(h).stateBytes());
            }
            for (int h = 0; h < cur; h++) {
                System.out.printf(Locale.ROOT, "  current / %s per round: wall %s, cpu %s%n", previous.get(h),
                        ratio(wall[cur], wall[h]), ratio(cpu[cur], cpu[h]));
            }
        }
        System.out.printf(Locale.ROOT, "state bytes: old max %d, new %d%n", LegacyRrAnalyserState.maxSerializedSize(),
                RrAnalyserState.maxSerializedSize());
    }

    /**
     * The per-round ratios a[i] / b[i] (same round, so the same moment's load): their median with a percentile
     * bootstrap 95 % interval of the median (10,000 resamples of the rounds, seed 13), and their min-max.
     */
    static String ratio(double[] a, double[] b) {
        int n = a.length;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = a[i] / b[i];
        java.util.Random random = new java.util.Random(13);
        double[] medians = new double[10_000];
        double[] sample = new double[n];
        for (int k = 0; k < medians.length; k++) {
            for (int i = 0; i < n; i++) sample[i] = r[random.nextInt(n)];
            medians[k] = median(sample);
        }
        Arrays.sort(medians);
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f] (%.3f-%.3f)", median(r), medians[249], medians[9_749], min(r), max(r));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** An {@code RrAnalyser} of some class loader, driven through method handles (no shared types but the JDK's). */
    private record Handles(Object analyser, java.lang.invoke.MethodHandle newState, java.lang.invoke.MethodHandle onBeat,
                           Object[] qualities) {
        static Handles of(ClassLoader loader) throws Exception {
            var lookup = java.lang.invoke.MethodHandles.publicLookup();
            Class<?> a = Class.forName("org.wardstream.rhythm.RrAnalyser", true, loader);
            Class<?> st = Class.forName("org.wardstream.rhythm.RrAnalyserState", true, loader);
            Class<?> bq = Class.forName("org.wardstream.rhythm.BeatQuality", true, loader);
            var onBeat = lookup.findVirtual(a, "onBeat", java.lang.invoke.MethodType.methodType(boolean.class, st, long.class,
                    int.class, bq, java.util.function.Consumer.class));
            return new Handles(a.getConstructor().newInstance(), lookup.findConstructor(st, java.lang.invoke.MethodType.methodType(void.class)),
                    onBeat.asType(java.lang.invoke.MethodType.methodType(boolean.class, Object.class, Object.class, long.class,
                            int.class, Object.class, java.util.function.Consumer.class)), bq.getEnumConstants());
        }

        /** The serialised size of a fresh state of this release ({@code toBytes()}), -1 if it has none. */
        int stateBytes() {
            try {
                Object st = newState.invoke();
                return ((byte[]) st.getClass().getMethod("toBytes").invoke(st)).length;
            } catch (Throwable e) {
                return -1;
            }
        }

        void replay(long[][] t, int[][] rr, BeatQuality[][] q, java.util.function.Consumer<Object> sink) throws Throwable {
            for (int k = 0; k < t.length; k++) {
                Object s = newState.invoke();
                for (int i = 0; i < t[k].length; i++) {
                    boolean used = (boolean) onBeat.invokeExact(analyser, s, t[k][i], rr[k][i], qualities[q[k][i].ordinal()], sink);
                    if (!used) sink.accept(Boolean.FALSE);
                }
            }
        }
    }
}
