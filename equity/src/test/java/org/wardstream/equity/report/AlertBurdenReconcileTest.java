package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.support.SyntheticPopulation;

/**
 * Adversarial probe 17b, D8: "Alert burden and clinician time" contradicts itself: the clinician hours a week of a
 * clinical alert type do not match the alerts in the same row.
 *
 * <p>A programme of 100 patients, every one enrolled for the whole of March (31 days: a constant caseload). The AF
 * row says N alerts in the month; at 15 minutes an alert that is N x 7 / 31 x 15 / 60 clinician hours a week. The
 * report computes "rate x enrolled patients x 7 x minutes / 60" with the clinical rate per 1,000 <em>monitored</em>
 * patient-days (ReportSections.alertBurden), i.e. as if every enrolled patient-day were monitored: the hours are
 * inflated by 1 / (share of days monitored) (here about 1.2; a programme where 60 % of days meet the coverage
 * threshold is told it needs 1.7 times the clinician time its alerts take). The device-offline row (rate per enrolled
 * day) reconciles, so the two rows of one table use different bases without saying so. Commissioners use the table
 * "for service planning". Expected: the hours of each type reconcile with its alerts (within 5 %, more than the
 * rounding of the published counts), e.g. rate x monitored patient-days per week.
 */
class AlertBurdenReconcileTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);

    @Test
    void clinicianHoursReconcileWithTheAlertsOfTheSameRow() {
        List<PatientDay> days = SyntheticPopulation.days("cardiac-north", MAR, 100, 31);
        List<PublishedRow> rows = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate("cardiac-north", "month", MAR, MAR.plusMonths(1), days, 0));
        String html = EquityReport.render(rows);
        int from = html.indexOf("<details id=\"alert-burden");
        String section = html.substring(from, html.indexOf("</details>", from));
        for (String type : List.of("Atrial fibrillation", "Device offline")) {
            Matcher m = Pattern.compile("<tr><td>" + type + "</td><td>[^<]*</td><td>[^<]*</td><td>(\\d+)</td><td>"
                    + "([0-9.]+)</td></tr>").matcher(section);
            assertThat(m.find()).as("the %s row of %s", type, section).isTrue();
            long alerts = Long.parseLong(m.group(1)); // published: rounded to 5
            double hours = Double.parseDouble(m.group(2));
            double perWeek = 15.0 / 60 * 7 / 31;
            // the published count is within 2.5 of the true one, the hours are rounded to 0.1, and a rate from rounded
            // counts (and the patient-days a window counts) may move them a little more: 5 % either way is allowed
            double low = Math.min((alerts - 2.5) * perWeek - 0.05, alerts * perWeek * 0.95);
            double high = Math.max((alerts + 2.5) * perWeek + 0.05, alerts * perWeek * 1.05);
            assertThat(hours).as("%s: %d alerts in 31 days at 15 min each are %.1f-%.1f clinician hours a week;"
                    + " the table says %.1f (%s)", type, alerts, low, high, hours, section).isBetween(low, high);
        }
    }
}
