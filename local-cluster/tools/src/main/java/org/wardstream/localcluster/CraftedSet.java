package org.wardstream.localcluster;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.wardstream.contract.Topics;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.CraftedRecords;

/**
 * The records of issue 15 as an attacker or a broken device would send them, for one fresh patient, each with the
 * dead-letter reason the jobs must give it (null: it must be processed). In sending order: the patient's valid
 * enrolment comes first, the malformed one after it.
 */
final class CraftedSet {
    /** One record to send and the reason expected on its dead-letter topic (null: accepted). */
    record Crafted(String name, String topic, byte[] key, byte[] value, long timestampMs, String expectedReason) {
    }

    private CraftedSet() {
    }

    static List<Crafted> of(String programme, String patient, Instant now) {
        AvroCodec<DeviceEvent> events = AvroCodec.deviceEvents();
        byte[] key = AvroCodec.deviceEventKeys().encode(new DeviceEventKey(programme, patient, patient + "-dev"));
        byte[] enrolmentKey = AvroCodec.patientKeys().encode(new PatientKey(programme, patient));
        long t = now.toEpochMilli();
        List<Crafted> out = new ArrayList<>();
        out.add(new Crafted("valid enrolment", Topics.ENROLMENTS, enrolmentKey,
                AvroCodec.enrolments().encode(enrolment(programme, patient, "Europe/London", EnrolmentStatus.ACTIVE, now)),
                t, null));
        out.add(new Crafted("18-byte huge string", Topics.DEVICE_EVENTS, key, CraftedRecords.hugeString(), t,
                "too-large"));
        out.add(new Crafted("40-byte huge array", Topics.DEVICE_EVENTS, key, CraftedRecords.hugeArray(), t,
                "too-large"));
        byte[] big = new byte[1_048_400];
        new SplittableRandom(15).nextBytes(big);
        out.add(new Crafted("1,048,400-byte value", Topics.DEVICE_EVENTS, key, big, t, "too-large"));
        out.add(new Crafted("reading of another programme", Topics.DEVICE_EVENTS,
                AvroCodec.deviceEventKeys().encode(new DeviceEventKey(programme + "-other", patient, patient + "-dev")),
                events.encode(reading(patient + "-e1", now.minusSeconds(2), now)), t, "unknown-patient"));
        out.add(new Crafted("device clock in 2001", Topics.DEVICE_EVENTS, key,
                events.encode(reading(patient + "-e2", Instant.parse("2001-03-02T09:00:00Z"), now)), t, "stale-time"));
        Instant ahead = now.plusSeconds(59 * 60);
        out.add(new Crafted("receipt time 59 min ahead", Topics.DEVICE_EVENTS, key,
                events.encode(reading(patient + "-e3", ahead, ahead)), ahead.toEpochMilli(), "future-time"));
        out.add(new Crafted("time zone Mars/Olympus_Mons", Topics.ENROLMENTS, enrolmentKey,
                AvroCodec.enrolments().encode(enrolment(programme, patient, "Mars/Olympus_Mons",
                        EnrolmentStatus.DISCHARGED, now)), t, "invalid-field"));
        out.add(new Crafted("valid reading after all that", Topics.DEVICE_EVENTS, key,
                events.encode(reading(patient + "-e4", now.minusSeconds(1), now)), t, null));
        return out;
    }

    /** The dead-letter topic of a record's topic. */
    static String deadLetterTopic(String topic) {
        return Topics.ENROLMENTS.equals(topic) ? Topics.ENROLMENTS_DLQ : Topics.DEVICE_EVENTS_DLQ;
    }

    private static DeviceEvent reading(String id, Instant time, Instant received) {
        return new DeviceEvent(id, time, received, 0, new HeartRateSample(72f, 0.9f));
    }

    private static Enrolment enrolment(String programme, String patient, String zone, EnrolmentStatus status,
                                       Instant now) {
        return Enrolment.newBuilder().setPatientId(patient).setProgramme(programme).setStatus(status)
                .setEnrolledOn(LocalDate.of(2026, 1, 1)).setTimeZone(zone)
                .setStratifiers(Stratifiers.newBuilder().build()).setThresholdOverrides(Map.of()).setUpdatedAt(now)
                .build();
    }
}
