package org.wardstream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * Adversarial backlogs through the plain-Java detector and alert lifecycle (the job's steps 1 and 3 without CEP):
 * uploads the tests of issue 14 did not try. Each scenario must give exactly one AF alert that opens and closes with
 * consistent times, inside the backlog, and lose nothing.
 */
class BacklogScenarioTest {
    private static final long T0 = 1_772_441_000_000L;
    private static final long MIN = 60_000L;
    private static final String P = "p-backlog";
    private final EffectiveRules rules = Rules.loadClasspath().defaults();
    private final PatientDetector d = new PatientDetector(rules, ZoneId.of("UTC"));
    private final long silence = d.wearTracker().parameters().silenceLimitMs();

    private final DetectorState s = new DetectorState();
    private final List<Reading> held = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    private int deadLettered;
    private final PatientDetector.Output out = new PatientDetector.Output() {
        @Override
        public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
            transitions.add(t);
        }

        @Override
        public void cue(PatternCue cue) {
        }
    };

    /** A minute of beats from {@code start}: sinus (~72/min) or AF (irregular, ~120/min). */
    private static Reading minute(Random random, long start, long received, boolean af) {
        List<Integer> rr = new ArrayList<>();
        long t = 0;
        while (t < MIN) {
            int v = af ? 330 + random.nextInt(340) : 820 + random.nextInt(40);
            rr.add(v);
            t += v;
        }
        int[] ms = rr.stream().mapToInt(Integer::intValue).toArray();
        return new Reading.RrBatch(start, received, 0, null, start, ms, new byte[ms.length]);
    }

    private void feed(Reading r) {
        if (ArrivalDriver.feed(d, s, P, r, held, out) == PatientDetector.Arrival.DEAD_LETTER) {
            deadLettered++;
        }
    }

    /** Fires the detector's timers up to {@code toMs}, as the watermark would. */
    private void timersUpTo(long toMs) {
        for (long t = d.nextTimerMs(s); t != Long.MIN_VALUE && t <= toMs; t = d.nextTimerMs(s)) {
            d.onTime(s, P, null, t, new ArrayList<>(held), out);
            if (!s.arrival.holding()) {
                held.clear();
            }
        }
    }

    private List<AlertChange> alerts(EpisodeType type) {
        Map<EpisodeType, EpisodeState> states = new EnumMap<>(EpisodeType.class);
        List<AlertChange> changes = new ArrayList<>();
        DetectorPath.lifecycle(transitions, ty -> states.computeIfAbsent(ty, x -> new EpisodeState()), rules,
                changes::add, null);
        return changes.stream().filter(c -> c.type() == type).toList();
    }

    /** Ten live sinus minutes from T0, each received 2 s after its end. */
    private void liveSinus(Random random) {
        for (int m = 0; m < 10; m++) {
            feed(minute(random, T0 + m * MIN, T0 + (m + 1) * MIN + 2_000, false));
        }
    }

    /** Minutes 10 to 169 as buffered on the device: AF from minute 40 to minute 99, sinus otherwise. */
    private List<Reading> backlog(Random random, long reconnect) {
        List<Reading> b = new ArrayList<>();
        for (int m = 10; m < 170; m++) {
            b.add(minute(random, T0 + m * MIN, reconnect, m >= 40 && m < 100));
        }
        return b;
    }

    private static Reading receivedAt(Reading r, long receivedMs) {
        Reading.RrBatch b = (Reading.RrBatch) r;
        return new Reading.RrBatch(b.timeMs(), receivedMs, 0, null, b.startMs(), b.rrMs(), b.quality());
    }

    private void assertOneAfAlertInsideTheBacklog() {
        List<AlertChange> af = alerts(EpisodeType.ATRIAL_FIBRILLATION);
        assertThat(af).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        AlertChange opened = af.get(0), closed = af.get(1);
        assertThat(closed.episodeId()).isEqualTo(opened.episodeId());
        assertThat(closed.episodeStartMs()).isEqualTo(opened.episodeStartMs());
        assertThat(opened.episodeStartMs()).isBetween(T0 + 39 * MIN, T0 + 42 * MIN);
        assertThat(closed.episodeEndMs()).isBetween(T0 + 99 * MIN, T0 + 102 * MIN);
        assertThat(closed.atMs()).isGreaterThanOrEqualTo(closed.episodeEndMs());
        assertThat(opened.atMs()).isBetween(opened.episodeStartMs(), closed.episodeEndMs());
        assertThat(deadLettered).isZero();
    }

    @Test
    void aShuffledBacklogAfterDeviceOfflineWithAfOnsetAndOffsetAndARepeatedBatchGivesOneConsistentAfAlert() {
        Random random = new Random(7);
        liveSinus(random);
        long reconnect = T0 + 4 * 60 * MIN;
        timersUpTo(reconnect - 1); // the device-offline alert fires before the backlog comes
        assertThat(alerts(EpisodeType.DEVICE_OFFLINE)).extracting(AlertChange::kind)
                .containsExactly(AlertChange.Kind.OPENED);
        List<Reading> backlog = backlog(random, reconnect);
        backlog.add(backlog.get(50)); // a batch sent twice (a retried upload: same beats)
        Collections.shuffle(backlog, random);
        long received = reconnect;
        for (Reading r : backlog) {
            received += 150;
            feed(receivedAt(r, received));
            if (random.nextInt(10) == 0) { // live data from the same patient, interleaved with the upload
                feed(new Reading.HeartRate(received - 1_000, received, 0, null, 72f));
            }
        }
        // live data after the upload ends the hold
        for (int i = 0; i < 10; i++) {
            feed(minute(random, received + i * MIN, received + (i + 1) * MIN + 2_000, false));
        }
        assertOneAfAlertInsideTheBacklog();
        assertThat(alerts(EpisodeType.DEVICE_OFFLINE)).extracting(AlertChange::kind)
                .containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
    }
}
