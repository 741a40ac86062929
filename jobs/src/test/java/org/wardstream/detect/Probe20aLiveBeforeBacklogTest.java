package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.rules.Rules;

/**
 * Probe 20a: a phone app that, on reconnecting, streams the live minutes first and syncs the buffered ones in the
 * background (one minute every 5 s, oldest first), interleaved with the live data. The patient is in AF (alerted)
 * when the connection drops at minute 30; the AF goes on in the buffer until minute 50, sinus after. Through the job's
 * detection operators ({@link DetectionChain}); the watermark follows the newest device time less 5 min, as the job's.
 */
class Probe20aLiveBeforeBacklogTest {
    static final String P = "p020a01";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    DetectionChain chain;
    long newest = Long.MIN_VALUE;

    @BeforeEach
    void setUp() throws Exception {
        chain = new DetectionChain(Rules.loadClasspath());
        chain.enrol(new EnrolmentUpdate(P, DischargeReenrolTest.profile("ACTIVE")));
    }

    @AfterEach
    void tearDown() throws Exception {
        chain.close();
    }

    static DeviceReading minute(Random random, long m, long receivedMs, boolean af) {
        long start = T0 + m * MIN;
        List<Integer> rr = new ArrayList<>();
        long t = 0;
        while (t < MIN) {
            int v = af ? 330 + random.nextInt(340) : 820 + random.nextInt(40);
            rr.add(v);
            t += v;
        }
        DeviceReading b = new DeviceReading();
        b.patientId = P;
        b.programme = "virtual-ward";
        b.sourceId = "strap";
        b.eventId = "rr-" + m;
        b.kind = DeviceReading.Kind.RR_BATCH;
        b.time = start;
        b.rrStart = start;
        b.rrMs = rr.stream().mapToInt(Integer::intValue).toArray();
        b.rrQuality = new byte[b.rrMs.length];
        b.timeReceived = receivedMs;
        return b;
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
        Random random = new Random(20);
        List<DeviceReading> rs = new ArrayList<>();
        for (long m = 0; m < 30; m++) {
            rs.add(minute(random, m, T0 + (m + 1) * MIN + 2000, true));
        }
        long syncFrom = T0 + (91 + syncAfterMin) * MIN + 5_000; // live minute 90 arrives at 91:02
        for (long m = 30; m < 90; m++) {
            rs.add(minute(random, m, syncFrom + (m - 30) * 5_000, m < 50));
        }
        for (long m = 90; m < 180; m++) {
            rs.add(minute(random, m, T0 + (m + 1) * MIN + 2000, false));
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
     * The app syncs the buffer 20 min after the live data resumed (a background sync on its own schedule). Before:
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
    }
}
