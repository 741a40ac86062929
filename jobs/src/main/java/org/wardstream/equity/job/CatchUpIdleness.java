package org.wardstream.equity.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.LongSupplier;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.wardstream.ingest.IngestRecord;
import org.wardstream.ingest.ReadingWatermarks;

/**
 * The live equity job's readings watermarks: device time less the out-of-orderness, advanced by accepted readings only
 * (as {@link org.wardstream.ingest.ReadingWatermarks}), and a partition quiet for the idleness stops holding event time
 * back <b>only when its source subtask is not catching up a backlog</b>.
 *
 * <p>Why: Flink's idleness ({@code withIdleness}) is judged per partition on the wall clock. One Kafka consumer serves
 * all the partitions of a source subtask and hands over one partition's fetch at a time; while it hands over partition
 * A's backlog, partition B, whose backlog is still waiting, gets nothing, counts as idle after the idleness, event time
 * moves on with A's readings, and B's older readings, handed over next, are past their day's allowed lateness and
 * dropped ({@code equityDroppedLate{input=reading}}; session 24: 3,000 readings with a 1-s idleness;
 * {@code CatchUpIdlenessTest}). A partition can be starved only by the other partitions of its own consumer, so here a
 * quiet partition goes idle only when its subtask is <em>caught up</em>: the last reading the subtask handed over (on
 * any partition) has a device time within {@code caughtUp} of the wall clock (fresh data, not a backlog), or the
 * subtask handed over no reading at all for the idleness (nothing queued ahead of the quiet partition). A truly empty
 * partition (a programme with no devices yet) therefore goes idle after the idleness in a live job whose other
 * partitions carry current data, and after the catch-up ends in one reading a backlog; until then event time waits
 * (later figures, none lost). A reading handed over later on an idle partition makes it active again.
 *
 * <p>The subtask's progress is shared by its partitions' generators through this strategy object, which Flink
 * deserializes once per source subtask and asks for one generator per partition (split) on the task's thread.
 */
final class CatchUpIdleness implements WatermarkStrategy<IngestRecord> {
    private static final long serialVersionUID = 1L;

    /** A clock that travels with the job graph (tests move it). */
    interface Clock extends LongSupplier, Serializable {
    }

    private final long boundMs;
    private final long idleNanos;
    private final long caughtUpMs;
    private final Clock nanos;
    private final Clock wallMillis;
    private transient Progress progress;

    CatchUpIdleness(Duration outOfOrderness, Duration idleness, Duration caughtUp, Clock nanos, Clock wallMillis) {
        this.boundMs = outOfOrderness.toMillis();
        this.idleNanos = idleness.toNanos();
        this.caughtUpMs = caughtUp.toMillis();
        this.nanos = nanos;
        this.wallMillis = wallMillis;
    }

    static CatchUpIdleness of(Duration outOfOrderness, Duration idleness, Duration caughtUp) {
        return new CatchUpIdleness(outOfOrderness, idleness, caughtUp, System::nanoTime, System::currentTimeMillis);
    }

    /** What the source subtask last handed over, on any of its partitions. */
    static final class Progress {
        long lastReadingNanos;
        boolean lastReadingFresh;
        boolean any;
    }

    @Override
    public TimestampAssigner<IngestRecord> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return ReadingWatermarks::timestamp;
    }

    @Override
    public WatermarkGenerator<IngestRecord> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        if (progress == null) {
            progress = new Progress();
        }
        return new Generator(progress);
    }

    private final class Generator implements WatermarkGenerator<IngestRecord> {
        private final Progress shared;
        private final WatermarkGenerator<IngestRecord> watermarks = ReadingWatermarks.boundedOutOfOrderness(boundMs);
        private long lastOwnNanos = nanos.getAsLong();

        Generator(Progress shared) {
            this.shared = shared;
        }

        @Override
        public void onEvent(IngestRecord event, long eventTimestamp, WatermarkOutput output) {
            if (!event.isAccepted()) {
                return; // a refused record never moves event time, nor keeps a partition active
            }
            watermarks.onEvent(event, eventTimestamp, output);
            long now = nanos.getAsLong();
            lastOwnNanos = now;
            shared.lastReadingNanos = now;
            shared.lastReadingFresh = eventTimestamp >= wallMillis.getAsLong() - caughtUpMs;
            shared.any = true;
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long now = nanos.getAsLong();
            boolean quiet = now - lastOwnNanos >= idleNanos;
            boolean subtaskCaughtUp = !shared.any || shared.lastReadingFresh
                    || now - shared.lastReadingNanos >= idleNanos;
            if (quiet && subtaskCaughtUp) {
                output.markIdle();
            } else {
                watermarks.onPeriodicEmit(output);
            }
        }
    }
}
