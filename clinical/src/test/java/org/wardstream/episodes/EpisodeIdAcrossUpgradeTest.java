package org.wardstream.episodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wardstream.episodes.AlertChange.Kind.CLOSED;
import static org.wardstream.episodes.AlertChange.Kind.ESCALATED;
import static org.wardstream.episodes.AlertChange.Kind.OPENED;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;
import org.wardstream.rules.Rules;

/**
 * An episode keeps the id of its OPENED alert in every later change, although the detector version (part of the id)
 * changes under it when the job is upgraded with a savepoint while the episode is open: otherwise the triage worklist
 * keeps the original alert open for ever and receives a close for an episode it never saw. Version A starts each
 * episode here, version B (the upgraded detector) sends everything after it; the state goes through its bytes at the
 * switch, as through a savepoint.
 */
class EpisodeIdAcrossUpgradeTest {

    static final EffectiveRules RULES = Rules.loadClasspath().defaults();
    static final String P = "patient-0001";
    /** Neither is {@link Transitions#unrecordedDetectorVersion}: the versions here are the ones the state recorded. */
    static final String A = "test-rr-analyser/1", B = "test-rr-analyser/2";
    static final EpisodeType AF = EpisodeType.ATRIAL_FIBRILLATION;
    static final long T0 = 1_780_000_000_000L, SEC = 1000, MIN = 60 * SEC;

    /** One episode type's lifecycle; {@link #upgrade} restores its state from its bytes, as a savepoint does. */
    static final class Run {
        EpisodeState s = new EpisodeState();
        final List<AlertChange> out = new ArrayList<>();

        Run on(Transition t) {
            out.addAll(EpisodeLifecycle.onTransition(s, t, RULES));
            return this;
        }

        Run upgrade() {
            s = EpisodeState.fromBytes(s.toBytes());
            return this;
        }

        List<AlertChange.Kind> kinds() {
            return out.stream().map(AlertChange::kind).toList();
        }

        List<String> ids() {
            return out.stream().map(AlertChange::episodeId).toList();
        }
    }

    static Transition start(EpisodeType type, long start, long at, String dv) {
        return Transition.start(P, type, start, at, dv, Map.of("onsetRateBpm", 96.0));
    }

    static Transition fastRate(long refersTo, long at, String dv) {
        return new Transition(P, AF, Transition.Kind.ESCALATE, refersTo, at, RuleSchema.FAST_VENTRICULAR_RATE, dv,
                Map.of("fastRateBpm", 131.0, "fastMinutes", 5.0));
    }

    @Test
    void anAfEpisodeOpenedEscalatedAndClosedAcrossAnUpgradeKeepsTheIdItStartedWith() {
        // started by A, still PENDING its 30 s minimum at the upgrade: B's evidence opens, escalates and closes it
        Run r = new Run().on(start(AF, T0, T0 + 20 * SEC, A)).upgrade();
        assertThat(r.out).isEmpty();
        r.on(Transition.update(P, AF, T0 + 40 * SEC, B, Map.of("meanRateBpm", 104.0)))
                .on(Transition.update(P, AF, T0 + 10 * MIN, B, Map.of("meanRateBpm", 131.0)))
                .on(fastRate(T0 + MIN, T0 + 6 * MIN, B))
                .on(Transition.end(P, AF, T0 + 20 * MIN, B, Map.of()));
        assertThat(r.kinds()).containsExactly(OPENED, ESCALATED, CLOSED);
        String id = EpisodeIds.of(null, P, AF, A, T0);
        assertThat(r.ids()).containsOnly(id);
        // each change still names the detector that produced it (the Provenance's author)
        assertThat(r.out).extracting(AlertChange::detectorVersion).containsOnly(B);

        // a fast-rate match confirmed after the close escalates the closed episode: the same id
        Run late = new Run().on(start(AF, T0, T0 + 35 * SEC, A)).upgrade()
                .on(Transition.end(P, AF, T0 + 20 * MIN, B, Map.of())).upgrade()
                .on(fastRate(T0 + 7 * MIN, T0 + 12 * MIN, B));
        assertThat(late.kinds()).containsExactly(OPENED, CLOSED, ESCALATED);
        assertThat(late.ids()).containsOnly(id);
    }

    @Test
    void aPauseClosedByTheWindowAfterTheUpgradeKeepsItsId() {
        // the job's TICK carries today's version of the type (EpisodeAlerter): the window closes the episode with it
        Run r = new Run().on(start(EpisodeType.PAUSE, T0, T0 + 3500, A)).upgrade()
                .on(Transition.escalate(P, EpisodeType.PAUSE, T0 + 12 * MIN, RuleSchema.FOLLOWED_BY_STILLNESS, B, Map.of()))
                .on(Transition.tick(P, EpisodeType.PAUSE, T0 + 3500 + 15 * MIN + 1, B));
        assertThat(r.kinds()).containsExactly(OPENED, ESCALATED, CLOSED);
        assertThat(r.ids()).containsOnly(EpisodeIds.of(null, P, EpisodeType.PAUSE, A, T0));
    }

