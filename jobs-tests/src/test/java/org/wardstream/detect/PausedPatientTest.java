package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;

/**
 * Probe 17a, D2 (test brought from branch probe17a): the enrolment contract says {@code PAUSED: temporarily not monitored (e.g. in hospital)}
 * (Enrolment.avsc), but the pipeline treats PAUSED as monitored ({@code PatientProfile.monitored}): a patient admitted
 * to hospital, whose watch stays at home, gets the virtual ward's "no data ... check the device, charging and
 * connectivity" alert after 2 h, re-notified every 24 h, for as long as the admission lasts. Through the job's
 * detection operators ({@link DetectionChain}); the watermark moves on as other patients' data would move it.
 */
class PausedPatientTest {
    static final String P = "p017002";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    @AutoClose
    final DetectionChain chain = DetectionChain.enrolled(P);

    void normalDataThenSilence(String statusAtAdmission) throws Exception {
        for (long t = T0; t < T0 + 30 * MIN; t += MIN) {
            chain.send(heartRate(P, t));
            chain.watermark(t);
        }
        if (statusAtAdmission != null) {
            chain.enrol(P, statusAtAdmission); // admitted to hospital at minute 30
        }
        for (long t = T0 + 30 * MIN; t <= T0 + 30 * 3_600_000L; t += 10 * MIN) {
            chain.watermark(t); // other patients' data move event time on for 30 h
        }
    }

    /** A watch's heart rate of 72/min measured at {@code t}, received 2 s later. */
    static DeviceReading heartRate(String patient, long t) {
        DeviceReading hr = new DeviceReading();
        hr.patientId = patient;
        hr.programme = "virtual-ward";
        hr.sourceId = "watch";
        hr.eventId = "hr-" + t;
        hr.kind = DeviceReading.Kind.HEART_RATE;
        hr.time = t;
        hr.timeReceived = t + 2000;
        hr.bpm = 72f;
        return hr;
    }

    @Test
    void control_anActivePatientsSilentDeviceRaisesDeviceOffline() throws Exception {
        normalDataThenSilence(null);
        assertThat(chain.alerts("device-offline")).extracting(a -> a.kind).contains("OPENED");
    }

    @Test
    void aPausedPatientInHospitalGetsNoDeviceOfflineAlert() throws Exception {
        normalDataThenSilence("PAUSED");
        assertThat(chain.alerts("device-offline"))
                .as("device-offline changes for a patient PAUSED ('temporarily not monitored, e.g. in hospital')")
                .extracting(a -> a.kind + "@" + (a.atMs - T0) / MIN + "min").isEmpty();
    }
}
