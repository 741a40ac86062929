package org.wardstream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * Random device clocks and uploads for one patient, fixed seeds: clocks set back by up to three hours and set right
 * again, and requests of several minutes that fail and are retried up to 40 min later while live data go on. Whatever
 * they do, alerting does not stop: every AF run of 15 min or more, away from a clock change or a retried request, is
 * found while it lasts, and the AF transitions stay consistent (a start, then its end, never two starts in a row).
 */
class ArrivalClockPropertyTest {
    private static final long T0 = 1_772_441_000_000L;
    private static final long MIN = 60_000L;
    private static final String P = "p-clock";
    private static final int MINUTES = 360;
    private final PatientDetector d = new PatientDetector(Rules.loadClasspath().defaults(), ZoneId.of("UTC"));

    /** An AF transition and when the platform knew it. */
    private record Known(Transition t, long receivedMs) {
    }

    @Test
    void afRunsAwayFromClockChangesAndRetriesAreAlwaysFoundAndAfStartsAndEndsAlternate() {
        int runsChecked = 0, restarts = 0;
        for (long seed = 1; seed <= 100; seed++) {
            int[] counts = scenario(seed);
            runsChecked += counts[0];
            restarts += counts[1];
        }
        // the scenarios exercise what they are about: many runs checked, and restarts on an earlier clock
        assertThat(runsChecked).isGreaterThan(100);
        assertThat(restarts).isGreaterThan(40);
    }

    /** Runs one scenario; returns the AF runs checked and the restarts. */
    private int[] scenario(long seed) {
        Random random = new Random(seed);
        boolean[] af = new boolean[MINUTES];
        for (int m = 10 + random.nextInt(30); m < MINUTES; ) { // AF runs of 5-40 min, 20-60 min apart
            int length = 5 + random.nextInt(36);
            for (int i = m; i < Math.min(MINUTES, m + length); i++) {
                af[i] = true;
            }
            m += length + 20 + random.nextInt(41);
        }
        long[] offset = new long[MINUTES]; // device time minus real time, never ahead of real time
        boolean[] changed = new boolean[MINUTES];
        long current = 0;
        for (int m = 0; m < MINUTES; m++) {
            if (m > 0 && random.nextInt(60) == 0) {
                current = current == 0 ? -(5 + random.nextInt(176)) * MIN : 0; // set back, or set right again
                changed[m] = true;
            }
            offset[m] = current;
        }
        boolean[] retried = new boolean[MINUTES];
        List<List<Reading>> due = new ArrayList<>();
        for (int m = 0; m < MINUTES; m++) {
            due.add(new ArrayList<>());
        }

        DetectorState s = new DetectorState();
        List<Reading> held = new ArrayList<>();
        List<Known> afTransitions = new ArrayList<>();
        int[] restarts = {0};
        PatientDetector.Output out = new PatientDetector.Output() {
            @Override
            public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
                if (t.type() == EpisodeType.ATRIAL_FIBRILLATION
                        && (t.kind() == Transition.Kind.START || t.kind() == Transition.Kind.END)) {
                    afTransitions.add(new Known(t, receivedMs));
                }
            }

            @Override
            public void cue(PatternCue cue) {
            }

            @Override
            public void restarted(String patient) {
                restarts[0]++;
            }
        };
        for (int m = 0; m < MINUTES; m++) {
            long real = T0 + m * MIN;
            long received = real + MIN + 2_000;
            Reading r = ArrivalDriver.minute(random, real + offset[m], received, af[m]);
            int retryAt = m + 11 + random.nextInt(30);
            if (random.nextInt(90) == 0 && retryAt < MINUTES) { // a request of 3-20 min fails and is retried
                int block = 3 + random.nextInt(18);
                for (int i = m; i < Math.min(MINUTES, m + block); i++) {
                    retried[i] = true;
                }
            }
            if (retried[m] && retryAt < MINUTES) {
                due.get(retryAt).add(r);
            } else {
                ArrivalDriver.feed(d, s, P, r, held, out);
            }
            long at = received + 500;
            for (Reading late : due.get(m)) {
                ArrivalDriver.feed(d, s, P, withReceipt(late, at += 50), held, out);
            }
        }
        long end = T0 + (MINUTES + 30) * MIN;
        for (long t = d.nextTimerMs(s); t != Long.MIN_VALUE && t <= end; t = d.nextTimerMs(s)) {
            d.onTime(s, P, null, t, new ArrayList<>(held), out);
            if (!s.arrival.holding()) {
                held.clear();
            }
        }

        Transition.Kind last = Transition.Kind.END;
        for (Known k : afTransitions) {
            assertThat(k.t().kind()).as("seed %d: AF starts and ends alternate", seed).isNotEqualTo(last);
            last = k.t().kind();
        }
        int checked = 0;
        for (int a = 0; a < MINUTES; ) {
            if (!af[a]) {
                a++;
                continue;
            }
            int b = a;
            while (b < MINUTES && af[b]) {
                b++;
            }
            boolean quiet = b - a >= 15;
            for (int m = Math.max(0, a - 10); m < b && quiet; m++) {
                quiet = !changed[m] && !retried[m];
            }
            if (quiet) { // found while it lasts, allowing for a hold (5 min, its timer 10 min) on the way
                long from = T0 + a * MIN, to = T0 + (b + 11) * MIN;
                assertThat(afTransitions).as("seed %d: the AF of minutes %d-%d is found", seed, a, b)
                        .anySatisfy(k -> {
                            assertThat(k.t().kind()).isEqualTo(Transition.Kind.START);
                            assertThat(k.receivedMs()).isBetween(from, to);
                        });
                checked++;
            }
            a = b;
        }
        return new int[] {checked, restarts[0]};
    }

    private static Reading withReceipt(Reading r, long receivedMs) {
        Reading.RrBatch b = (Reading.RrBatch) r;
        return new Reading.RrBatch(b.timeMs(), receivedMs, 0, null, b.startMs(), b.rrMs(), b.quality());
    }
}
