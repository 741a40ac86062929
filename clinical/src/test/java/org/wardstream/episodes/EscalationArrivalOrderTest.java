package org.wardstream.episodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.episodes.EpisodeLifecycleTest.DV;
import static org.wardstream.episodes.EpisodeLifecycleTest.HOUR;
import static org.wardstream.episodes.EpisodeLifecycleTest.MIN;
import static org.wardstream.episodes.EpisodeLifecycleTest.P;
import static org.wardstream.episodes.EpisodeLifecycleTest.SEC;
import static org.wardstream.episodes.EpisodeLifecycleTest.T0;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;
import org.wardstream.rules.Severity;

/**
 * In the job a pattern escalation (from the CEP operator) and the detector's own transitions reach the lifecycle
 * over different channels, so the escalation can arrive any number of transitions early or late. Whatever the
 * arrival position, the alert state changes must be the ones of the canonical order (the escalation right after
 * the detector transition it was found with): arriving early, the very same changes; arriving late, the same
 * changes by id (kind, episode, time, reason), so a reader that de-duplicates by id sees no loss and no extra.
 * A restart from a checkpoint replays the same input with other arrival positions: this is what makes the alerts
 * after a crash equal to those of a clean run. The lifecycle remembers the last alerted and the last suppressed
 * episode of each type, so a match may arrive late up to the close of the next alerted episode of its type.
 */
class EscalationArrivalOrderTest {

    private static final EpisodeType AF = EpisodeType.ATRIAL_FIBRILLATION;

    /**
     * Detector transitions in emission order, a pattern escalation, its canonical position among them, and the
     * earliest and latest positions it may arrive at (not ahead of an earlier match: matches of one pattern leave
     * the CEP operator in order on one channel; not after the next alerted episode of its type has closed).
     */
    record Script(List<Transition> signals, Transition escalation, int canonical, int earliest, int latest) {
        Script(List<Transition> signals, Transition escalation, int canonical, int latest) {
            this(signals, escalation, canonical, 0, latest);
        }

        List<Transition> arriving(int position) {
            List<Transition> all = new ArrayList<>(signals);
            all.add(position, escalation);
            return all;
        }
    }

    /** A fast AF episode whose onset is found 18 s in (40 beats at about 130 bpm: shorter than minDuration). */
    private static Script fastAf(long onset, List<Transition> before) {
        List<Transition> s = new ArrayList<>(before);
        long emitted = onset + 18 * SEC;
        s.add(Transition.start(P, AF, onset, emitted, DV, Map.of("meanRateBpm", 130.0)));
        long fastFrom = emitted; // the onset's own rate cue is the first fast one
        long escalatedAt = 0;
        int canonical = -1;
        for (long t = emitted + 4 * SEC; t <= onset + 15 * MIN; t += 4 * SEC) {
            s.add(Transition.update(P, AF, t, DV, Map.of("meanRateBpm", 130.0)));
            if (canonical < 0 && t - fastFrom >= 5 * MIN) {
                escalatedAt = t;
                canonical = s.size();
            }
        }
        s.add(Transition.end(P, AF, onset + 15 * MIN + 20 * SEC, DV, Map.of()));
        // a later, unrelated AF episode
        s.add(Transition.start(P, AF, onset + 5 * HOUR, onset + 5 * HOUR + 40 * SEC, DV, Map.of()));
        int latest = s.size();
        s.add(Transition.end(P, AF, onset + 5 * HOUR + 3 * MIN, DV, Map.of()));
        Transition esc = new Transition(P, AF, Transition.Kind.ESCALATE, fastFrom, escalatedAt,
                RuleSchema.FAST_VENTRICULAR_RATE, DV, Map.of("meanRateBpm", 131.0));
        return new Script(s, esc, canonical, latest);
    }

