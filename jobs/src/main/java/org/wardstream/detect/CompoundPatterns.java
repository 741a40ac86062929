package org.wardstream.detect;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
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
 *   <li><b>Pause followed by stillness</b> (possible syncope or fall): a {@code Pause}, then a {@code StillFor} whose
 *       stillness began within the patient's {@code stillnessWithin} of the pause (either side) -> the pause
 *       episode escalates ({@code followedByStillness}).</li>
 *   <li><b>AF with a fast ventricular rate</b>: the first fast {@code AfRate} of a run, not followed by a slower
 *       {@code AfRate} or an {@code AfEnd}, followed by a fast {@code AfRate} at least the patient's {@code fastRateMinDuration}
 *       later -> the AF episode escalates ({@code fastVentricularRate}).</li>
 * </ul>
 * A match becomes an ESCALATE transition referring to the time of its first event, which {@link EpisodeAlerter}
 * applies through the episode lifecycle.
 *
 * <p><b>Order.</b> {@link SignalDetector} emits one stream per patient: its cues and its transitions (as
 * {@link PatternCue.Transit}s) in the order it derived them. The pattern operators sit in series on that stream
 * ({@link InOrderPatternOperator}): each matches a cue, emits its match, then passes the cue on, and passes every
 * transit on untouched. So the alerter receives each escalation right after the cue that completed it and before any
 * later transition (the END of its episode included): one order, fixed by the input, not by which of two network
 * channels delivered first (with a separate escalation path, the same input gave an AF CLOSED before or after its
 * escalation, i.e. different alert records, from run to run).
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
    /**
     * The CEP operators' uids. "-2": their state holds typed cues ({@link PatternCueTypeInfo}) since issue 12; the
     * partial matches of an older savepoint (untyped POJO cues) cannot be read, so a restore from one needs
     * {@code --allowNonRestoredState} and drops only matches in flight (see docs/RUNBOOK.md, Upgrade).
     */
    public static final String UID_SYNCOPE = "pattern-pause-then-stillness-2";
    public static final String UID_FAST_AF = "pattern-af-fast-rate-2";
    /** The stateless step after the patterns that turns the passing transitions back into the alerter's input. */
    public static final String UID_TRANSITIONS = "pattern-transitions";

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

    /**
     * Every pattern, in series, over the detector's one ordered stream of cues and transitions (keyed by patient); out
     * come the transitions and the patterns' escalations, in the order they arose.
     */
    public static DataStream<StreamedTransition> inOrder(KeyedStream<PatternCue, String> detected) {
        return inOrder(detected, "");
    }

    /** ... with {@code uidSuffix} appended to each operator's uid and name (the job: empty). */
    public static DataStream<StreamedTransition> inOrder(KeyedStream<PatternCue, String> detected, String uidSuffix) {
        DataStream<PatternCue> stream = detected;
        for (Spec spec : specs()) {
            stream = DataStreamUtils.reinterpretAsKeyedStream(stream, detected.getKeySelector(), detected.getKeyType())
                    .transform(spec.name() + uidSuffix, PatternCueTypeInfo.INSTANCE, new InOrderPatternOperator(spec))
                    .uid(spec.uid() + uidSuffix);
        }
        return stream.flatMap(CompoundPatterns::transitionOf, TypeInformation.of(StreamedTransition.class))
                .name("transitions and escalations" + uidSuffix).uid(UID_TRANSITIONS + uidSuffix);
    }

    /** The transition a {@link PatternCue.Transit} carries; the cues themselves end here. */
    static void transitionOf(PatternCue c, Collector<StreamedTransition> out) {
        if (c instanceof PatternCue.Transit t) {
            out.collect(StreamedTransition.of(t.transition(), t.programme(), t.delayedByMs(), t.receivedMs()));
        }
    }

    static Pattern<PatternCue, PatternCue> pauseThenStillness() {
        return Pattern.<PatternCue>begin("pause", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(c -> c instanceof PatternCue.Pause))
                .notFollowedBy("window passed").where(new IterativeCondition<>() {
                    @Override
                    public boolean filter(PatternCue c, Context<PatternCue> ctx) throws Exception {
                        return first(ctx, "pause") instanceof PatternCue.Pause pause
                                && c.timeMs() > pause.timeMs() + pause.stillnessSpanMs();
                    }
                })
                .followedBy("still").where(new IterativeCondition<>() {
                    @Override
                    public boolean filter(PatternCue c, Context<PatternCue> ctx) throws Exception {
                        return c instanceof PatternCue.StillFor still
                                && first(ctx, "pause") instanceof PatternCue.Pause pause
                                && Math.abs(still.stillSinceMs() - pause.timeMs()) <= pause.stillnessWithinMs();
                    }
                })
                .within(SYNCOPE_WITHIN);
    }

    static Pattern<PatternCue, PatternCue> afWithFastRate() {
        return Pattern.<PatternCue>begin("fast", AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(c -> c instanceof PatternCue.AfRate rate && rate.fastFrom()))
                .notFollowedBy("slowed").where(SimpleCondition.of(c -> c instanceof PatternCue.AfEnd
                        || c instanceof PatternCue.AfRate rate && !rate.fast()))
                .followedBy("sustained").where(new IterativeCondition<>() {
                    @Override
                    public boolean filter(PatternCue c, Context<PatternCue> ctx) throws Exception {
                        return c instanceof PatternCue.AfRate rate && rate.fast()
                                && first(ctx, "fast") instanceof PatternCue.AfRate from
                                && rate.timeMs() - from.timeMs() >= from.fastRateMinDurationMs();
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
    static final class ToEscalation extends PatternProcessFunction<PatternCue, PatternCue> {
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
        public void processMatch(Map<String, List<PatternCue>> match, Context ctx, Collector<PatternCue> out) {
            PatternCue first = match.get(firstName).get(0);
            List<PatternCue> lasts = match.get(lastName);
            PatternCue last = lasts.get(lasts.size() - 1);
            out.collect(new PatternCue.Transit(escalation(type, condition, first, last), last.programme(),
                    last.delayedByMs(), last.receivedMs()));
        }
    }

    /** The ESCALATE transition of a match from {@code first} to {@code last}, with the evidence a clinician reads. */
    static Transition escalation(EpisodeType type, String condition, PatternCue first, PatternCue last) {
        String dv = Transitions.detectorVersion(type);
        if (first instanceof PatternCue.Pause pause && last instanceof PatternCue.StillFor still) {
            return new Transition(pause.patientId(), type, Transition.Kind.ESCALATE, pause.startMs(), still.timeMs(),
                    condition, dv, Map.of("pauseMs", (double) pause.pauseMs(), "stillMinutes", still.stillMs() / 60_000.0));
        }
        if (first instanceof PatternCue.AfRate from && last instanceof PatternCue.AfRate to) {
            return new Transition(from.patientId(), type, Transition.Kind.ESCALATE, from.timeMs(), to.timeMs(), condition,
                    dv, Map.of("fastRateBpm", to.smoothedRateBpm(), "fastMinutes", (to.timeMs() - from.timeMs()) / 60_000.0));
        }
        throw new IllegalArgumentException("no escalation from " + first + " to " + last);
    }
}
