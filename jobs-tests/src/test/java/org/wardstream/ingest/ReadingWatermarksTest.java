package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

class ReadingWatermarksTest {
    static final class Last implements WatermarkOutput {
        long last = Long.MIN_VALUE;
        boolean idle;
        @Override public void emitWatermark(Watermark w) { last = w.getTimestamp(); idle = false; }
        @Override public void markIdle() { idle = true; }
        @Override public void markActive() { idle = false; }
    }

    @Test
    void refusedRecordsNeverMoveEventTime() {
        var gen = new ReadingWatermarks.AcceptedOnlyBoundedOutOfOrderness(1000);
        Last out = new Last();
        DeviceReading r = new DeviceReading();
        r.time = 50_000;
        gen.onEvent(IngestRecord.accepted(r), 50_000, out);
        gen.onPeriodicEmit(out);
        assertThat(out.last).isEqualTo(50_000 - 1000 - 1);
        // a refused record dated two days ahead (its Kafka timestamp) does not advance the watermark
        gen.onEvent(IngestRecord.rejected(new DeadLetter()), 50_000 + 2 * 86_400_000L, out);
        gen.onPeriodicEmit(out);
        assertThat(out.last).isEqualTo(50_000 - 1000 - 1);
        DeviceReading older = new DeviceReading();
        older.time = 10_000;
        gen.onEvent(IngestRecord.accepted(older), 10_000, out);
        gen.onPeriodicEmit(out);
        assertThat(out.last).isEqualTo(50_000 - 1000 - 1);
    }

    /** The job's strategy as the Kafka source builds it per partition, on a clock the test moves. */
    static WatermarkGenerator<IngestRecord> partitionGenerator(ManualClock clock) {
        return ReadingWatermarks.strategy(Duration.ofMinutes(5), Duration.ofSeconds(30))
                .createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
                    @Override public MetricGroup getMetricGroup() { return new UnregisteredMetricsGroup(); }
                    @Override public RelativeClock getInputActivityClock() { return clock; }
                });
    }

    /**
     * A partition that receives only records ingest refuses (crafted bytes, a gateway dated days ahead) must count as
     * quiet: it never moves event time, so if it kept the partition "active" the job's event time would stop for every
     * patient (device-offline, episode ends and every other event-time decision). Flink's idleness wrapper counts every
     * record it is shown as activity, so refused records must not be shown to it.
     */
    @Test
    void aPartitionReceivingOnlyRefusedRecordsIsMarkedIdle() {
        ManualClock clock = new ManualClock(1_000_000_000L);
        WatermarkGenerator<IngestRecord> gen = partitionGenerator(clock);
        Last out = new Last();
        for (int i = 0; i < 400; i++) { // one refused record every 200 ms for 80 s
            gen.onEvent(IngestRecord.rejected(new DeadLetter()), 1_700_000_000_000L + i * 200L, out);
            clock.advanceTime(Duration.ofMillis(200));
            gen.onPeriodicEmit(out);
        }
        assertThat(out.idle).as("a partition with no accepted reading for 80 s (idleness 30 s)").isTrue();
        assertThat(out.last).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aPartitionWithAcceptedReadingsStaysActiveAndAnAcceptedReadingEndsItsIdleness() {
        ManualClock clock = new ManualClock(1_000_000_000L);
        WatermarkGenerator<IngestRecord> gen = partitionGenerator(clock);
        Last out = new Last();
        long t = 1_700_000_000_000L;
        for (int i = 0; i < 400; i++) { // refused records every 200 ms, an accepted reading every 10 s
            DeviceReading r = new DeviceReading();
            r.time = t + i * 200L;
            gen.onEvent(i % 50 == 0 ? IngestRecord.accepted(r) : IngestRecord.rejected(new DeadLetter()), r.time, out);
            clock.advanceTime(Duration.ofMillis(200));
            gen.onPeriodicEmit(out);
            assertThat(out.idle).as("step %d", i).isFalse();
        }
        assertThat(out.last).isEqualTo(t + 350 * 200L - Duration.ofMinutes(5).toMillis() - 1);
        for (int s = 0; s < 62; s++) { // no record at all for a minute: idle (the timer starts at the first quiet check)
            clock.advanceTime(Duration.ofSeconds(1));
            gen.onPeriodicEmit(out);
        }
        assertThat(out.idle).isTrue();
        DeviceReading later = new DeviceReading();
        later.time = t + 3_600_000L;
        gen.onEvent(IngestRecord.accepted(later), later.time, out);
        gen.onPeriodicEmit(out);
        assertThat(out.idle).isFalse();
        assertThat(out.last).isEqualTo(later.time - Duration.ofMinutes(5).toMillis() - 1);
    }
}
