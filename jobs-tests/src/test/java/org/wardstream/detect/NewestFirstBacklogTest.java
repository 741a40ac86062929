package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A phone app that syncs a device's buffer newest first (the latest minutes matter most to its own screen), without
 * a "reconnected" message: the hold that puts the backlog in order is extended while its older part keeps arriving
 * ({@code ArrivalOrder}, at most 30 min), so one episode is one alert (probe 20a D6). One device; live to minute 30, then buffered to minute 150 with AF from
 * minute 60 to 100; the buffer uploaded at minute 150, newest minute first. Through the job's detection operators
 * ({@link DetectionChain}); the watermark follows the newest device time less 5 min, as the job's.
 */
class NewestFirstBacklogTest {
    static final String P = "p020a05";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    @AutoClose
    final RrMinutes patient = new RrMinutes(P, T0, 23);
    final DetectionChain chain = patient.chain;

    void send(long m, long receivedMs, boolean af) throws Exception {
        patient.send(m, receivedMs, af);
    }

    List<String> af() {
        return chain.alerts("atrial-fibrillation").stream().map(a -> a.kind + " "
                + (a.episodeStartMs - T0) / MIN + "min-" + (a.episodeEndMs < 0 ? "" : (a.episodeEndMs - T0) / MIN + "min")
                + (a.reason == null ? "" : " (" + a.reason + ")")).toList();
    }

    void newestFirst(long everyMs) throws Exception {
        for (long m = 0; m < 30; m++) {
            send(m, T0 + (m + 1) * MIN + 2000, false);
        }
        long upload = T0 + 150 * MIN;
        for (long m = 149; m >= 30; m--) {
            send(m, upload + (149 - m) * everyMs, m >= 60 && m < 100);
        }
        for (long m = 150; m < 200; m++) {
            send(m, T0 + (m + 1) * MIN + 2000 + 120 * everyMs, false);
        }
        chain.watermark(T0 + 400 * MIN);
    }

    @Test
    void control_aBufferSyncedNewestFirstWithinTheHoldIsAlerted() throws Exception {
        newestFirst(1_000); // 120 minutes in 2 min
        assertThat(af()).as("dead letters %s", chain.detectorDeadLetters().size())
                .filteredOn(a -> a.startsWith("OPENED")).hasSize(1);
    }

    /**
     * Before the fix: synced over 10 min, two AF alerts for the one episode (OPENED at 89, then OPENED at 60, closed "no data
     * for 1 h 5 min; AF not found again when the data resumed"), 4 minutes dead-lettered; over 40 min, three AF
     * alerts (94, 74, 60), each escalated to urgent, two closed "a device clock set back, or a late upload", 24
     * minutes dead-lettered.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {5_000, 20_000}) // 120 minutes in 10 or 40 min
    void afInABufferSyncedNewestFirstIsOneAlert(long everyMs) throws Exception {
        newestFirst(everyMs);
        assertThat(af()).as("one AF episode (minutes 60-100) in a buffer synced newest first; detector dead letters: %s",
                chain.detectorDeadLetters().size()).filteredOn(a -> a.startsWith("OPENED")).hasSize(1);
        assertThat(af()).last().asString().as("closed when the AF ended").startsWith("CLOSED 60min-");
        if (everyMs == 5_000) { // within the 30-min extended hold: the whole buffer is analysed in order
            assertThat(chain.detectorDeadLetters()).isEmpty();
        }
    }

    @Test
    void liveMinutesInterleavedWithANewestFirstSyncAreOneAlert() throws Exception {
        // the live minutes from 150 on arrive every minute while the buffer syncs newest first over 10 min
        java.util.List<long[]> arrivals = new java.util.ArrayList<>(); // minute, receipt, af
        for (long m = 0; m < 30; m++) {
            arrivals.add(new long[] {m, T0 + (m + 1) * MIN + 2000, 0});
        }
        for (long m = 149; m >= 30; m--) {
            arrivals.add(new long[] {m, T0 + 150 * MIN + 1000 + (149 - m) * 5_000, m >= 60 && m < 100 ? 1 : 0});
        }
        for (long m = 150; m < 220; m++) {
            arrivals.add(new long[] {m, T0 + (m + 1) * MIN + 2000, 0});
        }
        arrivals.sort(java.util.Comparator.comparingLong(a -> a[1]));
        for (long[] a : arrivals) {
            send(a[0], a[1], a[2] == 1);
        }
        chain.watermark(T0 + 400 * MIN);
        assertThat(af()).as("dead letters %s", chain.detectorDeadLetters().size())
                .filteredOn(a -> a.startsWith("OPENED")).hasSize(1);
        assertThat(chain.detectorDeadLetters()).isEmpty();
    }
}
