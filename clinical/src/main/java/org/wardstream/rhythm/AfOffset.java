package org.wardstream.rhythm;

/**
 * The AF state ended.
 *
 * @param onsetMs     the onset of the episode that ended (as in its {@link AfOnset})
 * @param offsetMs    estimated end of the episode in beat time: the start of the first of the regular
 *                    segments that confirmed the offset, or the last beat before a data gap
 * @param emittedAtMs beat time at which the offset was confirmed (after a data gap: the first beat after it, when the
 *                    data resumed)
 * @param reason      why the episode ended
 */
public record AfOffset(long onsetMs, long offsetMs, long emittedAtMs, Reason reason) implements RhythmEvent {

    /** Why an AF episode ended. */
    public enum Reason {
        /** Consecutive regular segments (hysteresis satisfied). */
        REGULAR_RHYTHM,
        /** No usable data for longer than the bridge limit; the episode closes at the last beat. */
        DATA_GAP,
        /** The caller closed the stream (end of a record, patient unenrolled). */
        END_OF_DATA
    }

    /** Episode duration in milliseconds. */
    public long durationMs() {
        return offsetMs - onsetMs;
    }
}
