package org.wardstream.rules;

import java.io.Serializable;
import java.time.Duration;

/**
 * What a rule parameter is: its kind, its allowed (physiological or service) range and the unit in which a
 * per-patient override gives it. Values are held in a canonical unit: numbers as written (bpm, steps per
 * minute, segments), durations in milliseconds, times of day in minutes since local midnight.
 *
 * @param name         the key under {@code parameters:} in the rule file
 * @param kind         NUMBER (a YAML number), DURATION (an ISO-8601 duration such as {@code PT10M}) or
 *                     TIME_OF_DAY (a quoted local time {@code "08:00"})
 * @param integer      for NUMBER: whether only whole numbers are allowed
 * @param min          smallest allowed value, canonical unit
 * @param max          largest allowed value, canonical unit
 * @param overrideUnit unit of a per-patient override value
 */
public record ParameterSpec(String name, Kind kind, boolean integer, double min, double max,
                            OverrideUnit overrideUnit) implements Serializable {

    public enum Kind { NUMBER, DURATION, TIME_OF_DAY }

    /** Unit of a per-patient override ({@code Map<String, Double>} from the enrolment). */
    public enum OverrideUnit {
        BPM("bpm", 1), STEPS_PER_MINUTE("steps/min", 1), COUNT("", 1),
        /** A probability between 0 and 1, as written (the AF onset bar). */
        PROBABILITY("", 1),
        SECONDS("seconds", 1000), MINUTES("minutes", 60_000),
        /** Hours since local midnight, e.g. 7.5 = 07:30 (canonical: minutes since midnight). */
        HOUR_OF_DAY("hour of day", 60);

        private final String label;
        private final double toCanonical;

        OverrideUnit(String label, double toCanonical) {
            this.label = label;
            this.toCanonical = toCanonical;
        }

        public String label() {
            return label;
        }

        public double toCanonical(double v) {
            return v * toCanonical;
        }

        public double fromCanonical(double v) {
            return v / toCanonical;
        }
    }

    static ParameterSpec number(String name, double min, double max, OverrideUnit unit) {
        return new ParameterSpec(name, Kind.NUMBER, false, min, max, unit);
    }

    static ParameterSpec count(String name, int min, int max) {
        return new ParameterSpec(name, Kind.NUMBER, true, min, max, OverrideUnit.COUNT);
    }

    static ParameterSpec duration(String name, Duration min, Duration max, OverrideUnit unit) {
        return new ParameterSpec(name, Kind.DURATION, false, min.toMillis(), max.toMillis(), unit);
    }

    static ParameterSpec timeOfDay(String name) {
        return new ParameterSpec(name, Kind.TIME_OF_DAY, false, 0, 24 * 60 - 1, OverrideUnit.HOUR_OF_DAY);
    }

    /** The range as written in a rule file, e.g. {@code 60 and 250} or {@code PT1M and PT2H}. */
    String fileRange() {
        return switch (kind) {
            case NUMBER -> Format.number(min) + " and " + Format.number(max);
            case DURATION -> Duration.ofMillis((long) min) + " and " + Duration.ofMillis((long) max);
            case TIME_OF_DAY -> Format.timeOfDay(min) + " and " + Format.timeOfDay(max);
        };
    }

    /** The range in the override unit, e.g. {@code 60 and 250 bpm} or {@code 1 and 120 minutes}. */
    String overrideRange() {
        String u = overrideUnit.label().isEmpty() ? "" : " " + overrideUnit.label();
        return Format.number(overrideUnit.fromCanonical(min)) + " and "
                + Format.number(overrideUnit.fromCanonical(max)) + u;
    }
}
