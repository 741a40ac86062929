package org.wardstream.ingest;

import java.util.EnumMap;
import java.util.Map;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.wardstream.contract.Rejection;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.contract.Topics;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every {@code device-events} record into exactly one {@link IngestRecord}: decoded and
 * validated, or refused with its original bytes and a reason. Decoding here (in the source) lets
 * the watermark use device time per Kafka partition, and lets refused records never move it.
 *
 * <p>A device whose clock runs consistently ahead of its receipt times has its readings rebased here, before they are
 * validated and given event time ({@link DeviceClockOffsets}: the offset is trusted after a few agreeing readings;
 * those before it are refused {@code future-time}). Each offset applied, changed or dropped is logged with the
 * patient key (programme and pseudonym, never the device's source id) and counted.
 */
public final class DeviceEventDeserializer implements KafkaRecordDeserializationSchema<IngestRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeviceEventDeserializer.class);

    private final IngestSettings settings;
    /** Whether a reading of a reader that remembers no device clock skips the estimate ({@link #validateOnDeviceClock}). */
    private final boolean fastPath;
    private final AvroCodec<DeviceEventKey> keys;
    private final AvroCodec<DeviceEvent> values;
    private transient EventValidator validator;
    private transient Counter consumed;
    private transient Map<DeadLetterReason, Counter> refused;
    private transient DeviceClockOffsets clocks;
    private transient Counter offsetsApplied;
    private transient Counter offsetsDropped;
    private transient Counter rebased;

    public DeviceEventDeserializer(IngestSettings settings) {
        this(settings, true);
    }

    /** With {@code fastPath} false every reading goes through the estimate, as before it had one (tests, benchmark). */
    DeviceEventDeserializer(IngestSettings settings, boolean fastPath) {
        this.settings = settings;
        this.fastPath = fastPath;
        this.keys = AvroCodec.deviceEventKeys().withLimits(settings.decodeLimits());
        this.values = AvroCodec.deviceEvents().withLimits(settings.decodeLimits());
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        validator = new EventValidator(settings);
        clocks = new DeviceClockOffsets(settings.clockOffset(), settings.futureTolerance());
        MetricGroup metrics = context.getMetricGroup();
        consumed = IngestMetrics.counter(metrics, IngestMetrics.CONSUMED);
        offsetsApplied = IngestMetrics.counter(metrics, IngestMetrics.CLOCK_OFFSET_APPLIED);
        offsetsDropped = IngestMetrics.counter(metrics, IngestMetrics.CLOCK_OFFSET_DROPPED);
        rebased = IngestMetrics.counter(metrics, IngestMetrics.CLOCK_REBASED);
        DeviceClockOffsets estimate = clocks;
        metrics.addGroup(IngestMetrics.GROUP).gauge(IngestMetrics.DEVICES_WITH_CLOCK_OFFSET,
                (Gauge<Integer>) estimate::devicesWithOffset);
        refused = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            if (reason != DeadLetterReason.UNKNOWN_PATIENT && reason != DeadLetterReason.PROGRAMME_MISMATCH
                    && reason != DeadLetterReason.OUT_OF_ORDER && reason != DeadLetterReason.ALREADY_ANALYSED) {
                // those are counted where they are decided (the ingest gate, the detector)
                refused.put(reason, IngestMetrics.deadLetterCounter(context.getMetricGroup(), reason.code()));
            }
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IngestRecord> out) {
        if (consumed != null) {
            consumed.inc();
        }
        IngestRecord result = toIngestRecord(record.key(), record.value(), record.timestamp(),
                record.topic() + "-" + record.partition() + "@" + record.offset(), sourceLine(record));
        if (!result.isAccepted() && refused != null) {
            refused.get(DeadLetterReason.fromCode(result.rejected.reason)).inc();
        }
        out.collect(result);
    }

    /** The clock-offset estimate (null before the first record outside a Flink source): tests. */
    DeviceClockOffsets clockOffsets() {
        return clocks;
    }

    /** The decision for one record, without Kafka or Flink around it. */
    IngestRecord toIngestRecord(byte[] keyBytes, byte[] valueBytes, long brokerTimestamp, String origin,
                                int sourceLine) {
        if (validator == null) {
            validator = new EventValidator(settings); // used outside a Flink source (tests, replay checks)
        }
        if (clocks == null) {
            clocks = new DeviceClockOffsets(settings.clockOffset(), settings.futureTolerance());
        }
        try {
            DeviceEventKey key = keys.decode(keyBytes);
            DeviceEvent value = values.decode(valueBytes);
            DeviceReading reading = validateOnDeviceClock(key, value, brokerTimestamp);
            reading.rawKey = keyBytes;
            reading.rawValue = valueBytes;
            reading.origin = origin;
            reading.brokerTimestamp = brokerTimestamp;
            reading.sourceLine = sourceLine;
            return IngestRecord.accepted(reading);
        } catch (DecodeException e) {
            DeadLetterReason reason = switch (e.kind()) {
                case UNKNOWN_SCHEMA -> DeadLetterReason.UNKNOWN_SCHEMA;
                case OVER_LIMIT -> DeadLetterReason.TOO_LARGE;
                case NOT_DECODABLE -> DeadLetterReason.NOT_DECODABLE;
            };
            return IngestRecord.rejected(new DeadLetter(keyBytes, valueBytes, reason.code(),
                    describe(e.getMessage(), sourceLine), origin, brokerTimestamp, sourceLine));
        } catch (Rejection e) {
            return IngestRecord.rejected(new DeadLetter(keyBytes, valueBytes, e.reason().code(),
                    e.getMessage(), origin, brokerTimestamp, sourceLine));
        } catch (Exception | Error e) { // any other failure, an Error included, stays this record's
            return IngestRecord.rejected(new DeadLetter(keyBytes, valueBytes, DeadLetterReason.NOT_DECODABLE.code(),
                    describe("checking the event failed: " + e.getClass().getSimpleName(), sourceLine), origin,
                    brokerTimestamp, sourceLine));
        }
    }

    /**
     * Validates the event rebased by its device's clock offset, and lets the offset estimate see its clock when the
     * receipt time is trusted and the event was accepted or refused {@code future-time} only. The reading that makes
     * an offset trusted is validated again with it.
     */
    private DeviceReading validateOnDeviceClock(DeviceEventKey key, DeviceEvent value, long brokerTimestamp)
            throws Rejection {
        if (fastPath && clocks.isEmpty()) {
            // Nothing remembered (the usual case: no device of this reader runs ahead): no offset to apply, and a reading
            // the validator accepts has a lead within the tolerance (it refuses any device time, last beat or interval
            // end more than the tolerance after timeReceived), which the estimate ignores (prompt for a device without
            // an offset, or a backlog). So neither the device's key nor its lead is needed, unless it is refused.
            try {
                return validator.validate(key, value, brokerTimestamp);
            } catch (Rejection e) {
                if (e.reason() != DeadLetterReason.FUTURE_TIME) {
                    throw e;
                }
                long lead = leadMs(value);
                String device = lead == Long.MIN_VALUE ? null
                        : DeviceClockOffsets.device(key.getProgramme(), key.getPatientId(), key.getSourceId());
                boolean trusted = device != null
                        && receiptTrusted(value.getTimeReceived().toEpochMilli(), brokerTimestamp);
                return refusedOnDeviceClock(key, value, brokerTimestamp, e, device, lead, 0, trusted);
            }
        }
        long lead = leadMs(value);
        String device = lead == Long.MIN_VALUE ? null
                : DeviceClockOffsets.device(key.getProgramme(), key.getPatientId(), key.getSourceId());
        long offset = device == null ? 0 : clocks.offsetFor(device, lead);
        boolean trusted = device != null && receiptTrusted(value.getTimeReceived().toEpochMilli(), brokerTimestamp);
        try {
            DeviceReading reading = validator.validate(key, rebased(value, offset), brokerTimestamp);
            if (trusted) {
                report(key, clocks.observe(device, lead, reading.timeReceived));
            }
            return counted(reading, offset);
        } catch (Rejection e) {
            return refusedOnDeviceClock(key, value, brokerTimestamp, e, device, lead, offset, trusted);
        }
    }

    /**
     * A reading refused on its device's clock (rebased by {@code offset}): a {@code future-time} refusal with a trusted
     * receipt is evidence for the device's offset, and is validated again when it completed a new one.
     */
    private DeviceReading refusedOnDeviceClock(DeviceEventKey key, DeviceEvent value, long brokerTimestamp,
                                               Rejection e, String device, long lead, long offset,
                                               boolean trusted) throws Rejection {
        if (!trusted || e.reason() != DeadLetterReason.FUTURE_TIME) {
            throw e;
        }
        DeviceClockOffsets.Change change = clocks.observe(device, lead, value.getTimeReceived().toEpochMilli());
        report(key, change);
        if (change != null && change.offsetMs() != offset) {
            long now = clocks.offsetFor(device, lead);
            return counted(validator.validate(key, rebased(value, now), brokerTimestamp), now);
        }
        int pending = clocks.pending(device);
        if (pending == 0) {
            throw e;
        }
        DeviceClockOffsets.Settings s = clocks.settings();
        throw new Rejection(e.reason(), e.getMessage() + "; a device clock offset is trusted after "
                + s.readings() + " agreeing readings over " + s.span().toSeconds() + " s (this device so far: "
                + pending + ")");
    }

    private DeviceReading counted(DeviceReading reading, long offset) {
        if (offset != 0 && rebased != null) {
            rebased.inc();
        }
        return reading;
    }

    private void report(DeviceEventKey key, DeviceClockOffsets.Change change) {
        if (change == null) {
            return;
        }
        String patient = PatientKeys.of(key.getProgramme(), key.getPatientId());
        if (change.applied()) {
            LOG.warn("Device clock offset {}: a device of patient {} runs {} s ahead of its receipt times ({} agreeing "
                            + "readings over {} s); its readings are analysed at device time minus {} s until its clock "
                            + "is set right", change.previousMs() == 0 ? "applied" : "changed from "
                            + change.previousMs() / 1000 + " s", patient, change.offsetMs() / 1000, change.readings(),
                    change.spanMs() / 1000, change.offsetMs() / 1000);
            if (offsetsApplied != null) {
                offsetsApplied.inc();
            }
        } else {
            LOG.info("Device clock offset dropped: a device of patient {} reports its time within the tolerance again "
                            + "({} agreeing readings over {} s; the offset was {} s); its readings are analysed uncorrected",
                    patient, change.readings(), change.spanMs() / 1000, change.previousMs() / 1000);
            if (offsetsDropped != null) {
                offsetsDropped.inc();
            }
        }
    }

    /** A receipt time the device's clock may be judged against: not ahead of the broker or the job's clock. */
    private boolean receiptTrusted(long received, long brokerTimestamp) {
        long tolerance = settings.futureTolerance().toMillis();
        long now = System.currentTimeMillis();
        if (received > now + tolerance) {
            return false;
        }
        return brokerTimestamp <= 0 || (received <= brokerTimestamp + tolerance && brokerTimestamp <= now + tolerance
                && received >= brokerTimestamp - settings.maxReceiptLag().toMillis());
    }

    /**
     * The event's lead: its latest claimed instant (device time; an RR batch's last beat; an activity interval's end)
     * minus its receipt time; {@code Long.MIN_VALUE} when a time is missing (the validator refuses it).
     */
    static long leadMs(DeviceEvent event) {
        if (event.getTime() == null || event.getTimeReceived() == null) {
            return Long.MIN_VALUE;
        }
        long latest = event.getTime().toEpochMilli();
        if (event.getPayload() instanceof RrIntervalBatch rr && rr.getStart() != null && rr.getRrMs() != null) {
            long beat = rr.getStart().toEpochMilli();
            for (Integer v : rr.getRrMs()) {
                beat += v == null ? 0 : Math.max(0, v);
            }
            latest = Math.max(latest, beat);
        } else if (event.getPayload() instanceof ActivitySample a) {
            latest += Math.max(0, a.getIntervalSeconds()) * 1000L;
        }
        return latest - event.getTimeReceived().toEpochMilli();
    }

    /** The event with its device times (time, an RR batch's start) moved back by the offset; receipt unchanged. */
    static DeviceEvent rebased(DeviceEvent event, long offsetMs) {
        if (offsetMs == 0) {
            return event;
        }
        DeviceEvent.Builder b = DeviceEvent.newBuilder(event).setTime(event.getTime().minusMillis(offsetMs));
        if (event.getPayload() instanceof RrIntervalBatch rr && rr.getStart() != null) {
            b.setPayload(RrIntervalBatch.newBuilder(rr).setStart(rr.getStart().minusMillis(offsetMs)).build());
        }
        return b.build();
    }

    private static String describe(String message, int sourceLine) {
        return sourceLine > 0 ? "line " + sourceLine + ": " + message : message;
    }

    private static int sourceLine(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(Topics.HEADER_SOURCE_LINE);
        if (h == null || h.value() == null) {
            return -1;
        }
        try {
            return Integer.parseInt(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public TypeInformation<IngestRecord> getProducedType() {
        return TypeInformation.of(IngestRecord.class);
    }
}
