package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Adversarial probe 19a, D14 (fixed: the window starts at the earlier of --from and the earliest device time read): with {@code --from}, an alert raised from backlog data uploaded inside the window is
 * "outside the history" and not judged: its loss is no hazard.
 *
 * <p>{@code --from}/{@code --to} select device events by broker time (the option's help: "ISO-8601 instant, broker
 * time"), so the what-if reads, analyses and alerts on a backlog uploaded on 1 February that a device buffered on
 * 30-31 January. {@code WhatIfLedger.result} then takes the window's start from {@code --from} and drops every alert
 * whose raise time (device time) is before it as "raised outside the history, not counted". Scenario: what-if from
 * 2026-02-01T00:00Z; a patient's device uploads on 1 February the pause it recorded on 31 January 22:00; the current
 * rules raise an urgent pause alert from it (which the clinician acted on: contacted the patient), the candidate does
 * not. Measured: 0 alerts, "None" under hazards; the alert is only in {@code alerts_outside_history_not_counted}.
 * Backlogs come from connectivity loss, more common in deprived areas: a change that misses alerts on buffered data
 * passes the safety screen. Expected: an alert raised from data the window read is judged (the window's start is the
 * earliest device time read, as without {@code --from}), so the lost actionable alert is a hazard.
 */
class WhatIfBacklogBeforeFromTest {
    static final long H = 3_600_000L;
    static final long FROM = 1_769_904_000_000L; // 2026-02-01T00:00Z

    @Test
    void anAlertFromABacklogReadInTheWindowIsJudged() throws Exception {
        WhatIfLedger l = new WhatIfLedger();
        // the backlog (device time 31 January) and the live data after it, all read because uploaded after --from
        l.span("virtual-ward", "w001", FROM - 4 * H, FROM + 20 * H, 3000);
        long pause = FROM - 2 * H;
        l.change(WhatIfLedger.RuleSet.CURRENT, "OPENED", "ep1", "virtual-ward", "w001", "pause", "urgent",
                pause, -1, pause, 3);
        l.change(WhatIfLedger.RuleSet.CURRENT, "CLOSED", "ep1", "virtual-ward", "w001", "pause", "urgent",
                pause, pause + 60_000, pause + 60_000, 3);
        l.outcome("ep1", "CONTACTED_PATIENT", FROM + 30 * 60_000L);

        WhatIfResult r = l.result(new WhatIfLedger.Parameters(15, FROM, null));
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("pause", 3));
        Map<String, Object> json = r.toJson(Map.of("current", set, "candidate", set, "changed_rules",
                List.of("pause")));
        System.out.println("missed actionable " + r.missedActionable().size() + ", outside history "
                + json.get("alerts_outside_history_not_counted") + "; " + WhatIfReport.summaryLine(json).trim());
        assertThat(r.missedActionable()).as("the actionable pause alert raised from the backlog read in the window,"
                + " which the candidate loses").hasSize(1);
    }
}
