package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;

/**
 * Probe 17a, D10 (test brought from branch probe17a): tachycardia (urgent) is alerted, then the watch's battery dies (no data at all). The alert lifecycle
 * re-notifies "still ongoing" every 6 h on event-time TICKs alone (tachycardia renotify while-open), with no heart-rate
 * sample since the battery died, while the same patient's device-offline alert says no data has arrived. When the
 * watch is back 20 h later (70/min), the closing record says the tachycardia ended at its last sample, 20 h before, i.e.
 * before the three "still ongoing" notifications it had sent. Through the job's detection operators.
 */
class StillOngoingWithoutDataTest {
    static final String P = DischargeReenrolTest.P;
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    @AutoClose
    final DetectionChain chain = DetectionChain.enrolled(P);

    void worn(long from, long to, float bpm) throws Exception {
        DeviceReading worn = DischargeReenrolTest.base(DeviceReading.Kind.WEAR, from);
        worn.onBody = true;
        worn.wearMethod = "OPTICAL";
        chain.send(worn);
        for (long t = from; t < to; t += 15_000) {
            if ((t - T0) % MIN == 0) {
                DeviceReading a = DischargeReenrolTest.base(DeviceReading.Kind.ACTIVITY, t);
                a.intervalSeconds = 60;
                a.steps = 0;
                a.timeReceived = t + MIN + 1000;
                chain.send(a);
            }
            DeviceReading hr = DischargeReenrolTest.base(DeviceReading.Kind.HEART_RATE, t);
            hr.bpm = bpm;
            chain.send(hr);
            chain.watermark(t);
        }
    }

    @Test
    void noStillOngoingNotificationAfterTheLastEvidence() throws Exception {
        worn(T0, T0 + 20 * MIN, 140f);
        for (long t = T0 + 20 * MIN; t < T0 + 20 * 60 * MIN; t += 10 * MIN) {
            chain.watermark(t); // the battery died at minute 20; other patients' data move event time on
        }
        worn(T0 + 20 * 60 * MIN, T0 + 21 * 60 * MIN, 70f);
        List<StreamedAlertChange> tachy = chain.alerts("tachycardia");
        List<String> all = chain.alerts().stream().map(a -> a.episodeType + " " + a.kind + "@" + (a.atMs - T0) / MIN
                + "min" + (a.episodeEndMs >= 0 ? " end=" + (a.episodeEndMs - T0) / MIN + "min" : "")).toList();
        long closedEnd = tachy.stream().filter(a -> a.kind.equals("CLOSED")).mapToLong(a -> a.episodeEndMs).findFirst()
                .orElse(Long.MAX_VALUE);
        assertThat(tachy).as("tachycardia 'still ongoing' notifications after the episode's recorded end; all: %s", all)
                .filteredOn(a -> a.kind.equals("UPDATED") && a.atMs > closedEnd).isEmpty();
    }

    /** Control: with 140/min going on (data throughout), "still ongoing" every 6 h, at the first minute then. */
    @Test
    void aTachycardiaWithDataThroughoutIsReNotifiedEverySixHours() throws Exception {
        worn(T0, T0 + 13 * 60 * MIN, 140f);
        assertThat(chain.alerts("tachycardia")).extracting(a -> a.kind + "@" + (a.atMs - T0) / MIN + "min" + " " + a.reason)
                .containsExactly("OPENED@11min null", "UPDATED@371min still ongoing", "UPDATED@731min still ongoing");
    }
}
