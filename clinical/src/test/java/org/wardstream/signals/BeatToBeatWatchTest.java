package org.wardstream.signals;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.Rules;

/** {@link BeatToBeatWatch}: beat-to-beat data silent for the limit while heart rate arrives (probe 20a D7). */
class BeatToBeatWatchTest {
    static final long MIN = 60_000L;
    static final long T0 = 1_772_441_000_000L;
    final BeatToBeatWatch watch = BeatToBeatWatch.from(Rules.loadClasspath().forPatient(java.util.Map.of()));
    final BeatToBeatState s = new BeatToBeatState();

    /** Heart rate every minute from minute {@code from} to {@code to} (inclusive): the first event, or null. */
    BeatToBeatWatch.Event heartRate(long from, long to) {
        BeatToBeatWatch.Event first = null;
        for (long m = from; m <= to; m++) {
            BeatToBeatWatch.Event e = watch.onHeartRate(s, T0 + m * MIN);
            if (first == null) first = e;
        }
        return first;
    }

    @Test
    void theRuleSaysTwoHours() {
        assertThat(watch.silenceLimitMs()).isEqualTo(120 * MIN);
    }

    @Test
    void aPatientsOverrideLengthensTheLimit() {
        var rules = Rules.loadClasspath().forPatient(java.util.Map.of("beat-to-beat-offline.silenceLimit", 600.0));
        assertThat(rules.rejected()).isEmpty();
        assertThat(BeatToBeatWatch.from(rules).silenceLimitMs()).isEqualTo(600 * MIN);
    }

    @Test
    void heartRateWithoutAnyBeatsEverIsNotWatched() {
        for (long m = 0; m < 600; m++) {
            assertThat(watch.onHeartRate(s, T0 + m * MIN)).isNull();
        }
        assertThat(s.open()).isFalse();
    }

    @Test
    void startsOnTheFirstHeartRateTheLimitAfterTheLastBeatsAndEndsWhenBeatsResume() {
        assertThat(watch.onBeats(s, T0)).isNull();
        assertThat(heartRate(0, 119)).isNull();
        assertThat(watch.onHeartRate(s, T0 + 120 * MIN - 1)).isNull();
        BeatToBeatWatch.Event started = watch.onHeartRate(s, T0 + 120 * MIN);
        assertThat(started).isEqualTo(new BeatToBeatWatch.Event(true, T0, T0 + 120 * MIN));
        assertThat(heartRate(121, 199)).as("once per episode").isNull();
        assertThat(watch.onBeats(s, T0 + 200 * MIN)).isEqualTo(new BeatToBeatWatch.Event(false, T0, T0 + 200 * MIN));
        assertThat(s.open()).isFalse();
        assertThat(heartRate(200, 250)).as("2 h from the new beats only").isNull();
    }

    @Test
    void aStrapBacklogOlderThanTheFindingEndsTheEpisodeNoEarlierThanTheFinding() {
        watch.onBeats(s, T0);
        assertThat(heartRate(0, 130)).isEqualTo(new BeatToBeatWatch.Event(true, T0, T0 + 120 * MIN));
        // the strap's buffer of minutes 60-61, uploaded now: beats came again, the episode ends at its finding
        assertThat(watch.onBeats(s, T0 + 61 * MIN)).isEqualTo(new BeatToBeatWatch.Event(false, T0, T0 + 120 * MIN));
        // the strap stays silent after its buffer: reported again 2 h after that end, as a new episode from it
        assertThat(heartRate(131, 239)).isNull();
        assertThat(watch.onHeartRate(s, T0 + 240 * MIN)).isEqualTo(new BeatToBeatWatch.Event(true, T0 + 120 * MIN,
                T0 + 240 * MIN));
    }

    @Test
    void alertingResumedCountsTheSilenceFromThen() {
        watch.onBeats(s, T0);
        heartRate(0, 130);
        watch.forget(s); // paused: the alert stage closed it
        assertThat(s.open()).isFalse();
        watch.watchFrom(s, T0 + 600 * MIN); // resumed
        assertThat(heartRate(590, 719)).isNull();
        assertThat(watch.onHeartRate(s, T0 + 720 * MIN)).isEqualTo(new BeatToBeatWatch.Event(true, T0 + 600 * MIN,
                T0 + 720 * MIN));
    }

    @Test
    void alertingStartedForAPatientWithoutBeatsStaysUnwatched() {
        watch.watchFrom(s, T0);
        assertThat(heartRate(0, 600)).isNull();
    }

    /**
     * All data stop (device-offline's case) and resume hours later, the first minute's heart rate a little before that
     * minute's beats: no strap was silent while heart rate arrived. Before session 21's change this opened an alert
     * "no beat-to-beat data for 6 h 50 min" that closed a minute later (4 such pairs in the demo).
     */
    @Test
    void dataResumingAfterAGapInEverythingIsNoSilentStrap() {
        watch.onBeats(s, T0);
        heartRate(0, 0);
        // nothing for 6 h 50 min; then heart rate every 10 s, the minute's beats at its end
        for (long m = 410; m < 420; m++) {
            for (int sec = 0; sec < 60; sec += 10) {
                assertThat(watch.onHeartRate(s, T0 + m * MIN + sec * 1000L)).as("minute %d", m).isNull();
            }
            assertThat(watch.onBeats(s, T0 + (m + 1) * MIN)).isNull();
        }
        assertThat(s.open()).isFalse();
    }

    @Test
    void heartRateEverySixMinutesIsArrivingAndABreakOfFifteenRestartsTheCount() {
        watch.onBeats(s, T0);
        BeatToBeatWatch.Event first = null;
        for (long m = 0; m <= 126 && first == null; m += 6) {
            first = watch.onHeartRate(s, T0 + m * MIN);
        }
        assertThat(first).as("background heart rate every 6 min").isEqualTo(new BeatToBeatWatch.Event(true, T0,
                T0 + 120 * MIN));
        BeatToBeatState t = new BeatToBeatState();
        watch.onBeats(t, T0);
        assertThat(watch.onHeartRate(t, T0 + 10 * MIN)).isNull();
        // no heart rate from minute 10 to 25 (15 min: a break); then every 5 min: 2 h counted from minute 25
        for (long m = 25; m < 145; m += 5) {
            assertThat(watch.onHeartRate(t, T0 + m * MIN)).as("minute %d", m).isNull();
        }
        assertThat(watch.onHeartRate(t, T0 + 145 * MIN)).isEqualTo(new BeatToBeatWatch.Event(true, T0, T0 + 145 * MIN));
    }
}
