package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.cli.Main;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code wardstream whatif} on a recorded history with known outcomes (fixture {@code whatif/}, synthetic, made for
 * this test: six patients wearing a device at rest on 2026-03-02 from 10:00 UTC for 40 minutes, heart rate 70 bpm
 * except minutes 10-29 at a per-patient rate; clinicians' outcomes for the four current alerts). The candidate rule
 * sets change one threshold, tachycardia {@code rateBpm} 120 -> 130 (loses three alerts) and 120 -> 110 (gains one).
 *
 * <p>Hand-worked expectation. Tachycardia opens when each minute's rate has been above rateBpm at rest for 10
 * minutes, first sample to the last minute's last sample, once the next sample completes that minute: one sample a
 * minute, so each minute is its sample; the fast run's samples are at mm:30 from 10:10:30, so the episode starts
 * 10:10:30 and is raised 10:21:30 (10:20:30 when every sample was judged, before wardstream-hr-thresholds/2; the
 * outcomes fixture names the alerts by the episode ids of the current detector version, wardstream-hr-thresholds/4,
 * and that raise time). Rates: w001 125 (FALSE_ALARM), w002 126 (CONTACTED_PATIENT), w003 140 (ESCALATED_TO_CLINICIAN),
 * w004 115 (no alert at 120), w005 124 (NO_ACTION_NEEDED), w006 70. Current (120): w001, w002, w003, w005 = 4.
 * At 130 only w003 (kept): lost w001 (false alarm avoided), w002 (actionable: MISSED), w005 (no action needed
 * avoided). At 110 all four kept and w004 gained. Each patient has one calendar day: 6 reading-span days; per 1,000
 * reading-span days 4 -> 666.67, 1 -> 166.67, 5 -> 833.33; at 10 min per alert over 1 day: 4 alerts = 4 * 10 / 60 * 7 =
 * 4.67 h a week, 1 = 1.17, 5 = 5.83. Strata (enrolments): w001 IMD decile 1 (quintile 1) White male 65-74; w002
 * decile 2 (q1) Asian female 75-84; w003 decile 9 (q5) White female 65-74; w004 decile 5 (q3) Black male 45-64;
 * w005 decile 10 (q5) White male 65-74; w006 decile not recorded, ethnicity Z (not stated), female 85+.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class WhatIfIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path FIXTURE = Path.of("target", "whatif-fixture");

    @BeforeAll
    static void copyFixture() throws IOException { // also used by WhatIfKafkaIT
        Files.createDirectories(FIXTURE);
        for (String f : new String[] {"events.ndjson", "enrolments.ndjson", "outcomes.ndjson"}) {
            try (InputStream in = Objects.requireNonNull(WhatIfIT.class.getResourceAsStream("/whatif/" + f), f)) {
                Files.copy(in, FIXTURE.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The packaged rules with tachycardia's rateBpm (and version) changed: one threshold. */
    static Path candidate(String name, int rateBpm) throws IOException {
        Path dir = FIXTURE.resolve(name);
        Files.createDirectories(dir);
        for (EpisodeType t : EpisodeType.values()) {
            String file = t.code() + ".yaml";
            String text;
            try (InputStream in = Objects.requireNonNull(
                    Rules.class.getClassLoader().getResourceAsStream("alert-rules/" + file), file)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (t == EpisodeType.TACHYCARDIA) {
                String changed = text.replace("rateBpm: 120 ", "rateBpm: " + rateBpm + " ")
                        .replace("version: 6\n", "version: 7\n");
                assertThat(changed).isNotEqualTo(text);
                text = changed;
            }
            Files.writeString(dir.resolve(file), text);
        }
        return dir;
    }

    static JsonNode run(Path rules, String out) throws IOException {
        return run(rules, FIXTURE.resolve("enrolments.ndjson"), out);
    }

    static JsonNode run(Path rules, Path enrolments, String out) throws IOException {
        Path outDir = FIXTURE.resolve(out);
        assertThat(Main.run("whatif", "--rules", rules.toString(), "--events",
                FIXTURE.resolve("events.ndjson").toString(), "--enrolments", enrolments.toString(), "--outcomes",
                FIXTURE.resolve("outcomes.ndjson").toString(), "--minutes-per-alert", "10", "--out",
                outDir.toString())).isZero();
        assertThat(outDir.resolve(WhatIfReport.HTML_FILE)).exists();
        return JSON.readTree(outDir.resolve(WhatIfReport.JSON_FILE).toFile());
    }

    static JsonNode json(String text) throws IOException {
        return JSON.readTree(text.replace('\'', '"'));
    }

    static String lost(String patient, String outcome) {
        return "{'patient':'" + patient + "','programme':'virtual-ward','type':'tachycardia','severity':'urgent',"
                + "'episode_start':'2026-03-02T10:10:30Z','raised':'2026-03-02T10:21:30Z','rule_version':6,"
                + "'episode_id':'" + episodeId(patient) + "','outcome':'" + outcome + "'}";
    }

    static String episodeId(String patient) {
        return org.wardstream.episodes.EpisodeIds.of("virtual-ward", patient, EpisodeType.TACHYCARDIA,
                org.wardstream.signals.HeartRateThresholds.DETECTOR_VERSION, 1772446230000L); // 10:10:30Z
    }

    static String stratum(int patients, int current, int candidate, int gained, int lost, int missed, int avoided) {
        return "{'patients':" + patients + ",'reading_span_days':" + patients + ",'missed_actionable':" + missed
                + ",'avoided_not_needed':" + avoided + ",'current_alerts':" + current + ",'candidate_alerts':"
                + candidate + ",'current_per_1000_reading_span_days':" + rate(current, patients)
                + ",'candidate_per_1000_reading_span_days':" + rate(candidate, patients) + ",'gained':" + gained
                + ",'lost':" + lost + "}";
    }

    static double rate(int alerts, int patientDays) {
        return Math.round(alerts * 1000.0 / patientDays * 100) / 100.0;
    }

    @Test
    void raisingTheTachycardiaThresholdLosesThreeAlertsOneOfThemActionable() throws Exception {
        JsonNode j = run(candidate("rules-130", 130), "out-130");

        assertThat(j.at("/rule_sets/current/versions/tachycardia").asInt()).isEqualTo(6);
        assertThat(j.at("/rule_sets/candidate/versions/tachycardia").asInt()).isEqualTo(7);
        assertThat(j.at("/rule_sets/changed_rules")).isEqualTo(json("['tachycardia']"));
        assertThat(j.get("patients").asInt()).isEqualTo(6);
        assertThat(j.get("reading_span_days").asInt()).isEqualTo(6);
        assertThat(j.get("readings_admitted").asInt()).as("every fixture line is admitted").isEqualTo(294);
        assertThat(j.get("device_event_records_read").asInt()).as("the progress counter saw every record")
                .isEqualTo(294);
        assertThat(j.get("events_refused_by_ingest")).isEqualTo(json("{}"));
        assertThat(j.at("/window/calendar_days").asInt()).isEqualTo(1);
        assertThat(j.get("alerts")).isEqualTo(json("{'current':{'total':4,'by_type':{'tachycardia':4}},"
                + "'candidate':{'total':1,'by_type':{'tachycardia':1}}}"));
        assertThat(j.get("alerts_per_1000_reading_span_days")).isEqualTo(json("{'current':{'total':666.67,"
                + "'by_type':{'tachycardia':666.67}},'candidate':{'total':166.67,'by_type':{'tachycardia':166.67}}}"));
        assertThat(j.get("clinician_hours_per_week")).isEqualTo(json("{'current':4.67,'candidate':1.17}"));

        assertThat(j.get("outcomes")).isEqualTo(json("{'missed_actionable':1,'missed_actionable_list':["
                + lost("w002", "CONTACTED_PATIENT") + "],'avoided_not_needed':2,'avoided_false_alarm':1,"
                + "'avoided_no_action_needed':1,'lost_other_outcome':0,'lost_without_outcome':0,"
                + "'kept_actionable':1,'kept_not_needed':0,'current_alerts_with_outcome':4}"));
        assertThat(j.get("episodes")).isEqualTo(json("{'kept':1,'lost':3,'gained':0,'lost_list':["
                + lost("w001", "FALSE_ALARM") + "," + lost("w002", "CONTACTED_PATIENT") + ","
                + lost("w005", "NO_ACTION_NEEDED") + "],'gained_list':[]}"));

        // patients, current, candidate, gained, lost, missed, avoided
        assertThat(j.get("by_stratum")).isEqualTo(json("{"
                + "'imd_quintile':{'1':" + stratum(2, 2, 0, 0, 2, 1, 1) + ",'3':" + stratum(1, 0, 0, 0, 0, 0, 0)
                + ",'5':" + stratum(2, 2, 1, 0, 1, 0, 1) + ",'unknown':" + stratum(1, 0, 0, 0, 0, 0, 0) + "},"
                + "'ethnic_group':{'Asian or Asian British':" + stratum(1, 1, 0, 0, 1, 1, 0)
                + ",'Black or Black British':" + stratum(1, 0, 0, 0, 0, 0, 0)
                + ",'White':" + stratum(3, 3, 1, 0, 2, 0, 2) + ",'not-stated':" + stratum(1, 0, 0, 0, 0, 0, 0) + "},"
                + "'age_band':{'45-64':" + stratum(1, 0, 0, 0, 0, 0, 0) + ",'65-74':" + stratum(3, 3, 1, 0, 2, 0, 2)
                + ",'75-84':" + stratum(1, 1, 0, 0, 1, 1, 0) + ",'85+':" + stratum(1, 0, 0, 0, 0, 0, 0) + "},"
                + "'sex':{'female':" + stratum(3, 2, 1, 0, 1, 1, 0) + ",'male':" + stratum(3, 2, 0, 0, 2, 0, 2) + "}}"));

        String html = Files.readString(FIXTURE.resolve("out-130").resolve(WhatIfReport.HTML_FILE));
        assertThat(html.indexOf("w002")).as("the missed actionable alert is listed before anything else")
                .isLessThan(html.indexOf("Alerts per 1,000 reading-span days")).isPositive();
        assertThat(html).contains("role=\"img\" aria-label=\"Alerts per 1,000 reading-span days by type");
    }

    @Test
    void loweringTheTachycardiaThresholdGainsOneAlertAndLosesNone() throws Exception {
        JsonNode j = run(candidate("rules-110", 110), "out-110");

        assertThat(j.get("alerts")).isEqualTo(json("{'current':{'total':4,'by_type':{'tachycardia':4}},"
                + "'candidate':{'total':5,'by_type':{'tachycardia':5}}}"));
        assertThat(j.get("alerts_per_1000_reading_span_days")).isEqualTo(json("{'current':{'total':666.67,"
                + "'by_type':{'tachycardia':666.67}},'candidate':{'total':833.33,'by_type':{'tachycardia':833.33}}}"));
        assertThat(j.get("clinician_hours_per_week")).isEqualTo(json("{'current':4.67,'candidate':5.83}"));
        assertThat(j.get("outcomes")).isEqualTo(json("{'missed_actionable':0,'missed_actionable_list':[],"
                + "'avoided_not_needed':0,'avoided_false_alarm':0,'avoided_no_action_needed':0,"
                + "'lost_other_outcome':0,'lost_without_outcome':0,'kept_actionable':2,'kept_not_needed':2,"
                + "'current_alerts_with_outcome':4}"));
        assertThat(j.get("episodes")).isEqualTo(json("{'kept':4,'lost':0,'gained':1,'lost_list':[],'gained_list':["
                + "{'patient':'w004','programme':'virtual-ward','type':'tachycardia','severity':'urgent',"
                + "'episode_start':'2026-03-02T10:10:30Z','raised':'2026-03-02T10:21:30Z','rule_version':7}]}"));
        assertThat(j.get("by_stratum")).isEqualTo(json("{"
                + "'imd_quintile':{'1':" + stratum(2, 2, 2, 0, 0, 0, 0) + ",'3':" + stratum(1, 0, 1, 1, 0, 0, 0)
                + ",'5':" + stratum(2, 2, 2, 0, 0, 0, 0) + ",'unknown':" + stratum(1, 0, 0, 0, 0, 0, 0) + "},"
                + "'ethnic_group':{'Asian or Asian British':" + stratum(1, 1, 1, 0, 0, 0, 0)
                + ",'Black or Black British':" + stratum(1, 0, 1, 1, 0, 0, 0)
                + ",'White':" + stratum(3, 3, 3, 0, 0, 0, 0) + ",'not-stated':" + stratum(1, 0, 0, 0, 0, 0, 0) + "},"
                + "'age_band':{'45-64':" + stratum(1, 0, 1, 1, 0, 0, 0) + ",'65-74':" + stratum(3, 3, 3, 0, 0, 0, 0)
                + ",'75-84':" + stratum(1, 1, 1, 0, 0, 0, 0) + ",'85+':" + stratum(1, 0, 0, 0, 0, 0, 0) + "},"
                + "'sex':{'female':" + stratum(3, 2, 2, 0, 0, 0, 0) + ",'male':" + stratum(3, 2, 3, 1, 0, 0, 0) + "}}"));
    }

    /**
     * The fixture's outcomes as recorded before an upgrade of the heart-rate detector: every alert id was made with
     * {@code wardstream-hr-thresholds/3} and the alerts file holds those alerts (10:10:00 to 10:30:30, as the older
     * version timed them). This run's ids differ; the outcomes still judge the alerts, by patient, type and
     * overlapping time, and the report counts how they matched (until session 20 the missed actionable alert of w002
     * was "without outcome").
     */
    @Test
    void outcomesRecordedUnderAnOlderDetectorVersionStillJudgeTheAlerts() throws Exception {
        String old = "wardstream-hr-thresholds/3";
        long start = 1772446200000L; // 10:10:00Z
        StringBuilder outcomes = new StringBuilder();
        java.util.List<String> bundles = new java.util.ArrayList<>();
        java.util.Set<String> alerted = new java.util.HashSet<>();
        for (String line : Files.readAllLines(FIXTURE.resolve("outcomes.ndjson"))) {
            String patient = JSON.readTree(line).at("/value/patientId").asText();
            String oldId = org.wardstream.episodes.EpisodeIds.of("virtual-ward", patient, EpisodeType.TACHYCARDIA, old,
                    start);
            outcomes.append(line.replace(episodeId(patient), oldId)).append('\n');
            if (!alerted.add(patient)) {
                continue; // an acknowledgement and a closure per alert: its two messages once
            }
            for (var kind : new org.wardstream.episodes.AlertChange.Kind[] {
                    org.wardstream.episodes.AlertChange.Kind.OPENED, org.wardstream.episodes.AlertChange.Kind.CLOSED}) {
                boolean closed = kind == org.wardstream.episodes.AlertChange.Kind.CLOSED;
                bundles.add(org.wardstream.alerting.FhirAlerts.toJson(new org.wardstream.episodes.AlertChange(kind,
                        !closed, oldId, patient, EpisodeType.TACHYCARDIA, org.wardstream.rules.Severity.URGENT, start,
                        closed ? start + 20 * 60_000L + 30_000L : null, start + 11 * 60_000L, null,
                        java.util.Map.of("meanRateBpm", 126.0), old, 6, 0)));
            }
        }
        assertThat(outcomes.toString()).doesNotContain(episodeId("w002"));
        Path outcomesFile = Files.writeString(FIXTURE.resolve("outcomes-hr3.ndjson"), outcomes);
        Path alertsFile = Files.write(FIXTURE.resolve("alerts-hr3.ndjson"), bundles);
        Path outDir = FIXTURE.resolve("out-hr3");
        assertThat(Main.run("whatif", "--rules", candidate("rules-130d", 130).toString(), "--events",
                FIXTURE.resolve("events.ndjson").toString(), "--enrolments",
                FIXTURE.resolve("enrolments.ndjson").toString(), "--outcomes", outcomesFile.toString(), "--alerts",
                alertsFile.toString(), "--out", outDir.toString())).isZero();
        JsonNode j = JSON.readTree(outDir.resolve(WhatIfReport.JSON_FILE).toFile());
        assertThat(j.get("outcome_matching")).isEqualTo(json("{'outcomes':4,'matched_exactly':0,"
                + "'matched_by_overlap':4,'not_matched':0,'not_matched_without_recorded_alert':0}"));
        assertThat(j.at("/outcomes/missed_actionable").asInt()).isEqualTo(1);
        assertThat(j.at("/outcomes/missed_actionable_list/0/patient").asText()).isEqualTo("w002");
        assertThat(j.at("/outcomes/avoided_not_needed").asInt()).isEqualTo(2);
        assertThat(j.at("/recorded_alerts/read").asInt()).isEqualTo(8);
    }

    /**
     * Enrolments and device events are read at once: with 20,000 other patients' enrolments ahead of them on the
     * topic, the six patients' enrolments arrive after their readings have all been read. Their readings must still
     * be analysed and counted (they were lost when the enrolments let event time run to its end first).
     */
    @Test
    void enrolmentsReadAfterTheirPatientsReadingsStillCount() throws Exception {
        Path enrolments = FIXTURE.resolve("enrolments-behind.ndjson");
        String real = Files.readString(FIXTURE.resolve("enrolments.ndjson"));
        String template = real.lines().findFirst().orElseThrow();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            all.append(template.replace("\"w001\"", String.format("\"other-%05d\"", i))).append('\n');
        }
        all.append(real);
        Files.writeString(enrolments, all);
        JsonNode j = run(candidate("rules-130b", 130), enrolments, "out-behind");
        assertThat(j.get("patients").asInt()).isEqualTo(6);
        assertThat(j.get("readings_admitted").asInt()).isEqualTo(294);
        assertThat(j.get("alerts")).isEqualTo(json("{'current':{'total':4,'by_type':{'tachycardia':4}},"
                + "'candidate':{'total':1,'by_type':{'tachycardia':1}}}"));
    }

    @Test
    void anInvalidCandidateRuleFileStopsTheRunNamingFileAndField() throws Exception {
        Path bad = candidate("rules-bad", 130);
        Files.writeString(bad.resolve("tachycardia.yaml"), Files.readString(bad.resolve("tachycardia.yaml"))
                .replace("rateBpm: 130 ", "rateBpm: -5 "));
        var err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("whatif", "--rules", bad.toString(), "--events", FIXTURE.resolve("events.ndjson").toString(),
                    "--enrolments", FIXTURE.resolve("enrolments.ndjson").toString(), "--out",
                    FIXTURE.resolve("out-bad").toString());
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("tachycardia.yaml").contains("rateBpm");
        assertThat(FIXTURE.resolve("out-bad").resolve(WhatIfReport.JSON_FILE)).doesNotExist();
    }

    /** A window holding no device event (here after the fixture's day) is refused: no report of a 1970 window. */
    @Test
    void aWindowWithoutDeviceEventsIsRefusedWithoutAReport() throws Exception {
        var err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("whatif", "--rules", candidate("rules-130c", 130).toString(), "--events",
                    FIXTURE.resolve("events.ndjson").toString(), "--enrolments",
                    FIXTURE.resolve("enrolments.ndjson").toString(), "--from", "2030-01-01T00:00:00Z", "--out",
                    FIXTURE.resolve("out-empty").toString());
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("no device events recorded from 2030-01-01T00:00:00Z").contains("nothing to compare");
        assertThat(FIXTURE.resolve("out-empty").resolve(WhatIfReport.JSON_FILE)).doesNotExist();
    }
}
