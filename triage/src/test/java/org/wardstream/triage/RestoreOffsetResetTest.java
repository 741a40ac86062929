package org.wardstream.triage;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.EmbeddedKafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The triage restore and rollback procedures (TRIAGE-SERVICE.md, "Backups", "Upgrade") reset the service's consumer
 * group to 15 minutes before the backup started, not to the backup start: the detection job stamps an alert with the
 * time it emitted it, but its exactly-once sink makes it readable only when the next checkpoint commits (every 10 s;
 * up to the 10-min transaction timeout), so an alert emitted just before the backup and committed after it is not in
 * the dump, and offsets-by-timestamp at the backup start point past it (probe 19b D6: lost from the restored
 * worklist). Real parts: the in-process Kafka broker, a transactional producer as the job's sink, the Admin API's
 * offsets-for-timestamp and group-offset reset that {@code kafka-consumer-groups.sh --reset-offsets --to-datetime}
 * runs, a read-committed consumer as the service's ingest.
 */
class RestoreOffsetResetTest {
    private static final TopicPartition ALERTS_0 = new TopicPartition(Topics.ALERTS, 0);

    /** How far before the backup start the documented reset goes. */
    static final Duration MARGIN = Duration.ofMinutes(15);

    @Test
    void theProceduresSayTheMargin() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("..", "docs", "TRIAGE-SERVICE.md"));
        assertThat(doc).contains("to **the dump time minus 15 minutes**", "<dump time - 15 min>",
                "Reset the service's consumer group to 15 minutes before the backup started", "<backup start - 15 min,");
    }

    @Test
    void anAlertEmittedBeforeTheBackupAndCommittedAfterItIsReadAgainAfterTheDocumentedReset() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Path.of("target", "kafka-probe19b"))) {
            kafka.createTopics(1);
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "probe19b-detection-sink");
            Instant backupStart;
            try (KafkaProducer<byte[], byte[]> sink = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                sink.initTransactions();
                // checkpoint n: an alert emitted and committed before the backup (in the dump)
                sink.beginTransaction();
                sink.send(record(System.currentTimeMillis(), "in-the-dump")).get();
                sink.commitTransaction();
                // checkpoint n+1: an alert emitted now, in the transaction the next checkpoint commits
                sink.beginTransaction();
                sink.send(record(System.currentTimeMillis(), "emitted-before-committed-after")).get();
                backupStart = Instant.ofEpochMilli(System.currentTimeMillis() + 1);
                while (System.currentTimeMillis() <= backupStart.toEpochMilli()) Thread.onSpinWait();
                // pg_dump starts here: the service reads committed records only, so this alert is not in the dump
                sink.commitTransaction(); // the checkpoint completes after the backup started
                sink.beginTransaction();
                sink.send(record(System.currentTimeMillis(), "after-the-backup")).get();
                sink.commitTransaction();
            }
            // the reset to the backup start itself (the procedure before): the alert is skipped
            reset(kafka, backupStart);
            assertThat(readCommitted(kafka)).containsExactly("after-the-backup");
            // the documented step: kafka-consumer-groups --group wardstream-triage --reset-offsets --to-datetime <backup start - 15 min>
            reset(kafka, backupStart.minus(MARGIN));
            List<String> reread = readCommitted(kafka);
            assertThat(reread).as("alerts the restored service reads again").contains("after-the-backup")
                    .contains("emitted-before-committed-after");
        }
    }

    /** What {@code kafka-consumer-groups --group wardstream-triage --reset-offsets --to-datetime <to>} does. */
    private static void reset(EmbeddedKafka kafka, Instant to) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            long offset = admin.listOffsets(Map.of(ALERTS_0, OffsetSpec.forTimestamp(to.toEpochMilli())))
                    .partitionResult(ALERTS_0).get().offset();
            admin.alterConsumerGroupOffsets("wardstream-triage", Map.of(ALERTS_0, new OffsetAndMetadata(offset))).all().get();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(long emittedAt, String value) {
        return new ProducerRecord<>(Topics.ALERTS, 0, emittedAt, "p1".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** What the service's ingest (group wardstream-triage, read committed) reads from its committed offsets to the end. */
    private static List<String> readCommitted(EmbeddedKafka kafka) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "wardstream-triage");
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(ALERTS_0));
            long end = c.endOffsets(List.of(ALERTS_0)).get(ALERTS_0);
            c.seek(ALERTS_0, c.committed(java.util.Set.of(ALERTS_0)).get(ALERTS_0).offset());
            while (c.position(ALERTS_0) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
