package org.wardstream.detect;

import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.episodes.Transition;

/**
 * {@link PatientDetector}'s output as {@link SignalDetector} emits it: cues and transitions (as
 * {@link PatternCue.Transit}s) on the one main output, in the order the detector derived them (the pattern operators
 * downstream keep that order: {@link CompoundPatterns}), skipped beats to the out-of-order-beats counter.
 */
record DetectorOutput(Collector<PatternCue> out, Counter outOfOrderBeats) implements PatientDetector.Output {

    @Override
    public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
        out.collect(new PatternCue.Transit(t, programme, delayedByMs, receivedMs));
    }

    @Override
    public void cue(PatternCue cue) {
        out.collect(cue);
    }

    @Override
    public void outOfOrderBeats(int n) {
        outOfOrderBeats.inc(n);
    }
}
