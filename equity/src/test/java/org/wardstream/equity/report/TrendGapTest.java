package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.support.SyntheticPopulation;

/**
 * Adversarial probe 19a, D4 (fixed: every month from the first to the last is a column, a missing one marked "no aggregates" and named above the table): a month with no aggregates vanishes from "Trends by month", and the months either side
 * are drawn as neighbours.
 *
 * <p>Scenario: a programme has aggregates for January and March 2026 and none for February (the equity job was down
 * and its recomputation never run, the programme paused its enrolments for a month, or the file was assembled from
 * two exports). {@code ReportSections.trends} makes its columns from the months that have rows, so the table reads
 * "Jan 2026 | Mar 2026": a commissioner reading the trend sees two consecutive months and no sign that one is
 * missing. The same page's key findings and window header say nothing either. Expected: every calendar month from the
 * first to the last is a column, a missing one marked as having no aggregates ("no data" / "no aggregates").
 */
class TrendGapTest {
    static final LocalDate JAN = LocalDate.of(2026, 1, 1);
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);

    @Test
    void aMonthWithoutAggregatesIsShownAsMissingInTheTrends() {
        EquityAggregator aggregator = new EquityAggregator(EquitySettings.defaults());
        List<PublishedRow> rows = new ArrayList<>();
        for (LocalDate m : List.of(JAN, MAR)) {
            rows.addAll(Disclosure.publish(aggregator.aggregate("cardiac-north", "month", m, m.plusMonths(1),
                    SyntheticPopulation.days("cardiac-north", m, 100, m.lengthOfMonth()), 0)));
        }
        String html = EquityReport.render(rows, "month", MAR);
        int at = html.indexOf("<details id=\"trends\"");
        String trends = html.substring(at, html.indexOf("</details>", at));
        String header = trends.substring(trends.indexOf("<thead>"), trends.indexOf("</thead>"));
        System.out.println("trends header: " + header.replaceAll("<[^>]+>", " | "));
        assertThat(header).as("the trend table's months").contains("Jan 2026").contains("Mar 2026");
        assertThat(header).as("February 2026, the month without aggregates between January and March")
                .contains("Feb 2026");
        assertThat(trends).as("February's cells").contains("<td>no aggregates</td>")
                .contains("No aggregates for Feb 2026");
    }
}
