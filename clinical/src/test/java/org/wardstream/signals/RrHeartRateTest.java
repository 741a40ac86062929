package org.wardstream.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.Rules;

/** The heart rate a minute from RR intervals, and when a device's own samples are read instead. */
class RrHeartRateTest {
    private static final long T0 = 1_772_441_000_000L;
    private final RrHeartRate rate = new RrHeartRate(
            HeartRateParameters.from(Rules.loadClasspath().defaults(), ZoneId.of("UTC")), 150, 60_000);
    private final RrHeartRateState s = new RrHeartRateState();
    private final List<String> samples = new ArrayList<>();
    private long beat = T0;

    private void interval(int rrMs, boolean clean) {
        beat += rrMs;
        rate.onInterval(s, beat, rrMs, clean, (t, bpm) -> samples.add((t - T0) + "=" + Math.round(bpm * 10) / 10.0));
    }

    private void clean(int rrMs, int n) {
        for (int i = 0; i < n; i++) interval(rrMs, true);
    }

    @Test
    void aMinuteOfCleanBeatsGivesItsMeanRateAtItsLastBeatWhenTheNextBeatEndsIt() {
        clean(1_000, 60);
        assertThat(samples).as("the minute is not known complete until a beat after it").isEmpty();
        clean(750, 1);
        assertThat(samples).containsExactly("60000=60.0");
        clean(750, 79); // the next minute began at 60 s: its 80 beats of 750 ms end at 120 s, the 81st completes it
        assertThat(samples).hasSize(1);
        clean(750, 1);
        assertThat(samples).containsExactly("60000=60.0", "120000=80.0");
    }

    @Test
    void artefactsGapsAndImplausibleIntervalsAreLeftOutOfTheRate() {
        for (int i = 0; i < 29; i++) {
            interval(1_500, true);
            interval(500, false); // an artefact between two beats: not the heart's interval
        }
        interval(100, true); // a clean interval no heart has (below the analyser's plausible bound)
        interval(1_500, true);
        clean(1_000, 1);
        // 30 clean intervals of 1.5 s (45 s clean): 40/min, the artefacts and the 100 ms interval left out
        assertThat(samples).containsExactly("59600=40.0");
    }

    @Test
    void aMinuteWithLessThanHalfAMinuteOfCleanSignalGivesNoRate() {
        interval(35_000, false); // 35 s the device could not read (GAP)
        clean(1_000, 25); // 25 s of clean beats
        clean(1_000, 1);
        assertThat(samples).isEmpty();
        clean(1_000, 60); // the next minute is clean
        assertThat(samples).containsExactly("120000=60.0");
    }

    @Test
    void aDevicesOwnSamplesAreReadWhileRecent() {
        rate.onDeviceSample(s, T0);
        assertThat(rate.devicePreferredMs()).isEqualTo(9 * 60_000L);
        clean(1_000, 60 * 10 + 1);
        // minutes ending less than 9 min after the device's sample are the device's; from 9 min after it, the RR rate
        assertThat(samples).containsExactly("540000=60.0", "600000=60.0");
    }

    @Test
    void aBeatClockMovedBackDropsTheMinuteInProgress() {
        clean(1_000, 50);
        beat = T0 + 10_000; // the analyser re-anchored its clock: the next beats lie before the minute's last beat
        clean(1_000, 61);
        assertThat(samples).containsExactly("70000=60.0");
    }

    @Test
    void aRestartForgetsTheMinuteAndTheDevice() {
        rate.onDeviceSample(s, T0);
        clean(1_000, 30);
        RrHeartRate.restart(s);
        assertThat(s).isEqualTo(new RrHeartRateState());
    }
}
