package org.wardstream.equity.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Funnel-plot control limits for comparing units (ICBs, programmes) with the whole, as OHID Fingertips draws them
 * (PHEindicatormethods {@code calculate_funnel_limits}): 95 % ("2 sigma") and 99.8 % ("3 sigma") limits around the
 * overall value.
 *
 * <ul>
 *   <li>Proportions: for a unit of size n, the proportions whose Wilson score interval just reaches the overall
 *       proportion (the package's {@code sigma_adjustment}), clipped to [0, 1].</li>
 *   <li>Rates: exact Poisson. For e events, the denominator at which e lies on the limit: the overall rate times
 *       that denominator equals e's exact (chi-squared) upper limit for the lower funnel, its lower limit for the
 *       upper funnel; the limit there is e / denominator. A unit is outside when its own exact interval excludes
 *       its expected count.</li>
 * </ul>
 */
public final class Funnel {
    public static final double INNER = 0.95;
    public static final double OUTER = 0.998;
    private static final double ACCURACY = 1e-14;

    /** Where a unit lies. */
    public enum Position { BELOW_OUTER, BELOW_INNER, WITHIN, ABOVE_INNER, ABOVE_OUTER }

    private Funnel() {
    }

    /** The lower or upper control limit (a proportion of 1) for a unit of size {@code n}. */
    public static double proportionLimit(double n, double average, double confidence, boolean upper) {
        if (!(n > 0) || !(average >= 0 && average <= 1)) {
            throw new IllegalArgumentException("a funnel limit needs n > 0 and an average in [0, 1]");
        }
        double z = new NormalDistribution(null, 0, 1).inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double z2 = z * z;
        double first = average * (n / z2 + 1);
        double adj = Math.sqrt(Math.max(0, Math.pow(-8 * average * (n / z2 + 1), 2)
                - 64 * (1 / z2 + 1 / n) * average * (n * (average * (n / z2 + 2) - 1) + z2 * (average - 1))));
        double last = 1 / z2 + 1 / n;
        double v = ((upper ? first + adj / 8 : first - adj / 8) / last) / n;
        return Math.min(1, Math.max(0, v));
    }

    /**
     * The denominator at which {@code events} lie on the lower ({@code upperLimit} false) or upper control limit of
     * a rate whose overall value is {@code averageRate} events per unit of denominator.
     */
    public static double rateLimitDenominator(long events, double averageRate, double confidence, boolean upperLimit) {
        if (events < 0 || !(averageRate > 0)) {
            throw new IllegalArgumentException("a rate funnel needs events >= 0 and a positive average rate");
        }
        double alpha = 1 - confidence;
        double expected = upperLimit
                ? (events == 0 ? 0 : chi2(2.0 * events).inverseCumulativeProbability(alpha / 2) / 2)
                : chi2(2.0 * events + 2).inverseCumulativeProbability(1 - alpha / 2) / 2;
        return expected / averageRate;
    }

    /** Where a proportion x of n lies against the funnel around {@code average}. */
    public static Position proportionPosition(double x, double n, double average) {
        double p = x / n;
        if (p < proportionLimit(n, average, OUTER, false)) {
            return Position.BELOW_OUTER;
        }
        if (p < proportionLimit(n, average, INNER, false)) {
            return Position.BELOW_INNER;
        }
        if (p > proportionLimit(n, average, OUTER, true)) {
            return Position.ABOVE_OUTER;
        }
        if (p > proportionLimit(n, average, INNER, true)) {
            return Position.ABOVE_INNER;
        }
        return Position.WITHIN;
    }

    /** Where a rate of {@code events} over {@code denominator} lies against the funnel around {@code averageRate}. */
    public static Position ratePosition(long events, double denominator, double averageRate) {
        double expected = averageRate * denominator;
        Interval outer = ConfidenceIntervals.exactPoisson(events, OUTER);
        Interval inner = ConfidenceIntervals.exactPoisson(events, INNER);
        if (outer.upper() < expected) {
            return Position.BELOW_OUTER;
        }
        if (inner.upper() < expected) {
            return Position.BELOW_INNER;
        }
        if (outer.lower() > expected) {
            return Position.ABOVE_OUTER;
        }
        if (inner.lower() > expected) {
            return Position.ABOVE_INNER;
        }
        return Position.WITHIN;
    }

    private static ChiSquaredDistribution chi2(double df) {
        return new ChiSquaredDistribution(null, df, ACCURACY);
    }
}
