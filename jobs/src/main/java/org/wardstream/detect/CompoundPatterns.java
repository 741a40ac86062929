package org.wardstream.detect;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.util.Collector;
import org.wardstream.detector.PatternCue;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;

/**
 * The compound patterns that change an alert's urgency, as Flink CEP patterns over the per-patient
 * {@link PatternCue}s (derived, low-rate events; never raw samples):
 * <ul>
 *   <li><b>Pause followed by stillness</b> (possible syncope or fall): a PAUSE, then a STILL_FOR whose
 *       stillness began within the patient's {@code stillnessWithin} of the pause (either side) -> the pause
 *       episode escalates ({@code followedByStillness}).</li>
 *   <li><b>AF with a fast ventricular rate</b>: the first fast AF_RATE of a run, not followed by a slower
 *       AF_RATE or AF_END, followed by a fast AF_RATE at least the patient's {@code fastRateMinDuration}
 *       later -> the AF episode escalates ({@code fastVentricularRate}).</li>
 * </ul>
 * A match becomes an ESCALATE {@link EpisodeSignal} referring to the time of its first event, which
 * {@link EpisodeAlerter} applies through the episode lifecycle.
 *
 * <p><b>Time.</b> The patterns run in processing time over a stream that {@link SignalDetector} already
 * delivers per patient in device-time order (it analyses a backlog in order), so a match never waits for the
 * watermark and a backlog uploaded hours late is matched like live data. Every device-time bound is checked
 * by the conditions on the cues' own times (the patient's rule values ride on the cues), so a result does
 * not depend on how fast the cues arrive. {@code within()} bounds each pattern in wall-clock time by the
 * largest value the rule schema allows, so a partial match can never stay in state longer than that; a
 * partial match also ends as soon as a later cue shows its device-time window has passed.
 */
public final class CompoundPatterns {
    public static final String UID_SYNCOPE = "pattern-pause-then-stillness";
    public static final String UID_FAST_AF = "pattern-af-fast-rate";

    /** Wall-clock bound of the syncope pattern: the largest stillnessWithin + stillnessMinDuration allowed. */
    static final Duration SYNCOPE_WITHIN = Duration.ofMillis(maxMillis(EpisodeType.PAUSE, "stillnessWithin")
            + maxMillis(EpisodeType.PAUSE, "stillnessMinDuration")).plusMinutes(1);
    /** Wall-clock bound of the fast-AF pattern: the largest fastRateMinDuration allowed. */
    static final Duration FAST_AF_WITHIN = Duration.ofMillis(maxMillis(EpisodeType.ATRIAL_FIBRILLATION,
            "fastRateMinDuration")).plusMinutes(1);

    private CompoundPatterns() {
    }

    private static long maxMillis(EpisodeType type, String parameter) {
        return (long) RuleSchema.parameters(type).get(parameter).max();
    }

    /** One compound pattern: its CEP pattern, what a match escalates, and its operator's name and uid. */
    record Spec(String name, String uid, Pattern<PatternCue, PatternCue> pattern, ToEscalation onMatch) {
    }

    /** The compound patterns, in a fixed order. */
    static List<Spec> specs() {
        return List.of(
                new Spec("pattern: pause then stillness", UID_SYNCOPE, pauseThenStillness(),
                        new ToEscalation(EpisodeType.PAUSE, RuleSchema.FOLLOWED_BY_STILLNESS, "pause", "still")),
                new Spec("pattern: AF with fast rate", UID_FAST_AF, afWithFastRate(),
                        new ToEscalation(EpisodeType.ATRIAL_FIBRILLATION, RuleSchema.FAST_VENTRICULAR_RATE, "fast",
                                "sustained")));
    }

    /** Every pattern over the cues (keyed by patient); their escalations, one stream. */
    public static DataStream<EpisodeSignal> escalations(KeyedStream<PatternCue, String> cues) {
        return escalations(cues, "");
    }

    /** ... with {@code uidSuffix} appended to each operator's uid and name (the job: empty). */
    public static DataStream<EpisodeSignal> escalations(KeyedStream<PatternCue, String> cues, String uidSuffix) {
        DataStream<EpisodeSignal> out = null;
        for (Spec spec : specs()) {
            DataStream<EpisodeSignal> matches = CEP.pattern(cues, spec.pattern()).inProcessingTime()
                    .process(spec.onMatch(), TypeInformation.of(EpisodeSignal.class))
                    .name(spec.name() + uidSuffix).uid(spec.uid() + uidSuffix);
            out = out == null ? matches : out.union(matches);
        }
        return out;
    }

