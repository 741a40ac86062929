package org.wardstream.ingest;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * Event-time watermarks for {@code device-events}: device time with a bounded out-of-orderness,
 * advanced only by accepted readings (a refused record, e.g. one dated two days ahead, never moves
 * event time), with idleness so a quiet partition does not hold the watermark back; a partition that receives only
 * refused records is quiet too ({@link AcceptedOnly}). Applied in the
 * Kafka source, so it runs per partition. The device time is the corrected one for a device whose clock runs ahead
 * ({@link DeviceClockOffsets}, applied by the deserializer before this), so corrected times drive detection.
 */
public final class ReadingWatermarks {
    private ReadingWatermarks() {
    }

    public static WatermarkStrategy<IngestRecord> strategy(Duration outOfOrderness, Duration idleness) {
        long bound = outOfOrderness.toMillis();
        return WatermarkStrategy.<IngestRecord>forGenerator(ctx -> {
            WatermarkGenerator<IngestRecord> g = new AcceptedOnlyBoundedOutOfOrderness(bound);
            return idleness.isZero() ? g
                    : new AcceptedOnly(new WatermarksWithIdleness<>(g, idleness, ctx.getInputActivityClock()));
        }).withTimestampAssigner(ReadingWatermarks::timestamp);
    }

    /** A reading's event time: its device time when accepted, else the Kafka record's time (it never moves event time). */
    public static long timestamp(IngestRecord r, long kafkaTs) {
        return r.isAccepted() ? r.reading.time : kafkaTs;
    }

    /**
     * Shows only accepted readings to the generator it wraps. Flink's idleness wrapper counts every record it is shown
     * as activity; a partition that receives only refused records (crafted bytes, a gateway dated days ahead) never
     * moves event time, so counting them would keep it "active" with no watermark and stop event time for every
     * patient (device-offline, episode ends). Such a partition is quiet, like an empty one.
     */
    static final class AcceptedOnly implements WatermarkGenerator<IngestRecord> {
        private final WatermarkGenerator<IngestRecord> inner;

        AcceptedOnly(WatermarkGenerator<IngestRecord> inner) {
            this.inner = inner;
        }

        @Override
        public void onEvent(IngestRecord event, long eventTimestamp, WatermarkOutput output) {
            if (event.isAccepted()) {
                inner.onEvent(event, eventTimestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            inner.onPeriodicEmit(output);
        }
    }

    /**
     * Enrolment updates carry no event time: the source declares itself idle, so the operators that
     * join enrolments with readings follow the readings' watermark alone. (Emitting a maximal
     * watermark instead would be wrong: when the readings go idle too, event time would jump to the
     * end of time and fire every timer at once.)
     */
    public static WatermarkStrategy<EnrolmentUpdate> neverHoldBack() {
        return WatermarkStrategy.<EnrolmentUpdate>forGenerator(ctx -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(EnrolmentUpdate event, long eventTimestamp, WatermarkOutput output) {
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        }).withTimestampAssigner((e, kafkaTs) -> kafkaTs);
    }

    /** Device time less {@code bound} (ms), advanced by accepted readings only. */
    public static WatermarkGenerator<IngestRecord> boundedOutOfOrderness(long bound) {
        return new AcceptedOnlyBoundedOutOfOrderness(bound);
    }

    static final class AcceptedOnlyBoundedOutOfOrderness implements WatermarkGenerator<IngestRecord> {
        private final long bound;
        private long maxTimestamp;

        AcceptedOnlyBoundedOutOfOrderness(long bound) {
            this.bound = bound;
            this.maxTimestamp = Long.MIN_VALUE + bound + 1;
        }

        @Override
        public void onEvent(IngestRecord event, long eventTimestamp, WatermarkOutput output) {
            if (event.isAccepted()) {
                maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(maxTimestamp - bound - 1));
        }
    }
}
