package org.wardstream.detect;

import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.wardstream.detector.PatternCue;

/**
 * One compound pattern's Flink CEP operator (processing time, as {@code CEP.pattern(...).inProcessingTime()} builds
 * it: the same NFA, state and serializer, so savepoints of the plain operator restore) that also passes its input on:
 * each cue is matched first (a match is emitted as a {@link PatternCue.Transit} at once) and then goes on to the next
 * pattern, and a {@link PatternCue.Transit} (a detector transition, or an earlier pattern's escalation) goes on
 * untouched, never into the NFA. The patterns thus sit in series on the detector's one ordered stream, and the alert
 * lifecycle receives transitions and escalations in the order they arose, whatever the threads' timing.
 */
final class InOrderPatternOperator extends CepOperator<PatternCue, String, PatternCue> {
    private static final long serialVersionUID = 1L;

    InOrderPatternOperator(CompoundPatterns.Spec spec) {
        super(PatternCueTypeInfo.Serializer.INSTANCE, true, NFACompiler.compileFactory(spec.pattern(), false), null,
                spec.pattern().getAfterMatchSkipStrategy(), spec.onMatch(), null);
    }

    @Override
    public void processElement(StreamRecord<PatternCue> element) throws Exception {
        if (!(element.getValue() instanceof PatternCue.Transit)) {
            super.processElement(element); // in processing time the NFA runs now: its matches are emitted first
        }
        output.collect(element);
    }
}
