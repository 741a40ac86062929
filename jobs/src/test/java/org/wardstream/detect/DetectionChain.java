package org.wardstream.detect;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.wardstream.detector.PatternCue;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.rules.Rules;

/**
 * The detection stage's operators in Flink test harnesses, wired as the job wires them: the signal detector,
 * the CEP pattern operators over its cues, the alert lifecycle over both. Records are pumped from one harness
 * to the next after every input; watermarks go through all of them.
 */
final class DetectionChain implements AutoCloseable {
    final KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, StreamedTransition> signals;
    final List<KeyedOneInputStreamOperatorTestHarness<String, PatternCue, StreamedTransition>> patterns = new ArrayList<>();
    final KeyedTwoInputStreamOperatorTestHarness<String, StreamedTransition, EnrolmentUpdate, StreamedAlertChange> alerter;
    private int signalsForwarded;
    private int cuesForwarded;
    private final int[] escalationsForwarded;
    final List<PatternCue> cues = new ArrayList<>();

    DetectionChain(Rules rules) throws Exception {
        signals = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new SignalDetector(rules),
                (DeviceReading r) -> r.patientId, (EnrolmentUpdate u) -> u.patientId, Types.STRING);
        signals.open();
        for (CompoundPatterns.Spec spec : CompoundPatterns.specs()) {
            var h = patternHarness(spec);
            h.open();
            patterns.add(h);
        }
        escalationsForwarded = new int[patterns.size()];
        alerter = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(rules),
                (StreamedTransition s) -> s.patientId, (EnrolmentUpdate u) -> u.patientId, Types.STRING);
        alerter.open();
    }

    /** A compound pattern's CEP operator (processing time, as in the job) in a harness keyed by patient, not opened. */
    static KeyedOneInputStreamOperatorTestHarness<String, PatternCue, StreamedTransition> patternHarness(
            CompoundPatterns.Spec spec) throws Exception {
        CepOperator<PatternCue, String, StreamedTransition> op = new CepOperator<>(PatternCueTypeInfo.Serializer.INSTANCE,
                true, NFACompiler.compileFactory(spec.pattern(), false), null,
                spec.pattern().getAfterMatchSkipStrategy(), spec.onMatch(), null);
        return new KeyedOneInputStreamOperatorTestHarness<>(op, PatternCue::patientId, Types.STRING);
    }

    void enrol(EnrolmentUpdate u) throws Exception {
        signals.processElement2(new StreamRecord<>(u));
        alerter.processElement2(new StreamRecord<>(u));
        pump();
    }

    void send(DeviceReading r) throws Exception {
        signals.processElement1(new StreamRecord<>(r, r.time));
        pump();
    }

    void watermark(long t) throws Exception {
        Watermark w = new Watermark(t);
        signals.processBothWatermarks(w);
        pump();
        for (var h : patterns) {
            h.processWatermark(w);
        }
        pump();
        alerter.processBothWatermarks(w);
    }

    /** Moves every new record one stage on, in the order each stage emitted them. */
    private void pump() throws Exception {
        List<StreamedTransition> out = signals.extractOutputValues();
        for (; signalsForwarded < out.size(); signalsForwarded++) {
            StreamedTransition s = out.get(signalsForwarded);
            alerter.processElement1(new StreamRecord<>(s, s.atMs));
        }
        var side = signals.getSideOutput(SignalDetector.CUES);
        List<PatternCue> newCues = new ArrayList<>();
        if (side != null) {
            int i = 0;
            for (StreamRecord<PatternCue> r : side) {
                if (i++ >= cuesForwarded) {
                    newCues.add(r.getValue());
                }
            }
        }
        cuesForwarded += newCues.size();
        cues.addAll(newCues);
        for (PatternCue c : newCues) {
            for (var h : patterns) {
                h.processElement(new StreamRecord<>(c, c.timeMs()));
            }
        }
        for (int p = 0; p < patterns.size(); p++) {
            List<StreamedTransition> esc = patterns.get(p).extractOutputValues();
            for (; escalationsForwarded[p] < esc.size(); escalationsForwarded[p]++) {
                StreamedTransition s = esc.get(escalationsForwarded[p]);
                alerter.processElement1(new StreamRecord<>(s, s.atMs));
            }
        }
    }

    /** The readings the signal detector could not analyse in order (its dead-letter side output). */
    List<org.wardstream.ingest.DeadLetter> outOfOrderDeadLetters() {
        var q = signals.getSideOutput(SignalDetector.DEAD_LETTERS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    List<StreamedAlertChange> alerts() {
        return alerter.extractOutputValues();
    }

    List<StreamedAlertChange> alerts(String type) {
        return alerts().stream().filter(a -> a.episodeType.equals(type)).toList();
    }

    @Override
    public void close() throws Exception {
        signals.close();
        for (var h : patterns) {
            h.close();
        }
        alerter.close();
    }
}
