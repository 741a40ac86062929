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
    /**
     * The enrolment records a cardiac device that can pace the ventricles (enrolment field {@code pacemaker}; not
     * recorded reads as false). Only the alert text and evidence use it: AF alerts say that pacing can hide AF from
     * pulse timing. Not part of {@link #rulesKey()}: it configures no rule.
     */
    public boolean pacemaker;
    /** {@link #rulesKey()}, once computed (transient: not a field of the POJO, not in state). */
    private transient String rulesKey;

    public PatientProfile() {
    }

    public static PatientProfile of(Enrolment e) {
        PatientProfile p = new PatientProfile();
        p.programme = e.getProgramme();
        p.status = e.getStatus().name();
        p.timeZone = e.getTimeZone();
        p.thresholdOverrides = new HashMap<>(e.getThresholdOverrides());
        p.pacemaker = Boolean.TRUE.equals(e.getPacemaker());
        return p;
    }

    /**
     * What this profile configures for detection, as a key (time zone and threshold overrides, in name order): equal
     * for profiles that configure the same. Computed once per object: the detector looks its rules up on every
     * reading, and on the heap state backend that is the same stored object; a profile is not changed once stored
     * (a new enrolment is a new object).
     */
    public String rulesKey() {
        String k = rulesKey;
        if (k == null) {
            k = timeZone + "|" + (thresholdOverrides == null ? Map.of() : new java.util.TreeMap<>(thresholdOverrides));
            rulesKey = k;
        }
        return k;
    }

    /** Readings of an ACTIVE or PAUSED patient are processed; DISCHARGED and WITHDRAWN are not. */
    public boolean monitored() {
        return EnrolmentStatus.ACTIVE.name().equals(status) || EnrolmentStatus.PAUSED.name().equals(status);
    }

    /**
     * Whether the patient's alerts are raised: ACTIVE only. PAUSED is "temporarily not monitored (e.g. in hospital)":
     * readings still pass the gate, but no alert is raised, the open ones close when the pause begins, and the
     * detectors start afresh when it ends (as after a discharge and re-enrolment). DISCHARGED and WITHDRAWN: neither.
     */
    public boolean alerting() {
        return EnrolmentStatus.ACTIVE.name().equals(status);
    }

    /** Whether this is a pause (PAUSED), not an end of monitoring: the reason its open alerts close with. */
    public boolean paused() {
        return EnrolmentStatus.PAUSED.name().equals(status);
    }
}
