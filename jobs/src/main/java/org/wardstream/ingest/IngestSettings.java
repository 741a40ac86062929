package org.wardstream.ingest;

import java.io.Serializable;
import java.time.Duration;

import org.wardstream.schema.wire.DecodeLimits;

/**
 * Ingest tuning, with the defaults documented in docs/JOBS.md ("Ingest") and docs/RUNBOOK.md ("Robustness").
 *
 * @param futureTolerance     how far device time may lie after timeReceived, and device or receipt time after
 *                            the broker's record timestamp or the job's own clock, before the event is refused
 * @param enrolmentGrace      how long (processing time) an event waits for its patient's enrolment
 * @param outOfOrderness      watermark bound: how far event time may go backwards before an event is late; also the
 *                            alert lifecycle's settle time ({@code AlertClock}: a TICK is decided this long after
 *                            its due time unless a transition comes first)
 * @param idleness            a partition with no records for this long stops holding the watermark back
 * @param dedupHorizon        event ids are remembered for this long of broker time (the record timestamp)
 * @param dedupMaxIdsPerPatient hard cap on remembered ids per patient (oldest evicted first)
 * @param maxDeviceAge        how far device time may lie before the broker's record timestamp (a device
 *                            uploading a backlog); older readings are refused as {@code stale-time}
 * @param maxReceiptLag       how far timeReceived may lie before the broker's record timestamp (a gateway
 *                            buffering before it produces); further is refused as {@code stale-time}
 * @param decodeLimits        bounds on record size and declared lengths, checked before decoding
 * @param clockOffset         when a device's clock running ahead of its receipt times is trusted and corrected
 *                            ({@link DeviceClockOffsets}: 5 agreeing readings over 2 min, at most 10,000 devices
 *                            remembered per source reader)
 */
public record IngestSettings(Duration futureTolerance, Duration enrolmentGrace, Duration outOfOrderness,
                             Duration idleness, Duration dedupHorizon, int dedupMaxIdsPerPatient,
                             Duration maxDeviceAge, Duration maxReceiptLag, DecodeLimits decodeLimits,
                             DeviceClockOffsets.Settings clockOffset)
        implements Serializable {

    public static IngestSettings defaults() {
        return new IngestSettings(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(5),
                Duration.ofSeconds(30), Duration.ofMinutes(30), 8192, Duration.ofDays(7), Duration.ofHours(24),
                DecodeLimits.defaults(), DeviceClockOffsets.Settings.defaults());
    }

    public IngestSettings withEnrolmentGrace(Duration grace) {
        return new IngestSettings(futureTolerance, grace, outOfOrderness, idleness, dedupHorizon,
                dedupMaxIdsPerPatient, maxDeviceAge, maxReceiptLag, decodeLimits, clockOffset);
    }

    public IngestSettings withOutOfOrderness(Duration bound) {
        return new IngestSettings(futureTolerance, enrolmentGrace, bound, idleness, dedupHorizon,
                dedupMaxIdsPerPatient, maxDeviceAge, maxReceiptLag, decodeLimits, clockOffset);
    }

    public IngestSettings withIdleness(Duration idle) {
        return new IngestSettings(futureTolerance, enrolmentGrace, outOfOrderness, idle, dedupHorizon,
                dedupMaxIdsPerPatient, maxDeviceAge, maxReceiptLag, decodeLimits, clockOffset);
    }

    public IngestSettings withClockWindows(Duration future, Duration deviceAge, Duration receiptLag) {
        return new IngestSettings(future, enrolmentGrace, outOfOrderness, idleness, dedupHorizon,
                dedupMaxIdsPerPatient, deviceAge, receiptLag, decodeLimits, clockOffset);
    }

    /**
     * These settings with the clock windows given as job arguments ({@code --future-tolerance},
     * {@code --max-device-age}, {@code --max-receipt-lag}, ISO-8601 durations such as PT5M, P7D, PT24H), and the
     * watermark's {@code --out-of-orderness} (PT5M).
     */
    public IngestSettings withClockWindowArgs(java.util.function.Function<String, String> args) {
        return withClockWindows(duration(args, "future-tolerance", futureTolerance),
                duration(args, "max-device-age", maxDeviceAge), duration(args, "max-receipt-lag", maxReceiptLag))
                .withOutOfOrderness(duration(args, "out-of-orderness", outOfOrderness));
    }

    private static Duration duration(java.util.function.Function<String, String> args, String name, Duration d) {
        String v = args.apply(name);
        if (v == null) {
            return d;
        }
        try {
            Duration parsed = Duration.parse(v);
            if (parsed.isNegative() || parsed.isZero()) {
                throw new IllegalArgumentException("must be positive");
            }
            return parsed;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " must be a positive ISO-8601 duration such as PT5M or P7D,"
                    + " was " + v, e);
        }
    }

    public IngestSettings withDecodeLimits(DecodeLimits limits) {
        return new IngestSettings(futureTolerance, enrolmentGrace, outOfOrderness, idleness, dedupHorizon,
                dedupMaxIdsPerPatient, maxDeviceAge, maxReceiptLag, limits, clockOffset);
    }

    public IngestSettings withClockOffset(DeviceClockOffsets.Settings offsets) {
        return new IngestSettings(futureTolerance, enrolmentGrace, outOfOrderness, idleness, dedupHorizon,
                dedupMaxIdsPerPatient, maxDeviceAge, maxReceiptLag, decodeLimits, offsets);
    }
}
