package org.wardstream.equity.stats;

/**
 * A value with its confidence interval and the method that gave the interval.
 *
 * @param method "wilson", "exact", "byars" or "log" (ratios)
 */
public record Estimate(Double value, Double lower, Double upper, String method) {
}
