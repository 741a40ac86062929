package org.wardstream.equity.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.wardstream.equity.support.ReferenceCsv.number;
import static org.wardstream.equity.support.ReferenceCsv.rows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * Ratio intervals, SII/RII and funnel limits against reference values computed independently (see
 * reference/ATTRIBUTION.md): PHEindicatormethods test sheets for SII/RII and funnel limits, scipy/statsmodels
 * root-finding for the MOVER-R and exact conditional ratio intervals.
 */
class InequalityMethodsTest {
    static void near(double expected, double actual, double relative, String what) {
        assertThat(actual).as(what).isCloseTo(expected, within(Math.max(1e-12, relative * Math.abs(expected))));
    }

    @Test
    void moverRatioOfProportionsMatchesEveryReferenceRow() {
        List<CSVRecord> all = rows("ratio_proportions_mover.csv");
        assertThat(all).hasSize(16);
        for (CSVRecord r : all) {
            Estimate e = ConfidenceIntervals.proportionRatioMover(number(r, "x1"), number(r, "n1"), number(r, "x2"),
                    number(r, "n2"), number(r, "confidence"));
            String row = "row " + r.getRecordNumber();
            near(number(r, "ratio"), e.value(), 1e-12, row + " ratio");
            near(number(r, "lower"), e.lower(), 1e-9, row + " lower");
            near(number(r, "upper"), e.upper(), 1e-9, row + " upper");
        }
    }

    @Test
    void tenOfTenIsNotAPreciseRatio() {
        // the report's old headline: 10 of 10 vs 60 %, ratio 1.67; the log (Katz) method gives a narrow interval
        Estimate katz = ConfidenceIntervals.proportionRatio(10, 10, 600, 1000, 0.95);
        Estimate mover = ConfidenceIntervals.proportionRatioMover(10, 10, 600, 1000, 0.95);
        assertThat(mover.upper() - mover.lower()).isGreaterThan(3 * (katz.upper() - katz.lower()));
    }

    @Test
    void exactConditionalRateRatioMatchesEveryReferenceRow() {
        List<CSVRecord> all = rows("ratio_rates_exact.csv");
        assertThat(all).hasSize(12);
        for (CSVRecord r : all) {
            Estimate e = ConfidenceIntervals.rateRatioExact(number(r, "o1").longValue(), number(r, "n1"),
                    number(r, "o2").longValue(), number(r, "n2"), number(r, "confidence"));
            String row = "row " + r.getRecordNumber();
            near(number(r, "ratio"), e.value(), 1e-12, row + " ratio");
            near(number(r, "lower"), e.lower(), 1e-8, row + " lower");
            near(number(r, "upper"), e.upper(), 1e-8, row + " upper");
        }
        assertThat(ConfidenceIntervals.rateRatioExact(3, 10, 0, 10, 0.95).value()).isNull();
    }

    @Test
    void siiAndRiiMatchThePackageSheetValuesAndTheirSimulatedLimitsAgreeWithinMonteCarloError() {
        Map<String, List<CSVRecord>> cases = new LinkedHashMap<>();
        for (CSVRecord r : rows("sii_phe.csv")) {
            cases.computeIfAbsent(r.get("case"), k -> new ArrayList<>()).add(r);
        }
        assertThat(cases).hasSize(8);
        for (Map.Entry<String, List<CSVRecord>> c : cases.entrySet()) {
            List<CSVRecord> q = c.getValue();
            int k = q.size();
            double[] pop = new double[k];
            double[] val = new double[k];
            double[] se = new double[k];
            Inequality.ValueType type = Inequality.ValueType.values()[Integer.parseInt(q.get(0).get("value_type"))];
            for (int i = 0; i < k; i++) {
                pop[i] = number(q.get(i), "population");
                val[i] = number(q.get(i), "value");
                se[i] = number(q.get(i), "standard_error");
                // the sheet's standard error is (upper - lower) / 2z on the transformed scale, with z rounded to 1.96
                near(se[i], Inequality.seFromLimits(number(q.get(i), "lower_cl"), number(q.get(i), "upper_cl"),
                        type), 3e-5, c.getKey() + " se " + i);
            }
            Inequality.Result res = Inequality.sii(pop, val, se, type, 0.95, Inequality.REPETITIONS, 5);
            CSVRecord head = q.get(0);
            // the point estimates are a least-squares fit: exact
            near(number(head, "sii"), res.sii(), 1e-9, c.getKey() + " sii");
            near(number(head, "rii"), res.rii(), 1e-9, c.getKey() + " rii");
            if (number(head, "sii_lower") != null) {
                // simulated limits: the package's own tests allow 5 % relative; 100,000 draws do much better
                double width = number(head, "sii_upper") - number(head, "sii_lower");
                near(number(head, "sii_lower"), res.siiLower(), 0.02 * width / Math.abs(number(head, "sii_lower")),
                        c.getKey() + " sii lower");
                near(number(head, "sii_upper"), res.siiUpper(), 0.02 * width / Math.abs(number(head, "sii_upper")),
                        c.getKey() + " sii upper");
                near(number(head, "rii_lower"), res.riiLower(), 0.005, c.getKey() + " rii lower");
                near(number(head, "rii_upper"), res.riiUpper(), 0.005, c.getKey() + " rii upper");
            }
        }
    }

