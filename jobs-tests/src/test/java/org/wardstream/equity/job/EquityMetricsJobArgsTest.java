package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.wardstream.jobs.SecretRef;

/** The PostgreSQL password never comes from the command line. */
class EquityMetricsJobArgsTest {
    static final String[] BASE = {"--bootstrap-servers", "kafka:9093", "--postgres-url",
        "jdbc:postgresql://db/wardstream", "--postgres-user", "equity"};

    static String[] with(String... extra) {
        String[] all = new String[BASE.length + extra.length];
        System.arraycopy(BASE, 0, all, 0, BASE.length);
        System.arraycopy(extra, 0, all, BASE.length, extra.length);
        return all;
    }

    @Test
    void aPasswordOnTheCommandLineIsRefusedWithTheWayToGiveIt() {
        assertThatThrownBy(() -> EquityMetricsJob.parse(with("--postgres-password", "hunter2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--postgres-password-file").hasMessageContaining("WARDSTREAM_POSTGRES_PASSWORD")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> EquityMetricsJob.parse(new String[] {"--bootstrap-servers", "k:1",
            "--postgres-url", "jdbc:postgresql://db/w?user=equity&password=hunter2"}))
                .hasMessageContaining("must not carry a password").hasMessageNotContaining("hunter2");
    }

    @Test
    void thePasswordComesFromAFileOrTheEnvironmentByReference() {
        EquityJobConfig fromFile = EquityMetricsJob.parse(with("--postgres-password-file", "/run/secrets/pg"));
        assertThat(fromFile.postgresPassword()).isEqualTo(SecretRef.ofFile("/run/secrets/pg"));
        EquityJobConfig fromEnv = EquityMetricsJob.parse(BASE);
        assertThat(fromEnv.postgresPassword()).isEqualTo(SecretRef.ofEnv(EquityMetricsJob.POSTGRES_PASSWORD_ENV));
        assertThat(fromEnv.toString()).contains("environment variable WARDSTREAM_POSTGRES_PASSWORD");
    }

    /**
     * Probe 19a D5: a bounded run is a recomputation whose PostgreSQL rows of final windows replace the live job's
     * ({@code RecomputationTest} in {@code equity}); its generation is fixed when the job is built (submission).
     */
    @Test
    void aBoundedRunIsARecomputationWithItsSubmissionTimeAsGeneration() {
        assertThat(EquityMetricsJob.parse(BASE).recomputation()).as("the live job").isNull();
        java.time.Instant before = java.time.Instant.now();
        EquityJobConfig bounded = EquityMetricsJob.parse(with("--bounded", "--allowed-lateness", "PT36H",
                "--recompute-from", "2026-03-01"));
        assertThat(bounded.bounded()).isTrue();
        assertThat(bounded.recomputation().submittedAt()).isBetween(before, java.time.Instant.now());
        assertThat(bounded.recomputation().allowedLateness()).isEqualTo(java.time.Duration.ofHours(36));
        assertThat(bounded.recomputation().from()).isEqualTo(java.time.LocalDate.of(2026, 3, 1));
        // its own consumer groups and transactional ids: from the earliest offsets, the live job's producers unfenced
        String own = "wardstream-equity-metrics-recompute-" + bounded.recomputation().generation();
        assertThat(bounded.kafka().groupId()).isEqualTo(own);
        assertThat(bounded.kafka().transactionalIdPrefix()).isEqualTo(own);
        assertThat(EquityMetricsJob.parse(BASE).kafka().groupId()).isEqualTo(EquityJobConfig.GROUP_ID);
        assertThat(EquityMetricsJob.parse(with("--bounded")).recomputation().from()).isNull();
        assertThatThrownBy(() -> EquityMetricsJob.parse(with("--recompute-from", "2026-03-01")))
                .hasMessageContaining("--bounded");
        assertThatThrownBy(() -> EquityMetricsJob.parse(with("--bounded", "--recompute-from", "March")))
                .hasMessageContaining("2026-03-01");
    }

    /** The rows a recomputation's one operator ({@link RecomputedRows}) passes on for {@code row}. */
    static java.util.List<EquityRowOut> recomputed(RecomputedRows op, EquityRowOut row) {
        java.util.List<EquityRowOut> out = new java.util.ArrayList<>();
        op.flatMap(row, new org.apache.flink.util.Collector<>() {
            @Override
            public void collect(EquityRowOut r) {
                out.add(r);
            }

            @Override
            public void close() {
            }
        });
        return out;
    }

    static String monthJson(String start, String end) {
        return "{\"key\":\"k\",\"programme\":\"virtual-ward\",\"window_start\":\"" + start + "\","
                + "\"window_end\":\"" + end + "\",\"granularity\":\"month\",\"dimension\":\"all\","
                + "\"stratum\":\"all\",\"measure\":\"patient_days\",\"method\":\"count\","
                + "\"numerator_count\":\"35\",\"denominator_count\":\"35\",\"revision\":0}";
    }

    /** --recompute-from keeps the windows before it out of every sink (the topics too), not only PostgreSQL. */
    @Test
    void recomputeFromKeepsEarlierWindowsOutOfTheSinks() {
        RecomputedRows op = new RecomputedRows(EquityMetricsJob.parse(with("--bounded", "--recompute-from",
                "2026-03-01")).recomputation());
        assertThat(recomputed(op, new EquityRowOut(EquityRowOut.PUBLISHED,
                "virtual-ward|month|2026-02-01|all|all|patient_days", 0, monthJson("2026-02-01", "2026-03-01"))))
                .isEmpty();
        assertThat(recomputed(op, new EquityRowOut(EquityRowOut.INTERNAL,
                "virtual-ward|day|2026-02-28|all|all|patient_days", 0, monthJson("2026-02-28", "2026-03-01")
                        .replace("month", "day")))).isEmpty();
        assertThat(recomputed(op, new EquityRowOut(EquityRowOut.PUBLISHED,
                "virtual-ward|month|2026-03-01|ethnic_group|Mixed|patient_days", 0,
                monthJson("2026-03-01", "2026-04-01")))).hasSize(1);
    }

    /**
     * A bounded run's rows carry its generation on the topics too (closing 20: only PostgreSQL had it, so a reader of
     * the compacted topic took the live job's higher revision of a stratum the recomputation had emptied); the month
     * in progress is written as the live job's; a message from before the field reads as generation 0.
     */
    @Test
    void aRecomputationsRowsCarryItsGenerationOnTheTopics() {
        org.wardstream.equity.io.Recomputation april10 = new org.wardstream.equity.io.Recomputation(
                java.time.Instant.parse("2026-04-10T08:00:00Z"), java.time.Duration.ofHours(24), null);
        RecomputedRows stamp = new RecomputedRows(april10);
        String k = "virtual-ward|month|2026-03-01|all|all|patient_days";
        String march = monthJson("2026-03-01", "2026-04-01");
        assertThat(RowJson.parsePublished(march).generation()).as("a message without the field").isZero();
        EquityRowOut out = recomputed(stamp, new EquityRowOut(EquityRowOut.PUBLISHED, k, 0, march)).get(0);
        assertThat(RowJson.parsePublished(out.json).generation()).isEqualTo(april10.generation());
        assertThat(RowJson.parsePublished(RowJson.published(RowJson.parsePublished(out.json))))
                .isEqualTo(RowJson.parsePublished(out.json));
        EquityRowOut april = recomputed(stamp, new EquityRowOut(EquityRowOut.PUBLISHED,
                k.replace("2026-03-01", "2026-04-01"), 0, monthJson("2026-04-01", "2026-05-01"))).get(0);
        assertThat(RowJson.parsePublished(april.json).generation()).as("the month in progress at submission")
                .isZero();
        assertThat(april.key).as("the month in progress: under its row key, for the live job to replace")
                .isEqualTo(k.replace("2026-03-01", "2026-04-01"));
        assertThat(recomputed(stamp, new EquityRowOut(EquityRowOut.INTERNAL, k, 0, march)).get(0).json)
                .as("the internal view too").contains("\"generation\":" + april10.generation());
    }

    /**
     * Session 22: on the compacted topic (last message per key wins) the live job's next emission of a recomputed
     * window, from its uncorrected state, replaced the recomputed rows, which had the same message key: a reader of
     * the compacted topic (or a CSV exported from it) saw the uncorrected figures, and the report headed them as the
     * live job's. A recomputation's rows of its generation now have their own message key; the reader takes the
     * window's highest generation, as before.
     */
    @Test
    void aLiveEmissionAfterARecomputationLeavesTheRecomputedRowOnTheCompactedTopic() {
        org.wardstream.equity.io.Recomputation april10 = new org.wardstream.equity.io.Recomputation(
                java.time.Instant.parse("2026-04-10T08:00:00Z"), java.time.Duration.ofHours(24), null);
        String k = "virtual-ward|month|2026-03-01|all|all|patient_days";
        String corrected = monthJson("2026-03-01", "2026-04-01").replace("\"35\"", "\"40\"");
        EquityRowOut recomputedRow = recomputed(new RecomputedRows(april10),
                new EquityRowOut(EquityRowOut.PUBLISHED, k, 0, corrected)).get(0);
        EquityRowOut liveRow = new EquityRowOut(EquityRowOut.PUBLISHED, k, 3,
                monthJson("2026-03-01", "2026-04-01").replace("\"revision\":0", "\"revision\":3"));
        EquityRowSerializer topic = new EquityRowSerializer(org.wardstream.contract.Topics.EQUITY_AGGREGATES);
        java.util.Map<String, String> compacted = new java.util.LinkedHashMap<>();
        for (EquityRowOut r : java.util.List.of(recomputedRow, liveRow)) { // in the order they were written
            var record = topic.serialize(r, null, null);
            compacted.put(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8),
                    new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        java.util.List<org.wardstream.equity.disclosure.PublishedRow> read = compacted.values().stream()
                .map(RowJson::parsePublished).toList();
        assertThat(org.wardstream.equity.report.EquityReport.newestComputation(read))
                .singleElement().satisfies(r -> {
                    assertThat(r.generation()).isEqualTo(april10.generation());
                    assertThat(r.numeratorCount()).isEqualTo("40");
                    assertThat(r.key()).isEqualTo(k);
                });
    }

    /** Session 25: the sources' idleness is a setting (every source's; positive: 0 would wait on an empty partition). */
    @Test
    void idlenessIsASettingOfEverySource() {
        assertThat(EquityMetricsJob.parse(BASE).settings().idleness()).isEqualTo(java.time.Duration.ofSeconds(30));
        EquityJobConfig c = EquityMetricsJob.parse(with("--idleness", "PT2M"));
        assertThat(c.settings().idleness()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(c.kafka().ingest().idleness()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThatThrownBy(() -> EquityMetricsJob.parse(with("--idleness", "PT0S")))
                .hasMessageContaining("--idleness must be positive");
    }
}
