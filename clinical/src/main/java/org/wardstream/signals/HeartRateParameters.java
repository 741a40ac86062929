package org.wardstream.signals;

import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;

import java.io.Serializable;
import java.time.ZoneId;

/**
 * Parameters of {@link HeartRateThresholds}, normally built from a patient's effective rules
 * ({@link #from}). Rates in bpm, durations in ms.
 *
 * @param restBelowStepsPerMinute a worn device whose last activity interval had fewer steps per minute than
 *                       this counts as at rest for tachycardia (far below walking cadence, about 100/min)
 * @param maxSampleGapMs samples further apart than this break a run ("sustained" needs continuous data);
 *                       an open episode closes at its last sample ({@code DATA_GAP})
 * @param minSignalQuality a sample the device rates below this confidence (0-1) is left out
 * @param waking         local waking hours ("awake" for the sustained-bradycardia criterion)
 */
public record HeartRateParameters(double tachyRateBpm, long tachyMinMs, double tachyEndHysteresisBpm, long tachyEndMinMs,
                                  double restBelowStepsPerMinute,
                                  double severeRateBpm, long severeMinMs, double sustainedRateBpm, long sustainedMinMs,
                                  double bradyEndHysteresisBpm, long bradyEndMinMs, long maxSampleGapMs,
                                  double minSignalQuality, WakingHours waking) implements Serializable {

    /**
     * Default {@link #maxSampleGapMs}: 10 minutes (was 5 until probe 17a, D6). Wrist wearables measure heart rate in
     * the background every few minutes while the wearer is still (a sample every 6 minutes is common); with a 5-minute
     * limit every run of such a device broke and sustained tachycardia at rest was never alerted. 10 minutes is the
     * tachycardia rule's own duration: the sparsest data that can still meet "10 minutes" is two samples 10 minutes
     * apart, each the whole of its "minute" (a single sample never makes a run). Documented in
     * alert-rules/tachycardia.yaml, bradycardia.yaml and docs/TRIAGE.md.
     */
    public static final long DEFAULT_MAX_SAMPLE_GAP_MS = 10 * 60_000L;
    /**
     * Default {@link #minSignalQuality}: 0.5. The device's own confidence ({@code HeartRateSample.signalQuality}, 0-1);
     * a sample it rates below the middle of its own scale is one it says not to trust (a loose watch locking onto
     * motion or ambient light). Service-defined (no guideline sets a number; the scale is the device's).
     */
    public static final double DEFAULT_MIN_SIGNAL_QUALITY = 0.5;

    public static HeartRateParameters from(EffectiveRules rules, ZoneId zone) {
        Rule t = rules.rule(EpisodeType.TACHYCARDIA);
        Rule b = rules.rule(EpisodeType.BRADYCARDIA);
        return new HeartRateParameters(t.number("rateBpm"), t.millis("minDuration"), t.number("endHysteresisBpm"),
                t.millis("endMinDuration"), t.number("restBelowStepsPerMinute"), b.number("severeRateBpm"), b.millis("severeMinDuration"),
                b.number("sustainedRateBpm"), b.millis("sustainedMinDuration"), b.number("endHysteresisBpm"),
                b.millis("endMinDuration"), DEFAULT_MAX_SAMPLE_GAP_MS, DEFAULT_MIN_SIGNAL_QUALITY,
                WakingHours.from(rules, zone));
    }
}
