package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.contract.Topics;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;

/** Produces a small simulation to a real in-process KRaft broker and reads it back. */
class KafkaSinkTest {
    @TempDir
    Path dir;

    @Test
    void producesEveryRecordByteForByteWithItsTimestamp() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).setBaseDirectory(dir).build();
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .setDeleteOnClose(true)
                .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            String bootstrap = cluster.bootstrapServers();
            Properties admin = new Properties();
            admin.put("bootstrap.servers", bootstrap);
            try (Admin a = Admin.create(admin)) {
                // old event timestamps (March 2026) must not be expired by time-based retention
                a.createTopics(List.of(
                        new NewTopic(Topics.DEVICE_EVENTS, 3, (short) 1)
                                .configs(java.util.Map.of("retention.ms", "-1")),
                        new NewTopic(Topics.ENROLMENTS, 1, (short) 1)
                                .configs(java.util.Map.of("cleanup.policy", "compact")))).all().get();
            }

            Simulator sim = new Simulator(SimulatorConfig.defaults(3, 1, 21).withRates(0.01, 0.005, 0.01));
            List<String> sent = new ArrayList<>();
            SimulationManifest m;
            KafkaSimulationSink kafka = new KafkaSimulationSink(bootstrap, new Properties());
            try (kafka) {
                m = sim.run(new SimulationSink() {
                    @Override
                    public void enrolment(PatientKey key, Enrolment value) {
                        kafka.enrolment(key, value);
                    }

                    @Override
                    public void deviceEvent(SimulatedRecord r) {
                        sent.add(fingerprint(r.key(), r.value(), r.timestampMs()));
                        kafka.deviceEvent(r);
                    }
                });
            }
            assertThat(kafka.deviceEventsSent()).isEqualTo(m.deviceEvents());
            assertThat(kafka.enrolmentsSent()).isEqualTo(3);
            assertThat(kafka.acknowledged()).isEqualTo(m.deviceEvents() + 3);

            List<String> received = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, Topics.DEVICE_EVENTS, m.deviceEvents())) {
                received.add(fingerprint(r.key(), r.value(), r.timestamp()));
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(sent.stream().filter(s -> s.contains("|null|"))).isNotEmpty(); // null values survive

            List<ConsumerRecord<byte[], byte[]>> enrolments = readAll(bootstrap, Topics.ENROLMENTS, 3);
            assertThat(enrolments).hasSize(3);
            for (ConsumerRecord<byte[], byte[]> r : enrolments) {
                Enrolment e = AvroCodec.enrolments().decode(r.value());
                assertThat(AvroCodec.patientKeys().decode(r.key()).getPatientId()).isEqualTo(e.getPatientId());
                assertThat(r.timestamp()).isEqualTo(e.getUpdatedAt().toEpochMilli());
            }
        }
    }

    static String fingerprint(byte[] key, byte[] value, long ts) {
        return HexFormat.of().formatHex(key) + "|" + (value == null ? "null" : HexFormat.of().formatHex(value)) + "|" + ts;
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, long expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            // nothing beyond what was produced
            c.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }
}
