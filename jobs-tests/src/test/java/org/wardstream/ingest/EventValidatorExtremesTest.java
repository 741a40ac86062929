package org.wardstream.ingest;

import org.junit.jupiter.api.Test;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.schema.DeviceEvent;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Valid Avro with values at the integer extremes is refused like any other out-of-range value: an RR batch whose
 * {@code start} is {@code time + Long.MIN_VALUE} and a {@code utcOffsetMinutes} of {@code Integer.MIN_VALUE}. Probe 19b
 * D2: both were accepted, because the checks were {@code Math.abs(x) > limit} and {@code Math.abs} of the most negative
 * long / int is that negative number. Through the job's own deserializer (decode, validate, clock offsets).
 */
class EventValidatorExtremesTest {
    private static final long NOW = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();

    private static IngestRecord decide(DeviceEvent event) {
        DeviceEventDeserializer d = new DeviceEventDeserializer(IngestSettings.defaults());
        return d.toIngestRecord(TestEvents.keyBytes("p1"), TestEvents.valueBytes(event), NOW + 3000,
                "device-events-0@1", -1);
    }

    @Test
    void anRrBatchStartingAtTimePlusLongMinValueIsDeadLettered() {
        DeviceEvent ok = TestEvents.rr("rr-1", Instant.ofEpochMilli(NOW), java.util.List.of(800, 810, 790), TestEvents.clean(3));
        assertThat(decide(ok).isAccepted()).as("control: the same batch with its real start").isTrue();
        DeviceEvent hostile = DeviceEvent.newBuilder(ok).setPayload(
                org.wardstream.schema.RrIntervalBatch.newBuilder((org.wardstream.schema.RrIntervalBatch) ok.getPayload())
                        .setStart(Instant.ofEpochMilli(NOW + Long.MIN_VALUE)).build()).build();
        IngestRecord r = decide(hostile);
        assertThat(r.isAccepted()).as("rrBatch.start 292 million years before time: refused, not analysed").isFalse();
        assertThat(r.rejected.reason).isEqualTo(DeadLetterReason.INVALID_FIELD.code());
        assertThat(r.rejected.detail).startsWith("rrBatch.start is ").contains(" s before time");
    }

    @Test
    void aUtcOffsetOfIntegerMinValueMinutesIsDeadLettered() {
        DeviceEvent ok = TestEvents.heartRate("hr-1", Instant.ofEpochMilli(NOW), 70f);
        assertThat(decide(DeviceEvent.newBuilder(ok).setUtcOffsetMinutes(-1081).build()).isAccepted())
                .as("control: -1081 is refused").isFalse();
        IngestRecord r = decide(DeviceEvent.newBuilder(ok).setUtcOffsetMinutes(Integer.MIN_VALUE).build());
        assertThat(r.isAccepted()).as("utcOffsetMinutes -2147483648 (contract: -1080..1080)").isFalse();
    }
}
