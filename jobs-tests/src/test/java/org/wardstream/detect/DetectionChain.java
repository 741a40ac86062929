package org.wardstream.detect;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.wardstream.detector.PatternCue;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.Rules;

/**
 * The detection stage's operators in Flink test harnesses, wired as the job wires them: the signal detector, the CEP
 * pattern operators in series over its one stream of cues and transitions, the alert lifecycle after them. Records are
 * pumped from one harness to the next after every input, in order; watermarks go through all of them.
 */
final class DetectionChain implements AutoCloseable {
    final KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, PatternCue> signals;
    final List<KeyedOneInputStreamOperatorTestHarness<String, PatternCue, PatternCue>> patterns = new ArrayList<>();
    final KeyedTwoInputStreamOperatorTestHarness<String, StreamedTransition, EnrolmentUpdate, StreamedAlertChange> alerter;
    private final int[] forwarded;
    final List<PatternCue> cues = new ArrayList<>();

    DetectionChain(Rules rules) throws Exception {
        this(rules, null);
    }

    /** The operators' state at a checkpoint (signal detector, each pattern operator, alerter). */
    record Snapshot(org.apache.flink.runtime.checkpoint.OperatorSubtaskState signals,
                    List<org.apache.flink.runtime.checkpoint.OperatorSubtaskState> patterns,
                    org.apache.flink.runtime.checkpoint.OperatorSubtaskState alerter) {
    }

    /** Takes a checkpoint of every operator's state (as the job does every 10 s). */
    Snapshot snapshot(long checkpointId) throws Exception {
        List<org.apache.flink.runtime.checkpoint.OperatorSubtaskState> p = new ArrayList<>();
        for (var h : patterns) {
            p.add(h.snapshot(checkpointId, checkpointId));
        }
        return new Snapshot(signals.snapshot(checkpointId, checkpointId), p, alerter.snapshot(checkpointId, checkpointId));
    }

    /** A chain restored from {@code restore} (a job restarted from its last checkpoint), or a new one when null. */
    DetectionChain(Rules rules, Snapshot restore) throws Exception {
        signals = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new SignalDetector(rules, IngestSettings.defaults())),
                (DeviceReading r) -> r.patientId, (EnrolmentUpdate u) -> u.patientId, Types.STRING);
        signals.setup(PatternCueTypeInfo.Serializer.INSTANCE); // as the job declares it (not a POJO, not Kryo)
        if (restore != null) {
            signals.initializeState(restore.signals());
        }
        signals.open();
        int i = 0;
        for (CompoundPatterns.Spec spec : CompoundPatterns.specs()) {
            var h = patternHarness(spec);
            if (restore != null) {
                h.initializeState(restore.patterns().get(i++));
            }
            h.open();
            patterns.add(h);
        }
        forwarded = new int[patterns.size() + 1];
        if (restore == null) {
            alerter = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(rules, IngestSettings.defaults()),
                    (StreamedTransition s) -> s.patientId, (EnrolmentUpdate u) -> u.patientId, Types.STRING);
        } else {
            alerter = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(
                    new EpisodeAlerter(rules, IngestSettings.defaults())),
                    (StreamedTransition s) -> s.patientId, (EnrolmentUpdate u) -> u.patientId, Types.STRING);
            alerter.setup();
            alerter.initializeState(restore.alerter());
        }
        alerter.open();
    }

    /** A compound pattern's operator (processing time, as in the job) in a harness keyed by patient, not opened. */
    static KeyedOneInputStreamOperatorTestHarness<String, PatternCue, PatternCue> patternHarness(
            CompoundPatterns.Spec spec) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new InOrderPatternOperator(spec), PatternCue::patientId,
                Types.STRING);
        h.setup(PatternCueTypeInfo.Serializer.INSTANCE);
        return h;
    }

    /**
     * The enrolment most tests give their patient: programme virtual-ward, home zone Europe/London, no threshold
     * overrides, status {@code status} (ACTIVE, PAUSED, DISCHARGED, WITHDRAWN).
     */
    static PatientProfile profile(String status) {
        PatientProfile profile = new PatientProfile();
        profile.programme = "virtual-ward";
        profile.status = status;
        profile.timeZone = "Europe/London";
        profile.thresholdOverrides = new java.util.HashMap<>();
        return profile;
    }

    /**
     * A new chain with {@code patient} enrolled ACTIVE ({@link #profile}), for a test class's field:
     * {@code @AutoClose final DetectionChain chain = DetectionChain.enrolled(P);} (a new one for every test).
     */
    static DetectionChain enrolled(String patient) {
        try {
            DetectionChain chain = new DetectionChain(Rules.loadClasspath());
            chain.enrol(patient, "ACTIVE");
            return chain;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Enrols {@code patient} with {@link #profile}({@code status}), a record without a timestamp. */
    void enrol(String patient, String status) throws Exception {
        enrol(new EnrolmentUpdate(patient, profile(status)));
    }

    /** Enrols {@code patient} with {@link #profile}({@code status}), a record with its Kafka timestamp. */
    void enrol(String patient, String status, long recordTimestamp) throws Exception {
        enrol(new EnrolmentUpdate(patient, profile(status)), recordTimestamp);
    }

    void enrol(EnrolmentUpdate u) throws Exception {
        signals.processElement2(new StreamRecord<>(u));
        alerter.processElement2(new StreamRecord<>(u));
        pump();
    }

    /** An enrolment record (a tombstone when its profile is null) with its Kafka record timestamp. */
    void enrol(EnrolmentUpdate u, long recordTimestamp) throws Exception {
        signals.processElement2(new StreamRecord<>(u, recordTimestamp));
        alerter.processElement2(new StreamRecord<>(u, recordTimestamp));
        pump();
    }

    /** Processing time in every keyed operator with processing-time timers (the enrolment waits' deadlines). */
    void processingTime(long t) throws Exception {
        signals.setProcessingTime(t);
        pump();
        alerter.setProcessingTime(t);
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
        List<PatternCue> in = signals.extractOutputValues();
        for (int stage = 0; stage <= patterns.size(); stage++) {
            for (; forwarded[stage] < in.size(); forwarded[stage]++) {
                PatternCue c = in.get(forwarded[stage]);
                if (stage == 0 && !(c instanceof PatternCue.Transit)) {
                    cues.add(c);
                }
                if (stage < patterns.size()) {
                    patterns.get(stage).processElement(new StreamRecord<>(c, c.timeMs()));
                } else if (c instanceof PatternCue.Transit t) { // the job's last step (transitionOf), then the alerter
                    StreamedTransition s = StreamedTransition.of(t.transition(), t.programme(), t.delayedByMs(),
                            t.receivedMs());
                    alerter.processElement1(new StreamRecord<>(s, s.atMs));
                }
            }
            if (stage < patterns.size()) {
                in = patterns.get(stage).extractOutputValues();
            }
        }
    }

    /** The readings the signal detector did not analyse (its dead-letter side output: out of order, or unenrolled). */
    List<org.wardstream.ingest.DeadLetter> detectorDeadLetters() {
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
