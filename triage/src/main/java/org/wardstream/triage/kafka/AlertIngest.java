package org.wardstream.triage.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.contract.Topics;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.triage.store.TaskStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Reads {@code alerts} and {@code enrolments} (read committed) into PostgreSQL. Each poll's records go into one
 * database transaction; the consumer offsets are committed only after it committed, so a crash re-reads the batch
 * and the Bundle ids make that harmless. A record that cannot be read is kept in {@code ingest_reject} with the
 * reason. A database failure rewinds to the batch's first offsets and retries after a pause.
 */
public final class AlertIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertIngest.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TaskStore store;
    private final Consumer<TaskStore.TaskChange> onChange;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long ingested;

    public AlertIngest(String bootstrapServers, Map<String, String> extra, String groupId, TaskStore store,
                       Consumer<TaskStore.TaskChange> onChange) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.store = store;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "triage-ingest");
        this.thread.setDaemon(true);
    }

    public void start() {
        consumer.subscribe(List.of(Topics.ALERTS, Topics.ENROLMENTS));
        thread.start();
    }

    /** New alert messages stored so far by this process (duplicates not counted). */
    public long ingested() {
        return ingested;
    }

    private void run() {
        AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
        AvroCodec<Enrolment> enrolments = AvroCodec.enrolments();
        while (running) {
            ConsumerRecords<byte[], byte[]> batch;
            try {
                batch = consumer.poll(Duration.ofMillis(500));
            } catch (WakeupException e) {
                break;
            }
            if (batch.isEmpty()) continue;
            List<TaskStore.TaskChange> changes = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            long[] fresh = {0};
            try {
                Instant now = Instant.now();
                store.database().tx(c -> {
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        if (r.topic().equals(Topics.ALERTS)) {
                            if (r.value() == null) {
                                store.reject(c, r.topic(), r.partition(), r.offset(), "empty value", now);
                                continue;
                            }
                            String json = new String(r.value(), StandardCharsets.UTF_8);
                            try {
                                if (store.ingestAlert(c, json, r.partition(), r.offset(), now, changes)) fresh[0]++;
                            } catch (IllegalArgumentException | ca.uhn.fhir.parser.DataFormatException e) {
                                store.reject(c, r.topic(), r.partition(), r.offset(), "not an alert Bundle: " + e.getMessage(), now);
                            }
                        } else {
                            try {
                                PatientKey key = keys.decode(r.key());
                                if (r.value() == null) {
                                    store.ingestEnrolment(c, key.getPatientId(), key.getProgramme(), "WITHDRAWN", now, changes);
                                } else {
                                    Enrolment e = enrolments.decode(r.value());
                                    store.ingestEnrolment(c, e.getPatientId(), e.getProgramme(), e.getStatus().name(), now, changes);
                                }
                            } catch (org.wardstream.schema.wire.DecodeException | RuntimeException e) {
                                if (e instanceof org.wardstream.triage.store.Database.StoreException se) throw se;
                                store.reject(c, r.topic(), r.partition(), r.offset(), "not an enrolment: " + e.getMessage(), now);
                            }
                        }
                    }
                    return null;
                });
                for (TopicPartition tp : batch.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> rs = batch.records(tp);
                    commit.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
                }
                consumer.commitSync(commit);
                ingested += fresh[0];
                for (TaskStore.TaskChange ch : changes) onChange.accept(ch);
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                LOG.error("alert ingest: the batch was not stored ({}); retrying from its first offsets", e.getMessage());
                for (TopicPartition tp : batch.partitions()) consumer.seek(tp, batch.records(tp).get(0).offset());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
