package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;
import org.wardstream.detector.PatternCue;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;

/**
 * The typed cues in Flink: the stream and the CEP operators' partial matches use {@link PatternCueTypeInfo}'s explicit
 * serializer (not Kryo), every kind of cue round-trips, the serializer's snapshot restores compatible as is, and a
 * partial match in a snapshot of a CEP operator completes after a restore into a new operator.
 */
class CompoundPatternsStateTest {
    private static final String P = "prog-a|patient-0001";
    private static final long T0 = 1_780_000_000_000L, SEC = 1000, MIN = 60 * SEC;

    private static final List<PatternCue> EVERY_KIND = List.of(
            new PatternCue.Pause(P, "prog-a", T0 + 4200, T0, 5 * MIN, 15 * MIN, 0, T0 + 5000),
            new PatternCue.StillFor(P, null, T0 + 12 * MIN, T0 + MIN, 3 * 3_600_000L, T0 + 4 * 3_600_000L),
            new PatternCue.AfRate(P, "prog-a", T0 + 2 * MIN, 131.25, true, false, 5 * MIN, 0, T0 + 2 * MIN),
            new PatternCue.AfRate(P, "prog-a", T0 + 3 * MIN, 97.5, false, true, 10 * MIN, 0, T0 + 3 * MIN),
            new PatternCue.AfEnd(P, "prog-a", T0 + 40 * MIN, 0, T0 + 40 * MIN),
            new PatternCue.Transit(new Transition(P, EpisodeType.ATRIAL_FIBRILLATION, Transition.Kind.START, T0 - MIN,
                    T0 + MIN, null, "rr-af-3", Map.of("meanRateBpm", 131.5, "afProbability", 0.9)), "prog-a", 0,
                    T0 + MIN),
            new PatternCue.Transit(new Transition(P, EpisodeType.PAUSE, Transition.Kind.ESCALATE, T0, T0 + 12 * MIN,
                    RuleSchema.FOLLOWED_BY_STILLNESS, "rr-pause-1", Map.of()), null, 3 * 3_600_000L,
                    T0 + 4 * 3_600_000L));

