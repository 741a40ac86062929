package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wardstream.ingest.TestEvents.T0;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.embedded.EmbeddedKafka;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.TestEvents;
import org.wardstream.metrics.InProcessMetrics;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.wire.AvroCodec;

/**
 * Ingest end to end on a real Kafka broker (in-process KRaft) and a Flink MiniCluster: every
 * record produced leaves as exactly one outcome, dead letters land on the DLQ topic (read
 * committed) with their original bytes and reason, duplicates are dropped, late readings pass.
 */
class IngestPipelineIT {
    static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(metricsConfig())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .build());

    static EmbeddedKafka kafka;
    static KafkaProducer<byte[], byte[]> producer;

    static Configuration metricsConfig() {
        Configuration c = new Configuration();
        InProcessMetrics.configure(c);
        return c;
    }

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(Path.of("target", "kafka"));
        kafka.createTopics(PARALLELISM);
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopKafka() throws Exception {
        producer.close();
        kafka.close();
    }

    static void send(String topic, byte[] key, byte[] value, long timestamp) throws Exception {
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, value)).get();
    }

    static void sendEvent(String patient, DeviceEvent e) throws Exception {
        send(Topics.DEVICE_EVENTS, TestEvents.keyBytes(patient), TestEvents.valueBytes(e),
                e.getTimeReceived().toEpochMilli());
    }

    @Test
    void everyRecordLeavesAsExactlyOneOutcome() throws Exception {
        for (var e : Map.of("p1", EnrolmentStatus.ACTIVE, "p2", EnrolmentStatus.ACTIVE,
                "p3", EnrolmentStatus.DISCHARGED).entrySet()) {
            send(Topics.ENROLMENTS, AvroCodec.patientKeys().encode(TestEvents.patientKey(e.getKey())),
                    AvroCodec.enrolments().encode(TestEvents.enrolment(e.getKey(), e.getValue())), T0.toEpochMilli());
        }

        int valid = 0;
        for (int i = 0; i < 20; i++) {
            sendEvent("p1", TestEvents.heartRate("hr-" + i, T0.plusSeconds(60L * i), 60 + i));
            valid++;
        }
        for (int i = 0; i < 10; i++) {
            sendEvent("p2", TestEvents.rr("rr-" + i, T0.plusSeconds(60L * i), List.of(800, 820, 790),
                    TestEvents.clean(3)));
            valid++;
        }
        sendEvent("p1", TestEvents.heartRate("hr-3", T0.plusSeconds(180), 63)); // a re-sent duplicate

        Map<String, Long> expectedDlq = new TreeMap<>();
        byte[] goodValue = TestEvents.valueBytes(TestEvents.heartRate("t", T0, 70));
        byte[] truncated = Arrays.copyOf(goodValue, goodValue.length - 4);
        send(Topics.DEVICE_EVENTS, TestEvents.keyBytes("p1"), truncated, T0.toEpochMilli());
        send(Topics.DEVICE_EVENTS, "garbage".getBytes(StandardCharsets.UTF_8), goodValue, T0.toEpochMilli());
        expectedDlq.put("not-decodable", 2L);
        send(Topics.DEVICE_EVENTS, TestEvents.keyBytes("p1"), foreignSchemaBytes(), T0.toEpochMilli());
        expectedDlq.put("unknown-schema", 1L);
        sendEvent("p1", TestEvents.activity("bad-interval", T0, 0, 5, null));
        expectedDlq.put("invalid-field", 1L);
        sendEvent("p2", TestEvents.heartRate("hr-400", T0, 400));
        expectedDlq.put("implausible-value", 1L);
        sendEvent("p2", DeviceEvent.newBuilder(TestEvents.heartRate("ahead", T0, 70))
                .setTime(T0.plusSeconds(2 * 86400)).build());
        expectedDlq.put("future-time", 1L);
        sendEvent("x9", TestEvents.heartRate("stranger", T0, 70));
        sendEvent("p3", TestEvents.heartRate("discharged", T0, 70));
        expectedDlq.put("unknown-patient", 2L);
        final long accepted = valid;
        long produced = valid + 1 + expectedDlq.values().stream().mapToLong(Long::longValue).sum();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.getConfig().setAutoWatermarkInterval(100);
        PipelineConfig config = PipelineConfig.defaults(kafka.bootstrapServers())
                .withCheckpointInterval(Duration.ofMillis(500))
                .withIngest(IngestSettings.defaults().withEnrolmentGrace(Duration.ofSeconds(2))
                        .withIdleness(Duration.ofSeconds(1)));
        EpisodeDetectionJob.build(env, config);
        JobClient job = env.executeAsync("ingest-it");
        String jobId = job.getJobID().toHexString();
        try (CommittedTopicReader dlq = new CommittedTopicReader(kafka.bootstrapServers(), new Properties(),
                Topics.DEVICE_EVENTS_DLQ)) {
            long expectedDead = expectedDlq.values().stream().mapToLong(Long::longValue).sum();
            await().atMost(Duration.ofSeconds(90)).until(() -> dlq.poll().size() >= expectedDead
                    && count(jobId, IngestMetrics.PROCESSED) == accepted);

            assertThat(count(jobId, IngestMetrics.CONSUMED)).isEqualTo(produced);
            assertThat(count(jobId, IngestMetrics.DUPLICATE)).isEqualTo(1);
            Map<String, Long> deadLetterCounts = new TreeMap<>(InProcessMetrics.sumCountersBy(jobId, IngestMetrics.GROUP,
                    IngestMetrics.REASON, IngestMetrics.DEAD_LETTER));
            deadLetterCounts.values().removeIf(v -> v == 0); // registered, never counted (out-of-order here)
            assertThat(deadLetterCounts).isEqualTo(expectedDlq);
            Map<String, Long> byHeader = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : dlq.records()) {
                byHeader.merge(header(r, Topics.HEADER_DLQ_REASON), 1L, Long::sum);
                assertThat(header(r, Topics.HEADER_DLQ_ORIGIN)).startsWith("device-events-");
                assertThat(header(r, Topics.HEADER_DLQ_DETAIL)).isNotBlank().doesNotContain("p1", "p2", "x9");
            }
            assertThat(byHeader).isEqualTo(expectedDlq);
            assertThat(dlq.records()).anySatisfy(r -> assertThat(r.value()).isEqualTo(truncated));
            assertThat(count(jobId, IngestMetrics.PROCESSED) + count(jobId, IngestMetrics.DUPLICATE)
                    + dlq.records().size()).isEqualTo(count(jobId, IngestMetrics.CONSUMED));

            // Data uploaded once event time has moved on.
            long eventTimeReached = T0.plusSeconds(10 * 60).toEpochMilli();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Long wm = InProcessMetrics.minGauge(jobId, "enrolment gate", ".currentOutputWatermark");
                return wm != null && wm >= eventTimeReached;
            });
            // late = received long after its device time (here 10 min): still processed
            DeviceEvent backlog = DeviceEvent.newBuilder(TestEvents.heartRate("backlog", T0.plusSeconds(15 * 60), 90))
                    .setTimeReceived(T0.plusSeconds(25 * 60)).build();
            sendEvent("p1", backlog);
            // two hours older than what was already analysed for p1: cannot be analysed in order any more, so it is
            // dead-lettered (out-of-order) by the detector, never dropped silently, and the counts still reconcile
            DeviceEvent tooOld = DeviceEvent.newBuilder(TestEvents.heartRate("too-old", T0.minusSeconds(7200), 90))
                    .setTimeReceived(T0.plusSeconds(20 * 60)).build();
            sendEvent("p1", tooOld);
            await().atMost(Duration.ofSeconds(60)).until(() -> dlq.poll().size() >= expectedDead + 1);
            assertThat(count(jobId, IngestMetrics.PROCESSED)).isEqualTo(accepted + 1);
            assertThat(count(jobId, IngestMetrics.LATE)).isEqualTo(2);
            assertThat(InProcessMetrics.sumCountersBy(jobId, IngestMetrics.GROUP, IngestMetrics.REASON,
                    IngestMetrics.DEAD_LETTER).get("out-of-order")).isEqualTo(1);
            assertThat(dlq.records()).filteredOn(r -> "out-of-order".equals(new String(
                    r.headers().lastHeader(Topics.HEADER_DLQ_REASON).value(), StandardCharsets.UTF_8))).hasSize(1);
            assertThat(count(jobId, IngestMetrics.PROCESSED) + count(jobId, IngestMetrics.DUPLICATE)
                    + dlq.records().size()).isEqualTo(count(jobId, IngestMetrics.CONSUMED));
        } finally {
            job.cancel().get();
        }
    }

    static long count(String jobId, String name) {
        return InProcessMetrics.sumCounters(jobId, "." + IngestMetrics.GROUP + "." + name);
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static byte[] foreignSchemaBytes() throws Exception {
        Schema foreign = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Legacy\",\"namespace\":\"vendor\",\"fields\":[{\"name\":\"hr\",\"type\":\"int\"}]}");
        GenericRecord g = new GenericData.Record(foreign);
        g.put("hr", 70);
        var buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), foreign).encode(g);
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }
}
