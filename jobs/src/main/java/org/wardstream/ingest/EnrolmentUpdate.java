package org.wardstream.ingest;

/** One record of the compacted enrolments topic: a profile, or a tombstone (profile null). */
public class EnrolmentUpdate {
    public String patientId;
    /** Null for a tombstone: the patient is withdrawn and their enrolment erased. */
    public PatientProfile profile;

    public EnrolmentUpdate() {
    }

    public EnrolmentUpdate(String patientId, PatientProfile profile) {
        this.patientId = patientId;
        this.profile = profile;
    }

    public boolean isTombstone() {
        return profile == null;
    }
}
