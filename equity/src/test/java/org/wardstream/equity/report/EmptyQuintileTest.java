package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
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
 * Adversarial probe 17b, D7 (fixed: EquityReport.emptyQuintiles, the key findings, the IMD sections): a programme that enrols nobody from the most deprived fifth of areas gets a report that
 * never says so.
 *
 * <p>The same synthetic programme as the report tests, without its IMD quintile 1 patients (the Core20 group NHS
 * England's Core20PLUS5 asks services to reach). The aggregator emits no row for a stratum without patients, and the
 * report draws only the strata it has rows for: the deprivation tables and charts list quintiles 2-5, the inequality
 * section says only that no measure has "every quintile large enough for an index", and the key findings are silent.
 * A commissioner reading for two minutes cannot tell "nobody from the most deprived areas is enrolled" (the central
 * equity finding) from "the numbers were too small". Expected: the page names the most deprived quintile and says it
 * has no enrolled patients (0, not suppressed: 0 is published as 0).
 */
class EmptyQuintileTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);

    @Test
    void aQuintileWithNoPatientsIsReportedAsNone() {
        List<PatientDay> days = SyntheticPopulation.days("cardiac-north", MAR, 100, 31).stream()
                .filter(d -> !"1".equals(d.strata().value(Dimension.IMD_QUINTILE))).toList();
        List<PublishedRow> rows = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate("cardiac-north", "month", MAR, MAR.plusMonths(1), days, 0));
        assertThat(rows).as("rows of quintile 2").anyMatch(r -> r.dimension().equals("imd_quintile")
                && r.stratum().equals("2"));

        String html = EquityReport.render(rows);
        // the most deprived quintile is named somewhere on the page (its label as the report writes it) ...
        assertThat(html).as("the report of a programme without patients from the most deprived quintile")
                .containsAnyOf("IMD quintile 1 (most deprived, Core20)", "most deprived quintile");
        // ... with the fact that nobody from it is enrolled
        String text = html.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ");
        assertThat(text).as("what the page says about the most deprived quintile")
                .containsPattern("(?i)(no (enrolled )?patients|none enrolled|no one|nobody|0 patients)[^.]{0,80}"
                        + "most deprived|most deprived[^.]{0,120}(no (enrolled )?patients|none enrolled|no one|nobody|"
                        + "0 patients|not represented)");
        // ... and says it first, among the key findings a commissioner reads in two minutes
        int findings = html.indexOf("<section class=\"findings\"");
        assertThat(html.substring(findings, html.indexOf("</section>", findings)).replaceAll("<[^>]+>", ""))
                .as("the key findings").contains("No enrolled patients from IMD quintile 1 (most deprived, Core20)");
    }
}
