package org.wardstream.equity.stats;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The OHID Fingertips interval methods (as in the PHEindicatormethods R package): Wilson score for proportions,
 * exact Poisson (chi-squared) for counts below 10 and Byar's approximation from 10, crude rates from those count
 * limits; for ratios, the exact conditional rate ratio (binomial, Clopper-Pearson) and the MOVER-R Wilson ratio of
 * two proportions (Donner &amp; Zou 2012), which stay honest for small groups and for 0 % or 100 %; the log-method
 * ratios are kept for reference.
 * The normal quantile is exact (commons-math3), never 1.96. Confidence is a fraction, e.g. 0.95 or 0.998.
 */
public final class ConfidenceIntervals {
    /** Counts below this use the exact Poisson method, counts at or above it Byar's (Fingertips). */
    public static final int BYARS_FROM = 10;
    /** Absolute accuracy asked of commons-math3's chi-squared inverse (its default, 1e-9, is too coarse). */
    private static final double INVERSE_ACCURACY = 1e-14;

    private ConfidenceIntervals() {
    }

    /** Two-sided standard normal quantile at 1 - alpha/2 (1.959963984540054 for 0.95). */
    public static double z(double confidence) {
        checkConfidence(confidence);
        return new NormalDistribution(null, 0, 1).inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }

    /** Wilson score interval for {@code observed} out of {@code n} (proportion of 1); observed need not be whole. */
    public static Interval wilson(double observed, double n, double confidence) {
        if (!(n > 0) || observed < 0 || observed > n) {
            throw new IllegalArgumentException("Wilson needs 0 <= observed <= n and n > 0: " + observed + "/" + n);
        }
        double z = z(confidence);
        double q = 1 - observed / n;
        double root = z * Math.sqrt(z * z + 4 * observed * q);
        double denom = 2 * (n + z * z);
        return new Interval((2 * observed + z * z - root) / denom, (2 * observed + z * z + root) / denom);
    }

    /** Exact Poisson limits for an observed count via the chi-squared distribution (lower 0 when observed = 0). */
    public static Interval exactPoisson(long observed, double confidence) {
        checkCount(observed);
        double alpha = 1 - checkConfidence(confidence);
        double lower = observed == 0 ? 0.0
                : chiSquared(2.0 * observed).inverseCumulativeProbability(alpha / 2) / 2;
        double upper = chiSquared(2.0 * observed + 2).inverseCumulativeProbability(1 - alpha / 2) / 2;
        return new Interval(lower, upper);
    }

    /** Byar's approximation to the Poisson limits; the lower limit is undefined (null) where it would be negative. */
    public static Interval byars(long observed, double confidence) {
        checkCount(observed);
        double z = z(confidence);
        Double lower = null;
        if (observed > 0) {
            double base = 1 - 1.0 / (9 * observed) - z / (3 * Math.sqrt(observed));
            lower = base < 0 ? null : observed * base * base * base;
        } else {
            lower = 0.0;
        }
        long o1 = observed + 1;
        double b = 1 - 1.0 / (9 * o1) + z / (3 * Math.sqrt(o1));
        return new Interval(lower, o1 * b * b * b);
    }

    /** Limits for a count by the Fingertips rule: exact below 10, Byar's from 10. */
    public static Interval countLimits(long observed, double confidence) {
        return observed < BYARS_FROM ? exactPoisson(observed, confidence) : byars(observed, confidence);
    }

    /** The method {@link #countLimits} uses for this count: "exact" or "byars". */
    public static String countMethod(long observed) {
        return observed < BYARS_FROM ? "exact" : "byars";
    }

    /** Crude rate observed / n * multiplier with the Fingertips count limits scaled the same way. */
    public static Estimate crudeRate(long observed, double n, double multiplier, double confidence) {
        if (!(n > 0)) {
            throw new IllegalArgumentException("a rate needs a positive denominator: " + n);
        }
        Interval c = countLimits(observed, confidence);
        double scale = multiplier / n;
        return new Estimate(observed * scale, c.lower() == null ? null : c.lower() * scale, c.upper() * scale,
                countMethod(observed));
    }

    /** Proportion observed / n with its Wilson interval (as a proportion of 1). */
    public static Estimate proportion(double observed, double n, double confidence) {
        Interval w = wilson(observed, n, confidence);
        return new Estimate(observed / n, w.lower(), w.upper(), "wilson");
    }

    /**
     * Rate ratio (o1/n1) / (o2/n2), log method: SE = sqrt(1/o1 + 1/o2). Ratio null when o2 = 0 (or a denominator
     * is not positive); limits null when o1 = 0 or o2 = 0.
     */
    public static Estimate rateRatio(long o1, double n1, long o2, double n2, double confidence) {
        if (o2 == 0 || !(n1 > 0) || !(n2 > 0)) {
            return new Estimate(null, null, null, "log");
        }
        double rr = (o1 / n1) / (o2 / n2);
        if (o1 == 0) {
            return new Estimate(rr, null, null, "log");
        }
        double se = Math.sqrt(1.0 / o1 + 1.0 / o2);
        return logInterval(rr, se, confidence);
    }

    /** Standard error of the log rate ratio, sqrt(1/o1 + 1/o2). */
    public static double seLogRateRatio(long o1, long o2) {
        return Math.sqrt(1.0 / o1 + 1.0 / o2);
    }

