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
 * @param activityValidForMs       an activity interval says whether the patient moves until this long after its end
 *                                 (or its own length, if longer; {@link #ACTIVITY_VALID_FOR_MS}); then, with no
 *                                 newer one, the patient is still
 */
public record WearActivityParameters(long silenceLimitMs, double stillBelowStepsPerMinute, WakingHours waking,
                                     long stillForMs, long activityValidForMs) implements Serializable {

    /**
     * {@link #activityValidForMs}: 5 minutes. Long enough to bridge the upload of the next interval of a device that
     * reports every minute or every few minutes; short enough that the minutes after a walk count as rest again: heart
     * rate recovers most of its rise within a few minutes of stopping (Cole CR et al., N Engl J Med 1999;341:1351-7:
     * a fall of more than 12 bpm in the first minute is normal), so a rate still above 120 at rest 5 minutes on is
     * not exertion. Documented in alert-rules/inactivity.yaml and tachycardia.yaml.
     */
    public static final long ACTIVITY_VALID_FOR_MS = 5 * 60_000L;

    public static WearActivityParameters from(EffectiveRules rules, ZoneId zone) {
        Rule inactivity = rules.rule(EpisodeType.INACTIVITY);
        Rule pause = rules.rule(EpisodeType.PAUSE);
        return new WearActivityParameters(rules.rule(EpisodeType.DEVICE_OFFLINE).millis("silenceLimit"),
                inactivity.number("stillBelowStepsPerMinute"), WakingHours.from(rules, zone),
                pause.millis("stillnessMinDuration"), ACTIVITY_VALID_FOR_MS);
    }
}
