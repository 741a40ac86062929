package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.rules.Rules;

/**
 * Probe 20a: two devices for one patient, a chest strap sending beat-to-beat (RR) intervals, the only source of the
 * AF and pause analysis, and a watch sending heart rate. The strap's battery dies at minute 30; the watch goes on.
 * TRIAGE.md, device-offline: "no data from the patient's device for 2 h ... 'No data' means no data the platform could
 * use": from minute 30 nothing can be analysed for AF or pauses, however long it lasts. Through the job's detection
 * operators ({@link DetectionChain}).
 */
class Probe20aOneOfTwoDevicesSilentTest {
    static final String P = "p020a06";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    DetectionChain chain;
    final Random random = new Random(24);

    @BeforeEach
    void setUp() throws Exception {
        chain = new DetectionChain(Rules.loadClasspath());
        chain.enrol(new EnrolmentUpdate(P, DischargeReenrolTest.profile("ACTIVE")), T0 - MIN);
    }

    @AfterEach
    void tearDown() throws Exception {
        chain.close();
    }

    void run(long strapStopsAtMin, boolean watch) throws Exception {
        for (long m = 0; m < 300; m++) {
            if (m < strapStopsAtMin) {
                DeviceReading b = Probe20aLiveBeforeBacklogTest.minute(random, m, T0 + (m + 1) * MIN + 2000, false);
                b.patientId = P;
                chain.send(b);
            }
            if (watch) {
                for (long s = 0; s < MIN; s += 15_000) {
                    DeviceReading hr = DischargeReenrolTest.base(DeviceReading.Kind.HEART_RATE, T0 + m * MIN + s);
                    hr.patientId = P;
                    hr.bpm = 72f;
                    chain.send(hr);
                }
            }
            chain.watermark(T0 + m * MIN);
        }
    }

    @Test
    void control_aPatientsOnlyDeviceFallingSilentIsReported() throws Exception {
        run(30, false);
        assertThat(chain.alerts("device-offline")).extracting(a -> a.kind).contains("OPENED");
    }

    @Test
    void theStrapFallingSilentBesideALiveWatchIsReported() throws Exception {
        run(30, true);
        assertThat(chain.alerts()).as("alerts in the 4.5 h after the patient's only RR device stopped; AF and pauses "
                        + "can no longer be analysed").extracting(a -> a.episodeType + " " + a.kind)
                .contains("device-offline OPENED");
    }
}
