package org.wardstream.equity.job;

/**
 * One record of any of the equity job's four inputs, flattened to a Flink POJO so that the four
 * topics can be unioned and keyed by patient: a device reading, an enrolment (or its tombstone),
 * an episode state change or a triage action. Only the fields of {@link #kind} are set.
 */
public class EquityInput {
    /** Which input the record came from. */
    public enum Kind { READING, ENROLMENT, EPISODE, TRIAGE }

    public Kind kind;
    public String programme;
    public String patientId;

    // READING: the device-time span the reading covers and when the platform received it
    /** Device time of the reading (ms); for an episode its evidence time, for a triage action its time. */
    public long time;
    /** Length of device time the reading covers (ms): 0 for a point reading, the interval for activity. */
    public long spanMs;
    public long received;

    // ENROLMENT
    public boolean tombstone;
    public String status;
    public long enrolledOnEpochDay;
    /** Long.MIN_VALUE while enrolled. */
    public long endedOnEpochDay = Long.MIN_VALUE;
    public String timeZone;
    public long updatedAt;
    public String imdQuintile;
    public String imdEdition;
    public String ethnicGroup;
    public String ageBand;
    public String sex;
    public String icb;
    /** The enrolment records a pacemaker: TRUE, FALSE, or null when it does not say (not recorded). */
    public Boolean pacemaker;

    // EPISODE and TRIAGE
    public String episodeId;
    public String episodeType;
    /** Episode state (OPENED, ...) or triage action (ACKNOWLEDGED, ...). */
    public String action;
    public long emittedAt;
    /** Episode: the alert's priority (FHIR Task.priority code from its severity: routine, urgent, asap, stat). */
    public String priority;
    public long evidenceReceived;
    /** Triage: when the alert was raised, or Long.MIN_VALUE when unknown. */
    public long alertRaisedAt = Long.MIN_VALUE;
    /** Triage: the coded outcome of a CLOSED_* action (TriageOutcome name), or null. */
    public String outcome;

    public EquityInput() {
    }

    /** The key of all per-patient state: programme and pseudonym (never logged). */
    public String key() {
        return key(programme, patientId);
    }

    public static String key(String programme, String patientId) {
        return org.wardstream.ingest.PatientKeys.of(programme, patientId);
    }

    public static EquityInput reading(String programme, String patientId, long time, long spanMs, long received) {
        EquityInput i = new EquityInput();
        i.kind = Kind.READING;
        i.programme = programme;
        i.patientId = patientId;
        i.time = time;
        i.spanMs = spanMs;
        i.received = received;
        return i;
    }

    public static EquityInput episode(String programme, String patientId, String episodeId, String type,
                                      String state, long evidenceTime, long evidenceReceived, long emittedAt) {
        EquityInput i = new EquityInput();
        i.kind = Kind.EPISODE;
        i.programme = programme;
        i.patientId = patientId;
        i.episodeId = episodeId;
        i.episodeType = type;
        i.action = state;
        i.time = evidenceTime;
        i.evidenceReceived = evidenceReceived;
        i.emittedAt = emittedAt;
        return i;
    }

    /** An episode with its priority (FHIR Task.priority code), against whose response target it is acknowledged. */
    public static EquityInput episode(String programme, String patientId, String episodeId, String type,
                                      String state, long evidenceTime, long evidenceReceived, long emittedAt,
                                      String priority) {
        EquityInput i = episode(programme, patientId, episodeId, type, state, evidenceTime, evidenceReceived,
                emittedAt);
        i.priority = priority;
        return i;
    }

    public static EquityInput triage(String programme, String patientId, String episodeId, String action, long time,
                                     long alertRaisedAt) {
        return triage(programme, patientId, episodeId, action, time, alertRaisedAt, null);
    }

    public static EquityInput triage(String programme, String patientId, String episodeId, String action, long time,
                                     long alertRaisedAt, String outcome) {
        EquityInput i = new EquityInput();
        i.kind = Kind.TRIAGE;
        i.programme = programme;
        i.patientId = patientId;
        i.episodeId = episodeId;
        i.action = action;
        i.time = time;
        i.alertRaisedAt = alertRaisedAt;
        i.outcome = outcome;
        return i;
    }

    /** Omits the patient id: this string may reach logs. */
    @Override
    public String toString() {
        return "EquityInput{" + kind + " at " + time + "}";
    }
}
