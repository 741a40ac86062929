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
import org.wardstream.equity.model.Dimension;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.support.SyntheticPopulation;

/**
 * A window re-emitted with a new revision in which a stratum no longer has rows (adversarial probe 18b, D8). The job
 * re-aggregates a whole window when late data revise it and emits every row again with the next revision; the
 * aggregator emits no row for a stratum without patients, and the compacted topic and the store (upsert by row key)
 * keep the older revision's rows of that stratum. The report took the highest revision of each row, so the page
 * headed "revision 1" showed IMD quintile 1 from revision 0 and lost the newest revision's finding "No enrolled
 * patients from IMD quintile 1". It now reports each programme's window at its newest revision only.
 */
class StaleRevisionRowsTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);

    @Test
    void aStratumAbsentFromTheNewestRevisionIsNotReportedFromAnOlderOne() {
        List<PatientDay> first = SyntheticPopulation.days("cardiac-north", MAR, 100, 31);
        List<PatientDay> revised = first.stream()
                .filter(d -> !"1".equals(d.strata().value(Dimension.IMD_QUINTILE))).toList();
        EquityAggregator aggregator = new EquityAggregator(EquitySettings.defaults());
        List<PublishedRow> rev0 = Disclosure.publish(aggregator.aggregate("cardiac-north", "month", MAR,
                MAR.plusMonths(1), first, 0));
        List<PublishedRow> rev1 = Disclosure.publish(aggregator.aggregate("cardiac-north", "month", MAR,
                MAR.plusMonths(1), revised, 1));
        String finding = "No enrolled patients from IMD quintile 1 (most deprived, Core20)";
        // control: the newest revision alone says it
        assertThat(EquityReport.render(rev1)).as("the report of revision 1 alone").contains(finding);

        // what the store / compacted topic / CSV hold after the re-emission: both revisions' rows
        List<PublishedRow> stored = new ArrayList<>(rev0);
        stored.addAll(rev1);
        String html = EquityReport.render(stored);
        assertThat(html).as("the page is headed with the newest revision").contains("revision 1");
        assertThat(html).as("the report of the stored rows (both revisions)").contains(finding);
    }
}
