package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.cli.Main;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * An enrolments file that enrols nobody: before session 20 the what-if ran, analysed nothing (every reading waited for
 * an enrolment) and reported "every one was refused by the ingest, reasons above" with no reason anywhere. Now each
 * refused record is named with the job's reason and without its values, and a file with no valid enrolment left is
 * refused before anything runs.
 */
class WhatIfEnrolmentsRefusedTest {
    static final String VALID = "{\"key\":{\"programme\":\"virtual-ward\",\"patientId\":\"w001\"},\"value\":{"
            + "\"patientId\":\"w001\",\"programme\":\"virtual-ward\",\"status\":\"ACTIVE\",\"enrolledOn\":20513,"
            + "\"endedOn\":null,\"timeZone\":\"Europe/London\",\"stratifiers\":{\"imdDecile\":{\"int\":1},"
            + "\"imdEdition\":null,\"ethnicCategory\":null,\"sexCode\":null,\"ageBand\":null,\"icbCode\":null},"
            + "\"thresholdOverrides\":{},\"updatedAt\":1772359200000}}";

    @TempDir
    Path dir;

    @Test
    void eachRefusedEnrolmentIsNamedWithoutItsValuesAndNoneLeftStopsTheRun() throws Exception {
        // the what-if fixture's device events (six patients) and the packaged rules as the candidate: before the fix
        // this ran the whole what-if and reported nothing analysed, without a reason
        Path events = dir.resolve("events.ndjson");
        try (java.io.InputStream in = getClass().getResourceAsStream("/whatif/events.ndjson")) {
            Files.copy(java.util.Objects.requireNonNull(in), events);
        }
        Path rules = Files.createDirectories(dir.resolve("rules"));
        for (EpisodeType t : EpisodeType.values()) {
            try (java.io.InputStream in = Rules.class.getClassLoader()
                    .getResourceAsStream("alert-rules/" + t.code() + ".yaml")) {
                Files.copy(java.util.Objects.requireNonNull(in), rules.resolve(t.code() + ".yaml"));
            }
        }
        Path enrolments = dir.resolve("enrolments.ndjson");
        Files.write(enrolments, List.of(
                "Jane Doe 9434765919",                                                     // not a replay line
                VALID.replace("\"patientId\":\"w001\",\"programme\"", "\"patientId\":\"9434765919\",\"programme\""),
                VALID.replace("Europe/London", "Mars/Jane Doe"),                           // not a time zone
                "",
                "{\"key\":{\"programme\":\"virtual-ward\",\"patientId\":\"w009\"},\"value\":null}"), // a tombstone
                StandardCharsets.UTF_8);
        Path out = dir.resolve("out");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("whatif", "--rules", rules.toString(), "--events", events.toString(), "--enrolments",
                    enrolments.toString(), "--out", out.toString());
        } finally {
            System.setErr(saved);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(code).isEqualTo(2);
        assertThat(text).contains("3 enrolment record(s) of the --enrolments " + enrolments + " refused")
                .contains("enrolments.ndjson line 1: not-decodable (")
                .contains("enrolments.ndjson line 2: invalid-field (value patientId differs from the key)")
                .contains("enrolments.ndjson line 3: invalid-field (timeZone is not an IANA time zone)")
                .contains("hold no valid enrolment (3 record(s) refused, reasons above, 1 tombstone(s))")
                .contains("no report written")
                .doesNotContain("Jane").doesNotContain("9434765919");
        assertThat(out.resolve(WhatIfReport.JSON_FILE)).doesNotExist();
    }

    /** Valid enrolments, all of other patients (another programme's export): the report says so, not "refused". */
    @Test
    void enrolmentsOfOtherPatientsOnlyAreNamedAsTheReasonNothingWasAnalysed() {
        WhatIfLedger l = new WhatIfLedger(); // no reading admitted: every one waited for an enrolment
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("pause", 3));
        Map<String, Object> json = l.result(new WhatIfLedger.Parameters(15, null, null))
                .toJson(Map.of("current", set, "candidate", set, "changed_rules", List.of()));
        json.put("enrolments", Map.of("source", "--enrolments other-programme.ndjson", "valid", 3, "refused", 0));
        assertThat(WhatIfReport.html(json)).contains("No device event of this history was analysed</strong> (none "
                + "was refused by the ingest: no patient of these device events has a valid enrolment in the "
                + "--enrolments other-programme.ndjson (3 valid enrolment(s), all of other patients; 0 refused)")
                .doesNotContain("every one was refused");
    }
}
