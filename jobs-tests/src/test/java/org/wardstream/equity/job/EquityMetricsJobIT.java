package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.testkit.PipelineKit;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.ingest.TestEvents;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.metrics.InProcessMetrics;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.Episode;
import org.wardstream.schema.EpisodeState;
import org.wardstream.schema.Severity;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.wire.AvroCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The equity-metrics job end to end on a real Kafka broker (in-process KRaft) and a Flink MiniCluster,
 * as a bounded run over the four topics: published and internal rows land on their topics (read committed)
 * with deterministic keys and no pseudonym, and running the same input again gives the same rows.
 */
class EquityMetricsJobIT {
    static final int PARALLELISM = 2;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant DAY = Instant.parse("2026-03-02T00:00:00Z"); // GMT: local day = UTC day
    /** Patient, IMD decile, minutes of data on the day. */
    static final List<Object[]> PATIENTS = List.of(new Object[] {"p-deprived-a", 1, 600},
            new Object[] {"p-deprived-b", 2, 700}, new Object[] {"p-affluent-a", 9, 1300},
            new Object[] {"p-affluent-b", 10, 1400});

    @RegisterExtension
    static final PipelineKit KIT = PipelineKit.builder().parallelism(PARALLELISM)
            .configure(InProcessMetrics::configure).build();

    @BeforeAll
    static void writeInput() throws Exception {
        for (Object[] patient : PATIENTS) {
            String id = (String) patient[0];
            Enrolment e = Enrolment.newBuilder().setPatientId(id).setProgramme(TestEvents.PROGRAMME)
                    .setStatus(EnrolmentStatus.ACTIVE).setEnrolledOn(LocalDate.of(2026, 3, 2))
                    .setTimeZone("Europe/London")
                    .setStratifiers(Stratifiers.newBuilder().setImdDecile((Integer) patient[1])
                            .setImdEdition("IoD2019").setEthnicCategory("A").setSexCode("2")
                            .setAgeBand("65-74").setIcbCode("QWE").build())
                    .setThresholdOverrides(Map.of()).setUpdatedAt(DAY.minusSeconds(86_400)).build();
            send(new ProducerRecord<>(Topics.ENROLMENTS, null, DAY.toEpochMilli(),
                    AvroCodec.patientKeys().encode(TestEvents.patientKey(id)), AvroCodec.enrolments().encode(e)));
            int minutes = (Integer) patient[2];
            for (int m = 0; m < minutes; m++) {
                Instant t = DAY.plusSeconds(60L * m);
                send(new ProducerRecord<>(Topics.DEVICE_EVENTS, null, t.plusSeconds(2).toEpochMilli(),
                        TestEvents.keyBytes(id), TestEvents.valueBytes(TestEvents.heartRate(id + "-" + m, t, 70))));
            }
        }
        Instant af = DAY.plusSeconds(5 * 3600);
        send(episode("p-deprived-a", "ep-af", "atrial-fibrillation", af));
        send(episode("p-affluent-a", "ep-offline", "device-offline", af.plusSeconds(600)));
        TriageEvent ack = new TriageEvent("ep-af", "p-deprived-a", TestEvents.PROGRAMME, TriageAction.ACKNOWLEDGED,
                af.plusSeconds(3 * 3600), af.plusSeconds(30), null);
        send(new ProducerRecord<>(Topics.TRIAGE_EVENTS, null, ack.getTime().toEpochMilli(),
                AvroCodec.patientKeys().encode(TestEvents.patientKey("p-deprived-a")),
                AvroCodec.triageEvents().encode(ack)));
    }

    /** One record at a time, confirmed: the test's input must be complete before the bounded run reads it. */
    static void send(ProducerRecord<byte[], byte[]> r) throws Exception {
        KIT.send(r);
    }

    static ProducerRecord<byte[], byte[]> episode(String patient, String id, String type, Instant at) {
        Episode e = Episode.newBuilder().setEpisodeId(id).setPatientId(patient).setProgramme(TestEvents.PROGRAMME)
                .setEpisodeType(type).setState(EpisodeState.OPENED).setSeverity(Severity.ROUTINE).setStart(at)
                .setEnd(null).setEvidenceTime(at).setEvidenceReceived(at.plusSeconds(2)).setEmittedAt(at.plusSeconds(30))
                .setDelayedByMs(0).setDetector("test/1").build();
        return new ProducerRecord<>(Topics.EPISODES, null, at.toEpochMilli(),
                AvroCodec.patientKeys().encode(TestEvents.patientKey(patient)), AvroCodec.episodes().encode(e));
    }

