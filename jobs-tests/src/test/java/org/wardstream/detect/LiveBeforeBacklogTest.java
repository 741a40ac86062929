package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;

/**
 * Probe 20a D1 (regression test): a phone app that, on reconnecting, streams the live minutes first and syncs the buffered ones in the
 * background (one minute every 5 s, oldest first), interleaved with the live data. The patient is in AF (alerted)
 * when the connection drops at minute 30; the AF goes on in the buffer until minute 50, sinus after. Through the job's
 * detection operators ({@link DetectionChain}); the watermark follows the newest device time less 5 min, as the job's.
 */
class LiveBeforeBacklogTest {
    static final String P = "p020a01";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    final RrMinutes patient = new RrMinutes(P, T0, 20);
    final DetectionChain chain = patient.chain;
    long newest = Long.MIN_VALUE;

    @AfterEach
    void tearDown() throws Exception {
        patient.close();
    }

    DeviceReading minute(long m, long receivedMs, boolean af) {
        return RrMinutes.minute(patient.random, P, T0, m, receivedMs, af);
    }

    void sendInReceiptOrder(List<DeviceReading> readings) throws Exception {
        readings.sort(Comparator.comparingLong(r -> r.timeReceived));
        for (DeviceReading r : readings) {
            chain.send(r);
            newest = Math.max(newest, r.time);
            chain.watermark(newest - 5 * MIN);
        }
    }

    /** AF live 0-30; buffered 30-90 (AF to 50, sinus after); reconnect at 90; the buffer synced after {@code liveFirst} live minutes. */
    void scenario(long syncAfterMin) throws Exception {
        List<DeviceReading> rs = new ArrayList<>();
        for (long m = 0; m < 30; m++) {
            rs.add(minute(m, T0 + (m + 1) * MIN + 2000, true));
        }
        long syncFrom = T0 + (91 + syncAfterMin) * MIN + 5_000; // live minute 90 arrives at 91:02
        for (long m = 30; m < 90; m++) {
            rs.add(minute(m, syncFrom + (m - 30) * 5_000, m < 50));
        }
        for (long m = 90; m < 180; m++) {
            rs.add(minute(m, T0 + (m + 1) * MIN + 2000, false));
        }
        sendInReceiptOrder(rs);
        chain.watermark(T0 + 600 * MIN);
    }

    List<String> af() {
        return chain.alerts("atrial-fibrillation").stream().map(a -> a.kind + " " + a.episodeId + " "
                + (a.episodeStartMs - T0) / 1000 + "s-" + (a.episodeEndMs < 0 ? "" : (a.episodeEndMs - T0) / 1000 + "s") + " @" + (a.atMs - T0) / 1000 + "s"
                + (a.reason == null ? "" : " (" + a.reason + ")")).toList();
    }

    @Test
    void control_aBacklogSyncedBeforeTheLiveDataKeepsOneAlertClosedWhenTheAfEnded() throws Exception {
        scenario(-1);
        assertThat(chain.alerts("atrial-fibrillation")).as("%s", af()).filteredOn(a -> a.kind.equals("OPENED")).hasSize(1);
        assertThat(chain.detectorDeadLetters()).isEmpty();
    }

    @Test
    void control_aBacklogSyncedFiveMinutesAfterTheLiveDataResumedIsOneAlert() throws Exception {
        scenario(5);
        assertThat(chain.alerts("atrial-fibrillation")).as("%s", af()).filteredOn(a -> a.kind.equals("OPENED")).hasSize(1);
    }

    /**
     * The app syncs the buffer 20 min after the live data resumed (a background sync on its own schedule). Now: the
     * alert closed for the gap ("AF not found again") is re-opened with its id by a record-only update when the buffer
     * shows the AF went on, and closes again at the AF's end in the buffer, saying why; no buffered minute is
     * dead-lettered (a reading inside the gap of the analysed data restarts the analysis at once). Before:
     * the AF alert CLOSED at minute 30, "no data for 1 h; AF not found again when the data resumed", then a second
     * AF alert OPENED for the same episode with its start at minute 34 (minutes 30-33 dead-lettered out-of-order, the
     * earlier-clock restart's first readings), escalated, and closed at minute 50.
     */
    @Test
    void aBacklogSyncedAfterTheLiveDataResumedIsOneEpisodeClosedWhenTheAfEnded() throws Exception {
        scenario(20);
        List<String> all = af();
        assertThat(chain.alerts("atrial-fibrillation")).as("one AF episode, one alert: %s; detector dead letters %s",
                all, chain.detectorDeadLetters().size()).filteredOn(a -> a.kind.equals("OPENED")).hasSize(1);
        var last = chain.alerts("atrial-fibrillation").get(chain.alerts("atrial-fibrillation").size() - 1);
        assertThat(last.kind).as("%s", all).isEqualTo("CLOSED");
        assertThat((last.episodeEndMs - T0) / MIN).as("the AF went on to minute 50 in the synced buffer: %s", all)
                .isBetween(49L, 52L);
        assertThat(chain.alerts("atrial-fibrillation")).as("every record is of the one alert: %s", all)
                .extracting(a -> a.episodeId).containsOnly(last.episodeId);
        assertThat(last.reason).as("%s", all).contains("uploaded late");
        var reopened = chain.alerts("atrial-fibrillation").stream().filter(a -> a.kind.equals("UPDATED")).toList();
        assertThat(reopened).as("re-opened by a record-only update: %s", all).hasSize(1);
        assertThat(reopened.get(0).notifyTeam).isFalse();
        assertThat(reopened.get(0).episodeEndMs).isEqualTo(-1);
        assertThat(chain.detectorDeadLetters()).as("no buffered minute lost").isEmpty();
    }
}
