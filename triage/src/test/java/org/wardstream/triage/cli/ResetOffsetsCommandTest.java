package org.wardstream.triage.cli;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.EmbeddedKafka;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code wardstream triage reset-offsets --backup-start <time>} resets the service's consumer group to 15 minutes before
 * the backup started, on alerts and enrolments, so the operator restoring a dump does not do the arithmetic of the
 * documented {@code kafka-consumer-groups.sh --reset-offsets --to-datetime <backup start - 15 min>} (probe 19b D6: an
 * alert the detection job emitted before the backup and committed after it is in neither the dump nor the records from
 * the backup start on). Real parts: the in-process Kafka broker, a transactional producer as the job's exactly-once
 * sink (records stamped when emitted, readable when committed), a read-committed consumer of the service's group.
 */
class ResetOffsetsCommandTest {
    private static final String GROUP = "wardstream-triage";
    private static final TopicPartition ALERTS_0 = new TopicPartition(Topics.ALERTS, 0);
    private static final TopicPartition ENROLMENTS_0 = new TopicPartition(Topics.ENROLMENTS, 0);
    /** When pg_dump started: after the first transaction committed, before the second did (set in {@link #start}). */
    static Instant BACKUP_START;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(Path.of("target", "kafka-reset-offsets"));
        kafka.createTopics(1);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "detection-sink");
        // Record times as the job's sink stamps them (when emitted); the transaction markers carry the broker's time of
        // the commit, so the backup start lies between the first commit and the second, as in the real case.
        try (KafkaProducer<byte[], byte[]> sink = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            sink.initTransactions();
            Instant t0 = Instant.now();
            sink.beginTransaction(); // emitted 20 (30) min before the backup, committed before it: in the dump
            sink.send(record(Topics.ALERTS, t0.minus(20, ChronoUnit.MINUTES), "in-the-dump")).get();
            sink.send(record(Topics.ENROLMENTS, t0.minus(30, ChronoUnit.MINUTES), "enrolled-before")).get();
            sink.commitTransaction();
            // emitted just before the backup, in a transaction the next checkpoint commits after it started
            sink.beginTransaction();
            sink.send(record(Topics.ALERTS, Instant.now(), "emitted-before-committed-after")).get();
            sink.send(record(Topics.ENROLMENTS, Instant.now(), "enrolled-near-the-backup")).get();
            BACKUP_START = Instant.ofEpochMilli(System.currentTimeMillis() + 1);
            while (System.currentTimeMillis() <= BACKUP_START.toEpochMilli()) Thread.onSpinWait();
            sink.commitTransaction(); // pg_dump has started: the service had not read these
            sink.beginTransaction();
            sink.send(record(Topics.ALERTS, Instant.now(), "after-the-backup")).get();
            sink.commitTransaction();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, Instant emitted, String value) {
        return new ProducerRecord<>(topic, 0, emitted.toEpochMilli(), "p1".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** The service had read everything: its group committed at the end of both topics. */
    private static void groupAtTheEnd() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var ends = admin.listOffsets(Map.of(ALERTS_0, OffsetSpec.latest(), ENROLMENTS_0, OffsetSpec.latest())).all().get();
            admin.alterConsumerGroupOffsets(GROUP, Map.of(ALERTS_0, new OffsetAndMetadata(ends.get(ALERTS_0).offset()),
                    ENROLMENTS_0, new OffsetAndMetadata(ends.get(ENROLMENTS_0).offset()))).all().get();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run triage(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new TriageCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** What the service's ingest (read committed) reads of {@code tp} from the group's committed offset to the end. */
    private static List<String> readCommitted(TopicPartition tp) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            c.seek(tp, c.committed(Set.of(tp)).get(tp).offset());
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    @Test
    void theGroupIsResetToFifteenMinutesBeforeTheBackupStartOnBothTopics() throws Exception {
        groupAtTheEnd();
        assertThat(readCommitted(ALERTS_0)).isEmpty();

        Run dry = triage("reset-offsets", "--backup-start", BACKUP_START.toString(), "--dry-run",
                "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("dry run, nothing changed");
        assertThat(readCommitted(ALERTS_0)).as("after the dry run").isEmpty();

        Run run = triage("reset-offsets", "--backup-start", BACKUP_START.toString(),
                "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(readCommitted(ALERTS_0)).as("alerts the restored service reads again")
                .containsExactly("emitted-before-committed-after", "after-the-backup");
        assertThat(readCommitted(ENROLMENTS_0)).as("enrolments read again").containsExactly("enrolled-near-the-backup");
        assertThat(run.out()).contains("reset consumer group wardstream-triage on alerts and enrolments to "
                + BACKUP_START.minus(15, ChronoUnit.MINUTES) + " (the backup start " + BACKUP_START + " minus 15 min)")
                .contains("alerts-0: offset ").contains("enrolments-0: offset ");
    }

    @Test
    void aRunningServiceAMarginUnderFifteenMinutesAndATimeWithoutItsZoneAreRefused() throws Exception {
        groupAtTheEnd();
        try (KafkaConsumer<byte[], byte[]> running = consumer()) {
            running.subscribe(List.of(Topics.ALERTS));
            for (int i = 0; i < 150 && running.assignment().isEmpty(); i++) running.poll(Duration.ofMillis(200));
            assertThat(running.assignment()).as("a member of the group, as the running service is").isNotEmpty();
            Run refused = triage("reset-offsets", "--backup-start", BACKUP_START.toString(),
                    "--bootstrap-servers", kafka.bootstrapServers());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("has 1 active member(s): stop the triage service").contains("nothing was changed");
        }
        assertThat(readCommitted(ALERTS_0)).as("nothing reset").isEmpty();

        Run tooShort = triage("reset-offsets", "--backup-start", BACKUP_START.toString(), "--margin", "PT5M",
                "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(tooShort.exit()).isEqualTo(2);
        assertThat(tooShort.err()).contains("--margin PT5M: the margin must be at least 15 min");
        Run local = triage("reset-offsets", "--backup-start", "2026-03-04T06:00:00",
                "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(local.exit()).isEqualTo(2);
        assertThat(local.err()).contains("not an ISO-8601 time with its zone");
        assertThat(readCommitted(ALERTS_0)).as("nothing reset").isEmpty();
    }
}
