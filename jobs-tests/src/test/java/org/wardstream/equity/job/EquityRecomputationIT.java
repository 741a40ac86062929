package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.ingest.TestEvents;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.metrics.InProcessMetrics;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.testkit.PipelineKit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A recomputation end to end (drafted in session 23, landed in 24): the live equity job runs over a month of device data (March 2026, Europe/
 * London, its 23-hour day included) on the shared broker and MiniCluster and publishes March; an IMD decile is then
 * corrected, and the documented recomputation ({@code --bounded --recompute-from 2026-03-01}, parsed as the command
 * line gives it) runs beside the live job. Its rows of March, under their own topic keys, must equal a computation
 * of the month from scratch on the corrected enrolments: per IMD quintile the data minutes and enrolled minutes, the
 * patient-days, the monitored (reached) and unmonitored (missed) days, and the alerts.
 *
 * <p>Every data minute is accounted for: both jobs read every reading and drop none as late, the live job's March
 * (once caught up: its event time past March's allowed lateness, and what it emitted committed) is the month computed
 * from scratch on the enrolments as first recorded, and the recomputation's the same month on the corrected ones, equal
 * to the live job's for the programme as a whole. Nothing here depends on timing: the live job's readings have a 1-s
 * idleness that, since session 25, waits for the catch-up (see {@link #startLive}); the recomputation has none
 * ({@link EquityMetricsJob#readingWatermarks}).
 *
 * <p>Each patient sends 5-minute activity samples from local midnight, the same number every day (600 to 1,200
 * minutes: two patients monitored, two missed every day), from 1 March to 2 April; one AF alert each for two patients
 * (one acknowledged), one device-offline alert.
 */
class EquityRecomputationIT {
    /** Slots: the live job's one and the recomputation's two, side by side as in production. */
    static final int SLOTS = 3;
    static final int RECOMPUTE_PARALLELISM = 2;
    static final ObjectMapper JSON = new ObjectMapper();
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final LocalDate MARCH = LocalDate.of(2026, 3, 1);
    static final LocalDate LAST_DAY = LocalDate.of(2026, 4, 2);
    /** March's last local day (31 March, BST) ends 31 March 23:00 UTC; its allowed lateness (24 h) 1 April 23:00 UTC. */
    static final Instant MARCH_FINAL = Instant.parse("2026-04-01T23:00:00Z");
    /** Patient, IMD decile as first recorded, the corrected decile, minutes of data each day. */
    static final List<Object[]> PATIENTS = List.of(new Object[] {"p-a", 1, 1, 600},
            new Object[] {"p-b", 2, 9, 700}, new Object[] {"p-c", 9, 9, 1100}, new Object[] {"p-d", 10, 10, 1200});

    /** 5-minute samples, 1 March to 2 April (33 days): 120 + 140 + 220 + 240 a day. */
    static final long READINGS = 33 * (600 + 700 + 1100 + 1200) / 5;

    @RegisterExtension
    static final PipelineKit KIT = PipelineKit.builder().parallelism(SLOTS)
            .configure(InProcessMetrics::configure).build();

    @Test
    void aRecomputationOfACorrectedMonthEqualsTheMonthComputedFromScratch() throws Exception {
        for (Object[] p : PATIENTS) {
            sendEnrolment((String) p[0], (Integer) p[1], Instant.parse("2026-02-27T12:00:00Z"));
        }
        List<ProducerRecord<byte[], byte[]>> readings = new ArrayList<>();
        for (LocalDate day = MARCH; !day.isAfter(LAST_DAY); day = day.plusDays(1)) {
            long start = PatientEquity.LocalDayMillis.start(day, LONDON);
            for (Object[] p : PATIENTS) {
                String id = (String) p[0];
                for (int m = 0; m < (Integer) p[3]; m += 5) {
                    readings.add(activity(id, Instant.ofEpochMilli(start + m * 60_000L)));
                }
            }
        }
        KIT.sendAll(readings);
        Instant afA = Instant.parse("2026-03-10T12:00:00Z");
        KIT.send(EquityMetricsJobIT.episode("p-a", "ep-af-a", "atrial-fibrillation", afA));
        KIT.send(EquityMetricsJobIT.episode("p-b", "ep-af-b", "atrial-fibrillation",
                Instant.parse("2026-03-20T12:00:00Z")));
        KIT.send(EquityMetricsJobIT.episode("p-c", "ep-offline-c", "device-offline",
                Instant.parse("2026-03-15T08:00:00Z")));
        TriageEvent ack = new TriageEvent("ep-af-a", "p-a", TestEvents.PROGRAMME, TriageAction.ACKNOWLEDGED,
                afA.plusSeconds(600), afA.plusSeconds(30), null);
        KIT.send(new ProducerRecord<>(Topics.TRIAGE_EVENTS, null, ack.getTime().toEpochMilli(),
                AvroCodec.patientKeys().encode(TestEvents.patientKey("p-a")), AvroCodec.triageEvents().encode(ack)));

        JobClient live = startLive();
        try {
            String liveJob = live.getJobID().toHexString();
            // caught up: the window operator's event time has passed March's allowed lateness (its state is purged, it
            // emits March no more), and two checkpoints have committed what it emitted before
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                Long wm = InProcessMetrics.minGauge(liveJob, "aggregate windows", ".currentInputWatermark");
                return wm != null && wm > MARCH_FINAL.toEpochMilli();
            });
            long done = InProcessMetrics.minGauge(liveJob, ".numberOfCompletedCheckpoints");
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    InProcessMetrics.minGauge(liveJob, ".numberOfCompletedCheckpoints") >= done + 2);
            assertEveryReadingAccountedFor(liveJob, "live");
            Map<String, JsonNode> liveMarch = march(internal(), 0);
            // the live job's March, on the enrolments as first recorded (p-b in quintile 1)
            assertMonth(liveMarch, false, shortfall(0));

            // p-b's decile was wrong: corrected after March was final
            sendEnrolment("p-b", 9, Instant.parse("2026-04-02T06:00:00Z"));
            EquityJobConfig config = EquityMetricsJob.parse(new String[] {"--bootstrap-servers",
                    KIT.bootstrapServers(), "--bounded", "--recompute-from", "2026-03-01"});
            config = config.withKafka(config.kafka().withCheckpointInterval(Duration.ofSeconds(1)));
            long generation = config.recomputation().generation();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(RECOMPUTE_PARALLELISM);
            env.getConfig().setAutoWatermarkInterval(100);
            EquityMetricsJob.buildKafka(env, config);
            String recomputation = env.execute("equity-recompute-it").getJobID().toHexString();
            assertEveryReadingAccountedFor(recomputation, "recomputation");

            Map<String, JsonNode> recomputed = march(internal(), generation);
            assertMonth(recomputed, true, shortfall(generation));
            // the correction moved p-b between quintiles only: the month as a whole is the live job's
            for (String measure : List.of("data_completeness", "patient_days", "monitored_days", "clinical_alerts",
                    "technical_alerts")) {
                JsonNode a = liveMarch.get(key("all", "all", measure));
                JsonNode b = recomputed.get(key("all", "all", measure));
                assertThat(b.get("numerator").asLong()).as("all " + measure).isEqualTo(a.get("numerator").asLong());
                assertThat(b.get("denominator").asDouble()).as("all " + measure)
                        .isEqualTo(a.get("denominator").asDouble());
            }
            // the published view of the recomputation has its own topic keys, and every stratum of March
            List<String> publishedKeys = new ArrayList<>();
            for (String[] r : records(Topics.EQUITY_AGGREGATES)) {
                if (r[0].startsWith("virtual-ward|month|2026-03-01|") && r[0].endsWith("|" + generation)) {
                    publishedKeys.add(r[0]);
                }
            }
            assertThat(publishedKeys).contains(key("imd_quintile", "1", "data_completeness") + "|" + generation,
                    key("imd_quintile", "5", "monitored_days") + "|" + generation);
        } finally {
            live.cancel().get();
        }
    }

    /**
     * March computed from scratch: per quintile, the data minutes and enrolled minutes of its patients (31 days, one
     * of them 23 h long), their patient-days, monitored days (1,100 and 1,200 minutes a day are at least 70 % of
     * every day; 600 and 700 are not) and alerts; p-b in quintile 5 when corrected, in 1 before.
     */
    static void assertMonth(Map<String, JsonNode> rows, boolean corrected, String shortfall) {
        long dayMinutes = 30 * 1440 + 1380;
        Map<String, List<Object[]>> byQuintile = new HashMap<>();
        for (Object[] p : PATIENTS) {
            int decile = corrected ? (Integer) p[2] : (Integer) p[1];
            byQuintile.computeIfAbsent(String.valueOf((decile + 1) / 2), q -> new ArrayList<>()).add(p);
        }
        byQuintile.put("all", PATIENTS);
        for (Map.Entry<String, List<Object[]>> q : byQuintile.entrySet()) {
            String dim = q.getKey().equals("all") ? "all" : "imd_quintile";
            List<Object[]> ps = q.getValue();
            long minutes = ps.stream().mapToLong(p -> 31L * (Integer) p[3]).sum();
            long monitored = ps.stream().filter(p -> (Integer) p[3] >= 1100).count() * 31;
            long clinical = ps.stream().filter(p -> p[0].equals("p-a") || p[0].equals("p-b")).count();
            long technical = ps.stream().filter(p -> p[0].equals("p-c")).count();
            String what = (corrected ? "recomputed " : "live ") + dim + " " + q.getKey();
            JsonNode completeness = rows.get(key(dim, q.getKey(), "data_completeness"));
            assertThat(completeness).as(what).isNotNull();
            assertThat(completeness.get("numerator").asLong()).as(what + " data minutes; days short: " + shortfall)
                    .isEqualTo(minutes);
            assertThat(completeness.get("denominator").asLong()).as(what + " enrolled minutes")
                    .isEqualTo(ps.size() * dayMinutes);
            assertThat(rows.get(key(dim, q.getKey(), "patient_days")).get("numerator").asLong())
                    .as(what + " patient-days").isEqualTo(31L * ps.size());
            JsonNode reached = rows.get(key(dim, q.getKey(), "monitored_days"));
            assertThat(reached.get("numerator").asLong()).as(what + " reached").isEqualTo(monitored);
            assertThat(reached.get("denominator").asLong() - reached.get("numerator").asLong()).as(what + " missed")
                    .isEqualTo(31L * ps.size() - monitored);
            assertThat(rows.get(key(dim, q.getKey(), "clinical_alerts")).get("numerator").asLong())
                    .as(what + " clinical alerts").isEqualTo(clinical);
            assertThat(rows.get(key(dim, q.getKey(), "technical_alerts")).get("numerator").asLong())
                    .as(what + " technical alerts").isEqualTo(technical);
        }
        assertThat(rows.keySet()).as("no other quintile").allMatch(k -> !k.contains("|imd_quintile|")
                || byQuintile.keySet().stream().anyMatch(q -> k.contains("|imd_quintile|" + q + "|")));
    }

    /**
     * Every reading the job read was counted in a day: the job read all of them, and none was dropped as late (a reading
     * past its day's allowed lateness is counted, {@code equityDroppedLate{input=reading}}, and in no figure).
     */
    static void assertEveryReadingAccountedFor(String job, String what) {
        assertThat(InProcessMetrics.sumCounters(job, "." + EquityMetrics.READINGS)).as(what + " readings read")
                .isEqualTo(READINGS);
        assertThat(InProcessMetrics.sumCountersBy(job, "wardstream", EquityMetrics.INPUT, EquityMetrics.DROPPED_LATE))
                .as(what + " inputs dropped as late").allSatisfy((input, n) -> assertThat(n).as(input).isZero());
        assertThat(InProcessMetrics.sumCounters(job, "." + EquityMetrics.DAYS_WITHOUT_ENROLMENT))
                .as(what + " days without an enrolment").isZero();
    }

    /** The March days whose data minutes (quintile 1: p-a and p-b; 5: p-c and p-d) fall short, for a failure message. */
    static String shortfall(long generation) throws Exception {
        Map<String, JsonNode> newest = new HashMap<>();
        for (JsonNode r : internal()) {
            if (r.get("generation").asLong() == generation) {
                newest.merge(r.get("key").asText(), r,
                        (a, b) -> a.get("revision").asInt() >= b.get("revision").asInt() ? a : b);
            }
        }
        StringBuilder out = new StringBuilder();
        for (LocalDate d = MARCH; d.isBefore(MARCH.plusMonths(1)); d = d.plusDays(1)) {
            for (String q : List.of("1", "5")) {
                JsonNode r = newest.get("virtual-ward|day|" + d + "|imd_quintile|" + q + "|data_completeness");
                long got = r == null ? 0 : r.get("numerator").asLong();
                long full = generation == 0 ? (q.equals("1") ? 1300 : 2300) : (q.equals("1") ? 600 : 3000);
                if (got != full) {
                    out.append(d).append(" q").append(q).append(' ').append(got).append('/').append(full).append("; ");
                }
            }
        }
        return out.length() == 0 ? "none" : out.toString();
    }

    static String key(String dimension, String stratum, String measure) {
        return "virtual-ward|month|2026-03-01|" + dimension + "|" + stratum + "|" + measure;
    }

    /** The internal rows of March of one generation, newest revision of each row key. */
    static Map<String, JsonNode> march(List<JsonNode> internal, long generation) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode r : internal) {
            if (r.get("generation").asLong() == generation
                    && r.get("key").asText().startsWith("virtual-ward|month|2026-03-01|")) {
                out.merge(r.get("key").asText(), r,
                        (a, b) -> a.get("revision").asInt() >= b.get("revision").asInt() ? a : b);
            }
        }
        return out;
    }

    static List<JsonNode> internal() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String[] r : records(Topics.EQUITY_AGGREGATES_INTERNAL)) {
            out.add(JSON.readTree(r[1]));
        }
        return out;
    }

    static List<String[]> records(String topic) {
        try (CommittedTopicReader reader = KIT.reader(topic)) {
            List<String[]> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : reader.poll()) {
                out.add(new String[] {new String(r.key(), StandardCharsets.UTF_8),
                        new String(r.value(), StandardCharsets.UTF_8)});
            }
            return out;
        }
    }

    /**
     * The live job as deployed, on its default settings (idleness 30 s on every source, the enrolment hold's 30 s of
     * quiet), with its own consumer group and a 500-ms checkpoint interval. Session 23's draft gave it a 1-s idleness:
     * the device-events partitions that the Kafka consumer had not yet handed a record 1 s after their assignment (it
     * handed over p-a's partition first) were taken as quiet, event time went on with p-a's readings alone to about 7
     * March (a source's watermark never goes back), and p-b's, p-c's and p-d's readings of 1-5 March, read next, were
     * past their days' allowed lateness: 3,000 readings (15,000 data minutes, 96,600 of 111,600) dropped as late,
     * counted in {@code equityDroppedLate{input=reading}} and in no figure. Since session 25 the readings' partitions
     * go idle only once the subtask has caught up ({@link CatchUpIdleness}), and this run gives them that 1-s idleness
     * again (the other sources keep 30 s), so it also checks end to end that no reading is lost however soon a partition
     * the consumer has not served yet would have counted as idle. It is not a deterministic regression test: with
     * Flink's plain idleness put back, one run (session 25) lost nothing either, the consumer having served every
     * partition within 1 s; {@code CatchUpIdlenessTest} is the deterministic one.
     */
    static JobClient startLive() throws Exception {
        EquityJobConfig config = EquityJobConfig.defaults(KIT.bootstrapServers());
        PipelineConfig k = config.kafka();
        config = config.withKafka(new PipelineConfig(k.bootstrapServers(), new Properties(), "equity-live-it",
                "equity-live-it", Duration.ofMillis(500), k.ingest().withIdleness(Duration.ofSeconds(1)), null));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().setAutoWatermarkInterval(100);
        EquityMetricsJob.buildKafka(env, config);
        return env.executeAsync("equity-live-it");
    }

    static void sendEnrolment(String id, int decile, Instant updatedAt) throws Exception {
        Enrolment e = Enrolment.newBuilder().setPatientId(id).setProgramme(TestEvents.PROGRAMME)
                .setStatus(EnrolmentStatus.ACTIVE).setEnrolledOn(MARCH).setTimeZone("Europe/London")
                .setStratifiers(Stratifiers.newBuilder().setImdDecile(decile).setImdEdition("IoD2019")
                        .setEthnicCategory("A").setSexCode("2").setAgeBand("65-74").setIcbCode("QWE").build())
                .setThresholdOverrides(Map.of()).setUpdatedAt(updatedAt).build();
        KIT.send(new ProducerRecord<>(Topics.ENROLMENTS, null, updatedAt.toEpochMilli(),
                AvroCodec.patientKeys().encode(TestEvents.patientKey(id)), AvroCodec.enrolments().encode(e)));
    }

    /** A 5-minute activity sample from {@code t}, received 2 s after it ends (timely). */
    static ProducerRecord<byte[], byte[]> activity(String id, Instant t) {
        Instant received = t.plusSeconds(302);
        DeviceEvent e = DeviceEvent.newBuilder().setEventId(id + "-" + t.toEpochMilli()).setTime(t)
                .setTimeReceived(received).setUtcOffsetMinutes(0).setPayload(new ActivitySample(300, 40, 100)).build();
        return new ProducerRecord<>(Topics.DEVICE_EVENTS, null, received.toEpochMilli(), TestEvents.keyBytes(id),
                TestEvents.valueBytes(e));
    }
}
