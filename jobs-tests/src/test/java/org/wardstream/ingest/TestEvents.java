package org.wardstream.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.wire.AvroCodec;

/** Builders of test device events and enrolments. */
public final class TestEvents {
    public static final String PROGRAMME = "virtual-ward";
    public static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private TestEvents() {
    }

    public static DeviceEventKey key(String patient) {
        return new DeviceEventKey(PROGRAMME, patient, "dev-" + patient);
    }

    public static DeviceEvent heartRate(String eventId, Instant time, float bpm) {
        return DeviceEvent.newBuilder().setEventId(eventId).setTime(time).setTimeReceived(time.plusSeconds(2))
                .setUtcOffsetMinutes(0).setPayload(new HeartRateSample(bpm, 0.9f)).build();
    }

    public static DeviceEvent rr(String eventId, Instant time, List<Integer> rr, List<BeatQuality> quality) {
        return DeviceEvent.newBuilder().setEventId(eventId).setTime(time).setTimeReceived(time.plusSeconds(2))
                .setUtcOffsetMinutes(0).setPayload(new RrIntervalBatch(time, rr, quality)).build();
    }

    public static DeviceEvent activity(String eventId, Instant time, int seconds, Integer steps, Integer counts) {
        return DeviceEvent.newBuilder().setEventId(eventId).setTime(time).setTimeReceived(time.plusSeconds(2))
                .setUtcOffsetMinutes(0).setPayload(new ActivitySample(seconds, steps, counts)).build();
    }

    public static List<BeatQuality> clean(int n) {
        List<BeatQuality> q = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            q.add(BeatQuality.CLEAN);
        }
        return q;
    }

    public static Enrolment enrolment(String patient, EnrolmentStatus status) {
        return Enrolment.newBuilder().setPatientId(patient).setProgramme(PROGRAMME).setStatus(status)
                .setEnrolledOn(LocalDate.of(2026, 3, 1)).setTimeZone("Europe/London")
                .setStratifiers(Stratifiers.newBuilder().setImdDecile(2).setImdEdition("IoD2019").build())
                .setThresholdOverrides(Map.of()).setUpdatedAt(T0).build();
    }

    public static PatientKey patientKey(String patient) {
        return new PatientKey(PROGRAMME, patient);
    }

    public static byte[] keyBytes(String patient) {
        return AvroCodec.deviceEventKeys().encode(key(patient));
    }

    public static byte[] valueBytes(DeviceEvent e) {
        return AvroCodec.deviceEvents().encode(e);
    }

    /** An Avro single-object-encoded record of a schema this platform does not know (reason unknown-schema). */
    public static byte[] foreignSchemaBytes() {
        org.apache.avro.Schema foreign = new org.apache.avro.Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Legacy\",\"namespace\":\"vendor\",\"fields\":[{\"name\":\"hr\",\"type\":\"int\"}]}");
        org.apache.avro.generic.GenericRecord g = new org.apache.avro.generic.GenericData.Record(foreign);
        g.put("hr", 70);
        try {
            var buf = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                    org.apache.avro.generic.GenericData.get(), foreign).encode(g);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
