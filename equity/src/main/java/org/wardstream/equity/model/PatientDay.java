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
 * @param clinicalAlerts           episodes OPENED this local day by episode-type code (all types except device-offline)
 * @param technicalAlerts          device-offline episodes OPENED this day
 * @param alertDelaysMs            event-to-alert delay of each episode opened this day (emittedAt - evidenceReceived)
 * @param alertsRaised             clinical alerts raised this day (the triage denominator)
 * @param acknowledgedWithinTarget of those, acknowledged within the target time
 * @param enrolledStart            the enrolment started this day
 * @param disenrolled              DISCHARGED or WITHDRAWN with endedOn == day
 */
public record PatientDay(String programme, String patientId, LocalDate day, Strata strata,
                         int dayMinutes, int enrolledMinutes, int dataMinutes, boolean monitored,
                         Map<String, Integer> clinicalAlerts, int technicalAlerts, List<Long> alertDelaysMs,
                         int alertsRaised, int acknowledgedWithinTarget, boolean enrolledStart,
                         boolean disenrolled) {

    /** The episode-type code of technical alerts, counted in {@link #technicalAlerts} and not in clinicalAlerts. */
    public static final String DEVICE_OFFLINE = "device-offline";

    public PatientDay {
        clinicalAlerts = clinicalAlerts == null ? Map.of() : Map.copyOf(clinicalAlerts);
        alertDelaysMs = alertDelaysMs == null ? List.of() : List.copyOf(alertDelaysMs);
        strata = strata == null ? Strata.ALL_UNKNOWN : strata;
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
