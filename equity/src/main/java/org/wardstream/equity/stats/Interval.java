package org.wardstream.equity.stats;

/** A confidence interval; a bound is null where undefined. */
public record Interval(Double lower, Double upper) {
}
