package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedOut;
    PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "replay", "simulate"})
    void everyCommandHasHelp(String command) {
        assertThat(Main.run(command, "--help")).isZero();
        assertThat(stdout()).contains("Usage: wardstream " + command).contains("--help");
    }

    @Test
    void topLevelHelpListsTheCommands() {
        assertThat(Main.run("--help")).isZero();
        assertThat(stdout()).contains("demo").contains("replay").contains("simulate");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(Main.run(new String[0])).isEqualTo(2);
        assertThat(stderr()).contains("a command is required")
                .contains("demo", "replay", "simulate", "validate", "bench", "report");
    }

    @Test
    void validateWithAnEmptyOrUnreadableDataFolderIsAnError() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "validate-empty"));
        try (var files = java.nio.file.Files.list(empty)) {
            for (java.nio.file.Path f : files.toList()) java.nio.file.Files.delete(f);
        }
        assertThat(Main.run("validate", "--data", empty.toString())).isEqualTo(2);
        assertThat(stderr()).contains("no rr_csv record");
        java.nio.file.Files.writeString(empty.resolve("broken.csv"), "not,a,record\n");
        assertThat(Main.run("validate", "--data", empty.toString())).isEqualTo(2);
        assertThat(stderr()).contains("unreadable record broken").contains("no readable record");
        assertThat(stdout()).as("results only on stdout, and there are none").isEmpty();
        assertThat(Main.run("validate", "--data", empty.resolve("absent").toString())).isEqualTo(2);
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(Main.run("deploy")).isEqualTo(2);
        assertThat(stderr()).contains("Unmatched argument").contains("deploy");
    }

    @Test
    void nonPositiveNumbersAreRefusedWithTheirName() {
        assertThat(Main.run("demo", "--patients", "0")).isEqualTo(2);
        assertThat(stderr()).contains("--patients must be a positive number (was 0)");
        assertThat(Main.run("demo", "--days", "abc")).isEqualTo(2);
        assertThat(stderr()).contains("--days");
    }

    @Test
    void replayNeedsReadableFiles() {
        assertThat(Main.run("replay", "--enrolments", "x.ndjson")).isEqualTo(2);
        assertThat(stderr()).contains("Missing required option: '--events");
        assertThat(Main.run("replay", "--events", "target/none.ndjson", "--enrolments", "target/none2.ndjson"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--events: no readable file at target/none.ndjson");
    }

    @Test
    void simulateNeedsExactlyOneTarget() {
        assertThat(Main.run("simulate", "--patients", "5")).isEqualTo(2);
        assertThat(stderr()).contains("Missing required argument");
        assertThat(Main.run("simulate", "--out", "target/x", "--bootstrap-servers", "localhost:9092")).isEqualTo(2);
        assertThat(stderr()).contains("mutually exclusive");
    }
}
