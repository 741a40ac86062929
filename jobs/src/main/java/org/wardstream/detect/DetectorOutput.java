package org.wardstream.detect;

import java.util.function.Consumer;

import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.episodes.Transition;

/**
 * {@link PatientDetector}'s output as {@link SignalDetector} emits it: transitions as {@link StreamedTransition}s on the
 * main output, cues to the CEP side output, skipped beats to the out-of-order-beats counter.
 */
record DetectorOutput(Collector<StreamedTransition> signals, Consumer<PatternCue> cues, Counter outOfOrderBeats)
        implements PatientDetector.Output {

    @Override
    public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
        signals.collect(StreamedTransition.of(t, programme, delayedByMs, receivedMs));
    }

    @Override
    public void cue(PatternCue cue) {
        cues.accept(cue);
    }

    @Override
    public void outOfOrderBeats(int n) {
        outOfOrderBeats.inc(n);
    }
}
