package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wardstream.jobs.DetectionPipelineIT.rrMinute;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.episodes.AlertChange;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.TestEvents;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.jobs.DetectionPipelineIT.Sent;
import org.wardstream.metrics.InProcessMetrics;
import org.wardstream.testkit.PipelineKit;

/**
 * A device clock running ahead (adversarial probe 16a, D5), through Kafka and the whole detection job: at minute 10
 * patient "ahead"'s device clock jumps 6 minutes ahead (past the 5-minute future tolerance) and stays there; the
 * device goes on sending a minute of RR every minute, received 2 s after the minute ends, with AF from minute 140 to
 * 160. Before the fix every one of its readings was dead-lettered {@code future-time}: nothing of the patient was
 * analysed (the AF never alerted) and after two hours triage got a device-offline alert ("no data ... check charging
 * and connectivity") for a device that was uploading every minute. Now the device's clock offset is trusted after five
 * agreeing readings (four dead-lettered) and its readings are analysed at corrected times. Patient "quiet"'s device
 * really stops at minute 10: its device-offline alert shows that silence is still reported; "live" moves event time on.
 */
class ClockAheadIT {
    static final int PARALLELISM = 2;
    static final long MIN = 60_000L;
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @RegisterExtension
    static final PipelineKit KIT = PipelineKit.builder().parallelism(PARALLELISM)
            .configure(InProcessMetrics::configure).build();

    final Random random = new Random(5);

    @Test
    void aDeviceClockAheadIsAnalysedAtCorrectedTimesAndNotReportedAsSilent() throws Exception {
        List<String> patients = List.of("ahead", "quiet", "live");
        for (String p : patients) {
            KIT.send(Topics.ENROLMENTS, AvroCodec.patientKeys().encode(TestEvents.patientKey(p)),
                    AvroCodec.enrolments().encode(TestEvents.enrolment(p, EnrolmentStatus.ACTIVE)), T0.toEpochMilli());
        }
        long t0 = T0.toEpochMilli();
        List<Sent> sent = new ArrayList<>();
        for (String p : patients) {
            sent.add(new Sent(p, DetectionPipelineIT.event(p + "-wear", t0, t0 + 2000,
                    new WearState(true, WearDetection.OPTICAL))));
        }
        for (long m = 0; m < 200; m++) {
            long t = t0 + m * MIN;
            long received = t + MIN + 2000; // a minute's batch, received 2 s after it ends
            sent.add(new Sent("live", rrMinute(random, "live", t, received, "sinus")));
            if (m < 10) {
                sent.add(new Sent("quiet", rrMinute(random, "quiet", t, received, "sinus")));
            }
            long device = m < 10 ? t : t + 6 * MIN; // the device's clock jumps 6 min ahead at minute 10
            String rhythm = m >= 140 && m < 160 ? "af-fast" : "sinus";
            sent.add(new Sent("ahead", rrMinute(random, "ahead", device, received, rhythm)));
        }
        sent.sort(Comparator.comparing(s -> s.event().getTimeReceived()));
        DetectionPipelineIT.send(KIT, sent);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.getConfig().setAutoWatermarkInterval(100);
        EpisodeDetectionJob.build(env, PipelineConfig.defaults(KIT.bootstrapServers())
                .withCheckpointInterval(Duration.ofMillis(500))
                .withIngest(IngestSettings.defaults().withEnrolmentGrace(Duration.ofSeconds(2))
                        .withIdleness(Duration.ofSeconds(1))));
        JobClient job = env.executeAsync("clock-ahead-it");
        try (CommittedTopicReader reader = KIT.reader(Topics.ALERTS);
             CommittedTopicReader dlq = KIT.reader(Topics.DEVICE_EVENTS_DLQ)) {
            List<AlertMessage> alerts = new ArrayList<>();
            await().atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
                DetectionPipelineIT.read(reader, alerts);
                assertThat(alerts).extracting(a -> a.patient() + " " + a.episodeType() + " " + a.kind())
                        .as("the patient whose device clock runs 6 min ahead is analysed")
                        .contains("quiet device-offline OPENED", "ahead atrial-fibrillation OPENED",
                                "ahead atrial-fibrillation CLOSED");
            });
            // its AF is alerted at the corrected time: it began at minute 140 (146 by the device's clock); the offset
            // is the largest lead of the five readings that made it trusted (received 2 s after each minute ended),
            // so corrected times lie 2 s after the true ones
            AlertMessage af = alerts.stream().filter(a -> a.patient().equals("ahead")
                    && a.episodeType().equals("atrial-fibrillation") && a.kind() == AlertChange.Kind.OPENED)
                    .findFirst().orElseThrow();
            assertThat(af.start()).isBetween(T0.plusSeconds(139 * 60), T0.plusSeconds(142 * 60));
            // the patient's device kept sending: no "no data, check charging and connectivity" alert (the AF alert
            // closed at ~minute 160 of this patient's own event time, past the 2 h silence a device-offline alert
            // after minute 10 would have needed)
            assertThat(alerts).noneMatch(a -> a.patient().equals("ahead") && a.episodeType().equals("device-offline"));
            // only the readings before the offset was trusted were refused: minutes 10 to 13
            List<ConsumerRecord<byte[], byte[]>> futureTime = dlq.poll().stream()
                    .filter(r -> "future-time".equals(header(r, Topics.HEADER_DLQ_REASON))).toList();
            assertThat(futureTime).hasSize(4).allSatisfy(r -> assertThat(header(r, Topics.HEADER_DLQ_DETAIL))
                    .contains("trusted after 5 agreeing readings over 120 s"));
            // operators see it: one offset applied (and logged), none dropped, and every later reading of the device
            // (minutes 14 to 199) accepted at a corrected time
            String jobId = job.getJobID().toHexString();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    IngestPipelineIT.count(jobId, IngestMetrics.CLOCK_REBASED)).isEqualTo(186));
            assertThat(IngestPipelineIT.count(jobId, IngestMetrics.CLOCK_OFFSET_APPLIED)).isEqualTo(1);
            assertThat(IngestPipelineIT.count(jobId, IngestMetrics.CLOCK_OFFSET_DROPPED)).isZero();
        } finally {
            job.cancel().get();
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
