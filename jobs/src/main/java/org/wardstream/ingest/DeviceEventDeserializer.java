package org.wardstream.ingest;

import java.util.EnumMap;
import java.util.Map;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.contract.Topics;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

/**
 * Turns every {@code device-events} record into exactly one {@link IngestRecord}: decoded and
 * validated, or refused with its original bytes and a reason. Decoding here (in the source) lets
 * the watermark use device time per Kafka partition, and lets refused records never move it.
 */
public final class DeviceEventDeserializer implements KafkaRecordDeserializationSchema<IngestRecord> {
    private static final long serialVersionUID = 1L;

    private final IngestSettings settings;
    private final AvroCodec<DeviceEventKey> keys;
    private final AvroCodec<DeviceEvent> values;
    private transient EventValidator validator;
    private transient Counter consumed;
    private transient Map<DeadLetterReason, Counter> refused;

    public DeviceEventDeserializer(IngestSettings settings) {
        this.settings = settings;
        this.keys = AvroCodec.deviceEventKeys().withLimits(settings.decodeLimits());
        this.values = AvroCodec.deviceEvents().withLimits(settings.decodeLimits());
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        validator = new EventValidator(settings);
        consumed = IngestMetrics.counter(context.getMetricGroup(), IngestMetrics.CONSUMED);
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

    /** The decision for one record, without Kafka or Flink around it. */
    IngestRecord toIngestRecord(byte[] keyBytes, byte[] valueBytes, long brokerTimestamp, String origin,
                                int sourceLine) {
        if (validator == null) {
            validator = new EventValidator(settings); // used outside a Flink source (tests, replay checks)
        }
        try {
            DeviceEventKey key = keys.decode(keyBytes);
            DeviceEvent value = values.decode(valueBytes);
            DeviceReading reading = validator.validate(key, value, brokerTimestamp);
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
        } catch (EventValidator.Rejection e) {
            return IngestRecord.rejected(new DeadLetter(keyBytes, valueBytes, e.reason().code(),
                    e.getMessage(), origin, brokerTimestamp, sourceLine));
        } catch (Exception | Error e) { // any other failure, an Error included, stays this record's
            return IngestRecord.rejected(new DeadLetter(keyBytes, valueBytes, DeadLetterReason.NOT_DECODABLE.code(),
                    describe("checking the event failed: " + e.getClass().getSimpleName(), sourceLine), origin,
                    brokerTimestamp, sourceLine));
        }
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
