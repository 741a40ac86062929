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
        assertThat(watch.onHeartRate(s, T0 + 120 * MIN - 1)).isNull();
        BeatToBeatWatch.Event started = watch.onHeartRate(s, T0 + 120 * MIN);
        assertThat(started).isEqualTo(new BeatToBeatWatch.Event(true, T0, T0 + 120 * MIN));
        assertThat(watch.onHeartRate(s, T0 + 180 * MIN)).as("once per episode").isNull();
        assertThat(watch.onBeats(s, T0 + 200 * MIN)).isEqualTo(new BeatToBeatWatch.Event(false, T0, T0 + 200 * MIN));
        assertThat(s.open()).isFalse();
        assertThat(watch.onHeartRate(s, T0 + 250 * MIN)).as("2 h from the new beats only").isNull();
    }

    @Test
    void aStrapBacklogOlderThanTheFindingEndsTheEpisodeNoEarlierThanTheFinding() {
        watch.onBeats(s, T0);
        watch.onHeartRate(s, T0 + 130 * MIN);
        // the strap's buffer of minutes 60-61, uploaded now: beats came again, the episode ends at its finding
        assertThat(watch.onBeats(s, T0 + 61 * MIN)).isEqualTo(new BeatToBeatWatch.Event(false, T0, T0 + 130 * MIN));
        // the strap stays silent after its buffer: reported again 2 h after that end, as a new episode from it
        assertThat(watch.onHeartRate(s, T0 + 249 * MIN)).isNull();
        assertThat(watch.onHeartRate(s, T0 + 250 * MIN)).isEqualTo(new BeatToBeatWatch.Event(true, T0 + 130 * MIN,
                T0 + 250 * MIN));
    }

    @Test
    void alertingResumedCountsTheSilenceFromThen() {
        watch.onBeats(s, T0);
        watch.onHeartRate(s, T0 + 130 * MIN);
        watch.forget(s); // paused: the alert stage closed it
        assertThat(s.open()).isFalse();
        watch.watchFrom(s, T0 + 600 * MIN); // resumed
        assertThat(watch.onHeartRate(s, T0 + 700 * MIN)).isNull();
        assertThat(watch.onHeartRate(s, T0 + 720 * MIN)).isEqualTo(new BeatToBeatWatch.Event(true, T0 + 600 * MIN,
                T0 + 720 * MIN));
    }

    @Test
    void alertingStartedForAPatientWithoutBeatsStaysUnwatched() {
        watch.watchFrom(s, T0);
        assertThat(watch.onHeartRate(s, T0 + 600 * MIN)).isNull();
    }
}
