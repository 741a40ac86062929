package org.wardstream.equity.job;

import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;

import org.wardstream.equity.EquitySettings;
import org.wardstream.rules.ResponseTargets;

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
 * @param responseTargets an acknowledgement within its alert's priority's target counts as within target: the
 *                        worklist's targets (alert-rules/response-targets.yaml, or the file named by
 *                        WARDSTREAM_RESPONSE_TARGETS, as the triage service reads it)
 */
public record EquityJobSettings(Duration allowedLateness, Duration dataTimeliness, Duration outOfOrderness,
                                Duration idleness, String defaultZone, double coverage,
                                ResponseTargets responseTargets)
        implements Serializable {

    public EquityJobSettings {
        if (allowedLateness.isNegative() || dataTimeliness.isNegative() || outOfOrderness.isNegative()
                || idleness.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        ZoneId.of(defaultZone);
        java.util.Objects.requireNonNull(responseTargets, "responseTargets");
        equity(coverage); // validates
    }

    /**
     * Allowed lateness 1 day, timeliness 1 h, out-of-orderness 5 min, idleness 30 s, Europe/London, equity defaults,
     * the response targets the triage service reads ({@link ResponseTargets#configured()}).
     */
    public static EquityJobSettings defaults() {
        EquitySettings e = EquitySettings.defaults();
        return new EquityJobSettings(Duration.ofDays(1), Duration.ofHours(1), Duration.ofMinutes(5),
                Duration.ofSeconds(30), "Europe/London", e.coverageThreshold(), ResponseTargets.configured());
    }

    public EquityJobSettings withAllowedLateness(Duration d) {
        return new EquityJobSettings(d, dataTimeliness, outOfOrderness, idleness, defaultZone, coverage, responseTargets);
    }

    public EquityJobSettings withDataTimeliness(Duration d) {
        return new EquityJobSettings(allowedLateness, d, outOfOrderness, idleness, defaultZone, coverage,
                responseTargets);
    }

    public EquityJobSettings withIdleness(Duration d) {
        return new EquityJobSettings(allowedLateness, dataTimeliness, outOfOrderness, d, defaultZone, coverage,
                responseTargets);
    }

    /** The measures' settings (coverage from here, the rest the documented defaults). */
    public EquitySettings equity() {
        return equity(coverage);
    }

    /** A copy with other response targets (an operator's own file; tests). */
    public EquityJobSettings withResponseTargets(ResponseTargets t) {
        return new EquityJobSettings(allowedLateness, dataTimeliness, outOfOrderness, idleness, defaultZone, coverage, t);
    }

    private static EquitySettings equity(double coverage) {
        return EquitySettings.defaults().withCoverageThreshold(coverage);
    }
}
