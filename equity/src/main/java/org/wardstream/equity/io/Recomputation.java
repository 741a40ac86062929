package org.wardstream.equity.io;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import org.wardstream.equity.disclosure.PublishedRow;

/**
 * A recomputation of the equity aggregates ({@code EquityMetricsJob --bounded}) as the PostgreSQL store sees it: its
 * <b>generation</b> orders before the revision, so the windows it owns replace what the live job wrote, whatever
 * their revisions (revisions count re-emissions within one run and restart at 0 in every run: probe 19a D5).
 *
 * <p>The live job writes generation {@link #LIVE} (0). A recomputation's generation is the time it was submitted, in
 * milliseconds since the epoch, so a later recomputation replaces an earlier one. It owns the windows that were
 * final when it was submitted: window end (local midnight, taken in the last zone on earth to reach it, UTC-12, so
 * final in every zone) plus the allowed lateness at or before the submission time; the live job will never emit those again, and a
 * stale re-emission of its (generation 0) cannot replace them. A window not yet final (the month in progress, which
 * a bounded run emits unfinished at the end of its input) is written as generation 0, so the live job's next
 * emission of it replaces it. Windows starting before {@code from} (when given) are not written at all: the first
 * month of the retained input is incomplete (device-events keeps 35 days), and must not replace the live job's
 * complete figures.
 *
 * @param submittedAt     when the recomputation was submitted (its generation)
 * @param allowedLateness the job's allowed lateness (a window is final this long after it ends)
 * @param from            first window start to write, or null for every window the run emits
 */
public record Recomputation(Instant submittedAt, Duration allowedLateness, LocalDate from) implements Serializable {
    /** The live job's generation. */
    public static final long LIVE = 0L;
    /** The last zone on earth to reach a date is UTC-12: a local midnight is at most this long after the UTC one. */
    private static final Duration LAST_ZONE = Duration.ofHours(12);

    public Recomputation {
        Objects.requireNonNull(submittedAt, "submittedAt");
        Objects.requireNonNull(allowedLateness, "allowedLateness");
        if (submittedAt.toEpochMilli() <= LIVE) {
            throw new IllegalArgumentException("a recomputation's generation must order after the live job's");
        }
    }

    /** This recomputation's generation (its submission time in ms since the epoch). */
    public long generation() {
        return submittedAt.toEpochMilli();
    }

    /** Whether this run writes a window starting at {@code windowStart} at all. */
    public boolean writes(LocalDate windowStart) {
        return from == null || !windowStart.isBefore(from);
    }

    /** The row as this recomputation writes it to every sink: with {@link #generationOf} its window. */
    public PublishedRow stamp(PublishedRow row) {
        return row.withGeneration(generationOf(row.windowEnd()));
    }

    /** The generation a row of the window ending (exclusive) at {@code windowEnd} is written with. */
    public long generationOf(LocalDate windowEnd) {
        return finalAt(windowEnd, allowedLateness).isAfter(submittedAt) ? LIVE : generation();
    }

    /**
     * When the window ending (exclusive) at {@code windowEnd} is final by the clock: a recomputation submitted from
     * then on owns it. The live job closes it by its watermark instead, so it revises the window after this time
     * only when its event time was behind the clock (stopped, catching up, or run with a longer allowed lateness);
     * such a revision no longer reaches readers when a recomputation owns the window (docs/RUNBOOK.md "Recompute").
     */
    public static Instant finalAt(LocalDate windowEnd, Duration allowedLateness) {
        return windowEnd.atStartOfDay(ZoneOffset.UTC).toInstant().plus(LAST_ZONE).plus(allowedLateness);
    }
}
