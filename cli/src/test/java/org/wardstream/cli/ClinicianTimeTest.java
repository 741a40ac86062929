package org.wardstream.cli;

import org.junit.jupiter.api.Test;
import org.wardstream.contract.ClinicianTime;
import org.wardstream.equity.Measures;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.report.EquityReport;
import org.wardstream.whatif.WhatIfLedger;
import org.wardstream.whatif.WhatIfReport;
import picocli.CommandLine;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The what-if's workload estimate and the commissioners' report's alert burden plan with one figure of clinician
 * minutes per alert ({@link ClinicianTime}), and both outputs name it and say where it comes from. They used 10 (the
 * what-if's default) and 15 (the report): the same alert rate gave operators and commissioners different hours.
 */
class ClinicianTimeTest {
    private static final String FIGURE = ClinicianTime.text(ClinicianTime.MINUTES_PER_ALERT) + " minutes per alert";

    @Test
    void theWhatIfAndTheEquityReportUseTheSameMinutesPerAlertAndStateItsBasis() {
        WhatIfCommand whatIf = new WhatIfCommand();
        new CommandLine(whatIf).parseArgs("--rules", "candidate", "--events", "events.ndjson", "--enrolments", "e.ndjson");
        assertThat(whatIf.minutesPerAlert).as("the what-if's default").isEqualTo(ClinicianTime.MINUTES_PER_ALERT);

        WhatIfLedger ledger = new WhatIfLedger();
        long t0 = 1_772_409_600_000L; // 2026-03-02T00:00Z
        ledger.span("p", "a", t0, t0 + 86_400_000L * 7 - 1, 10);
        ledger.change(WhatIfLedger.RuleSet.CURRENT, "OPENED", "c1", "p", "a", "pause", "urgent", t0 + 1000, -1,
                t0 + 1000, 1);
        Map<String, Object> json = ledger.result(new WhatIfLedger.Parameters(whatIf.minutesPerAlert, null, null))
                .toJson(Map.of("current", Map.of("origin", "packaged", "versions", Map.of()),
                        "candidate", Map.of("origin", "candidate", "versions", Map.of()), "changed_rules", List.of()));
        assertThat(((Number) json.get("minutes_per_alert")).doubleValue()).isEqualTo(ClinicianTime.MINUTES_PER_ALERT);
        assertThat((String) json.get("minutes_per_alert_basis")).contains(ClinicianTime.BASIS)
                .contains("the same figure as the equity report");
        String whatIfPage = WhatIfReport.html(json);
        assertThat(whatIfPage).contains("Clinician time at " + FIGURE).contains(ClinicianTime.BASIS);

        LocalDate mar = LocalDate.of(2026, 3, 1);
        LocalDate apr = LocalDate.of(2026, 4, 1);
        List<PublishedRow> rows = List.of(
                new PublishedRow("virtual-ward", mar, apr, "month", "all", "all", Measures.ENROLLED_PATIENTS, "count",
                        "100", null, null, null, null, null, null, null, null, "2019", 1),
                new PublishedRow("virtual-ward", mar, apr, "month", "all", "all", Measures.MONITORED_DAYS,
                        "proportion", "2480", "3100", 0.8, 0.78, 0.82, null, null, null, null, "2019", 1),
                new PublishedRow("virtual-ward", mar, apr, "month", "all", "all", Measures.ALERTS_PREFIX + "pause",
                        "rate", "50", "3100", 16.1, 12.0, 21.2, null, null, null, null, "2019", 1));
        String report = EquityReport.render(rows);
        assertThat(report).contains("at " + FIGURE + ":").contains(ClinicianTime.BASIS)
                .contains("the what-if's workload estimate uses the same figure");
        // 16.1 alerts per 1,000 enrolled days x 100 patients x 7 days x 15 min / 60 = 2.8 hours a week (a clinical
        // rate is per enrolled day since probe 19a D8; it was per monitored day, times the 0.8 monitored share)
        assertThat(report).contains(String.format(java.util.Locale.UK, "<td>%.1f</td>",
                16.1 / 1000 * 100 * 7 * ClinicianTime.MINUTES_PER_ALERT / 60));
    }
}
