package org.wardstream.signals;

/** Derived, low-rate events of {@link WearActivityTracker}. Times are device (event) time, epoch ms. */
public sealed interface WearActivityEvent {

    /** Device time at which the event happened. */
    long atMs();

    /**
     * The activity/wear state changed.
     *
     * @param sinceMs when the new state began in device time: for NO_DATA the last data before the silence
     *                (the device-offline episode start); for WORN_STILL the start of the still interval;
     *                otherwise {@code atMs}
     */
    record StateChange(ActivityState from, ActivityState to, long atMs, long sinceMs) implements WearActivityEvent {
    }

    /**
     * Worn-still time in waking hours reached the limit of the current band (inactivity episode starts).
     *
     * @param startMs start of the counted stillness (the still period clipped to waking hours)
     * @param atMs    when the limit was reached
     * @param limitMs the limit that applied (band at {@code atMs})
     */
    record InactivityStart(long startMs, long atMs, long limitMs) implements WearActivityEvent {
    }

    /** The inactivity episode ended: the patient moved or removed the device, data stopped, or waking hours ended. */
    record InactivityEnd(long startMs, long atMs, Reason reason) implements WearActivityEvent {
        public enum Reason { STATE_CHANGED, WAKING_HOURS_ENDED }
    }

    /**
     * A worn-still stretch has lasted the pause rule's {@code stillnessMinDuration} (reported once per stretch,
     * whatever the time of day): the cue that the CEP pattern "pause followed by stillness" (possible syncope or
     * fall) looks for after a pause.
     *
     * @param stillSinceMs start of the still stretch
     * @param atMs         when it reached the minimum duration
     */
    record StillFor(long stillSinceMs, long atMs) implements WearActivityEvent {
    }
}
