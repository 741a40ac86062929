package org.wardstream.detect;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.IngestMetrics;

/**
 * The readings {@link SignalDetector} does not analyse although ingest admitted them (and counted them processed):
 * too old to analyse in order ({@code out-of-order}), or of a patient unenrolled or never enrolled at the detector
 * ({@code unknown-patient}, {@link org.wardstream.ingest.EnrolmentWait}). Each becomes a dead letter on
 * {@link SignalDetector#DEAD_LETTERS}, moved from the processed count to its reason's, so the counts reconcile.
 */
final class DetectorRefusals {
    private final Counter processed, outOfOrder, unknownPatient;

    DetectorRefusals(MetricGroup metrics) {
        processed = IngestMetrics.counter(metrics, IngestMetrics.PROCESSED);
        outOfOrder = IngestMetrics.deadLetterCounter(metrics, DeadLetterReason.OUT_OF_ORDER.code());
        unknownPatient = IngestMetrics.deadLetterCounter(metrics, DeadLetterReason.UNKNOWN_PATIENT.code());
    }

    void refuse(DeviceReading r, DeadLetterReason reason, String detail,
                KeyedCoProcessFunction<?, ?, ?, ?>.Context ctx) {
        processed.dec();
        (reason == DeadLetterReason.OUT_OF_ORDER ? outOfOrder : unknownPatient).inc();
        ctx.output(SignalDetector.DEAD_LETTERS, r.toDeadLetter(reason.code(), detail));
    }
}
