package org.wardstream.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.Episode;
import org.wardstream.schema.EpisodeState;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.Severity;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;

class AvroCodecTest {
    static final Instant T = Instant.parse("2026-03-02T10:15:30.123Z");

    static DeviceEvent rrEvent() {
        return DeviceEvent.newBuilder().setEventId("e-1").setTime(T).setTimeReceived(T.plusSeconds(3))
                .setUtcOffsetMinutes(0)
                .setPayload(RrIntervalBatch.newBuilder().setStart(T).setRrMs(List.of(812, 790, 3100))
                        .setQuality(List.of(BeatQuality.CLEAN, BeatQuality.ARTEFACT, BeatQuality.GAP)).build())
                .build();
    }

    @Test
    void deviceEventsRoundTripWithSingleObjectHeader() throws Exception {
        AvroCodec<DeviceEvent> codec = AvroCodec.deviceEvents();
        byte[] bytes = codec.encode(rrEvent());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(DeviceEvent.getClassSchema());
        long header = 0;
        for (int i = 9; i >= 2; i--) { // little-endian CRC-64-AVRO
            header = (header << 8) | (bytes[i] & 0xff);
        }
        assertThat(header).isEqualTo(fingerprint);
        assertThat(codec.decode(bytes)).isEqualTo(rrEvent());
    }

