package org.wardstream.bench;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's statistics in plain Java: medians and percentile-bootstrap 95 % confidence intervals of a median
 * (one sample of per-round values) and of the median of paired per-round ratios (variants interleaved in the same
 * round share that round's machine state, so their ratio is taken within the round, then summarised). Resampling is
 * seeded, so a report is reproducible from its rounds.
 */
public final class Stats {
    /** Bootstrap resamples. */
    public static final int RESAMPLES = 10_000;
    private static final long SEED = 0x5EED_19L;

    private Stats() {
    }

    /** A point estimate with its 95 % interval. */
    public record Estimate(double value, double low, double high) {
        /** The whole interval is at or above {@code goal}. */
        public boolean wholeIntervalAtLeast(double goal) {
            return low >= goal;
        }

        /** The whole interval is at or below {@code goal}. */
        public boolean wholeIntervalAtMost(double goal) {
            return high <= goal;
        }
    }

    public static double median(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Median of {@code values} with a percentile-bootstrap 95 % interval ({@link #RESAMPLES} resamples). */
    public static Estimate medianWithInterval(double[] values) {
        return medianWithInterval(values, RESAMPLES, SEED);
    }

    static Estimate medianWithInterval(double[] values, int resamples, long seed) {
        double point = median(values);
        int n = values.length;
        double[] medians = new double[resamples];
        double[] sample = new double[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) sample[i] = values[random.nextInt(n)];
            medians[b] = median(sample);
        }
        Arrays.sort(medians);
        return new Estimate(point, percentile(medians, 0.025), percentile(medians, 0.975));
    }

    /**
     * The median over rounds of {@code numerator[i] / denominator[i]} (paired by round) with its bootstrap interval.
     */
    public static Estimate pairedRatio(double[] numerator, double[] denominator) {
        if (numerator.length != denominator.length) {
            throw new IllegalArgumentException("paired samples differ in length: " + numerator.length + " vs "
                    + denominator.length);
        }
        double[] ratios = new double[numerator.length];
        for (int i = 0; i < ratios.length; i++) ratios[i] = numerator[i] / denominator[i];
        return medianWithInterval(ratios);
    }

    /**
     * Nearest-rank percentiles {@code ps} (0-100) of {@code values} with percentile-bootstrap 95 % intervals
     * ({@link #RESAMPLES} resamples of the values, seeded). The resampling treats the values as independent; for
     * latencies, which come in bursts (a checkpoint commits many alerts at once), the interval is a lower bound on
     * the uncertainty.
     */
    public static Estimate[] percentilesWithIntervals(double[] values, double... ps) {
        return seededPercentilesWithIntervals(values, RESAMPLES, SEED, ps);
    }

    static Estimate[] seededPercentilesWithIntervals(double[] values, int resamples, long seed, double... ps) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
        int n = values.length;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[][] boot = new double[ps.length][resamples];
        double[] sample = new double[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) sample[i] = values[random.nextInt(n)];
            Arrays.sort(sample);
            for (int k = 0; k < ps.length; k++) boot[k][b] = nearestRank(sample, ps[k]);
        }
        Estimate[] out = new Estimate[ps.length];
        for (int k = 0; k < ps.length; k++) {
            Arrays.sort(boot[k]);
            out[k] = new Estimate(nearestRank(sorted, ps[k]), percentile(boot[k], 0.025), percentile(boot[k], 0.975));
        }
        return out;
    }

    /** Nearest-rank percentile {@code p} (0-100) of sorted values. */
    public static double nearestRank(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Linear-interpolated percentile of sorted values (the same rule as R's type 7). */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
