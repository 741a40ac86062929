package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.cli.Main;

/** {@code wardstream whatif} usage errors: one line, exit code 2, before anything starts. */
class WhatIfCommandTest {
    @TempDir
    Path dir;

    String run(int expectedExit, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).isEqualTo(expectedExit);
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eventFilesNeedEnrolmentsAndTheTwoInputsExcludeEachOther() throws Exception {
        Path events = Files.writeString(dir.resolve("events.ndjson"), "\n");
        assertThat(run(2, "whatif", "--rules", dir.toString(), "--events", events.toString()))
                .contains("--enrolments");
        assertThat(run(2, "whatif", "--rules", dir.toString(), "--events", events.toString(),
                "--bootstrap-servers", "localhost:9092")).contains("mutually exclusive");
        assertThat(run(2, "whatif", "--events", events.toString())).contains("--rules");
    }

    @Test
    void timesAreIsoInstantsInOrderAndMinutesPositive() throws Exception {
        Path events = Files.writeString(dir.resolve("events.ndjson"), "\n");
        assertThat(run(2, "whatif", "--rules", dir.toString(), "--bootstrap-servers", "localhost:9092", "--from",
                "yesterday")).contains("--from yesterday").contains("ISO-8601");
        assertThat(run(2, "whatif", "--rules", dir.toString(), "--bootstrap-servers", "localhost:9092", "--from",
                "2026-03-02T00:00:00Z", "--to", "2026-03-01T00:00:00Z")).contains("--to").contains("after --from");
        assertThat(run(2, "whatif", "--rules", dir.toString(), "--events", events.toString(), "--enrolments",
                events.toString(), "--minutes-per-alert", "0")).contains("--minutes-per-alert");
    }

    @Test
    void theJobsClockWindowsAreIsoDurations() {
        assertThat(run(2, "whatif", "--rules", dir.toString(), "--bootstrap-servers", "localhost:9092",
                "--out-of-orderness", "10min")).contains("--out-of-orderness").contains("ISO-8601").contains("10min");
    }

    /** The enrolments file given as --outcomes (every line undecodable) is refused, not read as "no outcome". */
    @Test
    void anOutcomesFileOfWhichNoLineIsATriageEventIsRefused() throws Exception {
        Path events = Files.writeString(dir.resolve("events.ndjson"), "\n");
        String enrolments = Path.of("src/test/resources/whatif/enrolments.ndjson").toString();
        assertThat(run(2, "whatif", "--rules", dir.toString(), "--events", events.toString(), "--enrolments",
                enrolments, "--outcomes", enrolments)).contains("--outcomes " + enrolments)
                .contains("not one of its 6 line(s) is a triage event");
    }

    @Test
    void aCandidateDirectoryWithoutRuleFilesIsRefusedListingEveryMissingFile() {
        String err = run(2, "whatif", "--rules", dir.toString(), "--bootstrap-servers", "localhost:9092");
        assertThat(err).contains("candidate rules are invalid").contains("tachycardia.yaml: missing rule file")
                .contains("pause.yaml: missing rule file");
    }
}
