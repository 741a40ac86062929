package org.wardstream.simulator;

import java.util.SplittableRandom;
import java.util.UUID;

/** Deterministic random streams: one independent stream per (seed, patient, purpose); nothing depends on time. */
final class Seeds {
    static final int POPULATION = 1;
    static final int PLAN = 2;
    static final int PHYSIOLOGY = 3;
    static final int IDS = 4;
    static final int DELIVERY = 5;
    static final int FAULTS = 6;
    static final int EPISODES = 7;
    static final int ENROLMENT = 8;
    static final int TRIAGE = 9;

    private Seeds() {
    }

    /** SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static SplittableRandom rng(long seed, long patient, int purpose) {
        long s = mix(mix(mix(seed) + (patient + 1) * 0x9E3779B97F4A7C15L) + purpose * 0xD1B54A32D192ED03L);
        return new SplittableRandom(s);
    }

    /** A version-4-shaped UUID from the stream (deterministic, not secure). */
    static UUID uuid(SplittableRandom r) {
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo);
    }

    static double uniform(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Approximately standard normal (Irwin-Hall of three uniforms, range +-3): cheap, for jitter. */
    static double fastGaussian(SplittableRandom r) {
        return 2 * (r.nextDouble() + r.nextDouble() + r.nextDouble() - 1.5);
    }

    /** Log-normal with the given median and log-sd, clamped. */
    static double logNormal(SplittableRandom r, double median, double sigma, double lo, double hi) {
        return clamp(median * Math.exp(sigma * r.nextGaussian()), lo, hi);
    }

    static int poisson(SplittableRandom r, double mean) {
        if (mean <= 0) {
            return 0;
        }
        double l = Math.exp(-mean);
        int k = 0;
        double p = r.nextDouble();
        while (p > l) {
            k++;
            p *= r.nextDouble();
        }
        return k;
    }

    /** Index drawn with the given (unnormalised) weights. */
    static int weighted(SplittableRandom r, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
