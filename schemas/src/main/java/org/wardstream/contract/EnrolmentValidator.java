package org.wardstream.contract;

import java.time.ZoneId;
import java.util.Map;

import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

/**
 * The one definition of a valid {@code enrolments} record, used by both jobs (detection and equity) and by the triage
 * service, so all three agree on which enrolments are malformed (until session 20 it lived in the jobs module and the
 * service mirrored only its key checks). A malformed enrolment is refused with a reason, never applied: it
 * must not replace a valid enrolment as the patient's newest state. Plain Java, no Flink types; a record that
 * fails here has a reason code of {@link DeadLetterReason} and a detail naming the field, never its value.
 */
public final class EnrolmentValidator {
    /**
     * The character a programme code never contains: the jobs key per-patient state by {@code programme|patientId}
     * ({@code org.wardstream.ingest.PatientKeys}), so the first one splits a key unambiguously.
     */
    public static final char PROGRAMME_SEPARATOR = '|';

    /**
     * The IANA zone ids (the JDK's time-zone database: regions such as Europe/London, and its own fixed zones UTC and
     * Etc/GMT-1). {@link ZoneId#of} also parses a UTC offset ("+01:00", "UTC+01:00", "GMT+1", "Z"), which is no
     * patient's home zone: it never changes with the clocks, so waking hours and local days of a UK patient enrolled
     * with the "+01:00" seen in summer would be an hour off all winter (adversarial probe 21b, D2).
     */
    /**
     * The earliest enrolment date accepted (as device times: {@code EventValidator.EARLIEST_PLAUSIBLE_TIME_MS}). The
     * equity job builds one patient-day for every day from {@code enrolledOn}: a date 5 million years back (any Avro
     * date int) made it build days without end in one record, about 2.5 KB and 25 us a day (40,000 days: 98 MB, 1 s;
     * helper fuzz22, F2), until the TaskManager ran out of memory, again after every restart.
     */
    public static final java.time.LocalDate EARLIEST_ENROLMENT = java.time.LocalDate.of(2000, 1, 1);

    private static final java.util.Set<String> IANA_ZONES = java.util.Set.copyOf(ZoneId.getAvailableZoneIds());

    private final AvroCodec<PatientKey> keys;
    private final AvroCodec<Enrolment> values;

    public EnrolmentValidator() {
        this(AvroCodec.patientKeys(), AvroCodec.enrolments());
    }

    EnrolmentValidator(AvroCodec<PatientKey> keys, AvroCodec<Enrolment> values) {
        this.keys = keys;
        this.values = values;
    }

    /** A decoded, valid enrolment record; {@code value} null for a tombstone. */
    public record Valid(PatientKey key, Enrolment value) {
    }

    /** Decodes and validates one record (bounded decoding; any failure, an Error included, is {@link Rejection}). */
    public Valid read(byte[] keyBytes, byte[] valueBytes) throws Rejection {
        try {
            PatientKey key = keys.decode(keyBytes);
            checkKey(key);
            if (valueBytes == null) {
                return new Valid(key, null);
            }
            Enrolment e = values.decode(valueBytes);
            check(key, e);
            return new Valid(key, e);
        } catch (DecodeException e) {
            throw new Rejection(switch (e.kind()) {
                case UNKNOWN_SCHEMA -> DeadLetterReason.UNKNOWN_SCHEMA;
                case OVER_LIMIT -> DeadLetterReason.TOO_LARGE;
                case NOT_DECODABLE -> DeadLetterReason.NOT_DECODABLE;
            }, e.getMessage());
        } catch (Rejection e) {
            throw e;
        } catch (Exception | Error e) { // one record's failure only
            throw new Rejection(DeadLetterReason.NOT_DECODABLE, "checking the enrolment failed: "
                    + e.getClass().getSimpleName());
        }
    }

    static void checkKey(PatientKey key) throws Rejection {
        if (blank(key.getProgramme()) || blank(key.getPatientId())) {
            throw invalid("key programme and patientId are required");
        }
        if (key.getProgramme().chars().anyMatch(Character::isISOControl)
                || key.getPatientId().chars().anyMatch(Character::isISOControl)) {
            throw invalid("key programme or patientId contains a control character"); // as device events (probe 19b D3)
        }
        if (key.getProgramme().indexOf(PROGRAMME_SEPARATOR) >= 0) {
            throw invalid("key programme contains '" + PROGRAMME_SEPARATOR + "'");
        }
    }

    /** The checks of a decoded enrolment against its key. */
    public static void check(PatientKey key, Enrolment e) throws Rejection {
        checkKey(key);
        if (!key.getPatientId().equals(e.getPatientId())) {
            throw invalid("value patientId differs from the key");
        }
        if (!key.getProgramme().equals(e.getProgramme())) {
            throw invalid("value programme differs from the key");
        }
        if (e.getStatus() == null || e.getEnrolledOn() == null || e.getUpdatedAt() == null) {
            throw invalid("status, enrolledOn and updatedAt are required");
        }
        if (e.getEnrolledOn().isBefore(EARLIEST_ENROLMENT)) {
            throw invalid("enrolledOn is before 2000-01-01");
        }
        if (e.getEndedOn() != null && e.getEndedOn().isBefore(e.getEnrolledOn())) {
            throw invalid("endedOn is before enrolledOn");
        }
        String zone = e.getTimeZone();
        if (blank(zone)) {
            throw invalid("timeZone is required");
        }
        if (!IANA_ZONES.contains(zone)) {
            throw invalid("timeZone is not an IANA time zone");
        }
        // Stratifiers are not checked: they only feed the equity job, which counts an unusable one as
        // "unknown"; a bad stratifier must not stop a patient's monitoring.
        for (Map.Entry<String, Double> o : e.getThresholdOverrides().entrySet()) {
            if (blank(o.getKey()) || o.getValue() == null || !Double.isFinite(o.getValue())) {
                throw invalid("thresholdOverrides holds a blank name or a value that is not a finite number");
            }
        }
    }

    private static boolean blank(CharSequence s) {
        return s == null || s.toString().isBlank();
    }

    private static Rejection invalid(String detail) {
        return new Rejection(DeadLetterReason.INVALID_FIELD, detail);
    }
}
