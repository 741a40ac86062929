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
 * The peers' tachycardia rule against the detection stage's own ({@link PatientDetector}, whose heart-rate
 * thresholds judge each minute's rate), on noisy wrist heart rate built to sit around the threshold: stretches of
 * rates from well below 120 to well above it with sample noise of 4-8 bpm, samples every 1, 5 or 60 s, walking
 * stretches, single artefact samples and data gaps. Both peers must report exactly the detector's tachycardia starts.
 */
class PeerTachycardiaTest {
    private static final long T0 = 1_772_400_000_000L;
    private static final long MIN = 60_000L;
    private static final Rules RULES = Rules.loadClasspath();

    private static List<DeviceReading> readings;
    private static List<AlertKey> expected;

    @BeforeAll
    static void heartRates() {
        SplittableRandom rnd = new SplittableRandom(7);
        readings = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            readings.addAll(patient("p" + p, new int[]{1, 5, 60}[p % 3], rnd));
        }
        // the detection stage, fed in device-time order as it analyses live data
        expected = PeerRuns.detectorTachycardias(RULES, readings);
    }

    @Test
    void theHeartRatesExerciseTheThreshold() {
        // with seed 7: 21 tachycardias in 12 patients, from noisy samples every 1 or 5 s and from one a minute
        assertThat(expected).hasSizeGreaterThan(10);
        assertThat(expected.stream().map(AlertKey::patient).distinct().count()).isGreaterThan(6);
    }

    @Test
    void esperReportsTheDetectorsTachycardias() {
        List<AlertKey> alerts = PeerRuns.esper(RULES, readings);
        PeerRuns.assertSameAlerts(alerts, expected);
    }

    @Test
    void flinkMatchRecognizeReportsTheDetectorsTachycardias() throws Exception {
        List<AlertKey> alerts = PeerRuns.flinkSqlTachycardias(RULES, readings); // AF-explained left out (none here)
        PeerRuns.assertSameAlerts(alerts, expected);
    }

    /** About 4 hours: worn; an activity interval a minute (still, or walking); heart rate in random noisy stretches. */
    private static List<DeviceReading> patient(String id, int everySeconds, SplittableRandom rnd) {
        List<DeviceReading> out = new ArrayList<>();
        DeviceReading wear = PeerRuns.reading(id, DeviceReading.Kind.WEAR, T0);
        wear.onBody = true;
        out.add(wear);
        long end = T0 + 4 * 60 * MIN;
        long t = T0 + 1000;
        long nextActivity = T0;
        boolean walking = false;
        while (t < end) {
            double mean = new double[]{80, 100, 112, 118, 121, 123, 125, 130, 145}[rnd.nextInt(9)];
            double sd = 4 + rnd.nextInt(5);
            long stretchEnd = t + (5 + rnd.nextInt(36)) * MIN;
            if (rnd.nextInt(6) == 0) {
                walking = !walking;
            }
            while (t < stretchEnd && t < end) {
                while (nextActivity <= t) {
                    DeviceReading a = PeerRuns.reading(id, DeviceReading.Kind.ACTIVITY, nextActivity);
                    a.intervalSeconds = 60;
                    a.steps = walking ? 110 : 0;
                    out.add(a);
                    nextActivity += MIN;
                }
                DeviceReading hr = PeerRuns.reading(id, DeviceReading.Kind.HEART_RATE, t);
                int dice = rnd.nextInt(2000);
                hr.bpm = (float) (dice == 0 ? 220 : dice == 1 ? 30 : mean + sd * rnd.nextGaussian());
                out.add(hr);
                t += everySeconds * 1000L + (rnd.nextInt(400) == 0 ? (6 + rnd.nextInt(3)) * MIN : 0); // now and then a gap
            }
        }
        out.sort(java.util.Comparator.comparingLong(r -> r.time));
        return out;
    }

}
