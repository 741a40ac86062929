package org.wardstream.equity.stats;

/**
 * A value with its confidence interval and the method that gave the interval.
 *
 * @param method "wilson", "exact", "byars"; for ratios "exact-conditional" (rates), "mover" (proportions), "log"
 *               (the older log methods) or "reference" (the reference stratum itself)
 */
public record Estimate(Double value, Double lower, Double upper, String method) {
}
