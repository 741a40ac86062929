package org.wardstream.equity.model;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * One patient's local day (patient's time zone, Europe/London by default): the unit of every equity measure.
 * {@code patientId} is used only for keying and distinct-patient counting; it is NEVER copied into an
 * {@link AggregateRow}.
 *
 * @param dayMinutes               length of the local day: 1380, 1440 or 1500 across clock changes
 * @param enrolledMinutes          minutes of the day while the enrolment was ACTIVE
 * @param dataMinutes              distinct minutes of the day with at least one valid device reading
 * @param monitored                enrolledMinutes &gt; 0 &amp;&amp; dataMinutes &gt;= coverage * enrolledMinutes
 *                                 (see {@link #isMonitored})
 * @param clinicalAlerts           episodes OPENED this local day by episode-type code (all types except the technical
 *                                 ones, {@link #TECHNICAL_TYPES})
 * @param technicalAlerts          technical episodes (device-offline, beat-to-beat-offline) OPENED this day
 * @param alertDelaysMs            event-to-alert delay of each episode opened this day (emittedAt - evidenceReceived)
 * @param alertsRaised             clinical alerts raised this day (the triage denominator)
 * @param acknowledgedWithinTarget of those, acknowledged within the target time
 * @param alertsClosed             alerts (any type, device-offline included) OPENED this day and closed by the
 *                                 triage team, by episode-type code
 * @param alertsClosedWithAction   of those, closed with action (CLOSED_WITH_ACTION), by episode-type code
 * @param ackDelaysMs              time to acknowledge (triage time - alert raised) of each clinical alert raised this
 *                                 day and acknowledged
 * @param enrolledStart            the enrolment started this day
 * @param disenrolled              DISCHARGED or WITHDRAWN with endedOn == day
 * @param pacemaker                the enrolment (as it applied this day) records a pacemaker: TRUE, FALSE, or null
 *                                 when it does not say (not recorded: never read as FALSE)
 */
public record PatientDay(String programme, String patientId, LocalDate day, Strata strata,
                         int dayMinutes, int enrolledMinutes, int dataMinutes, boolean monitored,
                         Map<String, Integer> clinicalAlerts, int technicalAlerts, List<Long> alertDelaysMs,
                         int alertsRaised, int acknowledgedWithinTarget, Map<String, Integer> alertsClosed,
                         Map<String, Integer> alertsClosedWithAction, List<Long> ackDelaysMs,
                         boolean enrolledStart, boolean disenrolled, Boolean pacemaker) {

    /** The episode-type code of device-offline, a technical alert. */
    public static final String DEVICE_OFFLINE = "device-offline";
    /** The episode-type code of beat-to-beat-offline (rhythm monitoring stopped), a technical alert. */
    public static final String BEAT_TO_BEAT_OFFLINE = "beat-to-beat-offline";
    /**
     * The episode-type codes of technical alerts (about the monitoring, not the patient: the detection job's
     * {@code EpisodeType.technical()}), counted in {@link #technicalAlerts} and never in clinicalAlerts.
     */
    public static final java.util.Set<String> TECHNICAL_TYPES = java.util.Set.of(DEVICE_OFFLINE, BEAT_TO_BEAT_OFFLINE);

    /** Whether alerts of the episode type {@code code} are technical ({@link #TECHNICAL_TYPES}). */
    public static boolean technical(String code) {
        return TECHNICAL_TYPES.contains(code);
    }

    public PatientDay {
        clinicalAlerts = clinicalAlerts == null ? Map.of() : Map.copyOf(clinicalAlerts);
        alertDelaysMs = alertDelaysMs == null ? List.of() : List.copyOf(alertDelaysMs);
        strata = strata == null ? Strata.ALL_UNKNOWN : strata;
        alertsClosed = alertsClosed == null ? Map.of() : Map.copyOf(alertsClosed);
        alertsClosedWithAction = alertsClosedWithAction == null ? Map.of() : Map.copyOf(alertsClosedWithAction);
        ackDelaysMs = ackDelaysMs == null ? List.of() : List.copyOf(ackDelaysMs);
    }

    /** A patient-day whose enrolment does not record a pacemaker (null: not recorded). */
    public PatientDay(String programme, String patientId, LocalDate day, Strata strata,
                      int dayMinutes, int enrolledMinutes, int dataMinutes, boolean monitored,
                      Map<String, Integer> clinicalAlerts, int technicalAlerts, List<Long> alertDelaysMs,
                      int alertsRaised, int acknowledgedWithinTarget, Map<String, Integer> alertsClosed,
                      Map<String, Integer> alertsClosedWithAction, List<Long> ackDelaysMs,
                      boolean enrolledStart, boolean disenrolled) {
        this(programme, patientId, day, strata, dayMinutes, enrolledMinutes, dataMinutes, monitored, clinicalAlerts,
                technicalAlerts, alertDelaysMs, alertsRaised, acknowledgedWithinTarget, alertsClosed,
                alertsClosedWithAction, ackDelaysMs, enrolledStart, disenrolled, null);
    }

    /** A patient-day without triage outcomes (no closed alerts, no acknowledgement times). */
    public PatientDay(String programme, String patientId, LocalDate day, Strata strata,
                      int dayMinutes, int enrolledMinutes, int dataMinutes, boolean monitored,
                      Map<String, Integer> clinicalAlerts, int technicalAlerts, List<Long> alertDelaysMs,
                      int alertsRaised, int acknowledgedWithinTarget, boolean enrolledStart, boolean disenrolled) {
        this(programme, patientId, day, strata, dayMinutes, enrolledMinutes, dataMinutes, monitored, clinicalAlerts,
                technicalAlerts, alertDelaysMs, alertsRaised, acknowledgedWithinTarget, null, null, null,
                enrolledStart, disenrolled, null);
    }

    /** The same patient-day with the enrolment's pacemaker record (TRUE, FALSE or null: not recorded). */
    public PatientDay withPacemaker(Boolean recorded) {
        return new PatientDay(programme, patientId, day, strata, dayMinutes, enrolledMinutes, dataMinutes, monitored,
                clinicalAlerts, technicalAlerts, alertDelaysMs, alertsRaised, acknowledgedWithinTarget, alertsClosed,
                alertsClosedWithAction, ackDelaysMs, enrolledStart, disenrolled, recorded);
    }

    /** The monitored-day rule: some ACTIVE time and data for at least {@code coverage} of it. */
    public static boolean isMonitored(int enrolledMinutes, int dataMinutes, double coverage) {
        return enrolledMinutes > 0 && dataMinutes >= coverage * enrolledMinutes;
    }

    /** Sum of {@link #clinicalAlerts}. */
    public int clinicalAlertTotal() {
        return clinicalAlerts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
