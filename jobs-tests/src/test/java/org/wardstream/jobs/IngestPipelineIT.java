package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wardstream.ingest.TestEvents.T0;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.testkit.PipelineKit;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.TestEvents;
import org.wardstream.metrics.InProcessMetrics;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.CraftedRecords;

/**
 * Ingest end to end on a real Kafka broker (in-process KRaft) and a Flink MiniCluster: every
 * record produced leaves as exactly one outcome, dead letters land on the DLQ topic (read
 * committed) with their original bytes and reason, duplicates are dropped, late readings pass.
 */
class IngestPipelineIT {
    static final int PARALLELISM = 2;

    @RegisterExtension
    static final PipelineKit KIT = PipelineKit.builder().parallelism(PARALLELISM)
            .configure(InProcessMetrics::configure).build();

    static void send(String topic, byte[] key, byte[] value, long timestamp) throws Exception {
        KIT.send(topic, key, value, timestamp);
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
        // A malformed enrolment for p1 after its valid one: refused to enrolments-dlq, never applied (issue 15)
        send(Topics.ENROLMENTS, AvroCodec.patientKeys().encode(TestEvents.patientKey("p1")),
                AvroCodec.enrolments().encode(org.wardstream.schema.Enrolment.newBuilder(
                        TestEvents.enrolment("p1", EnrolmentStatus.DISCHARGED)).setTimeZone("Mars/Olympus_Mons").build()),
                T0.toEpochMilli());

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
        send(Topics.DEVICE_EVENTS, TestEvents.keyBytes("p1"), TestEvents.foreignSchemaBytes(), T0.toEpochMilli());
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
        // issue 15: p1's pseudonym in another programme is another patient, never analysed as p1
        send(Topics.DEVICE_EVENTS, AvroCodec.deviceEventKeys().encode(
                        new org.wardstream.schema.DeviceEventKey("cardiac-rehab", "p1", "dev-p1")),
                TestEvents.valueBytes(TestEvents.heartRate("other-programme", T0, 70)), T0.plusSeconds(2).toEpochMilli());
        expectedDlq.put("unknown-patient", 3L);
        // issue 15: crafted records declaring huge lengths, and one just under the broker's size limit
        send(Topics.DEVICE_EVENTS, TestEvents.keyBytes("p1"), CraftedRecords.hugeString(), T0.toEpochMilli());
        send(Topics.DEVICE_EVENTS, TestEvents.keyBytes("p1"), CraftedRecords.hugeArray(), T0.toEpochMilli());
        byte[] huge = new byte[1_048_400];
        new java.util.SplittableRandom(15).nextBytes(huge);
        send(Topics.DEVICE_EVENTS, TestEvents.keyBytes("p1"), huge, T0.toEpochMilli());
        expectedDlq.put("too-large", 3L);
        // issue 15: a device clock in 2001, received now; a gateway whose clock (and CreateTime) runs 59 min ahead
        sendEvent("p2", DeviceEvent.newBuilder(TestEvents.heartRate("year-2001", T0, 70))
                .setTime(java.time.Instant.parse("2001-03-02T09:00:00Z")).build());
        expectedDlq.put("stale-time", 1L);
        java.time.Instant ahead = java.time.Instant.now().plusSeconds(59 * 60);
        sendEvent("p2", DeviceEvent.newBuilder(TestEvents.heartRate("ahead-59min", ahead, 70))
                .setTimeReceived(ahead).build());
        expectedDlq.put("future-time", 2L);
        final long accepted = valid;
        long produced = valid + 1 + expectedDlq.values().stream().mapToLong(Long::longValue).sum();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.getConfig().setAutoWatermarkInterval(100);
        PipelineConfig config = PipelineConfig.defaults(KIT.bootstrapServers())
                .withCheckpointInterval(Duration.ofMillis(500))
                .withIngest(IngestSettings.defaults().withEnrolmentGrace(Duration.ofSeconds(2))
                        .withIdleness(Duration.ofSeconds(1)));
        EpisodeDetectionJob.build(env, config);
        JobClient job = env.executeAsync("ingest-it");
        String jobId = job.getJobID().toHexString();
        try (CommittedTopicReader dlq = KIT.reader(Topics.DEVICE_EVENTS_DLQ)) {
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
            assertThat(dlq.records()).anySatisfy(r -> {
                assertThat(header(r, Topics.HEADER_DLQ_TRUNCATED)).startsWith("value 1048400 -> ");
                assertThat(header(r, Topics.HEADER_DLQ_VALUE_SHA256))
                        .isEqualTo(java.util.HexFormat.of().formatHex(
                                java.security.MessageDigest.getInstance("SHA-256").digest(huge)));
                assertThat(r.value()).isEqualTo(Arrays.copyOf(huge, r.value().length));
            });
            try (CommittedTopicReader enrolmentDlq = KIT.reader(Topics.ENROLMENTS_DLQ)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !enrolmentDlq.poll().isEmpty());
                assertThat(enrolmentDlq.records()).singleElement().satisfies(r -> {
                    assertThat(header(r, Topics.HEADER_DLQ_REASON)).isEqualTo("invalid-field");
                    assertThat(header(r, Topics.HEADER_DLQ_DETAIL)).isEqualTo("timeZone is not an IANA time zone");
                });
            }
            assertThat(count(jobId, IngestMetrics.ENROLMENTS_REJECTED)).isEqualTo(1);
            assertThat(job.getJobStatus().get()).isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
            assertThat(InProcessMetrics.minGauge(jobId, ".numRestarts")).as("job restarts").isZero();
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
}
