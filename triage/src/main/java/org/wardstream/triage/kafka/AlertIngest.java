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
import org.wardstream.schema.wire.DecodeException;
import org.wardstream.triage.store.TaskStore;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
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
            try {
                List<TaskStore.TaskChange> changes = new ArrayList<>();
                long fresh;
                try {
                    fresh = store.database().tx(c -> storeAll(c, batch, changes, keys, enrolments));
                } catch (RuntimeException batchFailed) {
                    // one record may be what fails: store them one by one, and keep a failing one as a reject
                    changes.clear();
                    fresh = oneByOne(batch, changes, keys, enrolments);
                }
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                for (TopicPartition tp : batch.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> rs = batch.records(tp);
                    commit.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
                }
                consumer.commitSync(commit);
                ingested += fresh;
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

    /** Stores every record of the batch in the caller's transaction; returns how many alert messages were new. */
    private long storeAll(Connection c, ConsumerRecords<byte[], byte[]> batch, List<TaskStore.TaskChange> changes,
                          AvroCodec<PatientKey> keys, AvroCodec<Enrolment> enrolments) throws SQLException {
        long fresh = 0;
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            if (storeOne(c, r, changes, keys, enrolments)) fresh++;
        }
        return fresh;
    }

    /**
     * Each record in its own transaction; a record whose storing fails (an SQL error or a bug) while the database
     * answers is kept in
     * ingest_reject with the reason (so it cannot stop the ingest). If even that fails, the database is down: the
     * exception goes up and the batch is retried.
     */
    private long oneByOne(ConsumerRecords<byte[], byte[]> batch, List<TaskStore.TaskChange> changes,
                          AvroCodec<PatientKey> keys, AvroCodec<Enrolment> enrolments) {
        long fresh = 0;
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            List<TaskStore.TaskChange> mine = new ArrayList<>();
            try {
                if (store.database().tx(c -> storeOne(c, r, mine, keys, enrolments))) fresh++;
                changes.addAll(mine);
            } catch (RuntimeException e) {
                store.database().tx(c -> {
                    store.reject(c, r.topic(), r.partition(), r.offset(), "could not be stored: " + e.getMessage(), Instant.now());
                    return null;
                });
                LOG.error("alert ingest: {}-{}@{} could not be stored and is kept in ingest_reject: {}", r.topic(),
                        r.partition(), r.offset(), e.getMessage());
            }
        }
        return fresh;
    }

    /** Stores one record; true if it was a new alert message. Unreadable records become ingest_reject rows. */
    private boolean storeOne(Connection c, ConsumerRecord<byte[], byte[]> r, List<TaskStore.TaskChange> changes,
                             AvroCodec<PatientKey> keys, AvroCodec<Enrolment> enrolments) throws SQLException {
        Instant now = Instant.now();
        if (r.topic().equals(Topics.ALERTS)) {
            if (r.value() == null) {
                store.reject(c, r.topic(), r.partition(), r.offset(), "empty value", now);
                return false;
            }
            try {
                return store.ingestAlert(c, new String(r.value(), StandardCharsets.UTF_8), r.partition(), r.offset(), now,
                        changes);
            } catch (IllegalArgumentException | ca.uhn.fhir.parser.DataFormatException e) {
                store.reject(c, r.topic(), r.partition(), r.offset(), "not an alert Bundle: " + e.getMessage(), now);
                return false;
            }
        }
        PatientKey key;
        Enrolment e = null;
        try {
            key = keys.decode(r.key());
            if (r.value() != null) e = enrolments.decode(r.value());
        } catch (DecodeException | RuntimeException ex) {
            store.reject(c, r.topic(), r.partition(), r.offset(), "not an enrolment: " + ex.getMessage(), now);
            return false;
        }
        if (e == null) {
            store.ingestEnrolment(c, key.getPatientId(), key.getProgramme(), "WITHDRAWN", now, changes);
        } else {
            store.ingestEnrolment(c, e.getPatientId(), e.getProgramme(), e.getStatus().name(), now, changes);
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
