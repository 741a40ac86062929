package org.wardstream.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code triage users add} at a terminal (adversarial probe 17b, D10): without {@code --password-file} or
 * {@code --password-env} it used to read the first line of stdin with the terminal's echo on and no prompt, so the
 * operator saw a command that seemed to hang and the typed password stayed on the screen and in the scrollback. At a
 * terminal it now prompts, reads with echo off ({@link java.io.Console#readPassword}) and asks once more to confirm;
 * piped stdin is read as before (TriageCommandIT).
 *
 * <p>Real pseudo-terminal: util-linux {@code script} runs the service's main on a pty; the database URL points at a
 * closed port (the password is read before the database is opened, so nothing is stored).
 */
class UsersAddPasswordPromptTest {
    static final String PASSWORD = "Ward7-Night-Secret";

    private static Process start(Path out) throws Exception {
        Path script = Path.of("/usr/bin/script");
        assertThat(Files.isExecutable(script)).as("util-linux script (a pseudo-terminal)").isTrue();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = String.join(" ", List.of(javaBin, "-cp", System.getProperty("java.class.path"),
                "org.wardstream.triage.cli.TriageCommand", "users", "add", "--name", "ward-nurse", "--role", "clinician",
                "--programme", "cardiac-a", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/triage", "--db-user", "triage"));
        return new ProcessBuilder(script.toString(), "-qfec", cmd, "/dev/null")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static void awaitScreen(Path out, String text) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out, StandardCharsets.UTF_8)
                .toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT)));
    }

    /** Runs the command on a pty, types {@code first} and {@code second} when asked; returns the screen. */
    private static String typeTwice(String first, String second) throws Exception {
        Path out = Files.createTempFile("users-add-pty", ".txt");
        Process p = start(out);
        try (OutputStream in = p.getOutputStream()) {
            // the operator types when asked (echo is off only once the program turned it off)
            awaitScreen(out, "Password for ward-nurse:");
            in.write((first + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitScreen(out, "The same password again:");
            in.write((second + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the command ends (the database is unreachable)").isTrue();
        }
        assertThat(p.exitValue()).as("exit status (no user is ever stored here)").isNotZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void aPasswordTypedAtATerminalIsAskedForAndNotEchoed() throws Exception {
        assertThat(typeTwice(PASSWORD, PASSWORD)).as("what the terminal showed").doesNotContain(PASSWORD)
                // the same password twice was accepted: the command went on to the (unreachable) database
                .contains("cannot use the database");
    }

    @Test
    void twoDifferentPasswordsAreRefused() throws Exception {
        assertThat(typeTwice(PASSWORD, PASSWORD + "x")).as("what the terminal showed")
                .contains("the two passwords typed differ: nothing saved").doesNotContain(PASSWORD);
    }
}
