package org.wardstream.ingest;

/**
 * The key of all per-patient state in both jobs: programme and pseudonym, as {@code programme|patientId}. A
 * pseudonym is issued by a programme, so the same pseudonym in two programmes is two patients. Programme codes
 * never contain {@value #SEPARATOR} (ingest and enrolment validation refuse them), so the first separator
 * splits a key unambiguously. Plain Java.
 */
public final class PatientKeys {
    public static final char SEPARATOR = org.wardstream.contract.EnrolmentValidator.PROGRAMME_SEPARATOR;

    private PatientKeys() {
    }

    public static String of(String programme, String patientId) {
        return (programme == null ? "" : programme) + SEPARATOR + patientId;
    }

    public static String of(DeviceReading r) {
        return of(r.programme, r.patientId);
    }

    public static String of(EnrolmentUpdate u) {
        return of(u.programme, u.patientId);
    }

    /** The pseudonym in a key (a key without a programme, as some tests use, is the pseudonym itself). */
    public static String patientOf(String key) {
        int i = key.indexOf(SEPARATOR);
        return i < 0 ? key : key.substring(i + 1);
    }

    /** The programme in a key, or null for a key without one. */
    public static String programmeOf(String key) {
        int i = key.indexOf(SEPARATOR);
        return i < 0 ? null : key.substring(0, i);
    }
}
