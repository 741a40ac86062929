package org.wardstream.detect;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.PatternCue;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.rules.EpisodeType;

/**
 * {@link PatientDetector}'s output as {@link SignalDetector} emits it: cues and transitions (as
 * {@link PatternCue.Transit}s) on the one main output, in the order the detector derived them (the pattern operators
 * downstream keep that order: {@link CompoundPatterns}), skipped beats and heart-rate samples to the out-of-order counters, restarts on
 * an earlier clock, re-anchored beat clocks, implausible clean beats analysed as excluded and heart-rate samples left
 * out for their device's low quality rating to theirs. The patient's
 * {@link PatientDetector.Output#clock clock} travels the same way, as a {@link Transition.Kind#TICK TICK} (time
 * passed; its episode type is not used), which {@link EpisodeAlerter} reads as the time what follows became known.
 */
record DetectorOutput(Collector<PatternCue> out, Counters counters) implements PatientDetector.Output {

    /** The detector's counters ({@link IngestMetrics}), registered once per operator instance. */
    record Counters(Counter outOfOrderBeats, Counter earlierClockRestarts, Counter beatClockReanchors,
                    Counter implausibleBeats, Counter outOfOrderSamples, Counter unreliableHeartRateSamples) {
        static Counters of(MetricGroup group) {
            return new Counters(IngestMetrics.counter(group, IngestMetrics.OUT_OF_ORDER_BEATS),
                    IngestMetrics.counter(group, IngestMetrics.EARLIER_CLOCK_RESTARTS),
                    IngestMetrics.counter(group, IngestMetrics.BEAT_CLOCK_REANCHORS),
                    IngestMetrics.counter(group, IngestMetrics.IMPLAUSIBLE_BEATS),
                    IngestMetrics.counter(group, IngestMetrics.OUT_OF_ORDER_SAMPLES),
                    IngestMetrics.counter(group, IngestMetrics.UNRELIABLE_HEART_RATE));
        }
    }

    @Override
    public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
        out.collect(new PatternCue.Transit(t, programme, delayedByMs, receivedMs));
    }

    @Override
    public void clock(String patient, String programme, long atMs) {
        out.collect(new PatternCue.Transit(clockTick(patient, atMs), programme, 0, atMs));
    }

    /** The patient's clock at {@code atMs} as a transition: a TICK (its type is not used). */
    static Transition clockTick(String patient, long atMs) {
        return Transition.tick(patient, EpisodeType.DEVICE_OFFLINE, atMs,
                Transitions.detectorVersion(EpisodeType.DEVICE_OFFLINE));
    }

    @Override
    public void cue(PatternCue cue) {
        out.collect(cue);
    }

    @Override
    public void outOfOrderBeats(int n) {
        counters.outOfOrderBeats().inc(n);
    }

    @Override
    public void outOfOrderSamples(int n) {
        counters.outOfOrderSamples().inc(n);
    }

    @Override
    public void implausibleBeats(int n) {
        counters.implausibleBeats().inc(n);
    }

    @Override
    public void beatClockReanchored() {
        counters.beatClockReanchors().inc();
    }

    @Override
    public void unreliableHeartRate() {
        counters.unreliableHeartRateSamples().inc();
    }

    @Override
    public void restarted(String patient) {
        counters.earlierClockRestarts().inc();
    }
}
