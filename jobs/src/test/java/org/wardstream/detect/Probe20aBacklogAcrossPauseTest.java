package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.rules.Rules;

/**
 * Probe 20a: a backlog whose device time and upload lie on different sides of a pause of monitoring (PAUSED:
 * "temporarily not monitored, e.g. in hospital"). Whether an episode is alerted is decided by the enrolment status
 * when its readings reach the detector, not by the status when it happened. Through the job's detection operators
 * ({@link DetectionChain}); the watermark follows the newest device time less 5 min, as the job's.
 */
class Probe20aBacklogAcrossPauseTest {
    static final String P = "p020a02";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    DetectionChain chain;
    long newest = Long.MIN_VALUE;
    final Random random = new Random(21);

    @BeforeEach
    void setUp() throws Exception {
        chain = new DetectionChain(Rules.loadClasspath());
        chain.enrol(new EnrolmentUpdate(P, DischargeReenrolTest.profile("ACTIVE")), T0 - MIN);
    }

    @AfterEach
    void tearDown() throws Exception {
        chain.close();
    }

    void send(long m, long receivedMs, boolean af) throws Exception {
        DeviceReading b = Probe20aLiveBeforeBacklogTest.minute(random, m, receivedMs, af);
        b.patientId = P;
        chain.send(b);
        newest = Math.max(newest, b.time);
        chain.watermark(newest - 5 * MIN);
    }

    void status(String status, long atMin) throws Exception {
        chain.enrol(new EnrolmentUpdate(P, DischargeReenrolTest.profile(status)), T0 + atMin * MIN);
    }

    List<String> af() {
        return chain.alerts("atrial-fibrillation").stream().map(a -> a.kind + " "
                + (a.episodeStartMs - T0) / MIN + "min-" + (a.episodeEndMs < 0 ? "" : (a.episodeEndMs - T0) / MIN + "min")
                + " @" + (a.atMs - T0) / MIN + "min" + (a.reason == null ? "" : " (" + a.reason + ")")).toList();
    }

    /**
     * At home (ACTIVE) the watch loses its phone at minute 30 and buffers; AF from minute 40 to 80. At minute 85 the
     * patient is admitted to hospital and the ward pauses monitoring; at minute 95 the watch reaches the hospital's
     * Wi-Fi and uploads its buffer (a minute every 5 s). The AF happened while the patient was monitored at home.
     */
    @Test
    void afRecordedWhileMonitoredButUploadedAfterThePauseIsAlerted() throws Exception {
        for (long m = 0; m < 30; m++) {
            send(m, T0 + (m + 1) * MIN + 2000, false);
        }
        status("PAUSED", 85);
        for (long m = 30; m < 85; m++) {
            send(m, T0 + 95 * MIN + (m - 30) * 5_000, m >= 40 && m < 80);
        }
        chain.watermark(T0 + 300 * MIN);
        assertThat(chain.alerts("atrial-fibrillation"))
                .as("40 min of AF recorded at home while monitored (ACTIVE), uploaded after the pause; AF changes: %s; "
                        + "detector dead letters: %s", af(), chain.detectorDeadLetters().size())
                .extracting(a -> a.kind).contains("OPENED");
    }

    /**
     * The reverse: monitoring paused at minute 30 (admitted); the watch, worn in hospital without its phone, buffers
     * AF from minute 60 to 100; monitoring resumes at minute 150 (home) and the watch uploads its buffer at minute 155.
     * TRIAGE.md: "nothing is alerted while paused, neither device-offline nor a clinical alert (the watch worn in
     * hospital)".
     */
    @Test
    void afRecordedWhilePausedButUploadedAfterMonitoringResumedIsNotAlerted() throws Exception {
        for (long m = 0; m < 30; m++) {
            send(m, T0 + (m + 1) * MIN + 2000, false);
        }
        status("PAUSED", 30);
        status("ACTIVE", 150);
        for (long m = 30; m < 155; m++) {
            send(m, T0 + 155 * MIN + (m - 30) * 2_000, m >= 60 && m < 100);
        }
        for (long m = 155; m < 200; m++) {
            send(m, T0 + (m + 1) * MIN + 2000, false);
        }
        chain.watermark(T0 + 400 * MIN);
        assertThat(af()).as("AF recorded in hospital while monitoring was paused (minutes 60-100)").isEmpty();
    }

    @Test
    void control_afInABacklogUploadedWhileMonitoredIsAlerted() throws Exception {
        for (long m = 0; m < 30; m++) {
            send(m, T0 + (m + 1) * MIN + 2000, false);
        }
        for (long m = 30; m < 85; m++) {
            send(m, T0 + 95 * MIN + (m - 30) * 5_000, m >= 40 && m < 80);
        }
        chain.watermark(T0 + 300 * MIN);
        assertThat(chain.alerts("atrial-fibrillation")).as("%s", af()).extracting(a -> a.kind).contains("OPENED");
    }
}
