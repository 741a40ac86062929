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
import org.wardstream.triage.store.Database;
import org.wardstream.triage.store.Pseudonymous;
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
 * reason. A failure that is the database's and passing (a deadlock past {@link Database#tx}'s retries, a lost
 * connection) never makes a reject: the ingest commits what it stored, rewinds to the first record it did not store
 * and tries again after a pause.
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

    /**
     * What storing (part of) a poll's records did.
     *
     * @param fresh    new alert messages stored
     * @param changes  the Task changes to announce
     * @param next     per partition, the offset after the last record stored (or rejected)
     * @param complete every record of the poll was stored or rejected
     */
    private record Progress(long fresh, List<TaskStore.TaskChange> changes, Map<TopicPartition, Long> next,
                            boolean complete) {
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
                Progress done;
                try {
                    done = store.database().tx(c -> storeAll(c, batch, keys, enrolments));
                } catch (RuntimeException batchFailed) {
                    // the database's passing trouble (Database.tx has already retried a deadlock): the whole poll again
                    if (Database.transientFailure(batchFailed)) throw batchFailed;
                    // one record may be what fails: store them one by one, and keep a failing one as a reject
                    done = oneByOne(batch, keys, enrolments);
                }
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                done.next().forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
                if (!commit.isEmpty()) consumer.commitSync(commit);
                ingested += done.fresh();
                for (TaskStore.TaskChange ch : done.changes()) onChange.accept(ch);
                if (!done.complete()) {
                    // stopped at a record the database could not take just now: from there again, after a pause
                    for (TopicPartition tp : batch.partitions()) {
                        Long next = done.next().get(tp);
                        consumer.seek(tp, next != null ? next : batch.records(tp).get(0).offset());
                    }
                    if (!pause()) break;
                }
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                LOG.error("alert ingest: the batch was not stored ({}); retrying from its first offsets",
                        Pseudonymous.withoutValues(e.getMessage()));
                for (TopicPartition tp : batch.partitions()) consumer.seek(tp, batch.records(tp).get(0).offset());
                if (!pause()) break;
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    /** A second before storing again; false if interrupted (stop). */
    private static boolean pause() {
        try {
            Thread.sleep(1000);
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stores every record of the batch in the caller's transaction (a retried transaction starts afresh). */
    private Progress storeAll(Connection c, ConsumerRecords<byte[], byte[]> batch, AvroCodec<PatientKey> keys,
                              AvroCodec<Enrolment> enrolments) throws SQLException {
        List<TaskStore.TaskChange> changes = new ArrayList<>();
        long fresh = 0;
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            if (storeOne(c, r, changes, keys, enrolments)) fresh++;
        }
        Map<TopicPartition, Long> next = new HashMap<>();
        for (TopicPartition tp : batch.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> rs = batch.records(tp);
            next.put(tp, rs.get(rs.size() - 1).offset() + 1);
        }
        return new Progress(fresh, changes, next, true);
    }

    /**
     * Each record in its own transaction. A record whose storing fails because of the record (it cannot be read, it
     * is not valid, or it meets a bug) is kept in ingest_reject with the reason, so it cannot stop the ingest. A
     * failure that is the database's and passing ({@link Database#transientFailure}: a deadlock that outlasted
     * {@link Database#tx}'s retries, a lost connection) never makes a reject: the records before it are committed
     * and the ingest stops there, to store that record again after a pause.
     */
    private Progress oneByOne(ConsumerRecords<byte[], byte[]> batch, AvroCodec<PatientKey> keys,
                              AvroCodec<Enrolment> enrolments) {
        List<TaskStore.TaskChange> changes = new ArrayList<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        long fresh = 0;
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            try {
                List<TaskStore.TaskChange> mine = new ArrayList<>();
                boolean isNew = store.database().tx(c -> {
                    mine.clear(); // a retried transaction starts afresh
                    return storeOne(c, r, mine, keys, enrolments);
                });
                if (isNew) fresh++;
                changes.addAll(mine);
            } catch (RuntimeException e) {
                if (Database.transientFailure(e)) {
                    LOG.warn("alert ingest: {}-{}@{} not stored for now ({}); storing it again shortly", r.topic(),
                            r.partition(), r.offset(), Pseudonymous.withoutValues(e.getMessage()));
                    return new Progress(fresh, changes, next, false);
                }
                try {
                    store.database().tx(c -> {
                        store.reject(c, r.topic(), r.partition(), r.offset(), "could not be stored: " + e.getMessage(),
                                Instant.now());
                        return null;
                    });
                } catch (RuntimeException rejectFailed) {
                    LOG.warn("alert ingest: {}-{}@{} could not be stored nor kept as a reject ({}); storing it again"
                            + " shortly", r.topic(), r.partition(), r.offset(), Pseudonymous.withoutValues(rejectFailed.getMessage()));
                    return new Progress(fresh, changes, next, false);
                }
                LOG.error("alert ingest: {}-{}@{} could not be stored and is kept in ingest_reject: {}", r.topic(),
                        r.partition(), r.offset(), Pseudonymous.withoutValues(e.getMessage()));
            }
            next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        }
        return new Progress(fresh, changes, next, true);
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
        String refused = refusal(key, e);
        if (refused != null) {
            store.reject(c, r.topic(), r.partition(), r.offset(), "enrolment not applied: " + refused, now);
            return false;
        }
        if (e == null) {
            store.ingestEnrolment(c, key.getPatientId(), key.getProgramme(), "WITHDRAWN", now, changes);
        } else {
            store.ingestEnrolment(c, e.getPatientId(), e.getProgramme(), e.getStatus().name(), now, changes);
        }
        return false;
    }

    /**
     * Why an enrolment record must not be applied, or null. The jobs' {@code EnrolmentValidator} refuses these (it is in
     * the jobs module, which the service may not depend on): a key without programme or pseudonym, or with a control
     * character, and a value whose patient or programme differs from the key. Applying such a record here alone made the
     * pseudonym "enrolled in two programmes" in the service while the jobs kept it in one, and filed its messages that
     * name no programme under none (probe 19b D5). The reason names the field, never the value.
     */
    static String refusal(PatientKey key, Enrolment value) {
        if (blankOrControl(key.getProgramme()) || blankOrControl(key.getPatientId())) {
            return "the key's programme or patient is missing, blank or holds a control character";
        }
        if (value != null && (!key.getPatientId().equals(value.getPatientId())
                || !key.getProgramme().equals(value.getProgramme()))) {
            return "the value's patient or programme differs from the key (the jobs refuse it too: enrolments-dlq)";
        }
        return null;
    }

    private static boolean blankOrControl(CharSequence s) {
        return s == null || s.toString().isBlank() || s.chars().anyMatch(Character::isISOControl);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
