package org.wardstream.triage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.embedded.EmbeddedPostgres;
import org.wardstream.triage.cli.TriageCommand;
import org.wardstream.triage.store.Database;
import org.wardstream.triage.store.Users;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code wardstream triage users add / tokens add} against the embedded PostgreSQL, and the one-line usage errors. */
class TriageCommandIT {
    private static EmbeddedPostgres pg;
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.start();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    private int run(String... args) {
        CommandLine cl = TriageCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void aUserAddedFromAPasswordFileCanSignInAndATokenIsPrintedOnce() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "a-long-password-42\n");
        assertThat(run("users", "add", "--name", "alice", "--role", "clinician", "--programme", "cardiac",
                "--password-file", pw.toString(), "--jdbc-url", pg.jdbcUrl(), "--db-user", pg.user())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("user alice (clinician, cardiac) added").doesNotContain("a-long-password-42");
        assertThat(run("tokens", "add", "--name", "alice", "--label", "ehr", "--jdbc-url", pg.jdbcUrl(), "--db-user",
                pg.user())).isZero();
        String token = out.toString().lines().reduce((a, b) -> b).orElseThrow();
        try (Database db = Database.open(pg.jdbcUrl(), pg.user(), null, 2)) {
            Users users = new Users(db, 4);
            assertThat(users.authenticate("alice", "a-long-password-42".toCharArray())).get()
                    .extracting(TriageUser::programmes).asString().contains("cardiac");
            assertThat(users.authenticate("alice", "wrong-password-42".toCharArray())).isEmpty();
            assertThat(users.byToken(token)).get().extracting(TriageUser::username).isEqualTo("alice");
            String stored = rows(db, "select password_hash from app_user where username = 'alice'");
            assertThat(stored).startsWith("$2y$12$").doesNotContain("a-long-password-42");
        }
    }

    @Test
    void usageErrorsAreOneLineAndNeverEchoASecret() throws Exception {
        Path pw = Files.writeString(dir.resolve("short"), "short\n");
        assertThat(run("users", "add", "--name", "bob", "--role", "clinician", "--programme", "cardiac",
                "--password-file", pw.toString(), "--jdbc-url", pg.jdbcUrl(), "--db-user", pg.user())).isEqualTo(2);
        assertThat(err.toString()).contains("at least 12 characters").doesNotContain("short\n").hasLineCount(1);
        err.getBuffer().setLength(0);
        assertThat(run("users", "add", "--name", "bob", "--role", "surgeon", "--password-file", pw.toString(),
                "--jdbc-url", pg.jdbcUrl())).isEqualTo(2);
        assertThat(err.toString()).contains("--role surgeon").hasLineCount(1);
        err.getBuffer().setLength(0);
        assertThat(run("--jdbc-url", "mysql://x")).isEqualTo(2);
        assertThat(err.toString()).startsWith("triage: --jdbc-url mysql://x: not a PostgreSQL JDBC URL").hasLineCount(1);
    }

    /**
     * A database that is down (the service started before PostgreSQL, or a wrong port) or refuses the login is one
     * line and exit 1, for the service and for its users command alike; it printed HikariCP's whole trace (119 lines
     * with causes, repeated at every systemd restart; probe 16b D15).
     */
    @Test
    void aDatabaseThatIsDownOrRefusesTheLoginIsOneLineExit1() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(run("--jdbc-url", "jdbc:postgresql://127.0.0.1:" + closed + "/triage", "--db-user", "triage",
                "--bootstrap-servers", "127.0.0.1:1", "--port", "0")).isEqualTo(1);
        assertThat(err.toString()).startsWith("triage: cannot use the database: ").contains(String.valueOf(closed))
                .contains("SQL state 08").doesNotContain("\tat ").hasLineCount(1);
        err.getBuffer().setLength(0);
        Path pw = Files.writeString(dir.resolve("long"), "a-long-password-43\n");
        Path wrong = Files.writeString(dir.resolve("wrong-db-password"), "not-the-password\n");
        assertThat(run("users", "add", "--name", "carol", "--role", "clinician", "--programme", "cardiac",
                "--password-file", pw.toString(), "--jdbc-url", pg.jdbcUrl(), "--db-user", "nobody-here",
                "--db-password-file", wrong.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("cannot use the database: ").contains("SQL state 28")
                .doesNotContain("not-the-password").hasLineCount(1);
    }

    private static String rows(Database db, String sql) throws Exception {
        try (var c = db.dataSource().getConnection(); var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
