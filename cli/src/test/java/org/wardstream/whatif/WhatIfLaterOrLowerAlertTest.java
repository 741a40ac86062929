package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Adversarial probe 19a, D11 and D13 (fixed: a kept alert that needed action and that the candidate brings to the
 * current rules' highest priority more than {@link WhatIfResult#LATER_MS} later, or never, is a hazard, listed with
 * its delay): the what-if judged only lost alerts, so a candidate that raised an actionable urgent alert three hours
 * later (a longer minimum duration) or no longer escalated an AF alert clinicians had escalated showed "Hazards: None".
 */
class WhatIfLaterOrLowerAlertTest {
    static final long H = 3_600_000L;
    static final long MIN = 60_000L;
    static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00Z

    @Test
    void anActionableAlertRaisedThreeHoursLaterIsAHazardNotNone() throws Exception {
        WhatIfLedger l = new WhatIfLedger();
        l.span("virtual-ward", "w001", T0, T0 + 23 * H, 5000);
        long start = T0 + 10 * H;
        l.change(WhatIfLedger.RuleSet.CURRENT, "OPENED", "ep1", "virtual-ward", "w001", "pause", "urgent",
                start, -1, start, 3);
        l.change(WhatIfLedger.RuleSet.CURRENT, "CLOSED", "ep1", "virtual-ward", "w001", "pause", "urgent",
                start, start + 4 * H, start + 4 * H, 3);
        l.change(WhatIfLedger.RuleSet.CANDIDATE, "OPENED", "ep1", "virtual-ward", "w001", "pause", "urgent",
                start, -1, start + 3 * H, 4);
        l.change(WhatIfLedger.RuleSet.CANDIDATE, "CLOSED", "ep1", "virtual-ward", "w001", "pause", "urgent",
                start, start + 4 * H, start + 4 * H, 4);
        l.outcome("ep1", "CONTACTED_PATIENT", start + 20 * 60_000L);

        WhatIfResult r = l.result(new WhatIfLedger.Parameters(15, null, null));
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("pause", 3));
        Map<String, Object> json = r.toJson(Map.of("current", set, "candidate", set, "changed_rules",
                List.of("pause")));
        String html = WhatIfReport.html(json);
        int at = html.indexOf("<h2>Hazards");
        String hazards = html.substring(at, html.indexOf("<h2>", at + 4));
        System.out.println("kept " + r.matching().kept().size() + ", lost " + r.matching().lost().size()
                + "; hazards: " + hazards.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").trim()
                + "; summary: " + WhatIfReport.summaryLine(json));
        assertThat(hazards).as("the hazard section when the candidate raises an actionable urgent alert 3 h later")
                .doesNotContain("<p class=\"ok\">None.")
                .containsPattern("(?i)later|delay");
    }

    @Test
    void anActionableAlertTheCandidateNeverEscalatesIsAHazard() throws Exception {
        WhatIfLedger l = new WhatIfLedger();
        l.span("virtual-ward", "w001", T0, T0 + 23 * H, 5000);
        long start = T0 + 10 * H;
        for (WhatIfLedger.RuleSet r : WhatIfLedger.RuleSet.values()) {
            l.change(r, "OPENED", "ep1", "virtual-ward", "w001", "atrial-fibrillation", "routine", start, -1, start,
                    r == WhatIfLedger.RuleSet.CURRENT ? 9 : 10);
        }
        l.change(WhatIfLedger.RuleSet.CURRENT, "ESCALATED", "ep1", "virtual-ward", "w001", "atrial-fibrillation",
                "urgent", start, -1, start + 20 * MIN, 9);
        for (WhatIfLedger.RuleSet r : WhatIfLedger.RuleSet.values()) {
            l.change(r, "CLOSED", "ep1", "virtual-ward", "w001", "atrial-fibrillation", "routine", start,
                    start + 3 * H, start + 3 * H, r == WhatIfLedger.RuleSet.CURRENT ? 9 : 10);
        }
        l.outcome("ep1", "ESCALATED_TO_CLINICIAN", start + 40 * MIN);

        WhatIfResult r = l.result(new WhatIfLedger.Parameters(15, null, null));
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("atrial-fibrillation", 9));
        Map<String, Object> json = r.toJson(Map.of("current", set, "candidate", set, "changed_rules",
                List.of("atrial-fibrillation")));
        String html = WhatIfReport.html(json);
        int at = html.indexOf("<h2>Hazards");
        String hazards = html.substring(at, html.indexOf("<h2>", at + 4));
        System.out.println("hazards: " + hazards.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").trim()
                + "; json keys: " + json.keySet());
        assertThat(hazards).as("the hazard section when the candidate never escalates an alert clinicians escalated")
                .doesNotContain("<p class=\"ok\">None.")
                .containsPattern("(?i)escalat");
    }

    /** The same alert at the same time under both rule sets: no hazard (the green "None" stays). */
    @Test
    void anAlertRaisedAtTheSameTimeIsNoHazard() throws Exception {
        WhatIfLedger l = new WhatIfLedger();
        l.span("virtual-ward", "w001", T0, T0 + 23 * H, 5000);
        long start = T0 + 10 * H;
        for (WhatIfLedger.RuleSet r : WhatIfLedger.RuleSet.values()) {
            l.change(r, "OPENED", "ep1", "virtual-ward", "w001", "pause", "urgent", start, -1, start + 2 * MIN, 3);
        }
        l.outcome("ep1", "CONTACTED_PATIENT", start + 20 * MIN);
        WhatIfResult r = l.result(new WhatIfLedger.Parameters(15, null, null));
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("pause", 3));
        String html = WhatIfReport.html(r.toJson(Map.of("current", set, "candidate", set, "changed_rules",
                List.of())));
        assertThat(r.laterActionable()).isEmpty();
        assertThat(html).contains("<p class=\"ok\">None.");
    }
}
