package org.wardstream.ingest;

/** One record of the compacted enrolments topic: a profile, or a tombstone (profile null). */
public class EnrolmentUpdate {
    /** The programme of the record's key (a tombstone has no profile to carry it). */
    public String programme;
    public String patientId;
    /** Null for a tombstone: the patient is withdrawn and their enrolment erased. */
    public PatientProfile profile;
    /**
     * Set only on a refused record on its way to {@code enrolments-dlq} (then nothing else is set); such an
     * update is split off right after the source and never reaches the per-patient operators.
     */
    public DeadLetter rejected;

    public EnrolmentUpdate() {
    }

    /** An update whose programme is the profile's (a tombstone made this way has none: tests only). */
    public EnrolmentUpdate(String patientId, PatientProfile profile) {
        this(profile == null ? null : profile.programme, patientId, profile);
    }

    public EnrolmentUpdate(String programme, String patientId, PatientProfile profile) {
        this.programme = programme;
        this.patientId = patientId;
        this.profile = profile;
    }

    public static EnrolmentUpdate rejected(DeadLetter deadLetter) {
        EnrolmentUpdate u = new EnrolmentUpdate();
        u.rejected = deadLetter;
        return u;
    }

    public boolean isTombstone() {
        return profile == null && rejected == null;
    }

    public boolean isRejected() {
        return rejected != null;
    }
}
