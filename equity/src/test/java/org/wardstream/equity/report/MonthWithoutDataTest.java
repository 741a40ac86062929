package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.support.SyntheticPopulation;

/**
 * Adversarial probe 19a, D6 (fixed: the first key finding says no patient was monitored): a month in which no enrolled patient sent any data opens with "No difference between
 * groups is both large enough and certain enough to report".
 *
 * <p>Scenario: the report tests' 100-patient programme in March, but the device feed delivered nothing all month (a
 * vendor integration broke; the equity job still counts the enrolled days, with 0 data minutes). The key findings,
 * the screen a commissioner reads in two minutes, compare groups only: with no monitored day anywhere there is no
 * group difference, so the page's first words are the reassuring "No difference between groups ... to report in this
 * window". That nobody was monitored (monitored days 0 %, data completeness 0 %, no alert rate at all) is only in the
 * collapsed "Whole programme" section. Expected: the key findings say first that no patient was monitored (or that
 * no data arrived) in the window, not that there is no difference.
 */
class MonthWithoutDataTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);

    @Test
    void aMonthWithoutAnyDataIsTheFirstFindingNotNoDifference() {
        List<PatientDay> days = SyntheticPopulation.days("cardiac-north", MAR, 100, 31).stream()
                .map(d -> new PatientDay(d.programme(), d.patientId(), d.day(), d.strata(), d.dayMinutes(),
                        d.enrolledMinutes(), 0, false, java.util.Map.of(), 0, List.of(), 0, 0, d.enrolledStart(),
                        d.disenrolled()).withPacemaker(d.pacemaker()))
                .toList();
        List<PublishedRow> rows = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate("cardiac-north", "month", MAR, MAR.plusMonths(1), days, 0));
        String html = EquityReport.render(rows);
        int at = html.indexOf("<section class=\"findings\"");
        String findings = html.substring(at, html.indexOf("</section>", at)).replaceAll("<[^>]+>", " ")
                .replaceAll("\\s+", " ");
        System.out.println("key findings: " + findings);
        assertThat(findings).as("the key findings of a month in which no patient sent any data")
                .containsPattern("(?i)(no (patient|one|data)[^.]{0,60}(monitored|data|received))|0 ?% (of )?"
                        + "(days )?monitored|monitored on no day|not monitored");
    }
}