    @Test
    void aSuppressedRecurrenceStartedBeforeTheUpgradeIsPromotedWithItsOwnIdAndTheLastAlertKeepsIts() {
        // episode 1 alerted and closed before the upgrade; episode 2, inside the cool-down, suppressed, started by A
        Run r = new Run().on(start(AF, T0, T0 + 35 * SEC, A)).on(Transition.end(P, AF, T0 + 10 * MIN, A, Map.of()))
                .on(start(AF, T0 + 20 * MIN, T0 + 21 * MIN, A)).upgrade()
                .on(Transition.end(P, AF, T0 + 50 * MIN, B, Map.of())).upgrade();
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED);
        // a fast rate in episode 2, confirmed after it ended: promoted (OPENED, CLOSED) with the id A gives it
        r.on(fastRate(T0 + 25 * MIN, T0 + 31 * MIN, B));
        assertThat(r.kinds()).containsExactly(OPENED, CLOSED, OPENED, CLOSED);
        String second = EpisodeIds.of(null, P, AF, A, T0 + 20 * MIN);
        assertThat(r.ids().subList(2, 4)).containsOnly(second);
        // it is now the last alerted episode: a later escalation of it (after another upgrade) keeps that id too
        assertThat(r.s.lastDetectorVersion).isEqualTo(A);
        assertThat(r.s.lastSuppressedDetectorVersion).isNull();

        // and a late escalation of episode 1 while episode 2 is suppressed refers to episode 1's id
        Run first = new Run().on(start(AF, T0, T0 + 35 * SEC, A)).on(Transition.end(P, AF, T0 + 10 * MIN, A, Map.of()))
                .upgrade().on(start(AF, T0 + 20 * MIN, T0 + 21 * MIN, B))
                .on(fastRate(T0 + 2 * MIN, T0 + 7 * MIN, B));
        assertThat(first.kinds()).containsExactly(OPENED, CLOSED, ESCALATED);
        assertThat(first.ids()).containsOnly(EpisodeIds.of(null, P, AF, A, T0));
    }

    @Test
    void stateOfTheReleaseBeforeFormat8IsTakenAsOpenedByThatReleasesDetector() {
        // today's constants may move on (AF and pause with every AF model); the version of the state that did not
        // record it is history
        assertThat(Transitions.unrecordedDetectorVersion(AF)).isEqualTo("wardstream-rr-analyser/5");
        assertThat(Transitions.unrecordedDetectorVersion(EpisodeType.PAUSE)).isEqualTo("wardstream-rr-analyser/5");
        assertThat(Transitions.unrecordedDetectorVersion(EpisodeType.TACHYCARDIA)).isEqualTo("wardstream-hr-thresholds/1");
        assertThat(Transitions.unrecordedDetectorVersion(EpisodeType.BRADYCARDIA)).isEqualTo("wardstream-hr-thresholds/1");
        assertThat(Transitions.unrecordedDetectorVersion(EpisodeType.INACTIVITY)).isEqualTo("wardstream-wear-activity/1");
        assertThat(Transitions.unrecordedDetectorVersion(EpisodeType.DEVICE_OFFLINE)).isEqualTo("wardstream-wear-activity/1");
    }

    @Test
    void everyDetectorVersionFitsTheStateAndALongerOneIsAClearError() {
        for (EpisodeType type : EpisodeType.values()) {
            for (String v : List.of(Transitions.detectorVersion(type), Transitions.unrecordedDetectorVersion(type))) {
                assertThat(v.getBytes(StandardCharsets.UTF_8).length).as(v)
                        .isLessThanOrEqualTo(EpisodeState.MAX_DETECTOR_VERSION_BYTES);
                EpisodeState s = new EpisodeState();
                s.detectorVersion = v;
                s.lastDetectorVersion = v;
                s.lastSuppressedDetectorVersion = v;
                byte[] bytes = s.toBytes();
                assertThat(bytes.length).isLessThanOrEqualTo(EpisodeState.MAX_SERIALIZED_SIZE);
                assertThat(EpisodeState.fromBytes(bytes).lastSuppressedDetectorVersion).isEqualTo(v);
            }
        }
        EpisodeState s = new EpisodeState();
        s.detectorVersion = "d/" + "9".repeat(EpisodeState.MAX_DETECTOR_VERSION_BYTES - 2); // the longest kept
        assertThat(EpisodeState.fromBytes(s.toBytes()).detectorVersion).isEqualTo(s.detectorVersion);
        s.lastDetectorVersion = s.detectorVersion + "0";
        assertThatThrownBy(s::toBytes).isInstanceOf(UncheckedIOException.class).hasRootCauseMessage("detector version "
                + s.lastDetectorVersion + " is 65 bytes, more than the 64 an episode state keeps");
    }
}
