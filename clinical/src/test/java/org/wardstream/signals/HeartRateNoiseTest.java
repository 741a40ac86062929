package org.wardstream.signals;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.Rules;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.signals.ActivityState.WORN_STILL;
import static org.wardstream.signals.HeartRateEvent.Kind.BRADYCARDIA_END;
import static org.wardstream.signals.HeartRateEvent.Kind.BRADYCARDIA_SEVERE;
import static org.wardstream.signals.HeartRateEvent.Kind.BRADYCARDIA_START;
import static org.wardstream.signals.HeartRateEvent.Kind.TACHYCARDIA_END;
import static org.wardstream.signals.HeartRateEvent.Kind.TACHYCARDIA_START;

/**
 * The sustained-rate criteria on noisy wrist heart rate, as a wearable reports it: samples every second or every five
 * seconds, each the true rate plus independent Gaussian noise ("125 +/- 6": standard deviation 6 bpm, harsher than a
 * range of +/- 6), seeded. A rate well inside a criterion's zone opens one episode about the rule's duration after its
 * onset and keeps it open for hours; a rate just outside it never opens one in 6 hours; a noisy recovery ends it; one
 * artefact sample opens and ends nothing. (Judged sample by sample, as before format 3, a noisy rate above the
 * threshold never opened an episode: one sample at or below it broke the run.)
 */
class HeartRateNoiseTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final HeartRateThresholds HR = new HeartRateThresholds(
            HeartRateParameters.from(Rules.loadClasspath().defaults(), LONDON));
    /** 2026-06-10 09:00 local: awake (waking hours 08:00-22:00) for the next 13 hours. */
    static final long DAY = ZonedDateTime.of(2026, 6, 10, 9, 0, 0, 0, LONDON).toInstant().toEpochMilli();
    /** 2026-06-10 00:30 local: asleep for the next 7.5 hours. */
    static final long NIGHT = ZonedDateTime.of(2026, 6, 10, 0, 30, 0, 0, LONDON).toInstant().toEpochMilli();
    static final long MIN = 60_000;
    static final long HOUR = 60 * MIN;
    static final int[] SEEDS = {1, 2, 3};
    static final int[] EVERY_SECONDS = {1, 5};

    /** One patient's samples and the events they gave. */
    static final class Patient {
        final HeartRateState state = new HeartRateState();
        final List<HeartRateEvent> events = new ArrayList<>();
        final List<long[]> samples = new ArrayList<>(); // time, bpm x 1000
        final Random random;
        final long everyMs;
        long t;

        Patient(long t0, int everySeconds, int seed) {
            t = t0;
            everyMs = everySeconds * 1000L;
            random = new Random(seed);
        }

        /** Samples at {@code mean +/- sd} (Gaussian) for {@code ms}. */
        Patient rate(double mean, double sd, long ms) {
            for (long end = t + ms; t < end; ) {
                sample(mean + sd * random.nextGaussian());
            }
            return this;
        }

        /** One sample, the next one {@code everyMs} later. */
        Patient sample(double bpm) {
            assertThat(HR.onSample(state, t, bpm, WORN_STILL, Double.NaN, events::add)).isTrue();
            samples.add(new long[]{t, Math.round(bpm * 1000)});
            t += everyMs;
            return this;
        }

        List<HeartRateEvent> of(HeartRateEvent.Kind kind) {
            return events.stream().filter(e -> e.kind() == kind).toList();
        }

        /** Samples fed in [fromMs, toMs). */
        long samplesBetween(long fromMs, long toMs) {
            return samples.stream().filter(s -> s[0] >= fromMs && s[0] < toMs).count();
        }
    }

    /** One case of the sampling intervals and seeds. */
    interface Case {
        void run(int everySeconds, int seed);
    }

    /** {@code c} for every sampling interval (every 1 s and 5 s) and seed. */
    static void eachSampling(Case c) {
        for (int every : EVERY_SECONDS) {
            for (int seed : SEEDS) {
                c.run(every, seed);
            }
        }
    }

    private static String name(double mean, double sd, int every, int seed) {
        return mean + " +/- " + sd + " every " + every + " s, seed " + seed;
    }

    @Test
    void aNoisyTachycardiaAtRestOpensOneEpisodeAboutElevenMinutesAfterItsOnsetAndStaysOpenForHours() {
        for (double[] rate : new double[][]{{125, 6}, {130, 8}}) {
            eachSampling((every, seed) -> {
                Patient p = new Patient(DAY, every, seed).rate(80, 6, 30 * MIN);
                long onset = p.t;
                p.rate(rate[0], rate[1], 6 * HOUR);
                String as = name(rate[0], rate[1], every, seed);
                assertThat(p.events).as(as).extracting(HeartRateEvent::kind).containsExactly(TACHYCARDIA_START);
                HeartRateEvent start = p.events.get(0);
                // 11 minutes above 120 (first to last sample 10 minutes apart), the first of them the first minute
                // wholly after the onset at the latest
                assertThat(start.atMs() - onset).as(as).isBetween(10 * MIN, 12 * MIN);
                assertThat(start.episodeStartMs()).as(as).isBetween(onset - MIN, onset + MIN);
                assertThat(start.meanBpm()).as(as).isBetween(rate[0] - 3, rate[0] + 3);
                assertThat(start.samples()).as(as).isEqualTo(p.samplesBetween(start.episodeStartMs(), start.atMs() + 1));
            });
        }
    }

    @Test
    void aNoisyRateJustBelowTheTachycardiaThresholdNeverOpensOneInSixHours() {
        for (double[] rate : new double[][]{{118, 6}, {115, 8}}) {
            eachSampling((every, seed) -> {
                Patient p = new Patient(DAY, every, seed).rate(rate[0], rate[1], 6 * HOUR);
                assertThat(p.events).as(name(rate[0], rate[1], every, seed)).isEmpty();
                assertThat(p.samples).hasSize((int) (6 * HOUR / p.everyMs));
            });
        }
    }

    @Test
    void aNoisyRecoveryEndsTheTachycardiaWithTheRatesInsideIt() {
        eachSampling((every, seed) -> {
            Patient p = new Patient(DAY, every, seed).rate(130, 8, 40 * MIN);
            long drop = p.t;
            p.rate(100, 8, 2 * HOUR);
            String as = name(100, 8, every, seed);
            assertThat(p.events).as(as).extracting(HeartRateEvent::kind).containsExactly(TACHYCARDIA_START, TACHYCARDIA_END);
            HeartRateEvent end = p.events.get(1);
            assertThat(end.reason()).isEqualTo(HeartRateEvent.RECOVERED);
            // the episode ends where the recovery's first minute began: the minute after the drop (or the one it fell in)
            assertThat(end.atMs()).as(as).isBetween(drop - MIN, drop + MIN);
            // decided when the recovery's third minute is complete (2 minutes between its first and last samples)
            assertThat(end.emittedAtMs() - drop).as(as).isBetween(2 * MIN, 4 * MIN);
            // the evidence: exactly the samples inside the episode, none of the recovery's
            assertThat(end.samples()).as(as).isEqualTo(p.samplesBetween(end.episodeStartMs(), end.atMs()));
            assertThat(end.meanBpm()).as(as).isBetween(127.0, 133.0);
        });
    }

    @Test
    void aNoisyBradycardiaWhileAwakeOpensOneEpisodeAndANoisyRateJustAboveItNone() {
        eachSampling((every, seed) -> {
            Patient p = new Patient(DAY, every, seed).rate(65, 4, 30 * MIN);
            long onset = p.t;
            p.rate(47, 4, 6 * HOUR);
            String as = name(47, 4, every, seed);
            assertThat(p.events).as(as).extracting(HeartRateEvent::kind).containsExactly(BRADYCARDIA_START);
            HeartRateEvent start = p.events.get(0);
            assertThat(start.severe()).isFalse();
            assertThat(start.atMs() - onset).as(as).isBetween(10 * MIN, 12 * MIN);
            assertThat(start.episodeStartMs()).as(as).isBetween(onset - MIN, onset + MIN);
            // and a noisy recovery ends it (at or above 55 minute by minute)
            long recovery = p.t;
            p.rate(64, 6, HOUR);
            assertThat(p.events).as(as).extracting(HeartRateEvent::kind).containsExactly(BRADYCARDIA_START, BRADYCARDIA_END);
            assertThat(p.events.get(1).atMs()).as(as).isBetween(recovery - MIN, recovery + MIN);
            for (double[] rate : new double[][]{{52, 4}, {54, 6}}) {
                Patient above = new Patient(DAY, every, seed).rate(rate[0], rate[1], 6 * HOUR);
                assertThat(above.events).as(name(rate[0], rate[1], every, seed)).isEmpty();
            }
        });
    }

    @Test
    void aNoisySevereBradycardiaOpensWithinThreeMinutesAtAnyTimeAndANoisyRateJustAboveFortyNever() {
        eachSampling((every, seed) -> {
            Patient p = new Patient(NIGHT, every, seed).rate(55, 4, 30 * MIN);
            long onset = p.t;
            p.rate(36, 4, 6 * HOUR);
            String as = name(36, 4, every, seed);
            assertThat(p.events).as(as).extracting(HeartRateEvent::kind).containsExactly(BRADYCARDIA_START);
            assertThat(p.events.get(0).severe()).isTrue();
            // two minutes below 40 (first to last sample a minute apart)
            assertThat(p.events.get(0).atMs() - onset).as(as).isBetween(MIN, 3 * MIN);
            // asleep (only the severe criterion applies), 3 bpm above it: never in 6 hours
            Patient above = new Patient(NIGHT, every, seed).rate(43, 4, 6 * HOUR);
            assertThat(above.events).as(name(43, 4, every, seed)).isEmpty();
        });
    }

    @Test
    void aNoisySustainedBradycardiaEscalatesOnceWhenTheRateFallsBelowForty() {
        eachSampling((every, seed) -> {
            Patient p = new Patient(DAY, every, seed).rate(47, 4, 30 * MIN);
            long fall = p.t;
            p.rate(36, 4, 2 * HOUR);
            String as = name(36, 4, every, seed);
            assertThat(p.events).as(as).extracting(HeartRateEvent::kind).containsExactly(BRADYCARDIA_START, BRADYCARDIA_SEVERE);
            HeartRateEvent severe = p.events.get(1);
            assertThat(severe.atMs() - fall).as(as).isBetween(MIN, 3 * MIN);
            assertThat(severe.meanBpm()).as(as).isBetween(34.0, 38.0);
            assertThat(severe.episodeStartMs()).isEqualTo(p.events.get(0).episodeStartMs());
        });
    }

    @Test
    void oneArtefactSampleOpensNothingEndsNothingAndBreaksNoRun() {
        for (int every : new int[]{1, 5, 60}) {
            for (int seed : SEEDS) {
                String as = "every " + every + " s, seed " + seed;
                // at rest at 80: a spike to 220 opens nothing; asleep at 47: a dropout to 30 opens no severe bradycardia
                assertThat(new Patient(DAY, every, seed).rate(80, 6, 20 * MIN).sample(220).rate(80, 6, 30 * MIN).events)
                        .as(as).isEmpty();
                assertThat(new Patient(NIGHT, every, seed).rate(47, 4, 20 * MIN).sample(30).rate(47, 4, 30 * MIN).events)
                        .as(as).isEmpty();
                // an open tachycardia: a dropout to 30 does not end it; an open bradycardia: a spike to 220 does not
                Patient tachy = new Patient(DAY, every, seed).rate(130, 8, 20 * MIN).sample(30).rate(130, 8, HOUR);
                assertThat(tachy.events).as(as).extracting(HeartRateEvent::kind).containsExactly(TACHYCARDIA_START);
                Patient brady = new Patient(DAY, every, seed).rate(47, 4, 20 * MIN).sample(220).rate(47, 4, HOUR);
                assertThat(brady.events).as(as).extracting(HeartRateEvent::kind).containsExactly(BRADYCARDIA_START);
                if (every < 60) {
                    // with several samples a minute the artefact is left out of its minute: the run goes on
                    Patient run = new Patient(DAY, every, seed).rate(130, 8, 5 * MIN).sample(30).rate(130, 8, 10 * MIN);
                    assertThat(run.events).as(as).extracting(HeartRateEvent::kind).containsExactly(TACHYCARDIA_START);
                    assertThat(run.events.get(0).episodeStartMs()).isEqualTo(DAY);
                }
            }
        }
    }
}
