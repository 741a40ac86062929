package org.wardstream.rhythm;

/**
 * A clean RR interval longer than the pause threshold (default 3 s). Intervals flagged ARTEFACT or
 * GAP are never pauses: a long "RR" over unreadable signal is missing data.
 *
 * @param startMs beat time of the beat that opens the pause
 * @param endMs   beat time of the beat that ends it (the emission time)
 * @param rrMs    the interval
 */
public record PauseEvent(long startMs, long endMs, int rrMs) implements RhythmEvent {
    @Override
    public long emittedAtMs() {
        return endMs;
    }
}