    /**
     * A fast AF episode whose rate dips below the threshold and is fast again: two matches of the fast-rate pattern
     * (the CEP pattern skips past the first match). In order, the first escalates and the second finds the
     * condition applied. Two scripts: the second match arriving anywhere after the first (at its canonical
     * position), and the first arriving anywhere before the second (at its canonical position).
     */
    private static Script[] twoMatches(long onset) {
        Script one = fastAf(onset, List.of());
        long firstAt = one.escalation().atMs();
        Transition second = new Transition(P, AF, Transition.Kind.ESCALATE, firstAt + 20 * SEC, firstAt + 20 * SEC + 5 * MIN,
                RuleSchema.FAST_VENTRICULAR_RATE, DV, Map.of("meanRateBpm", 125.0));
        int secondCanonical = -1;
        List<Transition> withFirst = one.arriving(one.canonical());
        for (int i = 0; i < withFirst.size(); i++) {
            if (withFirst.get(i).kind() == Transition.Kind.UPDATE && withFirst.get(i).atMs() >= second.atMs()) {
                secondCanonical = i + 1;
                break;
            }
        }
        int latest = withFirst.size() - 1; // before the next alerted episode closes
        List<Transition> withSecond = new ArrayList<>(one.signals());
        withSecond.add(secondCanonical - 1, second);
        return new Script[] {new Script(withFirst, second, secondCanonical, one.canonical() + 1, latest),
                new Script(withSecond, one.escalation(), one.canonical(), 0, secondCanonical - 1)};
    }

    /** An alerted AF episode ending 20 min before {@code onset}: the fast one falls in its cool-down. */
    private static List<Transition> alertedAfBefore(long onset) {
        return List.of(Transition.start(P, AF, onset - HOUR, onset - HOUR + 40 * SEC, DV, Map.of()),
                Transition.end(P, AF, onset - 20 * MIN, DV, Map.of()));
    }

    /**
     * A pause, then stillness found 12 min later; the episode window (15 min) closes it on a TICK; a later pause.
     * A match arriving after the TICK is a late one (the TICK fires once the watermark is past the window).
     */
    private static Script pauseThenStillness(List<Transition> before, long pause) {
        List<Transition> s = new ArrayList<>(before);
        s.add(Transition.start(P, EpisodeType.PAUSE, pause, pause + 3500, DV, Map.of("pauseMs", 3500.0)));
        int canonical = s.size();
        s.add(Transition.tick(P, EpisodeType.PAUSE, pause + 3500 + 15 * MIN + 1, DV));
        s.add(Transition.start(P, EpisodeType.PAUSE, pause + 4 * HOUR, pause + 4 * HOUR + 3200, DV, Map.of()));
        Transition esc = new Transition(P, EpisodeType.PAUSE, Transition.Kind.ESCALATE, pause, pause + 12 * MIN,
                RuleSchema.FOLLOWED_BY_STILLNESS, DV, Map.of("stillMinutes", 10.0));
        return new Script(s, esc, canonical, s.size());
    }

    /** An alerted pause 25 min before {@code pause}: outside its 15 min window, inside its 30 min cool-down. */
    private static List<Transition> alertedPauseBefore(long pause) {
        return List.of(Transition.start(P, EpisodeType.PAUSE, pause - 25 * MIN, pause - 25 * MIN + 3100, DV, Map.of()),
                Transition.tick(P, EpisodeType.PAUSE, pause - 25 * MIN + 3100 + 15 * MIN + 1, DV));
    }

    private static List<AlertChange> run(List<Transition> transitions) {
        EpisodeState af = new EpisodeState();
        EpisodeState pause = new EpisodeState();
        List<AlertChange> out = new ArrayList<>();
        for (Transition t : transitions) {
            out.addAll(EpisodeLifecycle.onTransition(t.type() == AF ? af : pause, t, EpisodeLifecycleTest.RULES));
        }
        return out;
    }

    /** What a reader sees of a change: its kind, episode, time, reason and severity, in order. */
    private static List<String> exactly(List<AlertChange> changes) {
        return changes.stream().map(c -> c.kind() + " " + c.episodeId() + " " + c.atMs() + " " + c.reason() + " "
                + c.severity()).toList();
    }

    /** What identifies a change (the FHIR bundle id hashes these): kind, episode, time, reason. */
    private static Set<String> ids(List<AlertChange> changes) {
        Set<String> ids = new HashSet<>();
        for (AlertChange c : changes) {
            assertThat(ids.add(c.kind() + " " + c.episodeId() + " " + c.atMs() + " " + c.reason()))
                    .as("no change twice: %s", c).isTrue();
        }
        return ids;
    }

