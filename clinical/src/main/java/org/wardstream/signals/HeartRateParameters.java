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
 * @param waking         local waking hours ("awake" for the sustained-bradycardia criterion)
 */
public record HeartRateParameters(double tachyRateBpm, long tachyMinMs, double tachyEndHysteresisBpm, long tachyEndMinMs,
                                  double restBelowStepsPerMinute,
                                  double severeRateBpm, long severeMinMs, double sustainedRateBpm, long sustainedMinMs,
                                  double bradyEndHysteresisBpm, long bradyEndMinMs, long maxSampleGapMs,
                                  WakingHours waking) implements Serializable {

    /** Default {@link #maxSampleGapMs}: 5 minutes. */
    public static final long DEFAULT_MAX_SAMPLE_GAP_MS = 5 * 60_000L;

    public static HeartRateParameters from(EffectiveRules rules, ZoneId zone) {
        Rule t = rules.rule(EpisodeType.TACHYCARDIA);
        Rule b = rules.rule(EpisodeType.BRADYCARDIA);
        return new HeartRateParameters(t.number("rateBpm"), t.millis("minDuration"), t.number("endHysteresisBpm"),
                t.millis("endMinDuration"), t.number("restBelowStepsPerMinute"), b.number("severeRateBpm"), b.millis("severeMinDuration"),
                b.number("sustainedRateBpm"), b.millis("sustainedMinDuration"), b.number("endHysteresisBpm"),
                b.millis("endMinDuration"), DEFAULT_MAX_SAMPLE_GAP_MS, WakingHours.from(rules, zone));
    }
}