    static String runBounded(String run) throws Exception {
        EquityJobConfig config = EquityJobConfig.defaults(KIT.bootstrapServers());
        PipelineConfig k = config.kafka();
        config = config.withKafka(new PipelineConfig(k.bootstrapServers(), new Properties(), "equity-it-" + run,
                "equity-it-" + run, Duration.ofSeconds(1), k.ingest(), null)).withBounded(true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.getConfig().setAutoWatermarkInterval(100);
        EquityMetricsJob.buildKafka(env, config);
        // bounded: returns when every source reached its end offsets
        return env.execute("equity-it-" + run).getJobID().toHexString();
    }

    static List<String> records(String topic) {
        try (CommittedTopicReader reader = KIT.reader(topic)) {
            List<String> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : reader.poll()) {
                out.add(new String(r.key(), StandardCharsets.UTF_8) + "\t" + new String(r.value(), StandardCharsets.UTF_8));
            }
            return out;
        }
    }

    @Test
    void aBoundedRunPublishesDeterministicRowsWithoutPseudonymsAndAReplayGivesTheSameRows() throws Exception {
        String job = runBounded("first");
        int readings = PATIENTS.stream().mapToInt(p -> (Integer) p[2]).sum();
        assertThat(InProcessMetrics.sumCounters(job, "." + EquityMetrics.READINGS)).isEqualTo(readings);
        assertThat(InProcessMetrics.sumCountersBy(job, "wardstream", EquityMetrics.INPUT, EquityMetrics.DROPPED_LATE)
                .values()).allMatch(v -> v == 0);
        List<String> published = records(Topics.EQUITY_AGGREGATES);
        List<String> internal = records(Topics.EQUITY_AGGREGATES_INTERNAL);
        assertThat(published).isNotEmpty();
        assertThat(internal).hasSizeGreaterThan(published.size()); // internal also has the daily windows

        for (String line : published) {
            String key = line.substring(0, line.indexOf('\t'));
            PublishedRow row = RowJson.parsePublished(line.substring(line.indexOf('\t') + 1));
            assertThat(row.key()).isEqualTo(key);
            assertThat(row.granularity()).isEqualTo("month");
            assertThat(row.windowStart()).isEqualTo(LocalDate.of(2026, 3, 1));
            assertThat(row.numeratorCount()).matches("0|\\*|\\d*[05]");
            assertThat(row.revision()).isZero();
        }
        assertThat(published).extracting(l -> RowJson.parsePublished(l.substring(l.indexOf('\t') + 1)).dimension())
                .contains("imd_quintile", "ethnic_group", "age_band", "sex", "icb");
        for (String line : published) {
            PATIENTS.forEach(p -> assertThat(line).doesNotContain((String) p[0]));
        }
        for (String line : internal) {
            PATIENTS.forEach(p -> assertThat(line).doesNotContain((String) p[0]));
        }

        // the unrounded day rows carry the exact counts
        JsonNode completeness = internalRow(internal, "virtual-ward|day|2026-03-02|all|all|data_completeness");
        assertThat(completeness.get("numerator").asLong()).isEqualTo(600 + 700 + 1300 + 1400);
        assertThat(completeness.get("denominator").asDouble()).isEqualTo(4 * 1440.0);
        JsonNode q1 = internalRow(internal, "virtual-ward|day|2026-03-02|imd_quintile|1|data_completeness");
        JsonNode q5 = internalRow(internal, "virtual-ward|day|2026-03-02|imd_quintile|5|data_completeness");
        assertThat(q1.get("value").asDouble()).isLessThan(q5.get("value").asDouble());
        JsonNode alerts = internalRow(internal, "virtual-ward|day|2026-03-02|all|all|clinical_alerts");
        assertThat(alerts.get("numerator").asLong()).isEqualTo(1);
        JsonNode technical = internalRow(internal, "virtual-ward|day|2026-03-02|all|all|technical_alerts");
        assertThat(technical.get("numerator").asLong()).isEqualTo(1);
        JsonNode triage = internalRow(internal, "virtual-ward|day|2026-03-02|all|all|triage_ack_within_target");
        assertThat(triage.get("numerator").asLong()).isEqualTo(1);
        assertThat(triage.get("denominator").asDouble()).isEqualTo(1.0);

        // a replay (a new consumer group over the same topics) appends exactly the same rows
        runBounded("replay");
        List<String> publishedAgain = records(Topics.EQUITY_AGGREGATES);
        List<String> internalAgain = records(Topics.EQUITY_AGGREGATES_INTERNAL);
        assertThat(publishedAgain).containsExactlyInAnyOrderElementsOf(twice(published));
        assertThat(internalAgain).containsExactlyInAnyOrderElementsOf(twice(internal));
    }

    static List<String> twice(List<String> records) {
        List<String> out = new ArrayList<>(records);
        out.addAll(records);
        return out;
    }

    static JsonNode internalRow(List<String> internal, String key) throws Exception {
        for (String line : internal) {
            if (line.startsWith(key + "\t")) {
                return JSON.readTree(line.substring(line.indexOf('\t') + 1));
            }
        }
        throw new AssertionError("no internal row " + key);
    }
}