    @Test
    void everyContractRoundTripsInBinaryAndJson() throws Exception {
        DeviceEventKey key = new DeviceEventKey("virtual-ward", "p000001", "dev-1");
        Enrolment enrolment = Enrolment.newBuilder().setPatientId("p000001").setProgramme("virtual-ward")
                .setStatus(EnrolmentStatus.ACTIVE).setEnrolledOn(LocalDate.of(2026, 3, 2))
                .setTimeZone("Europe/London")
                .setStratifiers(Stratifiers.newBuilder().setImdDecile(3).setImdEdition("IoD2019")
                        .setEthnicCategory("A").setSexCode("2").setAgeBand("75-84").setIcbCode("QWE").build())
                .setThresholdOverrides(Map.of("tachycardia.rateBpm", 110.0)).setUpdatedAt(T).build();
        Episode episode = Episode.newBuilder().setEpisodeId("x").setPatientId("p000001").setProgramme("virtual-ward")
                .setEpisodeType("atrial-fibrillation").setState(EpisodeState.OPENED).setSeverity(Severity.URGENT)
                .setStart(T).setEvidenceTime(T).setEvidenceReceived(T).setEmittedAt(T).setDetector("af/1").build();
        TriageEvent triage = TriageEvent.newBuilder().setEpisodeId("x").setPatientId("p000001")
                .setProgramme("virtual-ward").setAction(TriageAction.ACKNOWLEDGED).setTime(T).build();
        DeviceEvent activity = DeviceEvent.newBuilder(rrEvent())
                .setPayload(ActivitySample.newBuilder().setIntervalSeconds(300).setSteps(120).build()).build();

        roundTrip(AvroCodec.deviceEventKeys(), key);
        roundTrip(AvroCodec.deviceEvents(), rrEvent());
        roundTrip(AvroCodec.deviceEvents(), activity);
        roundTrip(AvroCodec.enrolments(), enrolment);
        roundTrip(AvroCodec.episodes(), episode);
        roundTrip(AvroCodec.triageEvents(), triage);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> void roundTrip(AvroCodec<T> codec, T record)
            throws DecodeException {
        assertThat(codec.decode(codec.encode(record))).isEqualTo(record);
        String json = codec.toJson(record);
        assertThat(json).doesNotContain("\n");
        assertThat(codec.fromJson(json)).isEqualTo(record);
    }

    @Test
    void truncatedGarbageAndNullAreNotDecodable() {
        AvroCodec<DeviceEvent> codec = AvroCodec.deviceEvents();
        byte[] bytes = codec.encode(rrEvent());
        for (byte[] bad : List.of(Arrays.copyOf(bytes, bytes.length - 5), Arrays.copyOf(bytes, 12),
                "hello, not avro".getBytes(), new byte[0])) {
            assertThatThrownBy(() -> codec.decode(bad)).isInstanceOfSatisfying(DecodeException.class,
                    e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.NOT_DECODABLE));
        }
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOfSatisfying(DecodeException.class,
                e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.NOT_DECODABLE));
    }

    @Test
    void aForeignWriterSchemaIsUnknown() throws Exception {
        Schema foreign = new Schema.Parser().parse("""
                {"type":"record","name":"Other","namespace":"com.example","fields":[{"name":"x","type":"int"}]}""");
        GenericRecord r = new GenericData.Record(foreign);
        r.put("x", 7);
        var buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), foreign).encode(r);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        assertThatThrownBy(() -> AvroCodec.deviceEvents().decode(bytes))
                .isInstanceOfSatisfying(DecodeException.class,
                        e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.UNKNOWN_SCHEMA))
                .hasMessageContaining("fingerprint");
    }

    @Test
    void recordsFromAnOlderReleasedWriterStillDecode() throws Exception {
        // An older producer wrote with the released 0.1.0 schema: encode generically with that schema.
        List<Schema> released = AvroCodec.releasedSchemas("DeviceEventKey");
        assertThat(released).isNotEmpty();
        Schema old = released.get(0);
        GenericRecord r = new GenericData.Record(old);
        r.put("programme", "virtual-ward");
        r.put("patientId", "p000009");
        r.put("sourceId", "dev-9");
        var buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(r);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        assertThat(AvroCodec.deviceEventKeys().decode(bytes).getPatientId()).isEqualTo("p000009");
    }

    @Test
    void anEnrolmentFromBeforeThePacemakerFieldStillDecodesInBinaryAndJson() throws Exception {
        // 0.1.0 had no pacemaker field: its records read as "not recorded" (null), in both encodings
        Schema old = AvroCodec.releasedSchemas("Enrolment").get(0);
        assertThat(old.getField("pacemaker")).isNull();
        String json = "{\"patientId\":\"p000001\",\"programme\":\"virtual-ward\",\"status\":\"ACTIVE\","
                + "\"enrolledOn\":20514,\"endedOn\":null,\"timeZone\":\"Europe/London\",\"stratifiers\":{\"imdDecile\":null,"
                + "\"imdEdition\":null,\"ethnicCategory\":null,\"sexCode\":null,\"ageBand\":null,\"icbCode\":null},"
                + "\"thresholdOverrides\":{},\"updatedAt\":1772312100000}";
        Enrolment fromOldJson = AvroCodec.enrolments().fromJson(json);
        assertThat(fromOldJson.getPatientId()).isEqualTo("p000001");
        assertThat(fromOldJson.getPacemaker()).isNull();

        GenericRecord r = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(old)
                .read(null, org.apache.avro.io.DecoderFactory.get().jsonDecoder(old, json));
        var buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(r);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        assertThat(AvroCodec.enrolments().decode(bytes)).isEqualTo(fromOldJson);

        // the current encoding carries it; a line with it set reads it
        Enrolment paced = Enrolment.newBuilder(fromOldJson).setPacemaker(true).build();
        assertThat(AvroCodec.enrolments().toJson(paced)).contains("\"pacemaker\":{\"boolean\":true}");
        assertThat(AvroCodec.enrolments().fromJson(AvroCodec.enrolments().toJson(paced)).getPacemaker()).isTrue();
        // and a line that fits no version still fails with the current schema's reason
        assertThatThrownBy(() -> AvroCodec.enrolments().fromJson(json.replace("\"timeZone\":\"Europe/London\",", "")))
                .isInstanceOf(DecodeException.class).hasMessageContaining("not a valid Enrolment");
    }

    @Test
    void malformedJsonIsNotDecodable() {
        assertThatThrownBy(() -> AvroCodec.deviceEvents().fromJson("{\"eventId\": \"e\", \"time\": "))
                .isInstanceOfSatisfying(DecodeException.class,
                        e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.NOT_DECODABLE));
        assertThatThrownBy(() -> AvroCodec.deviceEvents().fromJson("{\"schemaVersion\": \"9.9\"}"))
                .isInstanceOf(DecodeException.class);
    }
}