    @Test
    void siiIsReproducibleForAGivenSeed() {
        double[] pop = {100, 120, 90, 110, 80};
        double[] val = {0.7, 0.75, 0.8, 0.82, 0.85};
        double[] se = {0.2, 0.2, 0.2, 0.2, 0.2};
        var a = Inequality.sii(pop, val, se, Inequality.ValueType.PROPORTION, 0.95, 2000, 1);
        assertThat(Inequality.sii(pop, val, se, Inequality.ValueType.PROPORTION, 0.95, 2000, 1)).isEqualTo(a);
        assertThat(a.sii()).isPositive(); // higher in the least deprived
        assertThat(a.siiLower()).isLessThan(a.sii());
        assertThat(a.siiUpper()).isGreaterThan(a.sii());
    }

    @Test
    void proportionFunnelLimitsMatchThePackageRows() {
        List<CSVRecord> all = rows("funnel_proportion_limits.csv");
        assertThat(all).hasSize(100);
        for (CSVRecord r : all) {
            double n = number(r, "Population");
            double av = number(r, "Baseline") / 100;
            String row = "n " + n;
            // the sheet rounds to 6 decimals of a percentage
            assertThat(100 * Funnel.proportionLimit(n, av, Funnel.INNER, false)).as(row)
                    .isCloseTo(number(r, "Lower2s0025limit"), within(2e-5));
            assertThat(100 * Funnel.proportionLimit(n, av, Funnel.INNER, true)).as(row)
                    .isCloseTo(number(r, "Upper2s0025limit"), within(2e-5));
            assertThat(100 * Funnel.proportionLimit(n, av, Funnel.OUTER, false)).as(row)
                    .isCloseTo(number(r, "Lower3s0001limit"), within(2e-5));
            assertThat(100 * Funnel.proportionLimit(n, av, Funnel.OUTER, true)).as(row)
                    .isCloseTo(number(r, "Upper3s0001limit"), within(2e-5));
        }
    }

    @Test
    void rateFunnelLimitsMatchThePackageRows() {
        List<CSVRecord> all = rows("funnel_rate_limits.csv");
        assertThat(all).hasSize(100);
        for (CSVRecord r : all) {
            long e = number(r, "Events").longValue();
            double av = number(r, "baseline") / 1e5; // per 100,000; the sheet's populations are per year of 3
            String row = "events " + e;
            String[][] cols = {{"lower_2s_population_1_year", "false", "0.95"}, {"upper_2s_population_1_year", "true",
                "0.95"}, {"lower_3s_population_1_year", "false", "0.998"}, {"upper_3s_population_1_year", "true",
                "0.998"}};
            for (String[] col : cols) {
                double expectedCount = number(r, col[0]) * 3 * av;
                double count = Funnel.rateLimitDenominator(e, av, Double.parseDouble(col[2]),
                        Boolean.parseBoolean(col[1])) * av;
                // the package bisects v = z / (1 + e + z) to 1e-7, so its z is good to (1 + e) 1e-7 / (1 - v)^2
                double v = expectedCount / (1 + e + expectedCount);
                double tolerance = 2 * (1 + e) * 1e-7 / ((1 - v) * (1 - v));
                assertThat(count).as(row + " " + col[0]).isCloseTo(expectedCount, within(tolerance));
            }
        }
    }

    @Test
    void positionsAgainstTheFunnel() {
        assertThat(Funnel.proportionPosition(50, 100, 0.5)).isEqualTo(Funnel.Position.WITHIN);
        assertThat(Funnel.proportionPosition(62, 100, 0.5)).isEqualTo(Funnel.Position.ABOVE_INNER);
        assertThat(Funnel.proportionPosition(20, 100, 0.5)).isEqualTo(Funnel.Position.BELOW_OUTER);
        assertThat(Funnel.ratePosition(10, 1000, 0.01)).isEqualTo(Funnel.Position.WITHIN);
        assertThat(Funnel.ratePosition(30, 1000, 0.01)).isEqualTo(Funnel.Position.ABOVE_OUTER);
    }
}
