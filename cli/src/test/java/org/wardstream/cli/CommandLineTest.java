package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    @ValueSource(strings = {"demo", "replay", "simulate", "validate", "bench", "report", "triage", "triage users add",
            "triage tokens add"})
    void everyCommandHasHelpWithoutWarnings(String command) {
        String[] args = (command + " --help").split(" ");
        assertThat(Main.run(args)).isZero();
        assertThat(stdout()).contains("Usage: wardstream " + command).contains("--help");
        assertThat(stderr()).as("a picocli warning (e.g. an unescaped %% in a description)").isEmpty();
        assertThat(stdout()).doesNotContain("[picocli");
    }

    @Test
    void replayHelpShowsAnExampleLineOfEachKindUnwrapped() throws Exception {
        assertThat(Main.run("replay", "--help")).isZero();
        for (String line : org.wardstream.demo.ReplayInputTest.exampleLines()) {
            assertThat(stdout()).contains(line);
        }
        assertThat(stdout()).contains("HeartRateSample", "RrIntervalBatch", "ActivitySample", "WearState",
                "DeviceStatus", "\"status\":\"ACTIVE\"");
    }

    @Test
    void topLevelHelpListsTheCommands() {
        assertThat(Main.run("--help")).isZero();
        assertThat(stdout()).contains("demo").contains("replay").contains("simulate");
        assertThat(stderr()).isEmpty();
    }

    /** A usage error is one line on stderr: the command, the problem and a pointer to --help; no usage block. */
    void assertOneLineError(String... expected) {
        String err = stderr();
        assertThat(err.lines().toList()).as(err).hasSize(1);
        assertThat(err).contains(expected).contains("--help").doesNotContain("Usage:").doesNotContain("\tat ");
        err().reset();
    }

    ByteArrayOutputStream err() {
        return err;
    }

    @Test
    void usageErrorsAreOneLine() {
        assertThat(Main.run("demo", "--patients", "0")).isEqualTo(2);
        assertOneLineError("wardstream demo: --patients 0: must be a positive number");
        assertThat(Main.run("demo", "--days", "abc")).isEqualTo(2);
        assertOneLineError("--days", "abc");
        assertThat(Main.run("demo", "--patient", "5")).isEqualTo(2);
        assertOneLineError("--patient", "did you mean");
        assertThat(Main.run("replay", "--enrolments", "x.ndjson")).isEqualTo(2);
        assertOneLineError("wardstream replay: Missing required option", "--events");
    }

    /** {@code wardstream triage} with its database down: one line, exit 1, as the service jar (probe 16b D15). */
    @Test
    void triageWithItsDatabaseDownIsOneLineExit1() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(Main.run("triage", "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + closed + "/triage",
                "--bootstrap-servers", "127.0.0.1:1", "--port", "0")).isEqualTo(1);
        assertThat(stderr().lines().toList()).as(stderr()).hasSize(1);
        assertThat(stderr()).startsWith("wardstream triage: cannot use the database: ").contains(String.valueOf(closed))
                .doesNotContain("\tat ");
    }

    @Test
    void validateRefusesAFolderWithoutRecords(@TempDir Path empty) throws Exception {
        assertThat(Main.run("validate", "--data", empty.toString())).isEqualTo(2);
        assertOneLineError("--data " + empty + ": no records (*.csv or *.csv.gz) in it");
        Files.writeString(empty.resolve("notes.txt"), "not a record");
        assertThat(Main.run("validate", "--data", empty.toString())).isEqualTo(2);
        assertOneLineError("--data " + empty + ": no records");
        assertThat(Main.run("validate", "--data", empty.resolve("missing").toString())).isEqualTo(2);
        assertOneLineError("--data " + empty.resolve("missing") + ": no readable directory there");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void validateNamesAnAfPersistenceTheModelWasNotValidatedWith(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("site-rules"));
        try (var shipped = Files.list(Path.of("..", "alert-rules"))) {
            for (Path f : shipped.toList()) Files.copy(f, rules.resolve(f.getFileName()));
        }
        int validated = org.wardstream.rhythm.RhythmParameters.DEFAULTS.offsetSegments();
        int site = validated == 5 ? 6 : 5;
        Path af = rules.resolve("atrial-fibrillation.yaml");
        Files.writeString(af, Files.readString(af).replaceFirst("offsetSegments: \\d+ ", "offsetSegments: " + site + " "));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.copy(Path.of("..", "evaluation", "src", "test", "resources", "physionet", "232.csv"), data.resolve("232.csv"));

        assertThat(Main.run("validate", "--data", data.toString(), "--rules", rules.toString())).isZero();

        assertThat(stderr()).contains("wardstream validate: note: site-rules/atrial-fibrillation.yaml: offsetSegments is "
                + site + ", but").contains("was cross-validated with " + validated);
        assertThat(stdout()).as("the table, not the note").doesNotContain("offsetSegments is").contains("232");
    }

    @Test
    void rulesThatDoNotLoadAndOutputPathsThatCannotBeUsedAreUsageErrorsWithoutAStackTrace(@TempDir Path dir)
            throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.copy(Path.of("..", "evaluation", "src", "test", "resources", "physionet", "232.csv"), data.resolve("232.csv"));
        assertThat(Main.run("validate", "--data", data.toString(), "--rules", dir.resolve("no-such-rules").toString()))
                .isEqualTo(2);
        assertThat(stderr()).startsWith("wardstream validate: ").doesNotContain("\tat ", "Exception in");
        err.reset();
        Path aDirectory = Files.createDirectories(dir.resolve("scores.json"));
        int code = Main.run("validate", "--data", data.toString(), "--json", aDirectory.toString());
        assertThat(code).isEqualTo(2);
        assertThat(stderr()).startsWith("wardstream validate: cannot use ").contains(aDirectory.getFileName().toString())
                .doesNotContain("\tat ");
    }

    @Test
    void whatIfRefusesAnInfiniteClinicianTimePerAlert(@TempDir Path dir) {
        assertThat(Main.run("whatif", "--rules", dir.toString(), "--events", dir.resolve("e.ndjson").toString(),
                "--enrolments", dir.resolve("n.ndjson").toString(), "--minutes-per-alert", "Infinity")).isEqualTo(2);
        assertThat(stderr()).contains("--minutes-per-alert").contains("finite");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(Main.run(new String[0])).isEqualTo(2);
        assertThat(stderr()).contains("a command is required")
                .contains("demo", "replay", "simulate", "validate", "bench", "report", "triage");
    }

    @Test
    void validateWithAnEmptyOrUnreadableDataFolderIsAnError() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "validate-empty"));
        try (var files = java.nio.file.Files.list(empty)) {
            for (java.nio.file.Path f : files.toList()) java.nio.file.Files.delete(f);
        }
        assertThat(Main.run("validate", "--data", empty.toString())).isEqualTo(2);
        assertThat(stderr()).contains("no records (*.csv or *.csv.gz) in it");
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
        assertThat(stderr()).contains("--patients 0: must be a positive number");
        assertThat(Main.run("demo", "--days", "abc")).isEqualTo(2);
        assertThat(stderr()).contains("--days");
    }

    @Test
    void replayNeedsReadableFiles() {
        assertThat(Main.run("replay", "--enrolments", "x.ndjson")).isEqualTo(2);
        assertThat(stderr()).contains("Missing required option: '--events");
        assertThat(Main.run("replay", "--events", "target/none.ndjson", "--enrolments", "target/none2.ndjson"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--events: no readable file at target/none.ndjson; check the path");
    }

    @Test
    void simulateNeedsExactlyOneTarget() {
        assertThat(Main.run("simulate", "--patients", "5")).isEqualTo(2);
        assertThat(stderr()).contains("Missing required argument");
        assertThat(Main.run("simulate", "--out", "target/x", "--bootstrap-servers", "localhost:9092")).isEqualTo(2);
        assertThat(stderr()).contains("mutually exclusive");
    }
}