    private static List<AlertChange> assertOrderDoesNotMatter(Script script) {
        List<AlertChange> canonical = run(script.arriving(script.canonical()));
        for (int position = script.earliest(); position <= script.latest(); position++) {
            List<AlertChange> changes = run(script.arriving(position));
            if (position <= script.canonical()) {
                assertThat(exactly(changes)).as("escalation %d transitions early", script.canonical() - position)
                        .isEqualTo(exactly(canonical));
            } else {
                assertThat(ids(changes)).as("escalation %d transitions late", position - script.canonical())
                        .isEqualTo(ids(canonical));
            }
        }
        return canonical;
    }

    @Test
    void fastAfEscalatesItsAlertWhereverTheMatchArrives() {
        List<AlertChange> canonical = assertOrderDoesNotMatter(fastAf(T0, List.of()));
        assertThat(canonical).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED,
                AlertChange.Kind.ESCALATED, AlertChange.Kind.CLOSED, AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        assertThat(canonical.get(0).severity()).as("opened routine, before the rate was fast for 5 min")
                .isEqualTo(Severity.ROUTINE);
        assertThat(canonical.get(1).severity()).isEqualTo(Severity.URGENT);
        assertThat(canonical.get(1).reason()).contains("fast ventricular rate");
    }

    @Test
    void ofTwoMatchesInOneEpisodeTheFirstEscalatesWhicheverArrivesFirst() {
        Script[] scripts = twoMatches(T0);
        Transition firstMatch = scripts[1].escalation();
        Transition secondMatch = scripts[0].escalation();
        List<AlertChange> inOrder = run(scripts[0].arriving(scripts[0].canonical()));
        assertThat(inOrder).filteredOn(c -> c.kind() == AlertChange.Kind.ESCALATED).singleElement()
                .satisfies(c -> assertThat(c.atMs()).isEqualTo(firstMatch.atMs()));
        for (Script script : scripts) {
            assertThat(exactly(run(script.arriving(script.canonical())))).isEqualTo(exactly(inOrder));
            assertOrderDoesNotMatter(script);
        }
        // both early (in their order: the first, then the second), before the episode's START
        List<Transition> early = new ArrayList<>(fastAf(T0, List.of()).signals());
        early.add(0, secondMatch);
        early.add(0, firstMatch);
        assertThat(early.get(0).atMs()).isLessThan(early.get(1).atMs());
        assertThat(exactly(run(early))).isEqualTo(exactly(inOrder));
    }

    @Test
    void fastAfInsideTheCoolDownIsPromotedToAnAlertWhereverTheMatchArrives() {
        List<AlertChange> canonical = assertOrderDoesNotMatter(fastAf(T0, alertedAfBefore(T0)));
        assertThat(canonical).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED,
                AlertChange.Kind.CLOSED, AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED,
                AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        AlertChange promoted = canonical.get(2);
        assertThat(promoted.severity()).isEqualTo(Severity.URGENT);
        assertThat(promoted.reason()).contains("fast ventricular rate");
        assertThat(promoted.episodeStartMs()).isEqualTo(T0);
    }

    @Test
    void pauseThenStillnessEscalatesWhereverTheMatchArrives() {
        List<AlertChange> canonical = assertOrderDoesNotMatter(pauseThenStillness(List.of(), T0));
        assertThat(canonical).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED,
                AlertChange.Kind.ESCALATED, AlertChange.Kind.CLOSED, AlertChange.Kind.OPENED);
        assertThat(canonical.get(1).severity()).isEqualTo(Severity.URGENT);
    }

    @Test
    void pauseThenStillnessInsideTheCoolDownIsPromotedWhereverTheMatchArrives() {
        List<AlertChange> canonical = assertOrderDoesNotMatter(pauseThenStillness(alertedPauseBefore(T0), T0));
        assertThat(canonical).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED,
                AlertChange.Kind.CLOSED, AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED, AlertChange.Kind.OPENED);
        assertThat(canonical.get(2).severity()).isEqualTo(Severity.URGENT);
        assertThat(canonical.get(2).reason()).contains("possible syncope or fall");
    }
}
