package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.EpisodeIds;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.signals.HeartRateThresholds;
import org.wardstream.whatif.WhatIfLedger.Alert;
import org.wardstream.whatif.WhatIfLedger.RuleSet;

/**
 * Outcomes recorded against alerts of an older detector version still judge this run's alerts. The history was
 * alerted live under {@code wardstream-hr-thresholds/3}; the what-if re-runs it under the current version, so every
 * episode id differs (they hash the detector version). Before the fix each such outcome judged nothing: a lost alert
 * clinicians had acted on was "without outcome", not a missed actionable alert (closing19, "Noticed and left
 * alone"). The recorded alerts come from a file of FHIR Bundles as demo and replay write it ({@code --alerts}).
 */
class WhatIfOutcomesAcrossDetectorVersionsTest {
    static final long MIN = 60_000L;
    static final long T0 = 1_772_445_600_000L; // 2026-03-02T10:00Z
    static final String OLD = "wardstream-hr-thresholds/3";
    static final String P = "virtual-ward";

    @TempDir
    Path dir;

    final List<String> bundles = new ArrayList<>();
    final WhatIfLedger ledger = new WhatIfLedger();

    /** An alert the live job sent under the old detector version (OPENED, UPDATED, CLOSED); returns its id. */
    String recorded(String patient, EpisodeType type, long start, long end) {
        String id = EpisodeIds.of(P, patient, type, OLD, start);
        bundles.add(FhirAlerts.toJson(new AlertChange(AlertChange.Kind.OPENED, true, id, patient, type,
                Severity.URGENT, start, null, start + MIN, null, Map.of("meanRateBpm", 130.0), OLD, 6, 0)));
        // a second message while it is open (neither has an end: two open messages merged, which threw before)
        bundles.add(FhirAlerts.toJson(new AlertChange(AlertChange.Kind.UPDATED, false, id, patient, type,
                Severity.URGENT, start, null, start + 2 * MIN, null, Map.of("meanRateBpm", 131.0), OLD, 6, 0)));
        bundles.add(FhirAlerts.toJson(new AlertChange(AlertChange.Kind.CLOSED, false, id, patient, type,
                Severity.URGENT, start, end, end, null, Map.of("meanRateBpm", 130.0), OLD, 6, 0)));
        return id;
    }

    /** This run's alert (current rules, current detector version); returns its id. */
    String current(String patient, EpisodeType type, long start, long end) {
        String id = EpisodeIds.of(P, patient, type, HeartRateThresholds.DETECTOR_VERSION, start);
        ledger.change(RuleSet.CURRENT, "OPENED", id, P, patient, type.code(), "urgent", start, -1, start + MIN, 6);
        ledger.change(RuleSet.CURRENT, "CLOSED", id, P, patient, type.code(), "urgent", start, end, end, 6);
        return id;
    }

    void outcome(String id, String patient, String outcome, long at) {
        ledger.outcome(id, P, patient, outcome, at);
    }