    @Test
    void theCueStreamUsesTheExplicitSerializerAndEveryKindRoundTrips() throws Exception {
        var serializer = PatternCueTypeInfo.INSTANCE.createSerializer(null);
        for (PatternCue cue : EVERY_KIND) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            serializer.serialize(cue, out);
            PatternCue back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back).as(cue.toString()).isEqualTo(cue);
        }
        // the snapshot in a checkpoint restores the same serializer, compatible as is
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<PatternCue> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        TypeSerializerSchemaCompatibility<PatternCue> compat = serializer.snapshotConfiguration()
                .resolveSchemaCompatibility(restored);
        assertThat(compat.isCompatibleAsIs()).isTrue();
        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
    }

    @Test
    void aPartialMatchInASnapshotCompletesAfterARestore() throws Exception {
        for (CompoundPatterns.Spec spec : CompoundPatterns.specs()) {
            boolean pause = spec.uid().equals(CompoundPatterns.UID_SYNCOPE);
            PatternCue first = pause ? EVERY_KIND.get(0)
                    : new PatternCue.AfRate(P, "prog-a", T0 + 2 * MIN, 121.0, true, true, 5 * MIN, 0, T0 + 2 * MIN);
            PatternCue last = pause ? new PatternCue.StillFor(P, "prog-a", T0 + 12 * MIN, T0 + 2 * MIN, 0, T0 + 12 * MIN)
                    : new PatternCue.AfRate(P, "prog-a", T0 + 8 * MIN, 126.0, true, false, 5 * MIN, 0, T0 + 8 * MIN);
            OperatorSubtaskState snapshot;
            try (var h = DetectionChain.patternHarness(spec)) {
                h.open();
                h.processElement(new StreamRecord<>(first, first.timeMs()));
                assertThat(h.extractOutputValues()).as(spec.name() + ": no match yet, the cue passed on")
                        .containsExactly(first);
                snapshot = h.snapshot(1, T0);
            }
            // the same last cue without the first one in state matches nothing
            try (var fresh = DetectionChain.patternHarness(spec)) {
                fresh.open();
                fresh.processElement(new StreamRecord<>(last, last.timeMs()));
                assertThat(fresh.extractOutputValues()).as(spec.name() + " without the restored state")
                        .containsExactly(last);
            }
            try (var h = DetectionChain.patternHarness(spec)) {
                h.initializeState(snapshot);
                h.open();
                h.processElement(new StreamRecord<>(last, last.timeMs()));
                List<PatternCue> out = h.extractOutputValues();
                // the match first, then the cue that completed it goes on
                assertThat(out).as(spec.name() + " after the restore").hasSize(2);
                assertThat(out.get(1)).isEqualTo(last);
                Transition t = ((PatternCue.Transit) out.get(0)).transition();
                assertThat(t.kind()).isEqualTo(Transition.Kind.ESCALATE);
                if (pause) {
                    assertThat(t.type()).isEqualTo(EpisodeType.PAUSE);
                    assertThat(t.condition()).isEqualTo(RuleSchema.FOLLOWED_BY_STILLNESS);
                    assertThat(t.episodeStartMs()).isEqualTo(T0);
                    assertThat(t.evidence()).containsEntry("pauseMs", 4200.0).containsEntry("stillMinutes", 10.0);
                } else {
                    assertThat(t.type()).isEqualTo(EpisodeType.ATRIAL_FIBRILLATION);
                    assertThat(t.condition()).isEqualTo(RuleSchema.FAST_VENTRICULAR_RATE);
                    assertThat(t.episodeStartMs()).isEqualTo(T0 + 2 * MIN);
                    assertThat(t.evidence()).containsEntry("fastRateBpm", 126.0).containsEntry("fastMinutes", 6.0);
                }
            }
        }
    }

    @Test
    void transitionsPassEveryPatternUntouchedAndInOrder() throws Exception {
        // a pattern's partial match, a transition, then the cue that completes the match: out come the first cue, the
        // transition, the match and the completing cue, in that order; the transition never enters the NFA (a
        // transit dated after the fast-rate window would otherwise be a candidate "sustained" event for nothing)
        CompoundPatterns.Spec fastAf = CompoundPatterns.specs().stream()
                .filter(s -> s.uid().equals(CompoundPatterns.UID_FAST_AF)).findFirst().orElseThrow();
        PatternCue from = new PatternCue.AfRate(P, "prog-a", T0 + 2 * MIN, 121.0, true, true, 5 * MIN, 0, T0 + 2 * MIN);
        PatternCue.Transit update = new PatternCue.Transit(Transition.update(P, EpisodeType.ATRIAL_FIBRILLATION,
                T0 + 9 * MIN, "rr-af-3", Map.of("meanRateBpm", 126.0)), "prog-a", 0, T0 + 9 * MIN);
        PatternCue sustained = new PatternCue.AfRate(P, "prog-a", T0 + 8 * MIN, 126.0, true, false, 5 * MIN, 0,
                T0 + 8 * MIN);
        try (var h = DetectionChain.patternHarness(fastAf)) {
            h.open();
            for (PatternCue c : List.of(from, update, sustained)) {
                h.processElement(new StreamRecord<>(c, c.timeMs()));
            }
            List<PatternCue> out = h.extractOutputValues();
            assertThat(out).hasSize(4);
            assertThat(out.subList(0, 2)).containsExactly(from, update);
            assertThat(((PatternCue.Transit) out.get(2)).transition().kind()).isEqualTo(Transition.Kind.ESCALATE);
            assertThat(out.get(3)).isEqualTo(sustained);
        }
        // the job's last step keeps the transitions (the transition and the match) and ends the cues there
        List<StreamedTransition> transitions = new java.util.ArrayList<>();
        for (PatternCue c : List.of(from, update, sustained)) {
            CompoundPatterns.transitionOf(c, new org.apache.flink.api.common.functions.util.ListCollector<>(transitions));
        }
        assertThat(transitions).hasSize(1);
        assertThat(transitions.get(0).toTransition()).isEqualTo(update.transition());
        assertThat(transitions.get(0).programme).isEqualTo("prog-a");
    }
}
