package org.wardstream.simulator;

import java.time.Instant;
import java.util.Objects;

/**
 * What to simulate. The same config always produces byte-identical output (see {@link Simulator}).
 *
 * @param patients       enrolled patients ({@code p000001} ...), 0-999999
 * @param days           length of the simulated period in whole days from {@code start}, at least 1
 * @param seed           the only source of randomness
 * @param start          first instant of the period (UTC); patients enrolled on the first day start here
 * @param malformedRate  fraction of all emitted device-event records that are injected faults (0-0.2), spread
 *                       over every {@link org.wardstream.contract.DeadLetterReason}
 * @param duplicateRate  fraction of valid readings re-sent byte-identically a few seconds to minutes later (0-0.2)
 * @param outOfOrderRate fraction of valid readings whose upload is delayed by an extra 10 s to 4 min (0-0.5)
 * @param programme      monitoring programme code written to every key (no spaces)
 */
public record SimulatorConfig(int patients, int days, long seed, Instant start, double malformedRate,
                              double duplicateRate, double outOfOrderRate, String programme) {

    /** 2026-03-02T00:00:00Z, the default first instant. */
    public static final Instant DEFAULT_START = Instant.parse("2026-03-02T00:00:00Z");
    public static final String DEFAULT_PROGRAMME = "virtual-ward";

    public SimulatorConfig {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(programme, "programme");
        if (patients < 0 || patients > 999_999) {
            throw new IllegalArgumentException("patients must be 0-999999, was " + patients);
        }
        if (days < 1 || days > 366) {
            throw new IllegalArgumentException("days must be 1-366, was " + days);
        }
        checkRate("malformedRate", malformedRate, 0.2);
        checkRate("duplicateRate", duplicateRate, 0.2);
        checkRate("outOfOrderRate", outOfOrderRate, 0.5);
        if (programme.isBlank() || programme.chars().anyMatch(c -> c <= ' ' || c > '~' || c == '"' || c == '\\')) {
            throw new IllegalArgumentException("programme must be non-blank printable ASCII without spaces or quotes: '"
                    + programme + "'");
        }
        if (start.toEpochMilli() % 1000 != 0) {
            throw new IllegalArgumentException("start must be a whole second, was " + start);
        }
    }

    /** Defaults: start 2026-03-02T00:00:00Z, malformed 0.001, duplicates 0.002, out-of-order 0.01, programme virtual-ward. */
    public static SimulatorConfig defaults(int patients, int days, long seed) {
        return new SimulatorConfig(patients, days, seed, DEFAULT_START, 0.001, 0.002, 0.01, DEFAULT_PROGRAMME);
    }

    public SimulatorConfig withRates(double malformed, double duplicate, double outOfOrder) {
        return new SimulatorConfig(patients, days, seed, start, malformed, duplicate, outOfOrder, programme);
    }

    public SimulatorConfig withSeed(long newSeed) {
        return new SimulatorConfig(patients, days, newSeed, start, malformedRate, duplicateRate, outOfOrderRate, programme);
    }

    /** End of the period (exclusive): {@code start + days}. */
    public Instant end() {
        return start.plusSeconds(86_400L * days);
    }

    private static void checkRate(String name, double v, double max) {
        if (!(v >= 0 && v <= max)) {
            throw new IllegalArgumentException(name + " must be within 0-" + max + ", was " + v);
        }
    }
}
