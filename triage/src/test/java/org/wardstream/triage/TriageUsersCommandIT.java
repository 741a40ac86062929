package org.wardstream.triage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.embedded.EmbeddedPostgres;
import org.wardstream.triage.cli.TriageCommand;
import org.wardstream.triage.store.Database;
import org.wardstream.triage.store.Users;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code wardstream triage users add} changing an existing user and checking programme codes, through the service
 * jar's command line on the embedded PostgreSQL (adversarial probe 18b, D2 and D3).
 *
 * <p>D2: {@code --replace} (documented for a new password, role or programmes) deleted the user and inserted it again:
 * {@code api_token} references it {@code on delete cascade}, so every API token was revoked without a word (the EHR
 * integration's user given a second programme got 401 from then on), a disabled user was re-enabled and its creation
 * time reset. It now changes the user in place and says what became of its tokens.
 *
 * <p>D3: a programme code no enrolment names ({@code cardiac-nroth}) was accepted silently: the clinician's worklist
 * is then always empty, like a quiet ward. It is refused naming the known programmes, unless
 * {@code --allow-unknown-programme} (a new programme before its first patient), which is accepted with a warning.
 * (A database without any enrolment cannot be checked: {@link TriageCommandIT} adds users to one.)
 */
class TriageUsersCommandIT {
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

    @BeforeEach
    void clear() {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
    }

    private int run(String... args) {
        CommandLine cl = TriageCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        System.arraycopy(new String[] {"--jdbc-url", pg.jdbcUrl(), "--db-user", pg.user()}, 0, all, args.length, 4);
        return cl.execute(all);
    }

    /** The service's enrolments (as its ingest stores them from the enrolments topic). */
    private static void enrol(String programme, String... patients) throws Exception {
        try (Database db = Database.open(pg.jdbcUrl(), pg.user(), null, 2);
             var c = db.dataSource().getConnection();
             var ps = c.prepareStatement("insert into enrolment (patient, programme, status, updated_at) "
                     + "values (?, ?, 'ACTIVE', now()) on conflict do nothing")) {
            for (String p : patients) {
                ps.setString(1, p);
                ps.setString(2, programme);
                ps.executeUpdate();
            }
        }
    }

    private static String one(String sql) throws Exception {
        try (Database db = Database.open(pg.jdbcUrl(), pg.user(), null, 2);
             var c = db.dataSource().getConnection(); var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static boolean tokenWorks(String token) throws Exception {
        try (Database db = Database.open(pg.jdbcUrl(), pg.user(), null, 2)) {
            return new Users(db, 4).byToken(token).isPresent();
        }
    }

    @Test
    void givingAUserASecondProgrammeKeepsItsApiTokensCreationTimeAndDisabledState() throws Exception {
        enrol("cardiac-north", "cn-1");
        enrol("cardiac-south", "cs-1");
        Path pw = Files.writeString(dir.resolve("pw"), "ehr-bot-password-42\n");
        assertThat(run("users", "add", "--name", "ehr-bot", "--role", "clinician", "--programme", "cardiac-north",
                "--password-file", pw.toString())).as(err.toString()).isZero();
        assertThat(run("tokens", "add", "--name", "ehr-bot", "--label", "EHR integration")).as(err.toString()).isZero();
        String token = out.toString().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(tokenWorks(token)).as("the token works before").isTrue();
        String created = one("select created_at from app_user where username = 'ehr-bot'");
        out.getBuffer().setLength(0);

        // the integration now serves a second programme too ("--replace  # new password, role or programmes")
        assertThat(run("users", "add", "--name", "ehr-bot", "--role", "clinician", "--programme", "cardiac-north",
                "--programme", "cardiac-south", "--password-file", pw.toString(), "--replace"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("user ehr-bot (clinician, cardiac-north, cardiac-south) saved; its 1 API "
                + "token(s) kept (--revoke-tokens removes them)");
        assertThat(tokenWorks(token)).as("the EHR's token after --replace").isTrue();
        try (Database db = Database.open(pg.jdbcUrl(), pg.user(), null, 2)) {
            assertThat(new Users(db, 4).byToken(token).orElseThrow().programmes())
                    .containsExactlyInAnyOrder("cardiac-north", "cardiac-south");
        }
        assertThat(one("select created_at from app_user where username = 'ehr-bot'")).isEqualTo(created);

        // a disabled user stays disabled when replaced (a new password does not bring it back)
        assertThat(run("users", "disable", "--name", "ehr-bot")).isZero();
        out.getBuffer().setLength(0);
        assertThat(run("users", "add", "--name", "ehr-bot", "--role", "clinician", "--programme", "cardiac-north",
                "--password-file", pw.toString(), "--replace")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("is disabled and stays so");
        assertThat(one("select disabled from app_user where username = 'ehr-bot'")).isEqualTo("t");
        assertThat(run("users", "enable", "--name", "ehr-bot")).as(err.toString()).isZero();
        assertThat(one("select disabled from app_user where username = 'ehr-bot'")).isEqualTo("f");

        // revoking is asked for, and said
        assertThat(run("tokens", "add", "--name", "ehr-bot", "--label", "EHR integration")).isZero();
        String second = out.toString().lines().reduce((a, b) -> b).orElseThrow();
        out.getBuffer().setLength(0);
        assertThat(run("users", "add", "--name", "ehr-bot", "--role", "clinician", "--programme", "cardiac-north",
                "--password-file", pw.toString(), "--replace", "--revoke-tokens")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("1 API token(s) removed: issue new ones with tokens add");
        assertThat(tokenWorks(second)).isFalse();
    }

    @Test
    void aProgrammeNoPatientIsEnrolledInIsRefusedNamingTheKnownOnesUnlessAllowed() throws Exception {
        enrol("cardiac-north", "cn-1", "cn-2");
        Path pw = Files.writeString(dir.resolve("pw2"), "ward-nurse-password-42\n");
        assertThat(run("users", "add", "--name", "ward-nurse", "--role", "clinician", "--programme", "cardiac-nroth",
                "--password-file", pw.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--programme cardiac-nroth: no patient is enrolled in this programme")
                .contains("the enrolments name: cardiac-north").contains("--allow-unknown-programme").hasLineCount(1);
        assertThat(one("select count(*) from app_user where username = 'ward-nurse'")).isEqualTo("0");

        // a new programme whose first patient is not enrolled yet: allowed on request, with a warning
        err.getBuffer().setLength(0);
        assertThat(run("users", "add", "--name", "ward-nurse", "--role", "clinician", "--programme", "heart-failure-east",
                "--password-file", pw.toString(), "--allow-unknown-programme")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("user ward-nurse (clinician, heart-failure-east) added");
        assertThat(err.toString()).contains("warning: no patient is enrolled in programme heart-failure-east yet");

        // a programme the user already has is not questioned again when the user is replaced
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        assertThat(run("users", "add", "--name", "ward-nurse", "--role", "clinician", "--programme", "heart-failure-east",
                "--programme", "cardiac-north", "--password-file", pw.toString(), "--replace"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("user ward-nurse (clinician, heart-failure-east, cardiac-north) saved");
    }

    /**
     * Session 19: {@code --replace} to change only a user's programmes asked for a password (a prompt at a terminal,
     * the first line of stdin otherwise: with none it failed, "no password"), so the operator had to set one nobody
     * meant to change, or knew. Without --password-file, --password-env or --new-password, an existing user now keeps
     * its stored password hash and the command says so; a line on piped stdin still sets a new one.
     */
    @Test
    void replacingOnlyTheProgrammesKeepsThePasswordAndSaysSo() throws Exception {
        String hash = clinicianOfCardiacNorth("night-nurse");
        out.getBuffer().setLength(0);

        java.io.InputStream stdin = System.in;
        try {
            // nothing on stdin (a script, cron): kept, not "no password"
            System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
            assertThat(run("users", "add", "--name", "night-nurse", "--role", "clinician", "--programme", "cardiac-north",
                    "--programme", "cardiac-south", "--replace")).as(err.toString()).isZero();
            assertThat(out.toString()).contains("user night-nurse (clinician, cardiac-north, cardiac-south) saved")
                    .contains("the password of night-nurse is unchanged (none given: the stored one is kept;"
                            + " --new-password asks for a new one)");
            assertThat(one("select password_hash from app_user where username = 'night-nurse'")).isEqualTo(hash);
            try (Database db = Database.open(pg.jdbcUrl(), pg.user(), null, 2)) {
                Users users = new Users(db, 4);
                assertThat(users.authenticate("night-nurse", "night-nurse-password-42".toCharArray())).isPresent();
                assertThat(users.find("night-nurse").orElseThrow().programmes())
                        .containsExactlyInAnyOrder("cardiac-north", "cardiac-south");
            }

            // a new password piped in is still set, as before
            out.getBuffer().setLength(0);
            System.setIn(new java.io.ByteArrayInputStream("night-nurse-rotated-43\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(run("users", "add", "--name", "night-nurse", "--role", "clinician", "--programme", "cardiac-north",
                    "--replace")).as(err.toString()).isZero();
            assertThat(out.toString()).doesNotContain("unchanged");
            try (Database db = Database.open(pg.jdbcUrl(), pg.user(), null, 2)) {
                assertThat(new Users(db, 4).authenticate("night-nurse", "night-nurse-rotated-43".toCharArray())).isPresent();
            }
        } finally {
            System.setIn(stdin);
        }
    }

    /**
     * The same at a terminal (a real pseudo-terminal, util-linux {@code script}, as UsersAddPasswordPromptTest): no
     * password prompt, the stored password kept; with {@code --new-password} the prompt comes.
     */
    @Test
    void replacingAtATerminalDoesNotAskForAPasswordUnlessAskedTo() throws Exception {
        String hash = clinicianOfCardiacNorth("day-nurse");

        Path screen = Files.createTempFile(dir, "pty", ".txt");
        Process p = atTerminal(screen, "--replace");
        try {
            boolean ended = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ended).as("ended without asking (the screen: %s)", Files.readString(screen)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(screen)).isZero();
        } finally {
            p.destroyForcibly();
        }
        assertThat(Files.readString(screen)).doesNotContain("Password for")
                .contains("the password of day-nurse is unchanged");
        assertThat(one("select password_hash from app_user where username = 'day-nurse'")).isEqualTo(hash);
        assertThat(one("select string_agg(programme, ',' order by programme) from user_programme"
                + " where username = 'day-nurse'")).isEqualTo("cardiac-north,cardiac-south");

        // asked for: the prompt (typed twice), and the new password set
        Path screen2 = Files.createTempFile(dir, "pty", ".txt");
        Process q = atTerminal(screen2, "--replace", "--new-password");
        try (java.io.OutputStream in = q.getOutputStream()) {
            awaitScreen(screen2, "Password for day-nurse:");
            in.write("day-nurse-rotated-43\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitScreen(screen2, "The same password again:");
            in.write("day-nurse-rotated-43\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(q.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(q.exitValue()).as(Files.readString(screen2)).isZero();
        } finally {
            q.destroyForcibly();
        }
        try (Database db = Database.open(pg.jdbcUrl(), pg.user(), null, 2)) {
            assertThat(new Users(db, 4).authenticate("day-nurse", "day-nurse-rotated-43".toCharArray())).isPresent();
        }
    }

    /**
     * Adds clinician {@code name} of cardiac-north (password {@code <name>-password-42}, from a file), with patients
     * enrolled in cardiac-north and cardiac-south; returns its stored password hash.
     */
    private String clinicianOfCardiacNorth(String name) throws Exception {
        enrol("cardiac-north", "cn-1");
        enrol("cardiac-south", "cs-1");
        Path pw = Files.writeString(dir.resolve("pw-" + name), name + "-password-42\n");
        assertThat(run("users", "add", "--name", name, "--role", "clinician", "--programme", "cardiac-north",
                "--password-file", pw.toString())).as(err.toString()).isZero();
        return one("select password_hash from app_user where username = '" + name + "'");
    }

    /** {@code users add --name day-nurse ... <extra>} run on a pseudo-terminal, its screen written to {@code screen}. */
    private static Process atTerminal(Path screen, String... extra) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaBin, "-cp",
                System.getProperty("java.class.path"), "org.wardstream.triage.cli.TriageCommand", "users", "add",
                "--name", "day-nurse", "--role", "clinician", "--programme", "cardiac-north", "--programme",
                "cardiac-south", "--jdbc-url", "'" + pg.jdbcUrl() + "'", "--db-user", pg.user()));
        cmd.addAll(java.util.List.of(extra));
        return new ProcessBuilder("/usr/bin/script", "-qfec", String.join(" ", cmd), "/dev/null")
                .redirectErrorStream(true).redirectOutput(screen.toFile()).start();
    }

    private static void awaitScreen(Path screen, String text) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> Files.readString(screen, StandardCharsets.UTF_8).contains(text));
    }
}
