package org.wardstream.schema.wire;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Stratifiers;

/**
 * Malformed {@code enrolments} records as a broken or hostile enrolment service would publish them, by name: every
 * one is refused by {@link org.wardstream.contract.EnrolmentValidator}, so the tests of its three readers (the
 * detection job, the equity job, the triage service) run over the same cases. Each is {@code {key bytes, value bytes}}
 * (value null for a tombstone) for patient {@value #PATIENT} of programme {@value #PROGRAMME}.
 */
public final class MalformedEnrolments {
    public static final String PROGRAMME = "virtual-ward";
    public static final String PATIENT = "p1";

    private MalformedEnrolments() {
    }

    /** The key of the valid record. */
    public static byte[] key() {
        return AvroCodec.patientKeys().encode(new PatientKey(PROGRAMME, PATIENT));
    }

    /** A valid enrolment of the key's patient, to change one field of. */
    public static Enrolment.Builder valid() {
        return Enrolment.newBuilder().setPatientId(PATIENT).setProgramme(PROGRAMME).setStatus(EnrolmentStatus.ACTIVE)
                .setEnrolledOn(LocalDate.of(2026, 3, 1)).setTimeZone("Europe/London")
                .setStratifiers(Stratifiers.newBuilder().setImdDecile(2).setImdEdition("IoD2019").build())
                .setThresholdOverrides(Map.of()).setUpdatedAt(Instant.parse("2026-03-02T09:00:00Z"));
    }

    public static byte[] value(Enrolment e) {
        return AvroCodec.enrolments().encode(e);
    }

    /** The malformed records by name, in a fixed order. */
    public static Map<String, byte[][]> cases() {
        byte[] key = key();
        Map<String, byte[][]> m = new LinkedHashMap<>();
        m.put("time zone on Mars", kv(key, value(valid().setTimeZone("Mars/Olympus_Mons").build())));
        m.put("blank time zone", kv(key, value(valid().setTimeZone(" ").build())));
        m.put("UTC offset instead of a time zone", kv(key, value(valid().setTimeZone("+01:00").build())));
        m.put("programme differs from key", kv(key, value(valid().setProgramme("cardiac-rehab").build())));
        m.put("patient differs from key", kv(key, value(valid().setPatientId("p2").build())));
        m.put("ended before enrolled", kv(key, value(valid().setEndedOn(LocalDate.of(2026, 2, 1)).build())));
        m.put("override not a number", kv(key, value(valid().setThresholdOverrides(Map.of("tachycardia.rateBpm",
                Double.NaN)).build())));
        m.put("programme with the key separator", kv(keyOf("a|b", PATIENT),
                value(valid().setProgramme("a|b").build())));
        m.put("blank pseudonym (tombstone)", kv(keyOf(PROGRAMME, " "), null));
        m.put("pseudonym with a line break (tombstone)", kv(keyOf(PROGRAMME, PATIENT
                + "\r\n2026-12-07 03:00:00,000 ERROR forged by a record"), null));
        m.put("huge declared string", kv(key, CraftedRecords.hugeString(Enrolment.getClassSchema())));
        m.put("garbage key", kv("junk".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                value(valid().build())));
        m.put("garbage value", kv(key, "junk".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        return Collections.unmodifiableMap(m);
    }

    private static byte[] keyOf(String programme, String patient) {
        return AvroCodec.patientKeys().encode(new PatientKey(programme, patient));
    }

    private static byte[][] kv(byte[] k, byte[] v) {
        return new byte[][] {k, v};
    }
}
