package org.wardstream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongPredicate;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * A tachycardia and an AF episode overlapping, through the plain-Java detector and alert lifecycle (the job's steps 1
 * and 3 without CEP), at rest, with a strap's RR batches and a watch's heart rate. A tachycardia that starts during
 * AF is AF with a fast ventricular rate (the AF alert escalates, no tachycardia alert); one that outlasts the AF is
 * alerted from the AF's end (found by probe 15a: it was never alerted).
 */
class TachycardiaOutlastingAfTest {
    private static final long T0 = 1_772_441_000_000L;
    private static final long MIN = 60_000L;
    private static final String P = "p-af-tachy";
    private final EffectiveRules rules = Rules.loadClasspath().defaults();
    private final PatientDetector d = new PatientDetector(rules, ZoneId.of("UTC"));
    private final DetectorState s = new DetectorState();
    private final List<Reading> held = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    private final PatientDetector.Output out = ArrivalDriver.transitionsTo(transitions);

    /**
     * Feeds a heart (fast AF, about 140/min, where {@code af}; a regular 140/min, flutter with 2:1 block, where
     * {@code regularFast}; sinus about 70/min otherwise) for {@code minutes}, in receipt order, the detector's timers
     * following the watermark (5 min behind the receipts); returns the alert changes.
     */
    private List<AlertChange> run(long seed, int minutes, LongPredicate af, LongPredicate regularFast) {
        Random r = new Random(seed);
        long end = T0 + minutes * MIN;
        List<Long> beats = ArrivalDriver.beats(T0 - MIN, end + MIN, t -> af.test(t) ? 330 + r.nextInt(200)
                : regularFast.test(t) ? 426 + r.nextInt(5) : 840 + r.nextInt(40));
        List<Reading> in = new ArrayList<>();
        in.addAll(ArrivalDriver.rrMinutes(beats, T0, end, 2_000));
        in.addAll(ArrivalDriver.heartRates(beats, T0, end, 5_000));
        in.addAll(ArrivalDriver.wornStill(T0, end));
        in.sort(Comparator.comparingLong(Reading::receivedMs));
        for (Reading reading : in) {
            ArrivalDriver.timersUpTo(d, s, P, held, reading.receivedMs() - 5 * MIN, out);
            ArrivalDriver.feed(d, s, P, reading, held, out);
        }
        ArrivalDriver.timersUpTo(d, s, P, held, end, out);
        Map<EpisodeType, EpisodeState> states = new EnumMap<>(EpisodeType.class);
        List<AlertChange> changes = new ArrayList<>();
        DetectorPath.lifecycle(transitions, ty -> states.computeIfAbsent(ty, x -> new EpisodeState()), rules,
                changes::add, null);
        return changes;
    }

    private static List<AlertChange> ofType(List<AlertChange> all, EpisodeType type) {
        return all.stream().filter(c -> c.type() == type).toList();
    }

    private static List<AlertChange.Kind> kinds(List<AlertChange> changes) {
        return changes.stream().map(AlertChange::kind).filter(k -> k != AlertChange.Kind.UPDATED).toList();
    }

    private static boolean between(long t, long fromMinute, long toMinute) {
        return t >= T0 + fromMinute * MIN && t < T0 + toMinute * MIN;
    }

    /** The one tachycardia alert: opened and closed with one episode id and start, closed at about minute 130. */
    private static AlertChange oneTachycardiaAlertClosedAtMinute130(List<AlertChange> all) {
        List<AlertChange> tachy = ofType(all, EpisodeType.TACHYCARDIA);
        assertThat(kinds(tachy)).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        AlertChange opened = tachy.get(0), closed = tachy.get(tachy.size() - 1);
        assertThat(tachy).extracting(AlertChange::episodeId).containsOnly(opened.episodeId());
        assertThat(closed.episodeStartMs()).isEqualTo(opened.episodeStartMs());
        assertThat(closed.episodeEndMs()).isBetween(T0 + 129 * MIN, T0 + 131 * MIN);
        return opened;
    }

    @Test
    void aRegularTachycardiaThatStartsDuringFastAfAndOutlastsItIsAlertedFromTheAfsEnd() {
        List<AlertChange> all = run(55, 150, t -> between(t, 10, 40), t -> between(t, 40, 130));
        List<AlertChange> af = ofType(all, EpisodeType.ATRIAL_FIBRILLATION);
        assertThat(kinds(af)).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        AlertChange afClosed = af.get(af.size() - 1);
        assertThat(afClosed.episodeStartMs()).isBetween(T0 + 9 * MIN, T0 + 11 * MIN);
        assertThat(afClosed.episodeEndMs()).isBetween(T0 + 39 * MIN, T0 + 41 * MIN);
        AlertChange opened = oneTachycardiaAlertClosedAtMinute130(all);
        // alerted from the AF's end: the time from which AF no longer explains it
        assertThat(opened.episodeStartMs()).isBetween(afClosed.episodeEndMs(), afClosed.episodeEndMs() + MIN);
        assertThat(opened.atMs()).isGreaterThanOrEqualTo(opened.episodeStartMs());
    }

    @Test
    void aTachycardiaAlertedBeforeTheAfIsNotOpenedAgainWhenTheAfEnds() {
        // regular 140/min from minute 0 (alerted at minute 10), fast AF from minute 30 to 60, regular again until 130
        List<AlertChange> all = run(56, 150, t -> between(t, 30, 60), t -> between(t, 0, 130));
        List<AlertChange> af = ofType(all, EpisodeType.ATRIAL_FIBRILLATION);
        assertThat(kinds(af)).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        AlertChange opened = oneTachycardiaAlertClosedAtMinute130(all);
        assertThat(opened.episodeStartMs()).isBetween(T0, T0 + MIN);
    }

    @Test
    void fastAfThatReturnsToSinusRhythmRaisesNoTachycardiaAlert() {
        List<AlertChange> all = run(57, 90, t -> between(t, 10, 40), t -> false);
        assertThat(kinds(ofType(all, EpisodeType.ATRIAL_FIBRILLATION)))
                .containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        assertThat(ofType(all, EpisodeType.TACHYCARDIA)).isEmpty();
    }
}
