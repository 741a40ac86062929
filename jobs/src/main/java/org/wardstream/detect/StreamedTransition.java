package org.wardstream.detect;

import java.util.Map;
import java.util.TreeMap;

import org.wardstream.episodes.Transition;
import org.wardstream.rules.EpisodeType;

/**
 * A lifecycle {@link Transition} on its way from the detectors ({@link SignalDetector}) and the CEP patterns
 * ({@link CompoundPatterns}) to {@link EpisodeAlerter} (a Flink POJO: evidence as parallel arrays), with what
 * only the stream knows: the programme, how delayed the evidence was and when it was received.
 */
public class StreamedTransition {
    public String patientId;
    public String programme;
    public EpisodeType type;
    public Transition.Kind kind;
    public long episodeStartMs;
    public long atMs;
    public String condition;
    public String detectorVersion;
    public String[] evidenceNames = new String[0];
    public double[] evidenceValues = new double[0];
    public long delayedByMs;
    public long receivedMs;

    public StreamedTransition() {
    }

    static StreamedTransition of(Transition t, String programme, long delayedByMs, long receivedMs) {
        StreamedTransition s = new StreamedTransition();
        s.patientId = t.patient();
        s.programme = programme;
        s.type = t.type();
        s.kind = t.kind();
        s.episodeStartMs = t.episodeStartMs();
        s.atMs = t.atMs();
        s.condition = t.condition();
        s.detectorVersion = t.detectorVersion();
        int n = t.evidence().size(), i = 0;
        s.evidenceNames = new String[n];
        s.evidenceValues = new double[n];
        for (Map.Entry<String, Double> e : t.evidence().entrySet()) {
            s.evidenceNames[i] = e.getKey();
            s.evidenceValues[i++] = e.getValue();
        }
        s.delayedByMs = delayedByMs;
        s.receivedMs = receivedMs;
        return s;
    }

    Transition toTransition() {
        Map<String, Double> evidence = new TreeMap<>();
        for (int i = 0; i < evidenceNames.length; i++) {
            evidence.put(evidenceNames[i], evidenceValues[i]);
        }
        return new Transition(patientId, type, kind, episodeStartMs, atMs, condition, detectorVersion, evidence);
    }

    /** Omits the patient id: this may reach logs. */
    @Override
    public String toString() {
        return "StreamedTransition{" + type + " " + kind + " at " + atMs + "}";
    }
}
