package org.wardstream.episodes;

import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The per-patient steps of the episode-detection job that turn readings into alert changes, in plain Java, so
 * that the job's detector operator and {@code wardstream validate} run the same code:
 * <ol>
 *   <li>{@link #rrBatch}: one RR batch (a tachogram: start, consecutive intervals, per-interval quality) through
 *       {@link RrAnalyser}, beat by beat, each rhythm event mapped to lifecycle {@link Transition}s by
 *       {@link Transitions#fromRhythm};</li>
 *   <li>{@link #lifecycle}: transitions through {@link EpisodeLifecycle} with the patient's rules, after dropping
 *       a tachycardia start that an open AF episode already explains ({@link Transitions#explainedByAf}; a
 *       tachycardia that outlasts the AF is started again from the AF's end by the detector).</li>
 * </ol>
 * Stateless; the caller owns the per-patient states (Flink keyed state in the job, a local variable per record in
 * the validation).
 */
public final class DetectorPath {

    private static final BeatQuality[] QUALITY = BeatQuality.values();
    private static final byte CLEAN = (byte) BeatQuality.CLEAN.ordinal();

    private DetectorPath() {
    }

    /**
     * Feeds one RR batch. The beat ending interval {@code i} is at {@code startMs + rrMs[0] + ... + rrMs[i]}
     * (device time, epoch ms).
     *
     * @param qualityCodes per interval, the ordinal of {@link BeatQuality} (CLEAN 0, ARTEFACT 1, GAP 2), as
     *                     carried by the job's readings
     * @param transitions  receives the lifecycle transitions, in order
     * @param onRhythm     called with every rhythm event after its transitions were added (the job feeds pause
     *                     events to the wear tracker here); may be null
     * @return the number of beats ignored because they were out of order, and whether the beat clock was re-anchored
     *         at the batch ({@link RrAnalyser#reanchor})
     */
    public static Fed rrBatch(RrAnalyser analyser, RrAnalyserState state, String patient, long startMs, int[] rrMs,
                              byte[] qualityCodes, List<Transition> transitions, Consumer<? super RhythmEvent> onRhythm) {
        return rrBatch(analyser, state, patient, startMs, rrMs, qualityCodes, transitions, onRhythm, null);
    }

    /**
     * Told of each beat the RR analyser is about to use (one after its last beat), before it is fed: the detector
     * derives heart rate from the same beats the analyser reads ({@link org.wardstream.signals.RrHeartRate}), and
     * what it adds to the transitions comes before the beat's rhythm events, in beat order.
     */
    @FunctionalInterface
    public interface BeatSink {
        /**
         * @param clean the interval's quality is CLEAN (the plausible range is the receiver's to check)
         */
        void beat(long beatMs, int rrMs, boolean clean);
    }

    /**
     * {@link #rrBatch(RrAnalyser, RrAnalyserState, String, long, int[], byte[], List, Consumer)}, telling
     * {@code beforeBeat} (may be null) of each beat the analyser uses just before feeding it.
     */
    public static Fed rrBatch(RrAnalyser analyser, RrAnalyserState state, String patient, long startMs, int[] rrMs,
                              byte[] qualityCodes, List<Transition> transitions, Consumer<? super RhythmEvent> onRhythm,
                              BeatSink beforeBeat) {
        if (rrMs.length != qualityCodes.length) {
            throw new IllegalArgumentException("rrMs and qualityCodes differ in length");
        }
        int outOfOrder = 0;
        long beat = startMs;
        long lastBeat = startMs;
        for (int v : rrMs) {
            lastBeat += v;
        }
        boolean reanchored = analyser.reanchor(state, startMs, lastBeat); // an earlier batch's false span must not hide this one
        long clockBefore = state.lastBeatMs;
        var ownOnsetBars = org.wardstream.signals.RhythmRuleParameters.ownOnsetBars(analyser.parameters());
        for (int i = 0; i < rrMs.length; i++) {
            beat += rrMs[i];
            if (beforeBeat != null && (state.lastBeatMs == RrAnalyserState.NO_TIME || beat > state.lastBeatMs)) {
                beforeBeat.beat(beat, rrMs[i], qualityCodes[i] == CLEAN); // the analyser's own test of a used beat
            }
            boolean used = analyser.onBeat(state, beat, rrMs[i], QUALITY[qualityCodes[i]], ev -> {
                transitions.addAll(Transitions.fromRhythm(patient, ev, ownOnsetBars));
                if (onRhythm != null) {
                    onRhythm.accept(ev);
                }
            });
            if (!used) {
                outOfOrder++;
            }
        }
        RrAnalyser.batchFed(state, startMs, clockBefore);
        return new Fed(outOfOrder, reanchored);
    }

    /**
     * What {@link #rrBatch} did with a batch besides its events: beats ignored as out of order, and whether the beat
     * clock was re-anchored at it (an earlier batch had claimed more time than passed).
     */
    public record Fed(int outOfOrderBeats, boolean reanchored) {
    }

    /**
     * Applies transitions, in order, to the patient's episode states and emits the alert changes.
     *
     * @param stateOf      the patient's lifecycle state of a type (created on first use)
     * @param explainedByAf called once for each tachycardia start left out because AF explains it; may be null
     * @return the number of alert changes emitted
     */
    public static int lifecycle(List<Transition> transitions, Function<EpisodeType, EpisodeState> stateOf,
                                EffectiveRules rules, Consumer<? super AlertChange> out, Runnable explainedByAf) {
        int n = 0;
        for (Transition t : transitions) {
            if (Transitions.explainedByAf(t, stateOf.apply(EpisodeType.ATRIAL_FIBRILLATION))) {
                if (explainedByAf != null) {
                    explainedByAf.run();
                }
                continue;
            }
            for (AlertChange c : EpisodeLifecycle.onTransition(stateOf.apply(t.type()), t, rules)) {
                out.accept(c);
                n++;
            }
        }
        return n;
    }
}
