package org.wardstream.equity.job;

import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;

import org.wardstream.equity.EquitySettings;

/**
 * Tuning of the equity-metrics job (docs/JOBS.md, "The equity-metrics job").
 *
 * @param allowedLateness how long after a local day ends (in event time) late data still revises it; later data is
 *                        counted as dropped-late and never silently lost
 * @param dataTimeliness  a reading counts towards the data minutes of its day only when the platform received it
 *                        within this time of its device time: data uploaded hours later (after a connectivity loss)
 *                        was not available to monitor the patient when it mattered
 * @param outOfOrderness  watermark bound of the episodes and triage-events sources
 * @param idleness        a source partition with no records for this long stops holding the watermark back
 * @param defaultZone     local-day time zone when an enrolment names none or an unknown one
 * @param coverage        share of the enrolled minutes with data for a day to count as monitored
 * @param triageTarget    acknowledgement within this time of the alert counts as within target
 */
public record EquityJobSettings(Duration allowedLateness, Duration dataTimeliness, Duration outOfOrderness,
                                Duration idleness, String defaultZone, double coverage, Duration triageTarget)
        implements Serializable {

    public EquityJobSettings {
        if (allowedLateness.isNegative() || dataTimeliness.isNegative() || outOfOrderness.isNegative()
                || idleness.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        ZoneId.of(defaultZone);
        equity(coverage, triageTarget); // validates
    }

    /** Allowed lateness 1 day, timeliness 1 h, out-of-orderness 5 min, idleness 30 s, Europe/London, equity defaults. */
    public static EquityJobSettings defaults() {
        EquitySettings e = EquitySettings.defaults();
        return new EquityJobSettings(Duration.ofDays(1), Duration.ofHours(1), Duration.ofMinutes(5),
                Duration.ofSeconds(30), "Europe/London", e.coverageThreshold(), e.triageTarget());
    }

    public EquityJobSettings withAllowedLateness(Duration d) {
        return new EquityJobSettings(d, dataTimeliness, outOfOrderness, idleness, defaultZone, coverage, triageTarget);
    }

    public EquityJobSettings withDataTimeliness(Duration d) {
        return new EquityJobSettings(allowedLateness, d, outOfOrderness, idleness, defaultZone, coverage, triageTarget);
    }

    public EquityJobSettings withIdleness(Duration d) {
        return new EquityJobSettings(allowedLateness, dataTimeliness, outOfOrderness, d, defaultZone, coverage,
                triageTarget);
    }

    /** The measures' settings (coverage and triage target from here, the rest the documented defaults). */
    public EquitySettings equity() {
        return equity(coverage, triageTarget);
    }

    private static EquitySettings equity(double coverage, Duration triageTarget) {
        return EquitySettings.defaults().withCoverageThreshold(coverage).withTriageTarget(triageTarget);
    }
}