    /**
     * Ratio of two proportions (x1/n1) / (x2/n2), log method (Katz): SE = sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2).
     * Ratio null when x2 = 0; limits null when x1 = 0 or x2 = 0.
     */
    public static Estimate proportionRatio(double x1, double n1, double x2, double n2, double confidence) {
        if (x2 == 0 || !(n1 > 0) || !(n2 > 0)) {
            return new Estimate(null, null, null, "log");
        }
        double ratio = (x1 / n1) / (x2 / n2);
        if (x1 == 0) {
            return new Estimate(ratio, null, null, "log");
        }
        double se = Math.sqrt(Math.max(0, 1 / x1 - 1 / n1 + 1 / x2 - 1 / n2));
        return logInterval(ratio, se, confidence);
    }

    /**
     * Ratio of two proportions (x1/n1) / (x2/n2) with the MOVER-R interval built on the two Wilson intervals
     * (method of variance estimates recovery; Donner &amp; Zou, Stat Methods Med Res 2012;21:347-359; recommended for
     * ratios of independent proportions by Fagerland, Lydersen &amp; Laake, Stat Methods Med Res 2015;24:224-254).
     * With Wilson limits (l1, u1), (l2, u2) the limits are the roots of
     * (p1 - t p2)^2 = (p1 - l1)^2 + t^2 (u2 - p2)^2 (lower) and (t p2 - p1)^2 = (u1 - p1)^2 + t^2 (p2 - l2)^2 (upper).
     * Unlike the log (Katz) method it gives a wide interval for 10 of 10 and a finite one for 0 of n.
     * Ratio null when x2 = 0 or a denominator is not positive; method "mover".
     */
    public static Estimate proportionRatioMover(double x1, double n1, double x2, double n2, double confidence) {
        if (x2 == 0 || !(n1 > 0) || !(n2 > 0)) {
            return new Estimate(null, null, null, "mover");
        }
        double p1 = x1 / n1;
        double p2 = x2 / n2;
        Interval w1 = wilson(x1, n1, confidence);
        Interval w2 = wilson(x2, n2, confidence);
        double l1 = w1.lower();
        double u1 = w1.upper();
        double l2 = w2.lower();
        double u2 = w2.upper();
        double a = u2 * (2 * p2 - u2);
        double c = l1 * (2 * p1 - l1);
        double lower;
        if (Math.abs(a) < 1e-15) {
            lower = p1 == 0 ? 0.0 : c / (2 * p1 * p2);
        } else {
            lower = (p1 * p2 - Math.sqrt(Math.max(0, p1 * p1 * p2 * p2 - a * c))) / a;
        }
        double a2 = l2 * (2 * p2 - l2);
        double c2 = u1 * (2 * p1 - u1);
        double upper = (p1 * p2 + Math.sqrt(Math.max(0, p1 * p1 * p2 * p2 - a2 * c2))) / a2;
        return new Estimate(p1 / p2, Math.max(0, lower), upper, "mover");
    }

    /**
     * Rate ratio (o1/n1) / (o2/n2) with the exact conditional interval: given o1 + o2 events, o1 is binomial with
     * probability t n1 / (t n1 + n2), so the Clopper-Pearson limits (pL, pU) of o1 / (o1 + o2) give
     * t = p n2 / ((1 - p) n1) (Breslow &amp; Day 1987, vol. II, 2.7; the "exact-cond" method of the statsmodels
     * {@code confint_poisson_2indep}). Ratio null when o2 = 0 or a denominator is not positive; lower 0 when
     * o1 = 0. Method "exact-conditional".
     */
    public static Estimate rateRatioExact(long o1, double n1, long o2, double n2, double confidence) {
        checkCount(o1);
        checkCount(o2);
        if (o2 == 0 || !(n1 > 0) || !(n2 > 0)) {
            return new Estimate(null, null, null, "exact-conditional");
        }
        double alpha = 1 - checkConfidence(confidence);
        long total = o1 + o2;
        double pl = o1 == 0 ? 0.0 : beta(o1, total - o1 + 1).inverseCumulativeProbability(alpha / 2);
        double pu = beta(o1 + 1, total - o1).inverseCumulativeProbability(1 - alpha / 2);
        double rr = (o1 / n1) / (o2 / n2);
        return new Estimate(rr, pl * n2 / ((1 - pl) * n1), pu * n2 / ((1 - pu) * n1), "exact-conditional");
    }

    private static BetaDistribution beta(double a, double b) {
        return new BetaDistribution(null, a, b, INVERSE_ACCURACY);
    }

    private static Estimate logInterval(double ratio, double se, double confidence) {
        double z = z(confidence);
        return new Estimate(ratio, ratio * Math.exp(-z * se), ratio * Math.exp(z * se), "log");
    }

    private static ChiSquaredDistribution chiSquared(double df) {
        return new ChiSquaredDistribution(null, df, INVERSE_ACCURACY);
    }

    private static double checkConfidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be a fraction in (0, 1), e.g. 0.95: " + confidence);
        }
        return confidence;
    }

    private static void checkCount(long observed) {
        if (observed < 0) {
            throw new IllegalArgumentException("a count cannot be negative: " + observed);
        }
    }
}
