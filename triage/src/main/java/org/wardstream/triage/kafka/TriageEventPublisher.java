package org.wardstream.triage.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.contract.Topics;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.TriageOutcome;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.triage.store.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends the {@code triage_event_outbox} rows to {@code triage-events} (key PatientKey, value TriageEvent), oldest
 * first, with an idempotent producer (acks=all), and marks each row sent once Kafka acknowledged it. An action and
 * its outbox row commit together, so no action is lost; a crash between Kafka's acknowledgement and the mark can
 * send a row again (at least once): consumers de-duplicate by (episodeId, action, time).
 */
public final class TriageEventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TriageEventPublisher.class);

    private final Database db;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long sent;

    public TriageEventPublisher(String bootstrapServers, Map<String, String> extra, Database db) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.db = db;
        this.thread = new Thread(this::run, "triage-events-publisher");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Something was written to the outbox: send it now rather than at the next periodic check. */
    public void wake() {
        wake.release();
    }

    /** Rows sent by this process. */
    public long sent() {
        return sent;
    }

    private record Row(long id, String episodeId, String patient, String programme, String action, Instant at,
                       Instant raisedAt, String outcome) {
    }

    private void run() {
        AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
        AvroCodec<TriageEvent> values = AvroCodec.triageEvents();
        while (running) {
            try {
                wake.tryAcquire(1, TimeUnit.SECONDS);
                wake.drainPermits();
                List<Row> rows = db.tx(c -> {
                    List<Row> out = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("select id, episode_id, patient, programme, action, at,"
                            + " raised_at, outcome from triage_event_outbox where sent_at is null order by id limit 500")) {
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                Timestamp raised = rs.getTimestamp(7);
                                out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                        rs.getString(5), rs.getTimestamp(6).toInstant(),
                                        raised == null ? null : raised.toInstant(), rs.getString(8)));
                            }
                        }
                    }
                    return out;
                });
                if (rows.isEmpty()) continue;
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (Row r : rows) {
                    TriageEvent e = TriageEvent.newBuilder().setEpisodeId(r.episodeId()).setPatientId(r.patient())
                            .setProgramme(r.programme()).setAction(TriageAction.valueOf(r.action())).setTime(r.at())
                            .setAlertRaisedAt(r.raisedAt())
                            .setOutcome(r.outcome() == null ? null : TriageOutcome.valueOf(r.outcome())).build();
                    byte[] key = keys.encode(new PatientKey(r.programme(), r.patient()));
                    acks.add(producer.send(new ProducerRecord<>(Topics.TRIAGE_EVENTS, null, r.at().toEpochMilli(), key,
                            values.encode(e))));
                }
                producer.flush();
                for (Future<RecordMetadata> f : acks) f.get();
                db.tx(c -> {
                    try (PreparedStatement ps = c.prepareStatement("update triage_event_outbox set sent_at = ? where id = ?")) {
                        for (Row r : rows) {
                            ps.setTimestamp(1, Timestamp.from(Instant.now()));
                            ps.setLong(2, r.id());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    return null;
                });
                sent += rows.size();
                wake.release(); // there may be more
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                LOG.error("triage-events: sending failed ({}); retrying", e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        wake.release();
        thread.join(10_000);
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
