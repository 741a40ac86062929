package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.rules.Rules;

/**
 * Probe 20a D7, through the job's detection operators ({@link DetectionChain}): two devices for one patient, a chest
 * strap sending beat-to-beat (RR) intervals, the only source of the AF and pause analysis, and a watch sending heart
 * rate. The strap's battery dies at minute 30; the watch goes on. Device-offline is per patient, so the watch kept it
 * quiet and nothing said that AF and pauses were no longer analysed. Now a technical alert, beat-to-beat-offline,
 * opens 2 h after the last beats (alert-rules/beat-to-beat-offline.yaml) and closes, notifying, when beats resume;
 * never for a patient whose devices never sent beats (a watch with heart rate only).
 */
class OneOfTwoDevicesSilentTest {
    static final String P = "p020a06";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    DetectionChain chain;
    final Random random = new Random(24);

    @BeforeEach
    void setUp() throws Exception {
        chain = new DetectionChain(Rules.loadClasspath());
        chain.enrol(P, "ACTIVE", T0 - MIN);
    }

    @AfterEach
    void tearDown() throws Exception {
        chain.close();
    }

    /** Something that happens at the start of a minute (an enrolment update, a restart from a checkpoint). */
    interface AtMinute {
        void at(long m) throws Exception;
    }

    /** Alerts of the chains a restart replaced. */
    final List<StreamedAlertChange> beforeRestart = new java.util.ArrayList<>();

    /** Minutes 0-299: the strap's beats while {@code strap} says so, the watch's heart rate every 15 s if {@code watch}. */
    void run(java.util.function.LongPredicate strap, boolean watch) throws Exception {
        run(strap, watch, 300, m -> { });
    }

    void run(java.util.function.LongPredicate strap, boolean watch, long minutes, AtMinute atMinute) throws Exception {
        for (long m = 0; m < minutes; m++) {
            atMinute.at(m);
            if (strap.test(m)) {
                DeviceReading b = RrMinutes.minute(random, P, T0, m, T0 + (m + 1) * MIN + 2000, false);
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
        run(m -> m < 30, false);
        assertThat(chain.alerts("device-offline")).extracting(a -> a.kind).contains("OPENED");
        assertThat(chain.alerts("beat-to-beat-offline")).as("nothing arrives at all: device-offline says it").isEmpty();
    }

    @Test
    void theStrapFallingSilentBesideALiveWatchIsReported() throws Exception {
        run(m -> m < 30, true);
        assertThat(chain.alerts()).as("alerts in the 4.5 h after the patient's only RR device stopped; AF and pauses "
                        + "can no longer be analysed").extracting(a -> a.episodeType + " " + a.kind)
                .containsExactly("beat-to-beat-offline OPENED");
        StreamedAlertChange opened = chain.alerts().get(0);
        assertThat(opened.notifyTeam).isTrue();
        assertThat(opened.severity).isEqualTo("routine");
        long lastBeat = T0 + 30 * MIN; // the strap's minute 29 ends about then (its last interval may end just after)
        assertThat(opened.episodeStartMs).as("the episode starts at the strap's last beat")
                .isBetween(lastBeat - 5_000, lastBeat + 5_000);
        assertThat(opened.atMs).as("found by the first heart-rate reading 2 h after the last beat")
                .isBetween(opened.episodeStartMs + 120 * MIN, opened.episodeStartMs + 120 * MIN + 15_000);
    }

    @Test
    void theAlertClosesNotifyingWhenTheStrapsBeatsResume() throws Exception {
        run(m -> m < 30 || m >= 200, true);
        List<StreamedAlertChange> alerts = chain.alerts("beat-to-beat-offline");
        assertThat(alerts).extracting(a -> a.kind).containsExactly("OPENED", "CLOSED");
        StreamedAlertChange closed = alerts.get(1);
        assertThat(closed.notifyTeam).isTrue();
        assertThat(closed.reason).isEqualTo("beat-to-beat data resumed");
        assertThat(closed.episodeId).isEqualTo(alerts.get(0).episodeId);
        assertThat(closed.episodeEndMs).as("ends at the first beats again").isBetween(T0 + 200 * MIN, T0 + 201 * MIN + 5_000);
        assertThat(chain.alerts()).as("no other alert").hasSize(2);
    }

    /** All alerts, from before and after a restart. */
    List<String> all() {
        List<StreamedAlertChange> all = new java.util.ArrayList<>(beforeRestart);
        all.addAll(chain.alerts());
        return all.stream().map(a -> a.episodeType + " " + a.kind + " " + a.episodeId
                + (a.reason == null ? "" : " (" + a.reason + ")")).toList();
    }

    @Test
    void anOpenAlertSurvivesARestartFromACheckpointAndClosesWhenTheBeatsResume() throws Exception {
        Rules rules = Rules.loadClasspath();
        run(m -> m < 30 || m >= 200, true, 300, m -> {
            if (m == 180) {
                DetectionChain.Snapshot snapshot = chain.snapshot(1);
                beforeRestart.addAll(chain.alerts());
                chain.close();
                chain = new DetectionChain(rules, snapshot);
            }
        });
        assertThat(beforeRestart).extracting(a -> a.episodeType + " " + a.kind).containsExactly("beat-to-beat-offline OPENED");
        String id = beforeRestart.get(0).episodeId;
        assertThat(all()).containsExactly("beat-to-beat-offline OPENED " + id,
                "beat-to-beat-offline CLOSED " + id + " (beat-to-beat data resumed)");
    }

    @Test
    void aPauseClosesItAndAfterTheResumptionTheSilenceCountsFromThen() throws Exception {
        run(m -> m < 30, true, 400, m -> {
            if (m == 170) {
                chain.enrol(P, "PAUSED", T0 + m * MIN);
            } else if (m == 200) {
                chain.enrol(P, "ACTIVE", T0 + m * MIN);
            }
        });
        List<StreamedAlertChange> alerts = chain.alerts("beat-to-beat-offline");
        assertThat(alerts).as("%s", all()).extracting(a -> a.kind + " " + a.reason)
                .containsExactly("OPENED null", "CLOSED monitoring paused", "OPENED null");
        assertThat(alerts.get(2).episodeStartMs).as("counted from the resumption").isEqualTo(T0 + 200 * MIN);
        assertThat(alerts.get(2).atMs).isBetween(T0 + 320 * MIN, T0 + 320 * MIN + 15_000);
    }

    @Test
    void aWatchOnlyPatientWhoNeverSentBeatsGetsNoSuchAlert() throws Exception {
        run(m -> false, true);
        assertThat(chain.alerts()).as("heart rate only, 5 h: not rhythm-monitored, nothing stopped").isEmpty();
    }

    @Test
    void aStrapGapShorterThanTheLimitRaisesNothing() throws Exception {
        run(m -> m < 30 || m >= 140, true); // 110 min without beats: an AF alert would bridge it
        assertThat(chain.alerts()).isEmpty();
    }
}
