package org.wardstream.episodes;

/**
 * When the alert lifecycle's time-driven changes (a TICK: AF minimum duration reached, pause window expired,
 * re-notification due) happen relative to the patient's transitions, so that the alerts depend on the input alone.
 *
 * <p>The detectors date some transitions before they can know them: an AF end is dated at the first regular beat and
 * confirmed some 64 beats later, an AF onset is dated at the start of its confirming run, held readings (a backlog)
 * are analysed when their hold ends. A TICK due at time {@code d} and such a transition dated before {@code d} but
 * known after it could come in either order, and which one the stream delivers first is thread timing (whether the
 * watermark passed {@code d} first). The rule here decides it from the data:
 * <ul>
 *   <li>Each transition has a time it became known: the receipt of the reading behind it (a time-driven one: when it
 *       fell due; one from held readings: when they were released). It counts as known {@link #SETTLE_MS} later in
 *       event time than that, or at its own time if later ({@link #advance}): a transition confirmed within
 *       {@code SETTLE_MS} of its date is treated as on time, as a live job whose watermark runs that far behind
 *       receipt always did.</li>
 *   <li>The patient's clock is the latest such time so far; every TICK due up to it happens before the next
 *       transition is applied.</li>
 *   <li>Without a transition, a TICK due at {@code d} happens when event time reaches {@link #timerMs}{@code (d)}:
 *       by then everything received before {@code d + SETTLE_MS} has arrived, and whatever arrives later
 *       counts as known after {@code d}, so it comes after the TICK either way.</li>
 * </ul>
 * A TICK still happens at its due time (its change is dated {@code d}); only the moment it is decided waits.
 */
public final class AlertClock {
    /**
     * Five minutes: the watermark's default out-of-orderness, by which a live job's event time (and so its
     * timers) already ran behind receipt before this rule; it covers the detectors' back-dating (AF onset and end
     * confirmation, about 40 and 64 beats: under two minutes above 40/min) with the upload of one RR batch.
     */
    public static final long SETTLE_MS = 5 * 60_000L;
    /** No time yet. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private AlertClock() {
    }

    /** The patient's clock after a transition dated {@code atMs} that became known at {@code knownMs}. */
    public static long advance(long clockMs, long atMs, long knownMs) {
        return Math.max(clockMs, Math.max(atMs, knownMs - SETTLE_MS));
    }

    /** When event time must have reached to decide a TICK due at {@code dueMs} (or {@link #NO_TIME}: none due). */
    public static long timerMs(long dueMs) {
        return dueMs == NO_TIME ? NO_TIME : dueMs + SETTLE_MS;
    }

    /** The latest due time a timer at event time {@code timerMs} decides. */
    public static long dueBy(long timerMs) {
        return timerMs - SETTLE_MS;
    }
}
