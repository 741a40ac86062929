package org.wardstream.equity.job;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;

/**
 * A {@link PatientDay} as a Flink POJO (mutable collections, so Flink's serializers can copy it), with
 * the revision of the patient-day and the instant its local day ended (its event time).
 */
public class PatientDayRecord {
    public String programme;
    public String patientId;
    public long epochDay;
    /** End of the local day, epoch ms: the record's event time. */
    public long dayEnd;
    /** The patient's time zone (decides where the calendar month ends). */
    public String timeZone;
    /** 0 for the first emission of this patient-day, +1 for each re-emission after late data. */
    public int revision;
    public String imdQuintile;
    public String imdEdition;
    public String ethnicGroup;
    public String ageBand;
    public String sex;
    public String icb;
    public int dayMinutes;
    public int enrolledMinutes;
    public int dataMinutes;
    public boolean monitored;
    public HashMap<String, Integer> clinicalAlerts = new HashMap<>();
    public int technicalAlerts;
    public ArrayList<Long> alertDelaysMs = new ArrayList<>();
    public int alertsRaised;
    public int acknowledgedWithinTarget;
    public HashMap<String, Integer> alertsClosed = new HashMap<>();
    public HashMap<String, Integer> alertsClosedWithAction = new HashMap<>();
    public ArrayList<Long> ackDelaysMs = new ArrayList<>();
    public boolean enrolledStart;
    public boolean disenrolled;
    /** The enrolment records a pacemaker: TRUE, FALSE, or null when it does not say (not recorded). */
    public Boolean pacemaker;

    public PatientDayRecord() {
    }

    public LocalDate day() {
        return LocalDate.ofEpochDay(epochDay);
    }

    public PatientDay toPatientDay() {
        return new PatientDay(programme, patientId, day(),
                new Strata(imdQuintile, imdEdition, ethnicGroup, ageBand, sex, icb), dayMinutes, enrolledMinutes,
                dataMinutes, monitored, Map.copyOf(clinicalAlerts), technicalAlerts, List.copyOf(alertDelaysMs),
                alertsRaised, acknowledgedWithinTarget, Map.copyOf(alertsClosed), Map.copyOf(alertsClosedWithAction),
                List.copyOf(ackDelaysMs), enrolledStart, disenrolled, pacemaker);
    }

    /** Hash of the content (not the revision): a re-emission that would change nothing is skipped. */
    int contentHash() {
        int h = Objects.hash(programme, patientId, epochDay, imdQuintile, imdEdition, ethnicGroup, ageBand, sex, icb,
                dayMinutes, enrolledMinutes, dataMinutes, monitored, clinicalAlerts, technicalAlerts, alertDelaysMs,
                alertsRaised, acknowledgedWithinTarget, alertsClosed, alertsClosedWithAction, ackDelaysMs,
                enrolledStart, disenrolled);
        // a day without a pacemaker record hashes as before the field, so a day restored from a format-1 savepoint
        // (its last hash stored there) is not re-emitted when nothing changed
        return pacemaker == null ? h : 31 * h + pacemaker.hashCode();
    }

    /** Omits the patient id: this string may reach logs. */
    @Override
    public String toString() {
        return "PatientDayRecord{" + day() + " rev " + revision + ", enrolled " + enrolledMinutes + " min, data "
                + dataMinutes + " min}";
    }
}
