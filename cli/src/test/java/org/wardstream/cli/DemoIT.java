package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The acceptance run: {@code demo --patients 200 --days 1 --seed 7}, reconciled exactly. */
class DemoIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDemoReconcilesEveryRecord() throws Exception {
        Path out = Path.of("target", "it-demo");
        int exit = Main.run("demo", "--patients", "200", "--days", "1", "--seed", "7", "--out", out.toString());
        assertThat(exit).isZero();

        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        long produced = s.get("events_produced").asLong();
        long consumed = s.get("events_consumed").asLong();
        JsonNode outcomes = s.get("outcomes");
        long dead = 0;
        for (JsonNode n : outcomes.get("dead_letter")) {
            dead += n.asLong();
        }
        assertThat(produced).isGreaterThan(100_000);
        assertThat(consumed).isEqualTo(produced);
        assertThat(outcomes.get("processed").asLong() + outcomes.get("duplicate").asLong() + dead).isEqualTo(consumed);
        assertThat(outcomes.get("dead_letter").size()).isGreaterThanOrEqualTo(3);
        assertThat(outcomes.get("duplicate").asLong()).isPositive();
        assertThat(s.get("late").asLong()).isPositive(); // delayed uploads after offline gaps
        assertThat(s.get("reconciled").asBoolean()).isTrue();
        assertThat(s.get("outcomes_match_injected_faults").asBoolean()).isTrue();
        assertThat(JSON.convertValue(outcomes.get("dead_letter"), Map.class))
                .isEqualTo(JSON.convertValue(s.get("simulator").get("injected_dead_letter"), Map.class));

        List<String> deadLetters = Files.readAllLines(out.resolve("dead-letter.ndjson"));
        assertThat((long) deadLetters.size()).isEqualTo(dead);
        assertThat(JSON.readTree(deadLetters.get(0)).fieldNames()).toIterable()
                .contains("reason", "detail", "origin", "value_base64");

        List<String> truth = Files.readAllLines(out.resolve("ground-truth.csv"));
        assertThat(truth.get(0)).isEqualTo("patient_id,episode_type,start,end");
        assertThat(truth.subList(1, truth.size())).isNotEmpty()
                .allSatisfy(l -> assertThat(l).matches("[^,]+,(atrial-fibrillation|tachycardia|bradycardia|pause"
                        + "|inactivity|device-offline),\\d{4}-\\d\\d-\\d\\dT[^,]+Z,\\d{4}-\\d\\d-\\d\\dT[^,]+Z"));
    }
}
