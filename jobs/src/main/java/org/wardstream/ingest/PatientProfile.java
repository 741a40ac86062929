package org.wardstream.ingest;

import java.util.HashMap;
import java.util.Map;

import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;

/**
 * What the pipeline keeps of a patient's enrolment (a Flink POJO): enough to gate ingest and to
 * configure detection. Stratifiers are not kept here: only the equity job reads them.
 */
public class PatientProfile {
    public String programme;
    public String status;
    public String timeZone;
    public Map<String, Double> thresholdOverrides = new HashMap<>();

    public PatientProfile() {
    }

    public static PatientProfile of(Enrolment e) {
        PatientProfile p = new PatientProfile();
        p.programme = e.getProgramme();
        p.status = e.getStatus().name();
        p.timeZone = e.getTimeZone();
        p.thresholdOverrides = new HashMap<>(e.getThresholdOverrides());
        return p;
    }

    /** Readings of an ACTIVE or PAUSED patient are processed; DISCHARGED and WITHDRAWN are not. */
    public boolean monitored() {
        return EnrolmentStatus.ACTIVE.name().equals(status) || EnrolmentStatus.PAUSED.name().equals(status);
    }
}
