package org.wardstream.evaluation.alerts;

import org.wardstream.alerting.AlertMessage;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.AlertChange;

class HeldBackTest {
    static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

    static AlertMessage closed(String patient, String type, Instant start, Instant end) {
        return new AlertMessage("b-" + start, patient, type, "ep-" + patient + type + start, "final", start, end,
                AlertChange.Kind.CLOSED, "requested", "routine", end, false, null, "d/1", "x");
    }

    static AlertScoring.GroundTruthEpisode truth(String patient, String type, Instant start) {
        return new AlertScoring.GroundTruthEpisode(patient, type, start, start.plusSeconds(600));
    }

    @Test
    void onlyMissedEpisodesInsideAnAlertedEpisodeOrItsCoolDownAreHeldBack() {
        List<AlertMessage> alerts = List.of(closed("p1", "pause", T, T.plusSeconds(5)));
        List<AlertScoring.GroundTruthEpisode> truth = List.of(
                truth("p1", "pause", T),                          // found
                truth("p1", "pause", T.plus(Duration.ofMinutes(50))), // within the 1 h cool-down: held back
                truth("p1", "pause", T.plus(Duration.ofMinutes(70))), // after the cool-down: a real miss
                truth("p2", "pause", T.plus(Duration.ofMinutes(50))), // another patient: a real miss
                truth("p1", "bradycardia", T.plus(Duration.ofMinutes(50)))); // another type: a real miss
        AlertScoring.Report report = AlertScoring.score(truth, alerts);
        assertThat(report.missed()).hasSize(4);
        Map<String, Integer> held = AlertScoring.heldBack(report, alerts, Map.of("pause", Duration.ofHours(1)));
        assertThat(held).containsExactly(Map.entry("pause", 1));
        assertThat(AlertScoring.markdown(report, held)).contains("| pause | 4 | 1 | 1 | 0.250 | 1.000 | 1 | 0.500 |");
    }
}
