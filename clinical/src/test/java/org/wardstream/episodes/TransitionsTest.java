package org.wardstream.episodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.EpisodeType;

class TransitionsTest {
    static Transition tachyStart() {
        return Transition.start("p1", EpisodeType.TACHYCARDIA, 1_000, 601_000, "hr/1", Map.of("meanRateBpm", 131.0));
    }

    @Test
    void aTachycardiaStartDuringOpenOrPendingAfIsExplainedByIt() {
        EpisodeState af = new EpisodeState();
        assertThat(Transitions.explainedByAf(tachyStart(), af)).isFalse(); // AF idle
        assertThat(Transitions.explainedByAf(tachyStart(), null)).isFalse();
        af.phase = EpisodeState.PENDING;
        assertThat(Transitions.explainedByAf(tachyStart(), af)).isTrue();
        af.phase = EpisodeState.OPEN;
        assertThat(Transitions.explainedByAf(tachyStart(), af)).isTrue();
        af.phase = EpisodeState.SUPPRESSED;
        assertThat(Transitions.explainedByAf(tachyStart(), af)).isFalse();
    }

    @Test
    void onlyTachycardiaStartsAreExplained() {
        EpisodeState af = new EpisodeState();
        af.phase = EpisodeState.OPEN;
        assertThat(Transitions.explainedByAf(
                Transition.end("p1", EpisodeType.TACHYCARDIA, 2_000, "hr/1", Map.of()), af)).isFalse();
        assertThat(Transitions.explainedByAf(
                Transition.start("p1", EpisodeType.BRADYCARDIA, 1_000, 2_000, "hr/1", Map.of()), af)).isFalse();
    }
}
