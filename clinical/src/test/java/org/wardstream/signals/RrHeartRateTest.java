package org.wardstream.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.Rules;

/** The heart rate a minute from RR intervals, and when a device's own samples are read instead. */
class RrHeartRateTest {
    private static final long T0 = 1_772_440_980_000L; // the start of a clock minute (08:43 UTC)
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
    void aMinuteOfCleanBeatsGivesItsMeanRateAtItsEndWhenABeatOfTheNextMinuteComes() {
        clean(1_000, 59); // beats at 1 s .. 59 s
        assertThat(samples).as("the minute is not known complete until a beat after it").isEmpty();
        clean(1_000, 1); // the beat at 60 s is the next minute's: it completes the first
        assertThat(samples).containsExactly("60000=60.0");
        clean(750, 79); // the next minute's beats, 60.75 s .. 119.25 s
        assertThat(samples).hasSize(1);
        clean(750, 1); // 120 s
        // the intervals are the minute's by their end beat: the one ending at 60 s (1 s) and 79 of 750 ms: 80 in 60.25 s
        assertThat(samples).containsExactly("60000=60.0", "120000=79.7");
    }

    @Test
    void theMinutesAreTheClocksWhateverTheDeviceBatches() {
        // samples a minute apart at the minutes' ends, so each is a minute of its own for the heart-rate thresholds
        beat = T0 + 400; // not on a minute
        clean(857, 300);
        assertThat(samples).hasSize(4).allSatisfy(x -> assertThat(x).matches("\\d+0000=70\\.\\d"));
        assertThat(samples.stream().map(x -> Long.parseLong(x.substring(0, x.indexOf('=')))).toList())
                .containsExactly(60_000L, 120_000L, 180_000L, 240_000L);
    }

    @Test
    void artefactsGapsAndImplausibleIntervalsAreLeftOutOfTheRate() {
        for (int i = 0; i < 29; i++) {
            interval(1_500, true);
            interval(500, false); // an artefact between two beats: not the heart's interval
        }
        interval(100, true); // a clean interval no heart has (below the analyser's plausible bound)
        interval(1_500, true); // 59.6 s
        clean(1_000, 1); // 60.6 s: the next minute
        // 30 clean intervals of 1.5 s (45 s clean): 40/min, the artefacts and the 100 ms interval left out
        assertThat(samples).containsExactly("60000=40.0");
    }

    @Test
    void aMinuteWithLessThanHalfAMinuteOfCleanSignalGivesNoRate() {
        interval(35_000, false); // 35 s the device could not read (GAP)
        clean(1_000, 24); // 24 s of clean beats, to 59 s
        clean(1_000, 1); // 60 s: the next minute
        assertThat(samples).isEmpty();
        clean(1_000, 60); // the next minute is clean
        assertThat(samples).containsExactly("120000=60.0");
    }

    @Test
    void aDevicesOwnSamplesAreReadWhileRecent() {
        rate.onDeviceSample(s, T0);
        assertThat(rate.devicePreferredMs()).isEqualTo(9 * 60_000L);
        clean(1_000, 60 * 10);
        // minutes ending less than 9 min after the device's sample are the device's; from 9 min after it, the RR rate
        assertThat(samples).containsExactly("540000=60.0", "600000=60.0");
    }

    @Test
    void aBeatClockMovedBackDropsTheMinuteInProgress() {
        clean(1_000, 50);
        interval(90_000, false); // a glitched GAP interval (140 s): it completes the first minute (50 clean beats)
        assertThat(samples).containsExactly("60000=60.0");
        beat = T0 + 10_000; // the analyser re-anchored its clock: the next beats lie before the last one
        clean(750, 67); // 10.75 s .. 59.5 s, then 60.25 s
        // the glitch's minute was dropped, not completed with the beats after; the first minute begun afresh from the
        // beat after 10 s (the heart-rate thresholds leave out a sample not after their last one)
        assertThat(samples).containsExactly("60000=60.0", "60000=80.0");
    }

    @Test
    void aRestartForgetsTheMinuteAndTheDevice() {
        rate.onDeviceSample(s, T0);
        clean(1_000, 30);
        RrHeartRate.restart(s);
        assertThat(s).isEqualTo(new RrHeartRateState());
    }
}
