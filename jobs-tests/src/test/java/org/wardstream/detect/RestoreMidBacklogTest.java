package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.rules.Rules;

/**
 * The job restarts from its last checkpoint in the middle of a backlog being put in order (readings
 * held) or of an open AF episode. Every operator's keyed state and timers go through a snapshot and a restore into
 * new operator instances ({@link DetectionChain#snapshot}); the alerts before and after are what triage receives.
 * Probe 20a found no defect here (kept as a regression test): the same alerts (one AF alert, the same id) and no dead letter with or without the restart.
 */
class RestoreMidBacklogTest {
    static final String P = "p020a07";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;

    /** Live to 30, buffer 30-150 (AF 60-100) uploaded from minute 150 one minute every 5 s, live after. */
    static List<DeviceReading> readings() {
        Random random = new Random(25);
        List<DeviceReading> rs = new ArrayList<>();
        for (long m = 0; m < 30; m++) {
            rs.add(RrMinutes.minute(random, P, T0, m, T0 + (m + 1) * MIN + 2000, false));
        }
        for (long m = 30; m < 150; m++) {
            rs.add(RrMinutes.minute(random, P, T0, m, T0 + 150 * MIN + (m - 30) * 5_000, m >= 60 && m < 100));
        }
        for (long m = 150; m < 200; m++) {
            rs.add(RrMinutes.minute(random, P, T0, m, T0 + (m + 11) * MIN, false));
        }
        return rs;
    }

    /** Runs the readings, restarting from a checkpoint taken after reading {@code restartAfter} (-1: never). */
    static List<String> run(int restartAfter) throws Exception {
        Rules rules = Rules.loadClasspath();
        List<String> alerts = new ArrayList<>();
        DetectionChain chain = new DetectionChain(rules);
        chain.enrol(P, "ACTIVE", T0 - MIN);
        long newest = Long.MIN_VALUE;
        List<DeviceReading> rs = readings();
        int deadLetters = 0;
        for (int i = 0; i < rs.size(); i++) {
            chain.send(rs.get(i));
            newest = Math.max(newest, rs.get(i).time);
            chain.watermark(newest - 5 * MIN);
            if (i == restartAfter) {
                DetectionChain.Snapshot s = chain.snapshot(1);
                chain.alerts("atrial-fibrillation").forEach(a -> alerts.add(a.kind + " " + a.episodeId));
                deadLetters += chain.detectorDeadLetters().size();
                chain.close();
                chain = new DetectionChain(rules, s);
            }
        }
        chain.watermark(T0 + 400 * MIN);
        chain.alerts("atrial-fibrillation").forEach(a -> alerts.add(a.kind + " " + a.episodeId));
        deadLetters += chain.detectorDeadLetters().size();
        alerts.add("dead letters " + deadLetters);
        chain.close();
        return alerts;
    }

    @Test
    void withoutARestartOneAlertAndNoDeadLetter() throws Exception {
        List<String> alerts = run(-1);
        assertThat(alerts).filteredOn(a -> a.startsWith("OPENED")).hasSize(1);
        assertThat(alerts).contains("dead letters 0");
    }

    @Test
    void aRestartWhileTheBacklogIsHeldGivesTheSameAlerts() throws Exception {
        List<String> without = run(-1);
        assertThat(run(30 + 20)).as("restart after 20 buffered minutes had arrived (held)").isEqualTo(without);
    }

    @Test
    void aRestartWhileTheAfIsOpenGivesTheSameAlerts() throws Exception {
        List<String> without = run(-1);
        assertThat(run(30 + 90)).as("restart after 90 buffered minutes had arrived (AF open)").isEqualTo(without);
    }
}
