package org.wardstream.signals;

import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;

import java.io.Serializable;
import java.time.ZoneId;

/**
 * Parameters of {@link WearActivityTracker}, normally from a patient's effective rules ({@link #from}).
 *
 * @param silenceLimitMs           no data for this long or longer: NO_DATA (device-offline rule)
 * @param stillBelowStepsPerMinute an activity interval with fewer steps per minute than this is still
 * @param waking                   waking hours and inactivity limits per band (inactivity rule)
 * @param stillForMs               a worn-still stretch this long is reported as {@link WearActivityEvent.StillFor}
 *                                 (pause rule {@code stillnessMinDuration})
 */
public record WearActivityParameters(long silenceLimitMs, double stillBelowStepsPerMinute, WakingHours waking,
                                     long stillForMs) implements Serializable {

    public static WearActivityParameters from(EffectiveRules rules, ZoneId zone) {
        Rule inactivity = rules.rule(EpisodeType.INACTIVITY);
        Rule pause = rules.rule(EpisodeType.PAUSE);
        return new WearActivityParameters(rules.rule(EpisodeType.DEVICE_OFFLINE).millis("silenceLimit"),
                inactivity.number("stillBelowStepsPerMinute"), WakingHours.from(rules, zone),
                pause.millis("stillnessMinDuration"));
    }
}
