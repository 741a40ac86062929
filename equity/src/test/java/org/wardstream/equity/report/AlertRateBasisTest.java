package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.Measures;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;

/**
 * Probe 19a, D8 (fixed in session 20): clinical alerts of unmonitored days were divided by monitored days only, so a
 * group with worse monitoring showed a false excess of alerts as a key finding.
 *
 * <p>Scenario: 40 patients in IMD quintile 5 with data every day, and 40 in quintile 1 whose broadband drops every
 * other day (about 15 h of data on odd days: below the 70 % coverage, so those days are not monitored). Both groups
 * have exactly the same alerts: one clinical alert every fifth day per patient (days 5, 10, ..., 30). Measured before
 * the fix: quintile 1 240 alerts over 600 monitored days against quintile 5's 240 over 1,240, rate ratio 2.07, and
 * the key finding "Patients in the most deprived quintile had 107 % more clinical alerts per monitored day ...".
 * Now numerator and denominator run over the same days, the active ones (docs/METRICS.md, "Why clinical alerts are
 * per active day"): 240 over 1,240 in both, ratio 1, no finding.
 */
class AlertRateBasisTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);
    static final String PROG = "cardiac-north";

    @Test
    void equalAlertingWithWorseMonitoringIsNotAnExcessOfAlerts() {
        List<PatientDay> days = new ArrayList<>();
        Strata q5 = new Strata("5", "IoD2019", "White", "65-74", "female", "QWE");
        Strata q1 = new Strata("1", "IoD2019", "White", "65-74", "female", "QWE");
        for (int p = 0; p < 40; p++) {
            for (int d = 1; d <= 31; d++) {
                days.add(day("q5-" + p, d, q5, 1440));
                days.add(day("q1-" + p, d, q1, d % 2 == 0 ? 1440 : 900));
            }
        }
        List<PublishedRow> rows = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate(PROG, "month", MAR, MAR.plusMonths(1), days, 0));
        PublishedRow q1Rate = rows.stream().filter(r -> r.dimension().equals("imd_quintile") && r.stratum().equals("1")
                && r.measure().equals(Measures.CLINICAL_ALERTS)).findFirst().orElseThrow();
        String html = EquityReport.render(rows);
        int at = html.indexOf("<section class=\"findings\"");
        String findings = html.substring(at, html.indexOf("</section>", at)).replaceAll("<[^>]+>", " ")
                .replaceAll("\\s+", " ");
        System.out.println("quintile 1 clinical alerts " + q1Rate.numeratorCount() + "/" + q1Rate.denominatorCount()
                + " ratio " + q1Rate.ratio() + "; key findings: " + findings);
        assertThat(q1Rate.ratio()).as("rate ratio of quintile 1 to quintile 5 for the same alerting (6 alerts per"
                + " patient each)").isEqualTo(1.0);
        assertThat(q1Rate.denominatorCount()).as("active patient-days, not monitored ones").isEqualTo("1240");
        assertThat(findings).as("the key findings").doesNotContain("more clinical alerts per")
                .doesNotContain("fewer clinical alerts per");
    }

    private static PatientDay day(String id, int dom, Strata s, int dataMinutes) {
        boolean alert = dom % 5 == 0;
        return new PatientDay(PROG, id, MAR.withDayOfMonth(dom), s, 1440, 1440, dataMinutes,
                PatientDay.isMonitored(1440, dataMinutes, 0.7), alert ? Map.of("pause", 1) : Map.of(), 0,
                alert ? List.of(60_000L) : List.of(), alert ? 1 : 0, alert ? 1 : 0, false, false);
    }
}
