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

    /** --recompute-from keeps the windows before it out of every sink (the topics too), not only PostgreSQL. */
    @Test
    void recomputeFromKeepsEarlierWindowsOutOfTheSinks() {
        RecomputeFrom filter = new RecomputeFrom(EquityMetricsJob.parse(with("--bounded", "--recompute-from",
                "2026-03-01")).recomputation());
        assertThat(filter.filter(new EquityRowOut(EquityRowOut.PUBLISHED,
                "virtual-ward|month|2026-02-01|all|all|patient_days", 0, "{}"))).isFalse();
        assertThat(filter.filter(new EquityRowOut(EquityRowOut.INTERNAL,
                "virtual-ward|day|2026-02-28|all|all|patient_days", 0, "{}"))).isFalse();
        assertThat(filter.filter(new EquityRowOut(EquityRowOut.PUBLISHED,
                "virtual-ward|month|2026-03-01|ethnic_group|Mixed|patient_days", 0, "{}"))).isTrue();
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
        RecomputedGeneration stamp = new RecomputedGeneration(april10);
        String march = "{\"key\":\"k\",\"programme\":\"virtual-ward\",\"window_start\":\"2026-03-01\","
                + "\"window_end\":\"2026-04-01\",\"granularity\":\"month\",\"dimension\":\"all\","
                + "\"stratum\":\"all\",\"measure\":\"patient_days\",\"method\":\"count\","
                + "\"numerator_count\":\"35\",\"denominator_count\":\"35\",\"revision\":0}";
        assertThat(RowJson.parsePublished(march).generation()).as("a message without the field").isZero();
        EquityRowOut out = stamp.map(new EquityRowOut(EquityRowOut.PUBLISHED, "k", 0, march));
        assertThat(RowJson.parsePublished(out.json).generation()).isEqualTo(april10.generation());
        assertThat(RowJson.parsePublished(RowJson.published(RowJson.parsePublished(out.json))))
                .isEqualTo(RowJson.parsePublished(out.json));
        String april = march.replace("2026-03-01", "2026-04-01").replace("2026-04-01\",\"gran",
                "2026-05-01\",\"gran");
        assertThat(RowJson.parsePublished(stamp.map(new EquityRowOut(EquityRowOut.PUBLISHED, "k", 0, april)).json)
                .generation()).as("the month in progress at submission").isZero();
        assertThat(stamp.map(new EquityRowOut(EquityRowOut.INTERNAL, "k", 0, march)).json)
                .as("the internal view too").contains("\"generation\":" + april10.generation());
    }
}