    static Pattern<PatternCue, PatternCue> pauseThenStillness() {
        return Pattern.<PatternCue>begin("pause", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(c -> c.kind == PatternCue.Kind.PAUSE))
                .notFollowedBy("window passed").where(new IterativeCondition<>() {
                    @Override
                    public boolean filter(PatternCue c, Context<PatternCue> ctx) throws Exception {
                        PatternCue pause = first(ctx, "pause");
                        return pause != null && c.timeMs > pause.timeMs + pause.spanMs;
                    }
                })
                .followedBy("still").where(new IterativeCondition<>() {
                    @Override
                    public boolean filter(PatternCue c, Context<PatternCue> ctx) throws Exception {
                        if (c.kind != PatternCue.Kind.STILL_FOR) {
                            return false;
                        }
                        PatternCue pause = first(ctx, "pause");
                        return pause != null && Math.abs(c.sinceMs - pause.timeMs) <= pause.windowMs;
                    }
                })
                .within(SYNCOPE_WITHIN);
    }

    static Pattern<PatternCue, PatternCue> afWithFastRate() {
        return Pattern.<PatternCue>begin("fast", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(c -> c.kind == PatternCue.Kind.AF_RATE && c.fastFrom))
                .notFollowedBy("slowed").where(SimpleCondition.of(c -> c.kind == PatternCue.Kind.AF_END
                        || c.kind == PatternCue.Kind.AF_RATE && !c.fast))
                .followedBy("sustained").where(new IterativeCondition<>() {
                    @Override
                    public boolean filter(PatternCue c, Context<PatternCue> ctx) throws Exception {
                        if (c.kind != PatternCue.Kind.AF_RATE || !c.fast) {
                            return false;
                        }
                        PatternCue from = first(ctx, "fast");
                        return from != null && c.timeMs - from.timeMs >= from.windowMs;
                    }
                })
                .within(FAST_AF_WITHIN);
    }

    /** The first event taken for {@code name} in this partial match, or null (not taken yet). */
    private static PatternCue first(IterativeCondition.Context<PatternCue> ctx, String name) throws Exception {
        var it = ctx.getEventsForPattern(name).iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** A match -> ESCALATE of the episode type, referring to the first event's time, at the last event's. */
    static final class ToEscalation extends PatternProcessFunction<PatternCue, EpisodeSignal> {
        private static final long serialVersionUID = 1L;
        private final EpisodeType type;
        private final String condition;
        private final String firstName;
        private final String lastName;

        ToEscalation(EpisodeType type, String condition, String firstName, String lastName) {
            this.type = type;
            this.condition = condition;
            this.firstName = firstName;
            this.lastName = lastName;
        }

        @Override
        public void processMatch(Map<String, List<PatternCue>> match, Context ctx, Collector<EpisodeSignal> out) {
            PatternCue first = match.get(firstName).get(0);
            List<PatternCue> lasts = match.get(lastName);
            PatternCue last = lasts.get(lasts.size() - 1);
            out.collect(EpisodeSignal.of(escalation(type, condition, first, last), last.programme,
                    last.delayedByMs, last.receivedMs));
        }
    }

    /** The ESCALATE transition of a match from {@code first} to {@code last}, with the evidence a clinician reads. */
    static Transition escalation(EpisodeType type, String condition, PatternCue first, PatternCue last) {
        Map<String, Double> evidence = type == EpisodeType.PAUSE
                ? Map.of("pauseMs", (double) (first.timeMs - first.sinceMs),
                "stillMinutes", (last.timeMs - last.sinceMs) / 60_000.0)
                : Map.of("fastRateBpm", last.rateBpm, "fastMinutes", (last.timeMs - first.timeMs) / 60_000.0);
        return new Transition(first.patientId, type, Transition.Kind.ESCALATE,
                type == EpisodeType.PAUSE ? first.sinceMs : first.timeMs, last.timeMs, condition,
                Transitions.detectorVersion(type), evidence);
    }
}
