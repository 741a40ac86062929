package org.wardstream.equity.stats;

import java.util.Arrays;
import java.util.Random;

/**
 * Slope index of inequality (SII) and relative index of inequality (RII) across deprivation quantiles, as OHID
 * Fingertips computes them (PHEindicatormethods {@code phe_sii}, default options; Low &amp; Low, J Public Health
 * 2004;26:388-395).
 *
 * <p>Quantiles are ordered from most deprived (IMD quintile 1) to least deprived. Each gets a relative rank: the
 * midpoint of its share of the total population in the cumulative distribution. A weighted least-squares line
 * (weights: the population shares; the package fits {@code y*sqrt(a) ~ sqrt(a) + b*sqrt(a) - 1}) is fitted to the
 * indicator values; the SII is its slope, the modelled difference between the least and the most deprived ends
 * (positive: higher in the least deprived), and the RII is the ratio of the fitted values at those ends,
 * (intercept + SII) / intercept.
 *
 * <p>Confidence limits by simulation, exactly as the package does: each quantile's value is redrawn from a normal
 * distribution with its standard error on the transformed scale (log for rates, logit for proportions), the
 * draws are transformed back, the line refitted, and the limits are the order statistics at positions
 * round(R x (1 - c)) and round(R x c) of the R sorted slopes (c = confidence + (1 - confidence) / 2). The draws are
 * seeded, so the limits are reproducible; they agree with the package's to within Monte Carlo error.
 */
public final class Inequality {
    /** The package default number of simulated repetitions. */
    public static final int REPETITIONS = 100_000;

    /** How values are transformed for the standard error (package {@code value_type} 0, 1, 2). */
    public enum ValueType { NORMAL, RATE, PROPORTION }

    /** SII and RII with their limits; RII fields are null where the fitted value at the most deprived end is 0. */
    public record Result(double sii, Double rii, double siiLower, double siiUpper, Double riiLower, Double riiUpper,
                         double confidence, int repetitions) {
    }

    private Inequality() {
    }

    /**
     * The standard error on the transformed scale from 95 % limits, as the package does (hard-coded 95 %):
     * (T(upper) - T(lower)) / (2 x 1.959963...), T = identity, log or logit.
     */
    public static double seFromLimits(double lower, double upper, ValueType type) {
        return (transform(upper, type) - transform(lower, type)) / (2 * ConfidenceIntervals.z(0.95));
    }

    /** The relative ranks (cumulative population midpoints) of the quantiles in order. */
    public static double[] relativeRanks(double[] population) {
        double total = Arrays.stream(population).sum();
        double[] b = new double[population.length];
        double cum = 0;
        for (int i = 0; i < population.length; i++) {
            double a = population[i] / total;
            b[i] = cum + a / 2;
            cum += a;
        }
        return b;
    }

    /**
     * SII and RII of {@code value} across quantiles (most deprived first) with simulated limits.
     *
     * @param se standard errors on the transformed scale (see {@link #seFromLimits})
     */
    public static Result sii(double[] population, double[] value, double[] se, ValueType type, double confidence,
                             int repetitions, long seed) {
        int k = population.length;
        if (k < 2 || value.length != k || se.length != k) {
            throw new IllegalArgumentException("SII needs the same number (at least 2) of populations, values and "
                    + "standard errors");
        }
        for (int i = 0; i < k; i++) {
            if (!(population[i] > 0) || !(se[i] >= 0) || Double.isNaN(value[i])) {
                throw new IllegalArgumentException("SII needs positive populations, non-negative standard errors "
                        + "and values for every quantile");
            }
            if (type == ValueType.PROPORTION && !(value[i] > 0 && value[i] < 1)
                    || type == ValueType.RATE && !(value[i] > 0)) {
                throw new IllegalArgumentException("SII of a " + type + " needs values strictly inside its range: "
                        + value[i]);
            }
        }
        if (repetitions < 1000) {
            throw new IllegalArgumentException("at least 1000 repetitions (the package minimum): " + repetitions);
        }
        double total = Arrays.stream(population).sum();
        double[] a = new double[k];
        for (int i = 0; i < k; i++) {
            a[i] = population[i] / total;
        }
        double[] b = relativeRanks(population);
        double meanB = 0;
        for (int i = 0; i < k; i++) {
            meanB += a[i] * b[i];
        }
        double sxx = 0;
        for (int i = 0; i < k; i++) {
            sxx += a[i] * (b[i] - meanB) * (b[i] - meanB);
        }
        // slope = sum(c_i y_i), intercept = sum(a_i y_i) - slope * meanB
        double[] c = new double[k];
        for (int i = 0; i < k; i++) {
            c[i] = a[i] * (b[i] - meanB) / sxx;
        }
        double[] fit = fit(a, c, meanB, value);
        double[] t = new double[k];
        for (int i = 0; i < k; i++) {
            t[i] = transform(value[i], type);
        }
        Random random = new Random(seed);
        double[] slopes = new double[repetitions];
        double[] riis = new double[repetitions];
        double[] y = new double[k];
        for (int r = 0; r < repetitions; r++) {
            for (int i = 0; i < k; i++) {
                y[i] = back(t[i] + se[i] * random.nextGaussian(), type);
            }
            double[] f = fit(a, c, meanB, y);
            slopes[r] = f[1];
            riis[r] = (f[0] + f[1]) / f[0];
        }
        Arrays.sort(slopes);
        Arrays.sort(riis);
        double cv = confidence + (1 - confidence) / 2;
        int lo = (int) Math.rint(repetitions * (1 - cv)) - 1;
        int hi = (int) Math.rint(repetitions * cv) - 1;
        lo = Math.max(0, lo);
        hi = Math.min(repetitions - 1, hi);
        boolean hasRii = fit[0] != 0;
        return new Result(fit[1], hasRii ? (fit[0] + fit[1]) / fit[0] : null, slopes[lo], slopes[hi],
                hasRii ? riis[lo] : null, hasRii ? riis[hi] : null, confidence, repetitions);
    }

    /** {intercept, slope} of the weighted least-squares line. */
    private static double[] fit(double[] a, double[] c, double meanB, double[] y) {
        double slope = 0;
        double mean = 0;
        for (int i = 0; i < y.length; i++) {
            slope += c[i] * y[i];
            mean += a[i] * y[i];
        }
        return new double[] {mean - slope * meanB, slope};
    }

    private static double transform(double v, ValueType type) {
        return switch (type) {
            case NORMAL -> v;
            case RATE -> Math.log(v);
            case PROPORTION -> Math.log(v / (1 - v));
        };
    }

    private static double back(double v, ValueType type) {
        return switch (type) {
            case NORMAL -> v;
            case RATE -> Math.exp(v);
            case PROPORTION -> Math.exp(v) / (1 + Math.exp(v));
        };
    }
}
