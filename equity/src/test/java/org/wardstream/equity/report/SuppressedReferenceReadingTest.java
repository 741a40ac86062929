package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.model.Dimension;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.support.SyntheticPopulation;

/**
 * A programme serving a deprived area, with few patients from IMD quintile 5 (the default reference of the
 * deprivation comparison: EquitySettings). Disclosure suppresses the reference quintile's rows and withholds every
 * ratio against it (right); the report blamed that on "numerators below 10" of quintiles 1-4, whose numerators are in
 * the hundreds, and never said the reference is too small (adversarial probe 18b, D6). Each affected measure's reading
 * now says the reference group is too small to compare against and what a commissioner can do; the chart and the
 * table say "reference" as the reason.
 */
class SuppressedReferenceReadingTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);

    @Test
    void ratiosWithheldForASmallReferenceAreNotBlamedOnTheComparedStrata() {
        // 100 patients, as the report tests; of the 20 in IMD quintile 5 (i % 5 == 4) only 5 are kept
        List<PatientDay> days = SyntheticPopulation.days("inner-city", MAR, 100, 31).stream()
                .filter(d -> !"5".equals(d.strata().value(Dimension.IMD_QUINTILE))
                        || Integer.parseInt(d.patientId().substring("pseudo-".length())) < 25).toList();
        List<PublishedRow> rows = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate("inner-city", "month", MAR, MAR.plusMonths(1), days, 0));
        String imd = Dimension.IMD_QUINTILE.code();
        assertThat(rows).as("quintile 5 is the reference and is suppressed").anyMatch(r -> r.dimension().equals(imd)
                && r.stratum().equals("5") && "5".equals(r.referenceStratum()) && r.suppressed());

        // the measures where a quintile 1-4 row has a published numerator of 10 or more but no ratio
        Set<String> measures = new TreeSet<>();
        for (PublishedRow r : rows) {
            if (r.dimension().equals(imd) && !r.stratum().equals("5") && "5".equals(r.referenceStratum())
                    && r.ratio() == null && r.value() != null && r.numeratorCount().matches("\\d+")
                    && Long.parseLong(r.numeratorCount()) >= 10) {
                measures.add(r.measure());
            }
        }
        assertThat(measures).as("measures compared against the suppressed reference").isNotEmpty();
        List<String> wrong = new ArrayList<>();
        for (String m : measures) {
            List<PublishedRow> strata = rows.stream().filter(r -> r.dimension().equals(imd) && r.measure().equals(m))
                    .toList();
            String reading = EquityReport.reading(m, imd, strata);
            StringBuilder chart = new StringBuilder();
            EquityReport.chart(chart, m, imd, strata);
            boolean blamesNumerators = reading.contains("at least 10") || chart.toString().contains("numerator below 10");
            boolean saysReferenceTooSmall = reading.matches("(?is).*(reference|quintile 5|least deprived).*"
                    + "(suppressed|too few|small number|fewer than 8).*");
            if (blamesNumerators || !saysReferenceTooSmall) {
                wrong.add(m + ": \"" + reading + "\"" + (chart.toString().contains("numerator below 10")
                        ? " + chart rows \"no ratio (numerator below 10)\"" : ""));
            }
        }
        assertThat(wrong).as("measures whose missing deprivation ratios are explained wrongly").isEmpty();
        String m = measures.iterator().next();
        List<PublishedRow> strata = rows.stream().filter(r -> r.dimension().equals(imd) && r.measure().equals(m))
                .toList();
        StringBuilder chart = new StringBuilder();
        EquityReport.chart(chart, m, imd, strata);
        assertThat(chart.toString()).contains("no ratio (reference too small to publish)");
        assertThat(EquityReport.reading(m, imd, strata)).as("what a commissioner can do")
                .contains("ask whoever runs the equity job to make a larger group the reference of this dimension");
        assertThat(EquityReport.render(rows)).contains("not shown (reference suppressed)");
    }
}
