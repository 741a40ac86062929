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
 * which also writes the same RR batches as replay files; the job's alerts for them must be the same episodes. And on
 * heart rate: a record of beats only ({@link #rateRecord}: 135/min for 20 min, then 36/min for 5 min) gives the same
 * tachycardia and bradycardia episodes on both paths, each deriving the rate from the beats with the detector's one
 * derivation (adversarial probe 18a, D3: validate had its own, the job none for a device sending RR only).
 *
 * <p>Tolerance: none on the instants compared. Both paths feed identical beats (integer-ms RR batches cut by the
 * same code) through the same detector and lifecycle, and the alert carries episode start and end to the
 * millisecond, so the episodes must have the same deterministic ids, the same starts and the same ends.
 * Compared: AF, pause, tachycardia and bradycardia episodes (the replay holds a wear report and RR batches, no
 * heart-rate or activity readings: the rate comes from the beats on both paths), the OPENED and CLOSED changes. Not
 * compared: when a change was emitted ({@code at}): a pause episode's window closes on an event-time timer in the job
 * but on the next transition in validate, and the job keeps an AF episode open when the data stops while validate
 * closes it at the end of the record (marked end_of_record, left out here).
 */
class ValidateReplayIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> RR_TYPES = Set.of("atrial-fibrillation", "pause", "tachycardia", "bradycardia");
    static final String RATE_RECORD = "rate01";

    /**
     * A record of regular beats (rr_csv, unlabelled): 75/min for 20 min, 135/min for 20 min, 75/min for 10 min, 36/min
     * for 5 min, 75/min for 10 min, each interval +-10 ms (seed 18).
     */
    static String rateRecord() {
        StringBuilder csv = new StringBuilder("record,beat_index,time_s,rr_ms,beat_symbol,rhythm,gap_note\n");
        java.util.Random r = new java.util.Random(18);
        int[][] stretches = {{800, 20}, {444, 20}, {800, 10}, {1667, 5}, {800, 10}};
        double t = 1.0;
        int i = 0;
        csv.append(RATE_RECORD).append(',').append(i++).append(',').append(t).append(",,N,,\n");
        for (int[] st : stretches) {
            double until = t + st[1] * 60.0;
            while (t < until) {
                int rr = st[0] - 10 + r.nextInt(21);
                t += rr / 1000.0;
                csv.append(RATE_RECORD).append(',').append(i++).append(',').append(String.format(java.util.Locale.ROOT,
                        "%.3f", t)).append(',').append(rr).append(".0,N,,\n");
            }
        }
        return csv.toString();
    }

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
        Files.writeString(data.resolve(RATE_RECORD + ".csv"), rateRecord());
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
            if (!rec.get("record").asText().equals(RATE_RECORD)) {
                assertThat(afOpened).as("AF alert for record %s", rec.get("record").asText()).isEqualTo(1);
            }
        }
        // the beats' rate is alerted by validate, so the comparison below covers heart-rate episodes
        assertThat(expected).anyMatch(e -> e.startsWith(RATE_RECORD + " tachycardia ") && e.contains(" OPENED "))
                .anyMatch(e -> e.startsWith(RATE_RECORD + " bradycardia ") && e.contains(" OPENED "));

        assertThat(Main.run("replay", "--events", replay.resolve("events.ndjson").toString(), "--enrolments",
                replay.resolve("enrolments.ndjson").toString(), "--out", out.toString())).isZero();
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(summary.path("reconciled").asBoolean()).isTrue();
        assertThat(summary.path("outcomes").path("processed").asLong())
                .as("every reading processed (wear reports and RR batches), none dead-lettered")
                .isEqualTo(summary.path("events_produced").asLong());

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
