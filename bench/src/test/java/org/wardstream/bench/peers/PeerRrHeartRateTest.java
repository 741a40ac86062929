package org.wardstream.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.rules.Rules;

/**
 * The peers' tachycardia rule on patients whose heart rate comes from beat-to-beat intervals: a chest strap that
 * sends RR batches and no heart-rate samples, some with a watch that sends heart rate for a while and then stops
 * (the strap's rate takes over: one source at a time). The detection stage reads a rate a minute from the clean
 * intervals ({@link org.wardstream.signals.RrHeartRate}); the peers' feature code calls the same code, so both
 * peers report exactly the detector's tachycardia starts. (Before, the peers read only heart-rate samples: no
 * tachycardia at all from a strap.)
 */
class PeerRrHeartRateTest {
    private static final long T0 = 1_772_400_000_000L;
    private static final long MIN = 60_000L;
    private static final Rules RULES = Rules.loadClasspath();

    private static List<DeviceReading> readings;
    private static List<AlertKey> expected;

    @BeforeAll
    static void strapPatients() {
        SplittableRandom rnd = new SplittableRandom(19);
        readings = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            readings.addAll(patient("s" + p, p >= 4 ? 60 + 30 * (p - 4) : 0, rnd));
        }
        readings.sort(java.util.Comparator.comparingLong(r -> r.time));
        expected = PeerRuns.detectorTachycardias(RULES, readings); // the detection stage, in device-time order
    }

    @Test
    void theStrapsRatesExerciseTheThreshold() {
        // with seed 19: at least 6 tachycardias, in at least 3 of the 4 strap-only patients from RR intervals alone
        assertThat(expected).hasSizeGreaterThanOrEqualTo(6);
        assertThat(expected.stream().map(AlertKey::patient).filter(p -> p.compareTo("s4") < 0).distinct().count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void esperReportsTheDetectorsTachycardiasFromBeatToBeatIntervals() {
        List<AlertKey> alerts = PeerRuns.esper(RULES, readings);
        PeerRuns.assertSameAlerts(alerts, expected);
    }

    @Test
    void flinkMatchRecognizeReportsTheDetectorsTachycardiasFromBeatToBeatIntervals() throws Exception {
        List<AlertKey> alerts = PeerRuns.flinkSqlTachycardias(RULES, readings); // regular beats: no AF
        PeerRuns.assertSameAlerts(alerts, expected);
    }

    /**
     * About 3 hours, worn and still: a strap's RR batch a minute (regular beats, ±10 ms), the rate in stretches of 8-40
     * minutes from 80 to 150/min; now and then a minute of artefact (no rate that minute). With {@code watchMinutes} >
     * 0, a watch's heart rate every 30 s for that long too (the same heart), then the watch stops.
     */
    private static List<DeviceReading> patient(String id, int watchMinutes, SplittableRandom rnd) {
        List<DeviceReading> out = new ArrayList<>();
        DeviceReading wear = PeerRuns.reading(id, DeviceReading.Kind.WEAR, T0);
        wear.onBody = true;
        out.add(wear);
        long end = T0 + 180 * MIN;
        List<Long> beats = new ArrayList<>();
        List<Integer> rr = new ArrayList<>();
        long t = T0 - 2_000;
        beats.add(t);
        while (t < end) {
            int rate = new int[]{80, 100, 118, 125, 135, 150}[rnd.nextInt(6)];
            long stretchEnd = t + (8 + rnd.nextInt(33)) * MIN;
            while (t < stretchEnd && t < end) {
                int interval = (int) Math.round(60_000.0 / rate) - 10 + rnd.nextInt(21);
                t += interval;
                beats.add(t);
                rr.add(interval);
            }
        }
        int next = 1; // the first beat ending an interval
        for (long w = T0; w + MIN <= end; w += MIN) {
            DeviceReading a = PeerRuns.reading(id, DeviceReading.Kind.ACTIVITY, w);
            a.intervalSeconds = 60;
            a.steps = 0;
            out.add(a);
            int first = next;
            while (next < beats.size() && beats.get(next) < w + MIN) next++;
            if (next > first) {
                DeviceReading b = PeerRuns.reading(id, DeviceReading.Kind.RR_BATCH, w + MIN);
                b.sourceId = "strap";
                b.rrStart = beats.get(first - 1);
                b.rrMs = new int[next - first];
                b.rrQuality = new byte[next - first];
                boolean artefact = rnd.nextInt(30) == 0;
                for (int i = first; i < next; i++) {
                    b.rrMs[i - first] = rr.get(i - 1);
                    b.rrQuality[i - first] = artefact ? DeviceReading.RR_ARTEFACT : DeviceReading.RR_CLEAN;
                }
                out.add(b);
            }
            if (w < T0 + watchMinutes * MIN) {
                for (long s = w; s < w + MIN; s += 30_000) {
                    int k = 1;
                    while (k < beats.size() - 1 && beats.get(k) <= s) k++;
                    DeviceReading hr = PeerRuns.reading(id, DeviceReading.Kind.HEART_RATE, s);
                    hr.sourceId = "watch";
                    hr.bpm = (float) (60_000.0 / rr.get(k - 1));
                    out.add(hr);
                }
            }
        }
        return out;
    }
}
