package org.wardstream.episodes;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;
import org.wardstream.rules.Severity;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.episodes.AlertChange.Kind.CLOSED;
import static org.wardstream.episodes.AlertChange.Kind.ESCALATED;
import static org.wardstream.episodes.AlertChange.Kind.OPENED;
import static org.wardstream.episodes.EpisodeLifecycleTest.DV;
import static org.wardstream.episodes.EpisodeLifecycleTest.MIN;
import static org.wardstream.episodes.EpisodeLifecycleTest.P;
import static org.wardstream.episodes.EpisodeLifecycleTest.T0;

/**
 * An episode found in a gap's buffer ({@link Transition#IN_FILLED_GAP}) that starts inside the last alert of its type,
 * closed since, raises no second alert (session 24); a condition its START already meets (a bradycardia under 40/min
 * from its first minute) escalates that alert after the fact when it raises its severity. Before, the START returned
 * before its condition was looked at: a severe bradycardia in the buffer inside a routine bradycardia alert escalated
 * nothing and was recorded nowhere.
 *
 * <p>Alert A: a routine bradycardia from minute 0 (evidence at 10) to 60; a gap in the live data from minute 20 to 50,
 * its buffer uploaded after A closed, with a bradycardia from minute 25.
 */
class BufferInsideLastAlertConditionTest {

    static final long A_END = T0 + 60 * MIN, GAP_TO = T0 + 50 * MIN, BUFFER_START = T0 + 25 * MIN;

    static EpisodeLifecycleTest.Run closedRoutineAlert() {
        EpisodeLifecycleTest.Run r = new EpisodeLifecycleTest.Run()
                .on(EpisodeLifecycleTest.start(EpisodeType.BRADYCARDIA, T0, T0 + 10 * MIN))
                .on(EpisodeLifecycleTest.end(EpisodeType.BRADYCARDIA, A_END));
        assertThat(r.kinds()).as("A alerted and closed").containsExactly(OPENED, CLOSED);
        assertThat(r.out.get(0).severity()).isEqualTo(Severity.ROUTINE);
        r.out.clear();
        return r;
    }

    static Transition bufferStart(String condition) {
        Transition t = condition == null
                ? EpisodeLifecycleTest.start(EpisodeType.BRADYCARDIA, BUFFER_START, BUFFER_START + 10 * MIN)
                : Transition.startEscalated(P, EpisodeType.BRADYCARDIA, BUFFER_START, BUFFER_START + 10 * MIN,
                        condition, DV, Map.of());
        return t.withEvidence(Transition.IN_FILLED_GAP, GAP_TO);
    }

    @Test
    void aSevereBradycardiaInTheBufferEscalatesTheClosedRoutineAlertItLiesInside() {
        EpisodeLifecycleTest.Run r = closedRoutineAlert();
        r.on(bufferStart(RuleSchema.SEVERE_BRADYCARDIA))
                .on(EpisodeLifecycleTest.end(EpisodeType.BRADYCARDIA, BUFFER_START + 15 * MIN));
        assertThat(r.kinds()).as("no second alert; A escalated: %s", r.out).containsExactly(ESCALATED);
        AlertChange c = r.out.get(0);
        assertThat(c.severity()).isEqualTo(Severity.URGENT);
        assertThat(c.notifyTeam()).as("a more severe condition notifies").isTrue();
        assertThat(c.episodeId()).as("A's id")
                .isEqualTo(EpisodeIds.of(EpisodeIds.CURRENT_SCHEME, null, P, EpisodeType.BRADYCARDIA, DV, T0));
        assertThat(c.episodeStartMs()).isEqualTo(T0);
        assertThat(c.episodeEndMs()).as("A's end: the record stays final").isEqualTo(A_END);
    }

    @Test
    void aRoutineBradycardiaInTheBufferChangesNothing() {
        EpisodeLifecycleTest.Run r = closedRoutineAlert();
        r.on(bufferStart(null)).on(EpisodeLifecycleTest.end(EpisodeType.BRADYCARDIA, BUFFER_START + 15 * MIN));
        assertThat(r.out).as("the condition the team was told about, its time covered by A").isEmpty();
    }

    @Test
    void aSevereBradycardiaEscalatesTheAlertOnceAcrossTwoBufferEpisodes() {
        EpisodeLifecycleTest.Run r = closedRoutineAlert();
        r.on(bufferStart(RuleSchema.SEVERE_BRADYCARDIA))
                .on(EpisodeLifecycleTest.end(EpisodeType.BRADYCARDIA, BUFFER_START + 5 * MIN))
                .on(Transition.startEscalated(P, EpisodeType.BRADYCARDIA, BUFFER_START + 10 * MIN,
                        BUFFER_START + 12 * MIN, RuleSchema.SEVERE_BRADYCARDIA, DV, Map.of())
                        .withEvidence(Transition.IN_FILLED_GAP, GAP_TO))
                .on(EpisodeLifecycleTest.end(EpisodeType.BRADYCARDIA, BUFFER_START + 15 * MIN));
        assertThat(r.kinds()).as("escalated once: %s", r.out).containsExactly(ESCALATED);
    }
}
