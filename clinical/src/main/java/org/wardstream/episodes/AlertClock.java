package org.wardstream.episodes;

/**
 * When the alert lifecycle's time-driven changes (a TICK: AF minimum duration reached, pause window expired,
 * re-notification due) happen relative to the patient's transitions, decided from the data alone.
 *
 * <p>The detectors date some transitions before they can know them: an AF end is dated at the first regular beat and
 * confirmed some 64 beats later, an AF onset at the start of its confirming run, and held readings (a backlog) are
 * analysed only when their hold ends. So a TICK due at {@code d} and a transition dated before {@code d} can reach
 * the alert stage in either order, and which comes first in the job is thread timing (whether the watermark passed
 * {@code d} first). The rule:
 * <ul>
 *   <li>Each transition has a time it became known ({@code knownMs}): the receipt of the reading behind it, for a
 *       time-driven one when it fell due, for one from held readings when they were released (the detector's clock
 *       says so before them). The patient's clock is the latest such time so far ({@link #advance}).</li>
 *   <li>Before a transition, every TICK due up to its own time happens ({@link #dueBefore}), in event-time order; and
 *       if it became known later than everything before it, also every TICK due more than the settle time
 *       ({@code settleMs}) before it became known: such a transition was not known when the TICK was due, however it
 *       is dated.
 *       Transitions known at the same time (one reading's, or one released backlog's) keep event-time order
 *       among themselves and with the TICKs their own evidence sets.</li>
 *   <li>Without a transition, a TICK due at {@code d} happens when event time reaches {@link #timerMs}: {@code d}
 *       plus the settle time, and not before the patient's clock. Whatever arrives later became known later
 *       than both, so the rule above puts it after the TICK too: the same order whichever arrives first.</li>
 * </ul>
 * A TICK still happens at its due time (its change is dated {@code d}); only the moment it is decided waits.
 *
 * @param settleMs the settle time: the job's watermark out-of-orderness ({@code IngestSettings.outOfOrderness}, default
 *                 {@link #DEFAULT_SETTLE_MS}), by which a live job's event time (and so its timers) runs behind
 *                 receipt, so a transition confirmed within it of a due time is still treated as on time. It should
 *                 cover the detectors' back-dating (AF onset and end confirmation, about 40 and 64 beats: under two
 *                 minutes above 40/min) with the upload of one RR batch; a shorter one raises (and at once closes) AF
 *                 alerts for runs just over the minimum duration whose end is confirmed later than it.
 */
public record AlertClock(long settleMs) implements java.io.Serializable {
    /**
     * Five minutes: the watermark's default out-of-orderness ({@code IngestSettings.outOfOrderness}), the settle time
     * of {@link #DEFAULT}.
     */
    public static final long DEFAULT_SETTLE_MS = 5 * 60_000L;
    /** The clock with the default settle time. */
    public static final AlertClock DEFAULT = new AlertClock(DEFAULT_SETTLE_MS);
    /** No time yet. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /** Refuses a negative settle time. */
    public AlertClock {
        if (settleMs < 0) {
            throw new IllegalArgumentException("settle time must not be negative, was " + settleMs + " ms");
        }
    }

    /**
     * The latest due time of the TICKs that happen before a transition dated {@code atMs} (or {@link #NO_TIME} for
     * the detector's clock, which has no date of its own) that became known at {@code knownMs}, the patient's clock
     * being {@code clockMs} before it.
     */
    public long dueBefore(long clockMs, long atMs, long knownMs) {
        return clockMs == NO_TIME || knownMs > clockMs ? Math.max(atMs, knownMs - settleMs - 1) : atMs;
    }

    /** The patient's clock after a transition that became known at {@code knownMs}. */
    public static long advance(long clockMs, long knownMs) {
        return Math.max(clockMs, knownMs);
    }

    /**
     * The event time at which to decide a TICK due at {@code dueMs} (or {@link #NO_TIME}: none due) if no
     * transition comes first, the patient's clock being {@code clockMs}.
     */
    public long timerMs(long dueMs, long clockMs) {
        return dueMs == NO_TIME ? NO_TIME : Math.max(dueMs + settleMs, clockMs);
    }

    /** The latest due time a timer at event time {@code timerMs} decides. */
    public long dueBy(long timerMs) {
        return timerMs - settleMs;
    }
}
