package org.wardstream.evaluation.alerts;

import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.alerting.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.evaluation.alerts.AlertScoring.AlertedEpisode;
import org.wardstream.evaluation.alerts.AlertScoring.GroundTruthEpisode;
import org.wardstream.evaluation.alerts.AlertScoring.Report;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.EpisodeIds;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertScoringTest {

    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
    private static final String AF = "atrial-fibrillation";
    private static final Duration TEN = AlertScoring.DEFAULT_TOLERANCE;

    private static GroundTruthEpisode gt(String patient, String type, Instant start) {
        return new GroundTruthEpisode(patient, type, start, start.plus(Duration.ofMinutes(30)));
    }

    private static AlertedEpisode alert(String id, String patient, String type, Instant start) {
        return new AlertedEpisode(id, patient, type, start);
    }

    private static Report score(List<GroundTruthEpisode> truth, List<AlertedEpisode> alerts) {
        return AlertScoring.scoreEpisodes(truth, alerts, TEN);
    }

    @Test
    void tenMinutesExactlyMatchesOneMillisecondMoreDoesNot() {
        Report r = score(List.of(gt("p1", AF, T), gt("p2", AF, T)),
                List.of(alert("a", "p1", AF, T.plus(TEN)), alert("b", "p2", AF, T.minus(TEN).minusMillis(1))));
        assertThat(r.forType(AF).found()).isEqualTo(1);
        assertThat(r.forType(AF).recall()).isEqualTo(0.5);
        assertThat(r.forType(AF).precision()).isEqualTo(0.5);
        assertThat(r.missed()).extracting(GroundTruthEpisode::patientId).containsExactly("p2");
        assertThat(r.unmatched()).extracting(AlertedEpisode::episodeId).containsExactly("b");
        // also before the start, inclusive
        assertThat(score(List.of(gt("p1", AF, T)), List.of(alert("a", "p1", AF, T.minus(TEN)))).forType(AF).found()).isEqualTo(1);
    }

    @Test
    void twoAlertedEpisodesForOneGroundTruthEpisode() {
        Report r = score(List.of(gt("p1", AF, T)),
                List.of(alert("a", "p1", AF, T.plusSeconds(60)), alert("b", "p1", AF, T.plusSeconds(300))));
        assertThat(r.forType(AF)).isEqualTo(new AlertScoring.TypeScore(AF, 1, 2, 1));
        assertThat(r.forType(AF).recall()).isEqualTo(1.0);
        assertThat(r.forType(AF).precision()).isEqualTo(0.5);
        assertThat(r.unmatched()).extracting(AlertedEpisode::episodeId).containsExactly("b"); // the nearer one matched
    }

    @Test
    void oneAlertNearTwoGroundTruthEpisodes() {
        Report r = score(List.of(gt("p1", AF, T), gt("p1", AF, T.plusSeconds(480))),
                List.of(alert("a", "p1", AF, T.plusSeconds(240))));
        assertThat(r.forType(AF)).isEqualTo(new AlertScoring.TypeScore(AF, 2, 1, 1));
        assertThat(r.forType(AF).recall()).isEqualTo(0.5);
        assertThat(r.forType(AF).precision()).isEqualTo(1.0);
    }

    @Test
    void matchingIsMaximumNotGreedy() {
        // a is nearest to g1 but is also the only alert that can reach g2; b can only reach g1
        GroundTruthEpisode g1 = gt("p1", AF, T);
        GroundTruthEpisode g2 = gt("p1", AF, T.plusSeconds(540));
        Report r = score(List.of(g1, g2),
                List.of(alert("a", "p1", AF, T.plusSeconds(60)), alert("b", "p1", AF, T.minusSeconds(500))));
        assertThat(r.forType(AF).found()).isEqualTo(2);
        assertThat(r.missed()).isEmpty();
        assertThat(r.unmatched()).isEmpty();
    }

    @Test
    void wrongTypeOrWrongPatientIsNoMatch() {
        Report r = score(List.of(gt("p1", AF, T)),
                List.of(alert("a", "p1", "tachycardia", T), alert("b", "p2", AF, T)));
        assertThat(r.forType(AF)).isEqualTo(new AlertScoring.TypeScore(AF, 1, 1, 0));
        assertThat(r.forType("tachycardia")).isEqualTo(new AlertScoring.TypeScore("tachycardia", 0, 1, 0));
        assertThat(r.forType("tachycardia").recall()).isNull();
        assertThat(r.forType("tachycardia").precision()).isEqualTo(0.0);
        assertThat(r.total()).isEqualTo(new AlertScoring.TypeScore("all", 1, 2, 0));
    }

    @Test
    void stateChangesOfOneEpisodeCountOnce() {
        List<AlertMessage> messages = new ArrayList<>();
        for (AlertChange.Kind k : List.of(AlertChange.Kind.OPENED, AlertChange.Kind.ESCALATED, AlertChange.Kind.CLOSED)) {
            messages.add(FhirAlerts.parse(FhirAlerts.toJson(Samples.change(EpisodeType.ATRIAL_FIBRILLATION, k))));
        }
        assertThat(AlertScoring.episodes(messages)).hasSize(1);
        Report r = AlertScoring.score(List.of(gt(Samples.PATIENT, AF, Instant.ofEpochMilli(Samples.START).plusSeconds(90))), messages);
        assertThat(r.forType(AF)).isEqualTo(new AlertScoring.TypeScore(AF, 1, 1, 1));
    }

    @Test
    void endToEndFromFiles(@TempDir Path dir) throws Exception {
        Path truth = dir.resolve("ground-truth.csv");
        Files.writeString(truth, """
                patient_id,episode_type,start,end
                p000001,tachycardia,2026-03-02T09:10:00Z,2026-03-02T09:50:00Z
                p000001,atrial-fibrillation,2026-03-02T09:15:00.250Z,2026-03-02T10:00:00Z
                p000002,device-offline,2026-03-02T12:00:00Z,2026-03-02T15:00:00Z

                """, StandardCharsets.UTF_8);
        long start = Instant.parse("2026-03-02T09:15:00Z").toEpochMilli();
        List<String> lines = new ArrayList<>();
        for (String p : List.of("p000001", "p000002")) {
            EpisodeType type = p.equals("p000001") ? EpisodeType.TACHYCARDIA : EpisodeType.BRADYCARDIA;
            String id = EpisodeIds.of(null, p, type, "wardstream-hr-thresholds/1", start);
            lines.add(FhirAlerts.toJson(new AlertChange(AlertChange.Kind.OPENED, true, id, p, type, Severity.URGENT,
                    start, null, start + 600_000, null, Map.of("meanRateBpm", 130.0), "wardstream-hr-thresholds/1", 1, 0)));
            lines.add("");
        }
        Path ndjson = dir.resolve("alerts.ndjson");
        Files.write(ndjson, lines, StandardCharsets.UTF_8);

        Report r = AlertScoring.score(AlertScoring.readGroundTruth(truth), AlertScoring.readAlerts(ndjson));
        assertThat(r.forType("tachycardia")).isEqualTo(new AlertScoring.TypeScore("tachycardia", 1, 1, 1)); // 5 min apart
        assertThat(r.forType(AF)).isEqualTo(new AlertScoring.TypeScore(AF, 1, 0, 0));
        assertThat(r.forType("bradycardia")).isEqualTo(new AlertScoring.TypeScore("bradycardia", 0, 1, 0));
        assertThat(r.perType()).extracting(AlertScoring.TypeScore::episodeType)
                .containsExactly(AF, "tachycardia", "bradycardia", "pause", "inactivity", "device-offline",
                        "beat-to-beat-offline");
        String table = AlertScoring.markdown(r);
        assertThat(table.lines().toList()).hasSize(2 + 7 + 1);
        assertThat(table).startsWith("| episode type | ground-truth episodes | alerted episodes | found | recall | precision |\n|---|---:|")
                .contains("| tachycardia | 1 | 1 | 1 | 1.000 | 1.000 |")
                .contains("| atrial-fibrillation | 1 | 0 | 0 | 0.000 | n/a |")
                .contains("| bradycardia | 0 | 1 | 0 | n/a | 0.000 |")
                .contains("| pause | 0 | 0 | 0 | n/a | n/a |")
                .endsWith("| **all** | 3 | 2 | 1 | 0.333 | 0.500 |\n");
    }

    @Test
    void malformedInputsFailWithTheLine(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> AlertScoring.parseGroundTruth("patient,type\n", "gt.csv"))
                .hasMessageStartingWith("gt.csv:1: first line must be");
        assertThatThrownBy(() -> AlertScoring.parseGroundTruth(AlertScoring.GROUND_TRUTH_HEADER + "\np1,pause,2026-01-01T00:00:00Z\n", "gt.csv"))
                .hasMessageStartingWith("gt.csv:2: expected 4 fields");
        assertThatThrownBy(() -> AlertScoring.parseGroundTruth(AlertScoring.GROUND_TRUTH_HEADER + "\np1,pause,yesterday,2026-01-01T00:00:00Z\n", "gt.csv"))
                .hasMessageStartingWith("gt.csv:2: ");
        Path ndjson = dir.resolve("alerts.ndjson");
        Files.write(ndjson, List.of(FhirAlerts.toJson(Samples.change(EpisodeType.PAUSE, AlertChange.Kind.OPENED)), "{oops"));
        assertThatThrownBy(() -> AlertScoring.readAlerts(ndjson)).hasMessageContaining("alerts.ndjson:2: ");
    }
}
