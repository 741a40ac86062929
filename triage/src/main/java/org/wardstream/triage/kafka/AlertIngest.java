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
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;
import org.wardstream.contract.Topics;
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
    private volatile long alertsRejected;
    private volatile long enrolmentsRejected;

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
     * Records of {@code topic} ({@code alerts} or {@code enrolments}) this process kept in {@code ingest_reject}
     * (committed; a record read again after a restart or a reset is counted again).
     */
    public long rejected(String topic) {
        return Topics.ALERTS.equals(topic) ? alertsRejected : Topics.ENROLMENTS.equals(topic) ? enrolmentsRejected : 0;
    }

    /** A record kept in ingest_reject, to log and count once its transaction committed. */
    private record Reject(String topic, int partition, long offset, String reason) {
    }

    /**
     * What storing (part of) a poll's records did.
     *
     * @param fresh    new alert messages stored
     * @param changes  the Task changes to announce
     * @param rejects  the records kept in ingest_reject
     * @param next     per partition, the offset after the last record stored (or rejected)
     * @param complete every record of the poll was stored or rejected
     */
    private record Progress(long fresh, List<TaskStore.TaskChange> changes, List<Reject> rejects,
                            Map<TopicPartition, Long> next, boolean complete) {
    }

    private void run() {
        EnrolmentValidator validator = new EnrolmentValidator();
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
                    done = store.database().tx(c -> storeAll(c, batch, validator));
                } catch (RuntimeException batchFailed) {
                    // the database's passing trouble (Database.tx has already retried a deadlock): the whole poll again
                    if (Database.transientFailure(batchFailed)) throw batchFailed;
                    // one record may be what fails: store them one by one, and keep a failing one as a reject
                    done = oneByOne(batch, validator);
                }
                for (Reject rj : done.rejects()) rejectedCommitted(rj); // stored: the database committed them
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

    /**
     * Logs and counts a record kept in ingest_reject once it is committed (a transaction run again, or a batch stored
     * again one by one, logs nothing twice). The line names the record's place and the reason without its values
     * ({@link Pseudonymous#withoutValues}): no identifier, not even the pseudonym. Until session 20 a reject in the
     * normal batch path wrote no log line and had no metric.
     */
    private void rejectedCommitted(Reject r) {
        if (Topics.ALERTS.equals(r.topic())) alertsRejected++;
        else enrolmentsRejected++;
        if (r.reason() == null) return; // logged where it was kept (a record that met a failure storing it)
        String reason = Pseudonymous.withoutValues(r.reason());
        LOG.warn("alert ingest: {}-{}@{} not applied, kept in ingest_reject: {}", r.topic(), r.partition(), r.offset(),
                reason.length() > 500 ? reason.substring(0, 500) + "…" : reason);
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
    private Progress storeAll(Connection c, ConsumerRecords<byte[], byte[]> batch,
                              EnrolmentValidator validator) throws SQLException {
        List<TaskStore.TaskChange> changes = new ArrayList<>();
        List<Reject> rejects = new ArrayList<>();
        long fresh = 0;
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            if (storeOne(c, r, changes, rejects, validator)) fresh++;
        }
        Map<TopicPartition, Long> next = new HashMap<>();
        for (TopicPartition tp : batch.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> rs = batch.records(tp);
            next.put(tp, rs.get(rs.size() - 1).offset() + 1);
        }
        return new Progress(fresh, changes, rejects, next, true);
    }

    /**
     * Each record in its own transaction. A record whose storing fails because of the record (it cannot be read, it
     * is not valid, or it meets a bug) is kept in ingest_reject with the reason, so it cannot stop the ingest. A
     * failure that is the database's and passing ({@link Database#transientFailure}: a deadlock that outlasted
     * {@link Database#tx}'s retries, a lost connection) never makes a reject: the records before it are committed
     * and the ingest stops there, to store that record again after a pause.
     */
    private Progress oneByOne(ConsumerRecords<byte[], byte[]> batch,
                              EnrolmentValidator validator) {
        List<TaskStore.TaskChange> changes = new ArrayList<>();
        List<Reject> rejects = new ArrayList<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        long fresh = 0;
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            try {
                List<TaskStore.TaskChange> mine = new ArrayList<>();
                List<Reject> myRejects = new ArrayList<>();
                boolean isNew = store.database().tx(c -> {
                    mine.clear(); // a retried transaction starts afresh
                    myRejects.clear();
                    return storeOne(c, r, mine, myRejects, validator);
                });
                if (isNew) fresh++;
                changes.addAll(mine);
                rejects.addAll(myRejects);
            } catch (RuntimeException e) {
                if (Database.transientFailure(e)) {
                    LOG.warn("alert ingest: {}-{}@{} not stored for now ({}); storing it again shortly", r.topic(),
                            r.partition(), r.offset(), Pseudonymous.withoutValues(e.getMessage()));
                    return new Progress(fresh, changes, rejects, next, false);
                }
                String reason = "could not be stored: " + e.getMessage();
                try {
                    store.database().tx(c -> {
                        store.reject(c, r.topic(), r.partition(), r.offset(), reason, Instant.now());
                        return null;
                    });
                } catch (RuntimeException rejectFailed) {
                    LOG.warn("alert ingest: {}-{}@{} could not be stored nor kept as a reject ({}); storing it again"
                            + " shortly", r.topic(), r.partition(), r.offset(), Pseudonymous.withoutValues(rejectFailed.getMessage()));
                    return new Progress(fresh, changes, rejects, next, false);
                }
                LOG.error("alert ingest: {}-{}@{} could not be stored and is kept in ingest_reject: {}", r.topic(),
                        r.partition(), r.offset(), Pseudonymous.withoutValues(e.getMessage()));
                rejects.add(new Reject(r.topic(), r.partition(), r.offset(), null)); // counted; logged just above
            }
            next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        }
        return new Progress(fresh, changes, rejects, next, true);
    }

    /** Stores one record; true if it was a new alert message. Unreadable records become ingest_reject rows. */
    private boolean storeOne(Connection c, ConsumerRecord<byte[], byte[]> r, List<TaskStore.TaskChange> changes,
                             List<Reject> rejects, EnrolmentValidator validator) throws SQLException {
        Instant now = Instant.now();
        if (r.topic().equals(Topics.ALERTS)) {
            if (r.value() == null) {
                reject(c, r, "empty value", now, rejects);
                return false;
            }
            try {
                return store.ingestAlert(c, new String(r.value(), StandardCharsets.UTF_8), r.partition(), r.offset(), now,
                        changes);
            } catch (IllegalArgumentException | ca.uhn.fhir.parser.DataFormatException e) {
                reject(c, r, "not an alert Bundle: " + e.getMessage(), now, rejects);
                return false;
            }
        }
        EnrolmentValidator.Valid v;
        try {
            v = validator.read(r.key(), r.value());
        } catch (Rejection refused) {
            reject(c, r, refusal(refused), now, rejects);
            return false;
        }
        if (v.value() == null) {
            store.ingestEnrolment(c, v.key().getPatientId(), v.key().getProgramme(), "WITHDRAWN", now, changes);
        } else {
            store.ingestEnrolment(c, v.value().getPatientId(), v.value().getProgramme(), v.value().getStatus().name(),
                    now, changes);
        }
        return false;
    }

    private void reject(Connection c, ConsumerRecord<byte[], byte[]> r, String reason, Instant now, List<Reject> rejects)
            throws SQLException {
        store.reject(c, r.topic(), r.partition(), r.offset(), reason, now);
        rejects.add(new Reject(r.topic(), r.partition(), r.offset(), reason));
    }

    /**
     * The {@code ingest_reject} reason of an enrolment record the service does not apply. It is read by the same
     * {@link EnrolmentValidator} as both jobs, which dead-letter the same records to {@code enrolments-dlq} with the same
     * reason code and detail, so a record the jobs refuse is never applied here alone (probe 19b D5: a value of another
     * programme than its key made the pseudonym "enrolled in two programmes" in the service while the jobs kept it in
     * one; until session 20 the service mirrored only the key checks and applied, say, an unknown time zone). The
     * detail names the field, never the value.
     */
    static String refusal(Rejection r) {
        return "enrolment not applied (the jobs refuse it too: enrolments-dlq): " + r.reason().code() + ": "
                + r.getMessage();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
