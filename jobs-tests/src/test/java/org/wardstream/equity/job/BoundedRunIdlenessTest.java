package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.IngestRecord;

/**
 * Session 24: Flink's source idleness is judged on the wall clock. A partition whose backlog the Kafka consumer has not
 * handed over for the idleness (it hands over one partition's fetch at a time, and a loaded machine is slow) counts as
 * quiet, event time moves on to the other partitions' data, and its readings, read next, are past their day's allowed
 * lateness and dropped. A recomputation's partitions end (a bounded run), so it needs no idleness, and with none its
 * figures cannot depend on how fast the machine reads: its partitions never go idle, however long one waits. The live
 * job keeps its idleness (a partition quiet for 30 s must not stop event time).
 */
class BoundedRunIdlenessTest {
    static final long T = 1_772_323_200_000L; // 2026-03-01T00:00:00Z

    static final class Last implements WatermarkOutput {
        long last = Long.MIN_VALUE;
        boolean idle;

        @Override
        public void emitWatermark(Watermark w) {
            last = w.getTimestamp();
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }

    static <T> WatermarkGenerator<T> generator(WatermarkStrategy<T> s, ManualClock clock) {
        return s.createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return clock;
            }
        });
    }

    /** One partition: a reading, then ten minutes with nothing handed over; idle or not at the end. */
    static boolean readingsPartitionGoesIdle(boolean bounded) {
        EquityJobConfig config = EquityJobConfig.defaults("localhost:9092").withBounded(bounded);
        ManualClock clock = new ManualClock(1_000_000_000L);
        WatermarkGenerator<IngestRecord> gen = generator(EquityMetricsJob.readingWatermarks(config, clock::relativeTimeNanos,
                System::currentTimeMillis), clock); // the live job's quiet test runs on this clock (CatchUpIdleness)
        Last out = new Last();
        DeviceReading r = new DeviceReading();
        r.time = T;
        gen.onEvent(IngestRecord.accepted(r), T, out);
        for (int i = 0; i < 3000; i++) {
            clock.advanceTime(Duration.ofMillis(200));
            gen.onPeriodicEmit(out);
        }
        assertThat(out.last).isEqualTo(T - Duration.ofMinutes(5).toMillis() - 1);
        return out.idle;
    }

    static boolean episodesPartitionGoesIdle(boolean bounded) {
        ManualClock clock = new ManualClock(1_000_000_000L);
        WatermarkGenerator<EquityInput> gen = generator(
                EquityMetricsJob.boundedOutOfOrderness(EquityJobSettings.defaults(), bounded), clock);
        Last out = new Last();
        gen.onEvent(EquityInput.episode("virtual-ward", "p", "e", "atrial-fibrillation", "OPENED", T, T, T), T, out);
        for (int i = 0; i < 3000; i++) {
            clock.advanceTime(Duration.ofMillis(200));
            gen.onPeriodicEmit(out);
        }
        return out.idle;
    }

    @Test
    void aRecomputationsPartitionsNeverGoIdleHoweverLongTheConsumerTakes() {
        assertThat(readingsPartitionGoesIdle(true)).as("device-events, bounded").isFalse();
        assertThat(episodesPartitionGoesIdle(true)).as("episodes and triage-events, bounded").isFalse();
    }

    @Test
    void theLiveJobsQuietPartitionsStillStopHoldingEventTimeBack() {
        assertThat(readingsPartitionGoesIdle(false)).as("device-events, live").isTrue();
        assertThat(episodesPartitionGoesIdle(false)).as("episodes and triage-events, live").isTrue();
    }
}
