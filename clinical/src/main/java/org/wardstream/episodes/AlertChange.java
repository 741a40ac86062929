package org.wardstream.episodes;

import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.util.Map;

/**
 * One alert state change, the output of {@link EpisodeLifecycle}: each becomes one FHIR R4 transaction
 * Bundle (Observation + Task + Provenance) in the Flink layer.
 *
 * @param kind                  OPENED, UPDATED (re-notification while open), ESCALATED (severity raised) or CLOSED
 * @param notifyTeam            whether the triage team is to be notified. False for CLOSED of rules without
 *                              {@code notifyOnClose}: a record-only change that finalises the Observation
 *                              (status final, effectivePeriod.end) and feeds the episodes topic, but must not page
 *                              anyone ("no back-to-normal noise"); and for the UPDATED of an AF alert whose data
 *                              resumed after a gap with the AF still present ({@link #afAfterNoData}): the record
 *                              says so, the alert the team has is unchanged
 * @param episodeId             deterministic id ({@link EpisodeIds}), with the detector version that started the episode
 * @param detectorVersion       the detector of this change's own transition (the Provenance's author): after an upgrade
 *                              it can be newer than the version in the episode id
 * @param episodeStartMs        episode start, device time
 * @param episodeEndMs          episode end for CLOSED, otherwise {@code null}
 * @param atMs                  device time of the change
 * @param severity              current severity (FHIR Task.priority)
 * @param reason                plain-English reason (escalation reason, "reconnected", "still ongoing"), or null
 * @param suppressedRecurrences recurrences suppressed by the cool-down since the previous alert of this type
 * @param ruleVersion           version of the rule file that decided it
 */
public record AlertChange(Kind kind, boolean notifyTeam, String episodeId, String patient, EpisodeType type,
                          Severity severity, long episodeStartMs, Long episodeEndMs, long atMs, String reason,
                          Map<String, Double> evidence, String detectorVersion, int ruleVersion,
                          int suppressedRecurrences) {

    public enum Kind { OPENED, UPDATED, ESCALATED, CLOSED }

    /** The reason of device-offline's notifying close. */
    public static final String RECONNECTED = "reconnected";
    /** The reason of beat-to-beat-offline's notifying close: beat-to-beat (RR) intervals arrive again. */
    public static final String BEAT_TO_BEAT_RESUMED = "beat-to-beat data resumed";
    /**
     * The reason of the OPENED of a recurrence the cool-down held back that was still going on a cool-down after it
     * was found: no longer flapping of the alert before it, so the team is told.
     */
    public static final String SUSTAINED_RECURRENCE = "came back within the cool-down after the previous alert and is still going on";
    /** The reason of a re-notification. */
    public static final String STILL_ONGOING = "still ongoing";
    /** The reason of the close of an alert still open when its patient was unenrolled (withdrawn or discharged). */
    public static final String UNENROLLED = "patient unenrolled: monitoring ended";
    /** The reason of the close of an alert still open when its patient's monitoring was paused (e.g. in hospital). */
    public static final String PAUSED = "monitoring paused";
    /**
     * The reason of the close of an alert whose patient's data went on with an earlier device time (the device's clock
     * was set back, or a late upload: an older part of a backlog after a newer one, a retried request): the analysis
     * restarted there, and an episode that goes on is a new episode (alerted, or held back by the cool-down).
     */
    public static final String CLOCK_RESTART = "data from an earlier time came after later data (a device clock set back, or a late upload): analysis restarted from that time";

    /**
     * The reason of the (record-only) update of an AF alert whose data stopped for a while (the watch off, charging)
     * and, when they resumed, showed AF again with no regular rhythm in between: the same episode going on.
     */
    public static String afAfterNoData(long gapMs) {
        return "data resumed after " + minutesOf(gapMs) + " without data; AF still present (the same episode)";
    }

    /**
     * The reason of the close of an AF alert whose data stopped and, when they resumed, did not show AF again within
     * 10 min (or showed a regular rhythm first): it closes at its last evidence, before the data stopped.
     */
    public static String afNotFoundAfterNoData(long gapMs) {
        return "no data for " + minutesOf(gapMs) + "; AF not found again when the data resumed";
    }

    /**
     * The reason of the close of an AF alert whose data stopped for longer than the rule's {@code dataGapBridge}: whether
     * AF went on is not known; it closes at its last evidence, and AF found after it is a new alert.
     */
    public static String noDataStatusUnknown(long gapMs) {
        return "AF status unknown: no data for " + minutesOf(gapMs);
    }

    /**
     * The reason of the (record-only) update of an AF alert closed for a gap in its data when readings uploaded late,
     * filling that gap, show the AF went on during it: the same alert, open again until those readings show its end.
     */
    public static final String AF_IN_LATE_DATA = "data uploaded late show AF went on during the gap in the data (the same episode): open again";

    /** The reason of the close of such a re-opened AF alert: at the AF's end in the data uploaded late. */
    public static final String AF_ENDED_IN_LATE_DATA = "data uploaded late show AF went on during the gap in the data and ended then";

    /**
     * The reason of the (record-only) update of an open AF alert that went on across a gap in the data (the data resumed
     * showing AF at once) when the readings of that gap, uploaded late, have been analysed: AF through the gap
     * ({@code afMs} equal to {@code gapMs}), in part of it, or not at all (so far: the rest of the gap may be uploaded
     * later, and its record then counts both). The alert stays open (AF was present when the data resumed); no second
     * alert.
     */
    public static String afInLateDataOfTheGap(long gapMs, long afMs) {
        if (afMs >= gapMs) {
            return "data uploaded late show AF went on during the gap in the data (" + minutesOf(gapMs)
                    + "; the same episode)";
        }
        String seen = afMs <= 0 ? "no AF in the gap in the data (" + minutesOf(gapMs) + ")"
                : "AF in " + minutesOf(afMs) + " of the " + minutesOf(gapMs) + " gap in the data";
        return "data uploaded late show " + seen + " (the rest: a regular rhythm, no usable beats, or not uploaded yet);"
                + " AF was present again when the data resumed (the same alert)";
    }

    /**
     * The record-only reason of an open alert whose condition readings uploaded late, from before its start, show
     * already for {@code ms} (an earlier episode of the type, not alerted on its own).
     */
    public static String earlierEpisodeInLateData(long ms) {
        return "data uploaded late show this condition also for " + minutesOf(Math.max(60_000L, ms))
                + " before this alert's start (an earlier episode, recorded here, not alerted separately)";
    }

    /**
     * The record-only reason of a closed alert inside whose period readings uploaded late (a gap's buffer, come after a
     * later alert of the type) show the condition again: the same episode, not alerted separately.
     */
    public static String episodeInLateDataWithinAlert() {
        return "data uploaded late show this condition also within this alert's time (the same episode, recorded here,"
                + " not alerted separately)";
    }

    /** "15 min", "2 h 5 min", "3 h" (rounded to the minute). */
    static String minutesOf(long ms) {
        long min = Math.round(ms / 60_000.0);
        if (min < 60) return min + " min";
        return min / 60 + " h" + (min % 60 == 0 ? "" : " " + min % 60 + " min");
    }

    /**
     * Whether the episode has ended: every CLOSED, and an ESCALATED that a compound pattern confirmed only after
     * the episode closed (it keeps the episode's end, so the record stays final).
     */
    public boolean ended() {
        return episodeEndMs != null;
    }
}
