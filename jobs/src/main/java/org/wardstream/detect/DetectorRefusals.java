package org.wardstream.detect;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.IngestMetrics;

/**
 * The readings {@link SignalDetector} does not analyse although ingest admitted them (and counted them processed):
 * too old to analyse in order ({@code out-of-order}), repeating readings already analysed ({@code already-analysed}),
 * or of a patient unenrolled or never enrolled at the detector
 * ({@code unknown-patient}, {@link org.wardstream.ingest.EnrolmentWait}). Each becomes a dead letter on
 * {@link SignalDetector#DEAD_LETTERS}, moved from the processed count to its reason's, so the counts reconcile.
 */
final class DetectorRefusals {
    private final Counter processed;
    private final Map<DeadLetterReason, Counter> refused = new EnumMap<>(DeadLetterReason.class);

    DetectorRefusals(MetricGroup metrics) {
        processed = IngestMetrics.counter(metrics, IngestMetrics.PROCESSED);
        for (DeadLetterReason reason : List.of(DeadLetterReason.OUT_OF_ORDER, DeadLetterReason.ALREADY_ANALYSED,
                DeadLetterReason.UNKNOWN_PATIENT)) {
            refused.put(reason, IngestMetrics.deadLetterCounter(metrics, reason.code()));
        }
    }

    void refuse(DeviceReading r, DeadLetterReason reason, String detail,
                KeyedCoProcessFunction<?, ?, ?, ?>.Context ctx) {
        processed.dec();
        refused.get(reason).inc();
        ctx.output(SignalDetector.DEAD_LETTERS, r.toDeadLetter(reason.code(), detail));
    }
}
