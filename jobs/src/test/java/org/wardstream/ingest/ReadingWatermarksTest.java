package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class ReadingWatermarksTest {
    static final class Last implements WatermarkOutput {
        long last = Long.MIN_VALUE;
        @Override public void emitWatermark(Watermark w) { last = w.getTimestamp(); }
        @Override public void markIdle() { }
        @Override public void markActive() { }
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
}
