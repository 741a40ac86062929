package org.wardstream.simulator;

import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;

/** One enrolled patient: the enrolments-topic key and value, and the device (source) the patient wears. */
public record SimulatedEnrolment(PatientKey key, Enrolment value, String sourceId) {
    /** The key of this patient's device events. */
    public DeviceEventKey deviceKey() {
        return new DeviceEventKey(key.getProgramme(), key.getPatientId(), sourceId);
    }
}
