package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The what-if's hazard screen when no clinician outcome was read (adversarial probe 18b, D7): the wrong
 * {@code --outcomes} file (here the enrolments replay file) or an empty triage-events topic gives 0 outcomes. The
 * green "None" would then be vacuously true while the candidate loses alerts; the section must say that the hazards
 * could not be assessed, in the hazard style. (A wholly undecodable {@code --outcomes} file is refused by the command:
 * {@link WhatIfCommandTest}.)
 */
class WhatIfWithoutOutcomesTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00Z

    @Test
    void noOutcomesReadIsNotReportedAsNoHazard() throws Exception {
        WhatIfLedger l = new WhatIfLedger();
        // the operator passed the enrolments file as --outcomes
        HistoryTopics.Read read = HistoryTopics.outcomesFile(
                Path.of("src/test/resources/whatif/enrolments.ndjson"), l);
        assertThat(read.used()).as("outcomes read from the wrong file").isZero();
        assertThat(read.undecodable()).as("lines skipped as undecodable").isPositive();

        // three current alerts, the candidate raises only one of them
        l.span("virtual-ward", "w001", T0, T0 + 47 * H, 1000);
        for (int i = 1; i <= 3; i++) {
            l.change(WhatIfLedger.RuleSet.CURRENT, "OPENED", "c" + i, "virtual-ward", "w001", "pause", "urgent",
                    T0 + i * 10 * H, -1, T0 + i * 10 * H, 1);
            l.change(WhatIfLedger.RuleSet.CURRENT, "CLOSED", "c" + i, "virtual-ward", "w001", "pause", "urgent",
                    0, T0 + i * 10 * H + 60_000, T0 + i * 10 * H + 60_000, 1);
        }
        l.change(WhatIfLedger.RuleSet.CANDIDATE, "OPENED", "d1", "virtual-ward", "w001", "pause", "urgent",
                T0 + 10 * H, -1, T0 + 10 * H, 1);
        WhatIfResult r = l.result(new WhatIfLedger.Parameters(15, null, null));
        assertThat(r.matching().lost()).as("alerts the candidate loses").hasSize(2);
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("pause", 3));
        String html = WhatIfReport.html(r.toJson(Map.of("current", set, "candidate", set,
                "changed_rules", List.of("pause"))));

        int at = html.indexOf("<h2>Hazards");
        String hazards = html.substring(at, html.indexOf("<h2>", at + 4));
        assertThat(hazards).as("the hazard section when no clinician outcome was read")
                .doesNotContain("<p class=\"ok\">None.")
                .containsPattern("(?i)(not|cannot|could not) (be )?assess|no (clinician |coded )?outcome")
                .contains("class=\"hazard\"");
        assertThat(WhatIfReport.summaryLine(r.toJson(Map.of("current", set, "candidate", set,
                "changed_rules", List.of("pause"))))).contains("HAZARDS NOT ASSESSED");
    }
}
