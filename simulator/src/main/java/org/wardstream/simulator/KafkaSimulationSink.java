package org.wardstream.simulator;

import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wardstream.contract.Topics;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;

/**
 * Produces the simulation to Kafka: device events as raw key/value bytes to {@link Topics#DEVICE_EVENTS} with the
 * record timestamp = {@link SimulatedRecord#timestampMs()}, enrolments to {@link Topics#ENROLMENTS} (Avro
 * single-object key and value, timestamp = {@code updatedAt}; null value = tombstone). Idempotent producer with
 * {@code acks=all}, batched for throughput; {@link #close()} flushes and fails if any send failed, so a completed
 * close means every counted record is in Kafka. {@code extra} properties override the defaults.
 */
public final class KafkaSimulationSink implements SimulationSink, AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroCodec<PatientKey> patientKeys = AvroCodec.patientKeys();
    private final AvroCodec<Enrolment> enrolmentCodec = AvroCodec.enrolments();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final Callback callback = (metadata, exception) -> {
        if (exception != null) {
            failure.compareAndSet(null, exception);
        } else {
            acknowledged.incrementAndGet();
        }
    };
    private long deviceEvents;
    private long enrolments;
    private boolean closed;

    public KafkaSimulationSink(String bootstrapServers, Properties extra) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "wardstream-simulator");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        if (extra != null) {
            p.putAll(extra);
        }
        this.producer = new KafkaProducer<>(p);
    }

    @Override
    public void enrolment(PatientKey key, Enrolment value) {
        checkHealthy();
        Long ts = value == null ? null : value.getUpdatedAt().toEpochMilli();
        producer.send(new ProducerRecord<>(Topics.ENROLMENTS, null, ts, patientKeys.encode(key),
                value == null ? null : enrolmentCodec.encode(value)), callback);
        enrolments++;
    }

    @Override
    public void deviceEvent(SimulatedRecord record) {
        checkHealthy();
        producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS, null, record.timestampMs(), record.key(),
                record.value()), callback);
        deviceEvents++;
    }

    /** Device-event records handed to the producer. */
    public long deviceEventsSent() {
        return deviceEvents;
    }

    /** Enrolment records handed to the producer. */
    public long enrolmentsSent() {
        return enrolments;
    }

    /** Records (of both topics) the broker has acknowledged so far; after {@link #close()}, all of them. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Waits until every record sent so far is acknowledged; throws if any failed. */
    public void flush() {
        producer.flush();
        checkHealthy();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            producer.flush();
        } finally {
            producer.close();
        }
        checkHealthy();
    }

    private void checkHealthy() {
        Exception e = failure.get();
        if (e != null) {
            throw new KafkaException("simulator could not produce to Kafka (" + acknowledged.get() + " of "
                    + (deviceEvents + enrolments) + " records acknowledged): " + e.getMessage(), e);
        }
    }
}
