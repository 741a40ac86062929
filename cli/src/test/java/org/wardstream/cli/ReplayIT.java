package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** simulate to files, then replay them (with extra malformed lines): every line is accounted for. */
class ReplayIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void replayedFilesReconcileAndMalformedLinesAreDeadLetteredWithTheirLineNumber() throws Exception {
        Path in = Path.of("target", "it-replay-in");
        Path out = Path.of("target", "it-replay-out");
        assertThat(Main.run("simulate", "--patients", "8", "--days", "1", "--seed", "3", "--out", in.toString()))
                .isZero();
        Path events = in.resolve("events.ndjson");
        long simulatedLines = Files.readAllLines(events).size();
        Files.writeString(events, "this is not json\n{\"key\": {\"programme\": \"x\"}\n",
                StandardOpenOption.APPEND);

        assertThat(Main.run("replay", "--events", events.toString(), "--enrolments",
                in.resolve("enrolments.ndjson").toString(), "--out", out.toString())).isZero();

        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        JsonNode manifest = JSON.readTree(in.resolve("manifest.json").toFile());
        assertThat(s.get("events_produced").asLong()).isEqualTo(simulatedLines + 2);
        assertThat(s.get("events_consumed").asLong()).isEqualTo(simulatedLines + 2);
        assertThat(s.get("reconciled").asBoolean()).isTrue();
        assertThat(s.get("outcomes").get("duplicate").asLong()).isEqualTo(manifest.get("duplicates").asLong());

        JsonNode injected = manifest.get("malformed_by_reason");
        JsonNode dead = s.get("outcomes").get("dead_letter");
        // In files an unknown-schema record is a line the current schema cannot read: not decodable.
        assertThat(dead.path("not-decodable").asLong()).isEqualTo(injected.path("not-decodable").asLong()
                + injected.path("unknown-schema").asLong() + 2);
        for (String reason : List.of("invalid-field", "implausible-value", "future-time", "unknown-patient")) {
            assertThat(dead.path(reason).asLong()).as(reason).isEqualTo(injected.path(reason).asLong());
        }
        assertThat(Files.readAllLines(out.resolve("dead-letter.ndjson")))
                .anySatisfy(l -> assertThat(JSON.readTree(l).path("source_line").asLong())
                        .isEqualTo(simulatedLines + 1))
                .anySatisfy(l -> assertThat(JSON.readTree(l).path("source_line").asLong())
                        .isEqualTo(simulatedLines + 2));
    }
}