    @Test
    void outcomesOfOlderVersionIdsMatchByPatientTypeAndOverlappingTimeAndAreCounted() throws Exception {
        for (String p : List.of("w001", "w002", "w003", "w004", "w005")) {
            ledger.span(P, p, T0 - 60 * MIN, T0 + 180 * MIN, 1000);
        }
        // w001: the new version starts the episode 30 s later; clinicians contacted the patient; the candidate loses it
        String w001 = current("w001", EpisodeType.TACHYCARDIA, T0 + 10 * MIN + 30_000, T0 + 40 * MIN);
        outcome(recorded("w001", EpisodeType.TACHYCARDIA, T0 + 10 * MIN, T0 + 40 * MIN), "w001", "CONTACTED_PATIENT",
                T0 + 60 * MIN);
        // w002: recorded under the current version already: exact id; false alarm; lost
        String w002 = current("w002", EpisodeType.TACHYCARDIA, T0 + 10 * MIN, T0 + 30 * MIN);
        outcome(w002, "w002", "FALSE_ALARM", T0 + 50 * MIN);
        // w003: the old version split what the new one sees as one episode; a false alarm closed last, but the other
        // part needed action: the alert needed action (as several outcomes of one alert, probe 19a D15)
        String w003 = current("w003", EpisodeType.TACHYCARDIA, T0, T0 + 50 * MIN);
        outcome(recorded("w003", EpisodeType.TACHYCARDIA, T0 + 25 * MIN, T0 + 50 * MIN), "w003",
                "ESCALATED_TO_CLINICIAN", T0 + 55 * MIN);
        outcome(recorded("w003", EpisodeType.TACHYCARDIA, T0, T0 + 20 * MIN), "w003", "FALSE_ALARM", T0 + 70 * MIN);
        // ... and a bradycardia alert of w003 overlapping it in time: another type, so it judges nothing here
        outcome(recorded("w003", EpisodeType.BRADYCARDIA, T0 + 5 * MIN, T0 + 15 * MIN), "w003", "NO_ACTION_NEEDED",
                T0 + 30 * MIN);
        // w004: an outcome of an alert that is in no recorded alert at all
        outcome(EpisodeIds.of(P, "w004", EpisodeType.TACHYCARDIA, OLD, T0), "w004", "CONTACTED_PATIENT", T0 + 9 * MIN);
        // w005: the recorded alert overlaps two of this run's: 5 min of the first, 20 min of the second
        String w005a = current("w005", EpisodeType.TACHYCARDIA, T0 - 10 * MIN, T0 + 5 * MIN);
        String w005b = current("w005", EpisodeType.TACHYCARDIA, T0 + 10 * MIN, T0 + 40 * MIN);
        outcome(recorded("w005", EpisodeType.TACHYCARDIA, T0, T0 + 30 * MIN), "w005", "CONTACTED_PATIENT",
                T0 + 45 * MIN);
        // the candidate keeps only w005's first alert
        ledger.change(RuleSet.CANDIDATE, "OPENED", "cand-w005a", P, "w005", "tachycardia", "urgent", T0 - 10 * MIN, -1,
                T0 - 9 * MIN, 7);
        Path alerts = dir.resolve("alerts.ndjson");
        Files.write(alerts, bundles, StandardCharsets.UTF_8);
        HistoryTopics.Read read = HistoryTopics.alertsFile(alerts, ledger);
        assertThat(read).isEqualTo(new HistoryTopics.Read(bundles.size(), 0));

        WhatIfResult r = ledger.result(new WhatIfLedger.Parameters(15, null, null));
        assertThat(r.missedActionable()).extracting(Alert::episodeId)
                .as("w001 (overlap), w003 (actionable part of a split), w005's second alert (the longest overlap)")
                .containsExactlyInAnyOrder(w001, w003, w005b);
        Map<String, String> outcomes = new java.util.TreeMap<>();
        for (Alert a : r.alerts(RuleSet.CURRENT)) {
            outcomes.put(a.episodeId(), String.valueOf(r.outcomeOf(a)));
        }
        assertThat(outcomes).isEqualTo(new java.util.TreeMap<>(Map.of(w001, "CONTACTED_PATIENT", w002, "FALSE_ALARM",
                w003, "ESCALATED_TO_CLINICIAN", w005a, "null", w005b, "CONTACTED_PATIENT")));

        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("tachycardia", 6));
        Map<String, Object> json = r.toJson(Map.of("current", set, "candidate", set, "changed_rules",
                List.of("tachycardia")));
        assertThat(json.get("outcome_matching")).isEqualTo(Map.of("outcomes", 7L, "matched_exactly", 1L,
                "matched_by_overlap", 4L, "not_matched", 2L, "not_matched_without_recorded_alert", 1L));
        assertThat(WhatIfReport.html(json)).contains("Clinicians' outcomes: 7 recorded; 1 matched an alert of this "
                + "run by its episode id, 4 by patient, programme, alert type and overlapping episode time")
                .contains("2 matched no alert (1 of them name an alert that is not among the recorded alerts");
    }
}
