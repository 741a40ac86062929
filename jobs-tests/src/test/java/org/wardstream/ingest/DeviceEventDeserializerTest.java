package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.ingest.TestEvents.T0;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.Topics;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.wire.CraftedRecords;
import org.wardstream.schema.wire.DecodeLimits;

class DeviceEventDeserializerTest {
    final DeviceEventDeserializer deserializer = new DeviceEventDeserializer(IngestSettings.defaults());

    IngestRecord one(byte[] key, byte[] value, RecordHeaders headers) throws Exception {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("device-events", 1, 42L,
                T0.toEpochMilli() + 5000, TimestampType.CREATE_TIME, -1, -1, key, value, headers,
                java.util.Optional.empty());
        List<IngestRecord> out = new ArrayList<>();
        deserializer.deserialize(record, new Collector<>() {
            @Override public void collect(IngestRecord r) { out.add(r); }
            @Override public void close() { }
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void acceptsAValidEventAndKeepsItsProvenance() throws Exception {
        byte[] key = TestEvents.keyBytes("p1");
        byte[] value = TestEvents.valueBytes(TestEvents.heartRate("e1", T0, 64));
        IngestRecord r = one(key, value, new RecordHeaders());
        assertThat(r.isAccepted()).isTrue();
        assertThat(r.reading.rawValue).isEqualTo(value);
        assertThat(r.reading.origin).isEqualTo("device-events-1@42");
    }

    @Test
    void truncatedNullAndGarbageAreNotDecodableWithOriginalBytes() throws Exception {
        byte[] key = TestEvents.keyBytes("p1");
        byte[] value = TestEvents.valueBytes(TestEvents.heartRate("e1", T0, 64));
        byte[] truncated = Arrays.copyOf(value, value.length - 3);
        for (byte[][] kv : new byte[][][] {{key, truncated}, {key, null}, {"junk".getBytes(), value}}) {
            IngestRecord r = one(kv[0], kv[1], new RecordHeaders());
            assertThat(r.isAccepted()).isFalse();
            assertThat(r.rejected.reason).isEqualTo("not-decodable");
            assertThat(r.rejected.key).isEqualTo(kv[0]);
            assertThat(r.rejected.value).isEqualTo(kv[1]);
            assertThat(r.rejected.origin).isEqualTo("device-events-1@42");
        }
    }

    @Test
    void aForeignFingerprintIsUnknownSchema() throws Exception {
        IngestRecord r = one(TestEvents.keyBytes("p1"), TestEvents.foreignSchemaBytes(), new RecordHeaders());
        assertThat(r.rejected.reason).isEqualTo("unknown-schema");
    }

    @Test
    void replayLineNumbersReachTheDeadLetter() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_SOURCE_LINE, "17".getBytes());
        IngestRecord r = one(TestEvents.keyBytes("p1"), "{not json".getBytes(), headers);
        assertThat(r.rejected.sourceLine).isEqualTo(17);
        assertThat(r.rejected.detail).startsWith("line 17:");
    }

    @Test
    void validationFailuresCarryTheirReason() throws Exception {
        IngestRecord r = one(TestEvents.keyBytes("p1"), TestEvents.valueBytes(TestEvents.heartRate("e", T0, 400)),
                new RecordHeaders());
        assertThat(r.rejected.reason).isEqualTo("implausible-value");
        assertThat(r.rejected.detail).doesNotContain("p1");
    }

    @Test
    void craftedHugeLengthsAreDeadLetteredAsTooLargeWithTheirBytes() throws Exception {
        byte[] key = TestEvents.keyBytes("p1");
        for (byte[] value : new byte[][] {CraftedRecords.hugeString(), CraftedRecords.hugeArray()}) {
            IngestRecord r = one(key, value, new RecordHeaders());
            assertThat(r.isAccepted()).isFalse();
            assertThat(r.rejected.reason).isEqualTo("too-large");
            assertThat(r.rejected.value).isEqualTo(value);
        }
        IngestRecord badKey = one(CraftedRecords.hugeString(DeviceEventKey.getClassSchema()),
                TestEvents.valueBytes(TestEvents.heartRate("e1", T0, 64)), new RecordHeaders());
        assertThat(badKey.rejected.reason).isEqualTo("too-large");
    }

    @Test
    void aRecordOverTheConfiguredSizeIsTooLargeBeforeDecoding() throws Exception {
        byte[] value = TestEvents.valueBytes(TestEvents.heartRate("e1", T0, 64));
        DeviceEventDeserializer strict = new DeviceEventDeserializer(IngestSettings.defaults()
                .withDecodeLimits(new DecodeLimits(value.length - 1, 1024, 1024, 1000, 16)));
        IngestRecord r = strict.toIngestRecord(TestEvents.keyBytes("p1"), value, T0.toEpochMilli(), "o", -1);
        assertThat(r.rejected.reason).isEqualTo("too-large");
        assertThat(r.rejected.detail).contains("limit " + (value.length - 1));
    }

    /** Found by DecoderFuzzTest: the decision without a Kafka record around it had no validator yet. */
    @Test
    void theDecisionAloneValidatesOnAFreshDeserializer() {
        IngestRecord r = new DeviceEventDeserializer(IngestSettings.defaults()).toIngestRecord(TestEvents.keyBytes("p1"),
                TestEvents.valueBytes(TestEvents.heartRate("e1", T0, 64)), T0.toEpochMilli() + 5000, "o", -1);
        assertThat(r.isAccepted()).isTrue();
    }

    /** A heart rate measured at {@code truth}, received 2 s later, stamped by a clock {@code aheadMs} ahead. */
    static DeviceEvent aheadHeartRate(String id, Instant truth, long aheadMs) {
        return DeviceEvent.newBuilder(TestEvents.heartRate(id, truth, 70)).setTime(truth.plusMillis(aheadMs)).build();
    }

    IngestRecord decide(String patient, DeviceEvent e) {
        return deserializer.toIngestRecord(TestEvents.keyBytes(patient), TestEvents.valueBytes(e),
                e.getTimeReceived().toEpochMilli(), "o", -1);
    }

    /** Probe 16a D5: a device clock 6 min ahead had every reading refused future-time, for as long as it stayed so. */
    @Test
    void aDeviceClockAheadIsRebasedAfterFiveReadingsLiveAndBacklogAlike() {
        long ahead = 6 * 60_000L;
        for (int m = 0; m < 4; m++) {
            IngestRecord r = decide("p1", aheadHeartRate("hr-" + m, T0.plusSeconds(60L * m), ahead));
            assertThat(r.isAccepted()).as("reading %d", m).isFalse();
            assertThat(r.rejected.reason).isEqualTo("future-time");
            assertThat(r.rejected.detail).contains("after timeReceived")
                    .endsWith("trusted after 5 agreeing readings over 120 s (this device so far: " + (m + 1) + ")");
        }
        for (int m = 4; m < 8; m++) { // from the fifth on: analysed at device time minus the offset (5 min 58 s)
            Instant truth = T0.plusSeconds(60L * m);
            IngestRecord r = decide("p1", aheadHeartRate("hr-" + m, truth, ahead));
            assertThat(r.isAccepted()).as("reading %d", m).isTrue();
            assertThat(r.reading.time).isEqualTo(truth.plusSeconds(2).toEpochMilli());
            assertThat(r.reading.timeReceived).isEqualTo(truth.plusSeconds(2).toEpochMilli());
        }
        // a backlog of RR batches measured from 09:20 and uploaded at 10:30: rebased by the same offset (its beats keep
        // their spacing: the batch's start moves with its time), never squashed to its upload's receipt time
        Instant measured = T0.plusSeconds(20 * 60);
        DeviceEvent batch = DeviceEvent.newBuilder(TestEvents.rr("rr-backlog", measured.plusMillis(ahead),
                        List.of(800, 810, 820), TestEvents.clean(3)))
                .setTimeReceived(T0.plusSeconds(90 * 60)).build();
        IngestRecord backlog = decide("p1", batch);
        assertThat(backlog.isAccepted()).isTrue();
        assertThat(backlog.reading.time).isEqualTo(measured.plusSeconds(2).toEpochMilli());
        assertThat(backlog.reading.rrStart).isEqualTo(measured.plusSeconds(2).toEpochMilli());
        assertThat(backlog.reading.rawValue).as("the dead-letter/provenance bytes stay the device's own")
                .isEqualTo(TestEvents.valueBytes(batch));
        // another patient's normal device is not touched
        IngestRecord other = decide("p2", TestEvents.heartRate("other", T0.plusSeconds(600), 70));
        assertThat(other.reading.time).isEqualTo(T0.plusSeconds(600).toEpochMilli());
    }

    @Test
    void aDeviceClockSetRightAgainIsAnalysedUncorrectedAtOnce() {
        long ahead = 3 * 86_400_000L;
        for (int m = 0; m < 5; m++) {
            decide("p1", aheadHeartRate("hr-" + m, T0.plusSeconds(60L * m), ahead));
        }
        assertThat(decide("p1", aheadHeartRate("hr-5", T0.plusSeconds(300), ahead)).reading.time)
                .isEqualTo(T0.plusSeconds(302).toEpochMilli());
        for (int m = 6; m < 20; m++) { // the clock set right: no reading lost, none moved
            Instant t = T0.plusSeconds(60L * m);
            IngestRecord r = decide("p1", TestEvents.heartRate("hr-" + m, t, 70));
            assertThat(r.isAccepted()).as("reading %d", m).isTrue();
            assertThat(r.reading.time).isEqualTo(t.toEpochMilli());
        }
        // the offset is dropped: a backlog uploaded now is not moved back three days
        DeviceEvent backlog = DeviceEvent.newBuilder(TestEvents.heartRate("late", T0.plusSeconds(600), 70))
                .setTimeReceived(T0.plusSeconds(3600)).build();
        assertThat(deserializer.toIngestRecord(TestEvents.keyBytes("p1"), TestEvents.valueBytes(backlog),
                T0.plusSeconds(3600).toEpochMilli(), "o", -1).reading.time).isEqualTo(T0.plusSeconds(600).toEpochMilli());
    }

    @Test
    void aSingleReadingDaysAheadFromANormalDeviceStaysRefused() {
        for (int m = 0; m < 30; m++) {
            Instant t = T0.plusSeconds(60L * m);
            assertThat(decide("p1", TestEvents.heartRate("hr-" + m, t, 70)).reading.time).isEqualTo(t.toEpochMilli());
            if (m % 5 == 2) {
                IngestRecord crafted = decide("p1", aheadHeartRate("crafted-" + m, t, 2 * 86_400_000L));
                assertThat(crafted.isAccepted()).isFalse();
                assertThat(crafted.rejected.reason).isEqualTo("future-time");
            }
        }
    }
}
