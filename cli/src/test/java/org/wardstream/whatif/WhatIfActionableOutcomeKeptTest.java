package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Adversarial probe 19a, D15 (fixed: an actionable outcome is never replaced by a later outcome of another kind): an alert clinicians acted on, re-opened by an escalation and then closed "no action
 * needed", is counted as an avoided false alarm when the candidate loses it.
 *
 * <p>{@code WhatIfLedger.outcome}: "the latest by time wins for its episode". Scenario: a pause alert; the clinician
 * contacts the patient and closes it CLOSED_WITH_ACTION (CONTACTED_PATIENT); the pipeline escalates the episode later
 * (the triage service re-opens the Task: "escalated after triage"), and a colleague, seeing the patient was already
 * called, closes it NO_ACTION_NEEDED. The candidate rules lose the alert. Measured: missed actionable 0, avoided
 * (no action needed) 1: the hazard section says "None" and the lost alert is listed as a benefit. Expected: an alert
 * with any actionable outcome needed action (missed actionable 1), whatever was recorded after it.
 */
class WhatIfActionableOutcomeKeptTest {
    static final long H = 3_600_000L;
    static final long MIN = 60_000L;
    static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00Z

    @Test
    void anAlertActedOnBeforeItWasReopenedIsActionableWhenLost() throws Exception {
        WhatIfLedger l = new WhatIfLedger();
        l.span("virtual-ward", "w001", T0, T0 + 23 * H, 5000);
        long start = T0 + 10 * H;
        l.change(WhatIfLedger.RuleSet.CURRENT, "OPENED", "ep1", "virtual-ward", "w001", "pause", "routine",
                start, -1, start, 3);
        l.change(WhatIfLedger.RuleSet.CURRENT, "ESCALATED", "ep1", "virtual-ward", "w001", "pause", "urgent",
                start, -1, start + 2 * H, 3);
        l.outcome("ep1", "CONTACTED_PATIENT", start + 30 * MIN);       // first closure: with action
        l.outcome("ep1", "NO_ACTION_NEEDED", start + 2 * H + 20 * MIN); // after the escalation re-opened it

        WhatIfResult r = l.result(new WhatIfLedger.Parameters(15, null, null));
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("pause", 3));
        Map<String, Object> json = r.toJson(Map.of("current", set, "candidate", set, "changed_rules",
                List.of("pause")));
        System.out.println(WhatIfReport.summaryLine(json).trim());
        assertThat(r.missedActionable()).as("a lost alert clinicians acted on (contacted the patient)").hasSize(1);
    }
}
