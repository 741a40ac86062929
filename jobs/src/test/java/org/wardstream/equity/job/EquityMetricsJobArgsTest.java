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
}
