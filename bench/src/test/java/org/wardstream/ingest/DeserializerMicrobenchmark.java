package org.wardstream.ingest;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import org.wardstream.bench.EventSet;

/**
 * CPU per record of the device-events deserializer ({@link DeviceEventDeserializer#toIngestRecord}: decode, clock
 * offset, validate) with the clock-offset fast path beside the same deserializer going through the estimate for every
 * record (as before the fast path), in one JVM on the bench's own record set ({@link EventSet}, production-length keys).
 * Not a test (no timing assertions):
 * <pre>
 * ./mvnw -o -q -B -pl bench -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp bench/target/test-classes:bench/target/classes:$(cat bench/target/cp.txt) \
 *     org.wardstream.ingest.DeserializerMicrobenchmark 21 200000
 * </pre>
 * After 5 warm-up rounds, each round runs both over the whole set, in alternating order (full first in even rounds),
 * each with a fresh deserializer (so the estimate starts empty, as on a reader's start); thread CPU time per record.
 * Prints how many records the fast path takes, each variant's median round and min-max, the per-round ratio full / fast with its median and a bootstrap 95 %
 * interval of that median (10,000 resamples of the rounds, seed 13), and the load average at the start and end.
 */
public final class DeserializerMicrobenchmark {
    private DeserializerMicrobenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        EventSet set = new EventSet(n, Math.max(1, n / 1000), 1, true);
        int skipped = 0; // records the fast path takes (the estimate remembers no device), counted outside the timing
        DeviceEventDeserializer count = new DeviceEventDeserializer(IngestSettings.defaults(), true);
        for (int i = 0; i < set.n; i++) {
            skipped += count.clockOffsets() == null || count.clockOffsets().isEmpty() ? 1 : 0;
            count.toIngestRecord(set.keys.get(i), set.values.get(i), set.timestamps.get(i), "b", -1);
        }
        String loadStart = Files.readString(Path.of("/proc/loadavg")).trim();
        var threads = ManagementFactory.getThreadMXBean();
        double[] fast = new double[rounds], full = new double[rounds];
        long[] accepted = new long[2];
        for (int round = -5; round < rounds; round++) {
            boolean fullFirst = (round & 1) == 0;
            double a = 0, b = 0;
            for (int k = 0; k < 2; k++) {
                boolean isFull = (k == 0) == fullFirst;
                DeviceEventDeserializer d = new DeviceEventDeserializer(IngestSettings.defaults(), !isFull);
                long c0 = threads.getCurrentThreadCpuTime();
                long ok = 0;
                for (int i = 0; i < set.n; i++) {
                    ok += d.toIngestRecord(set.keys.get(i), set.values.get(i), set.timestamps.get(i), "b", -1)
                            .isAccepted() ? 1 : 0;
                }
                double ns = (double) (threads.getCurrentThreadCpuTime() - c0) / set.n;
                accepted[isFull ? 1 : 0] = ok;
                if (isFull) b = ns; else a = ns;
            }
            if (round >= 0) {
                fast[round] = a;
                full[round] = b;
            }
        }
        String loadEnd = Files.readString(Path.of("/proc/loadavg")).trim();
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) ratio[i] = full[i] / fast[i];
        System.out.printf(Locale.ROOT, "records per round: %d (%d patients); accepted fast %d, full %d; fast path taken by %d;"
                + " rounds: %d after 5 warm-up%n", set.n, set.patients, accepted[0], accepted[1], skipped, rounds);
        print("full (estimate every record)", full);
        print("fast path", fast);
        double[] sorted = ratio.clone();
        Arrays.sort(sorted);
        double[] ci = bootstrapMedian(ratio, 10_000, 13);
        System.out.printf(Locale.ROOT, "thread-CPU ratio full / fast per round: median %.3f, 95 %% CI [%.3f, %.3f] (min %.3f, max %.3f)%n",
                sorted[rounds / 2], ci[0], ci[1], sorted[0], sorted[rounds - 1]);
        System.out.println("load average at start: " + loadStart + "; at end: " + loadEnd);
    }

    private static double[] bootstrapMedian(double[] x, int resamples, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] medians = new double[resamples];
        double[] s = new double[x.length];
        for (int i = 0; i < resamples; i++) {
            for (int j = 0; j < x.length; j++) s[j] = x[r.nextInt(x.length)];
            Arrays.sort(s);
            medians[i] = s[s.length / 2];
        }
        Arrays.sort(medians);
        return new double[] {medians[(int) (0.025 * resamples)], medians[(int) (0.975 * resamples) - 1]};
    }

    private static void print(String name, double[] cpu) {
        double[] c = cpu.clone();
        Arrays.sort(c);
        System.out.printf(Locale.ROOT, "%-30s thread CPU median %.1f ns/record (min %.1f, max %.1f)%n",
                name, c[c.length / 2], c[0], c[c.length - 1]);
    }
}
