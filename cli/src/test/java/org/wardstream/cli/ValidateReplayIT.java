package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.evaluation.alerts.AlertScoring;
import org.wardstream.episodes.AlertChange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code wardstream validate} and the real job ({@code wardstream replay}: Kafka broker, Flink MiniCluster) agree on
 * real AF records: MIT-BIH 201 and 219 (from the clinical module's attributed test subset) are scored by validate,
 * which also writes the same RR batches as replay files; the job's alerts for them must be the same episodes.
 *
 * <p>Tolerance: none on the instants compared. Both paths feed identical beats (integer-ms RR batches cut by the
 * same code) through the same detector and lifecycle, and the alert carries episode start and end to the
 * millisecond, so the AF and pause episodes must have the same deterministic ids, the same starts and the same ends.
 * Compared: AF and pause episodes (the RR-driven types; the replay holds no heart-rate or activity readings), the
 * OPENED and CLOSED changes. Not compared: when a change was emitted ({@code at}): a pause episode's window closes on
 * an event-time timer in the job but on the next transition in validate, and the job keeps an AF episode open when
 * the data stops while validate closes it at the end of the record (marked end_of_record, left out here).
 */
class ValidateReplayIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> RR_TYPES = Set.of("atrial-fibrillation", "pause");

    @Test
    void theJobRaisesTheSameAfAndPauseEpisodesAsValidate() throws Exception {
        Path data = Path.of("target", "it-validate-data");
        Path replay = Path.of("target", "it-validate-replay");
        Path out = Path.of("target", "it-validate-replay-out");
        Files.createDirectories(data);
        Path subset = Path.of("..", "evaluation", "src", "test", "resources", "physionet");
        for (String rec : List.of("201.csv", "219.csv")) {
            Files.copy(subset.resolve(rec), data.resolve(rec), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path json = Path.of("target", "it-validate.json");
        assertThat(Main.run("validate", "--data", data.toString(), "--json", json.toString(), "--replay-out",
                replay.toString())).isZero();
        JsonNode v = JSON.readTree(json.toFile());
        assertThat(v.path("af").path("beat_sensitivity").asDouble()).isGreaterThan(0.9);

        Set<String> expected = new TreeSet<>();
        for (JsonNode rec : v.get("records")) {
            int afOpened = 0;
            for (JsonNode a : rec.get("alerts")) {
                if (a.path("end_of_record").asBoolean() || !RR_TYPES.contains(a.get("type").asText())) continue;
                String kind = a.get("kind").asText();
                if (kind.equals("OPENED")) {
                    expected.add(rec.get("record").asText() + " " + a.get("type").asText() + " " + a.get("episode_id").asText()
                            + " OPENED start " + a.get("start").asText());
                    if (a.get("type").asText().equals("atrial-fibrillation")) {
                        afOpened++;
                        // the alerted AF episode starts where the detector's first AF episode starts
                        assertThat(a.get("start").asText()).isEqualTo(rec.get("af_episodes").get(0).get("start").asText());
                    }
                } else if (kind.equals("CLOSED")) {
                    expected.add(rec.get("record").asText() + " " + a.get("type").asText() + " " + a.get("episode_id").asText()
                            + " CLOSED end " + a.get("end").asText());
                }
            }
            assertThat(afOpened).as("AF alert for record %s", rec.get("record").asText()).isEqualTo(1);
        }

        assertThat(Main.run("replay", "--events", replay.resolve("events.ndjson").toString(), "--enrolments",
                replay.resolve("enrolments.ndjson").toString(), "--out", out.toString())).isZero();
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(summary.path("reconciled").asBoolean()).isTrue();
        assertThat(summary.path("outcomes").path("processed").asLong())
                .as("every RR batch processed, none dead-lettered").isEqualTo(summary.path("events_produced").asLong());

        Set<String> actual = new TreeSet<>();
        for (AlertMessage m : AlertScoring.readAlerts(out.resolve("alerts.ndjson"))) {
            if (!RR_TYPES.contains(m.episodeType())) continue;
            if (m.kind() == AlertChange.Kind.OPENED) {
                actual.add(m.patient() + " " + m.episodeType() + " " + m.episodeId() + " OPENED start " + m.start());
            } else if (m.kind() == AlertChange.Kind.CLOSED) {
                actual.add(m.patient() + " " + m.episodeType() + " " + m.episodeId() + " CLOSED end " + m.end());
            }
        }
        assertThat(actual).isNotEmpty().containsExactlyElementsOf(expected);
    }
}
