package org.wardstream.triage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the configuration shows in the log: never a credential, wherever the JDBC URL carries one. */
class TriageConfigTest {

    @Test
    void toStringRedactsPasswordsInTheJdbcUrl() {
        TriageConfig c = TriageConfig.of("localhost:9092",
                "jdbc:postgresql://db.internal:5432/triage?user=triage&password=s3cret-pw&sslpassword=k3y-pw&ssl=true",
                "triage", "db-pw");
        assertThat(c.toString()).doesNotContain("s3cret-pw", "k3y-pw", "db-pw")
                .contains("jdbc:postgresql://db.internal:5432/triage?user=triage&password=(redacted)"
                        + "&sslpassword=(redacted)&ssl=true", "dbPassword=(set)");
    }

    @Test
    void redactJdbcUrlHidesUserInfoAndEveryPasswordLikeParameter() {
        assertThat(TriageConfig.redactJdbcUrl("jdbc:postgresql://triage:pa55@db:5432/triage"))
                .isEqualTo("jdbc:postgresql://(redacted)@db:5432/triage");
        // the driver splits on & only: ';' and '#' belong to the value (probe 16b D8: "Tr1age;Night#Shift42" showed
        // ";Night#Shift42")
        assertThat(TriageConfig.redactJdbcUrl("jdbc:postgresql://db/triage?PWD=x1;Password=x2&loginTimeout=5#f"))
                .isEqualTo("jdbc:postgresql://db/triage?PWD=(redacted)&loginTimeout=5#f");
        assertThat(TriageConfig.redactJdbcUrl(
                "jdbc:postgresql://db.internal:5432/triage?user=triage&password=Tr1age;Night#Shift42&ssl=true"))
                .isEqualTo("jdbc:postgresql://db.internal:5432/triage?user=triage&password=(redacted)&ssl=true");
        assertThat(TriageConfig.redactJdbcUrl("jdbc:postgresql:triage?sslkeypassword=x3&apiToken=x4&user=u"))
                .isEqualTo("jdbc:postgresql:triage?sslkeypassword=(redacted)&apiToken=(redacted)&user=u");
        assertThat(TriageConfig.redactJdbcUrl("jdbc:postgresql://db:5432/triage?user=triage"))
                .isEqualTo("jdbc:postgresql://db:5432/triage?user=triage");
        assertThat(TriageConfig.redactJdbcUrl(null)).isNull();
    }
}
