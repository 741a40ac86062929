package org.wardstream.equity.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wardstream.equity.support.ReferenceCsv.close;
import static org.wardstream.equity.support.ReferenceCsv.confidence;
import static org.wardstream.equity.support.ReferenceCsv.number;
import static org.wardstream.equity.support.ReferenceCsv.rows;

import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** Every row of the reference CSVs (PHEindicatormethods test sheets and computed rows; see ATTRIBUTION.md). */
class ConfidenceIntervalsTest {

    @Test
    void zIsTheExactNormalQuantileNot196() {
        assertThat(close(1.959963984540054, ConfidenceIntervals.z(0.95))).isTrue();
        assertThat(close(3.090232306167813, ConfidenceIntervals.z(0.998))).isTrue();
    }

    @Test
    void wilsonMatchesEveryReferenceRow() {
        List<CSVRecord> all = rows("ci_proportions.csv");
        assertThat(all).hasSize(74);
        for (CSVRecord r : all) {
            double o = Double.parseDouble(r.get("numerator"));
            double n = Double.parseDouble(r.get("denominator"));
            Interval w = ConfidenceIntervals.wilson(o, n, confidence(r));
            String row = "row " + r.getRecordNumber() + " " + o + "/" + n + " at " + r.get("confidence");
            assertClose(number(r, "value"), o / n, row + " value");
            assertClose(number(r, "lower"), w.lower(), row + " lower");
            assertClose(number(r, "upper"), w.upper(), row + " upper");
        }
    }

    @Test
    void countLimitsMatchEveryReferenceRowByNamedMethod() {
        List<CSVRecord> all = rows("ci_count_limits.csv");
        assertThat(all).hasSize(81);
        for (CSVRecord r : all) {
            long o = Long.parseLong(r.get("observed"));
            Interval i = switch (r.get("method")) {
                case "Exact" -> ConfidenceIntervals.exactPoisson(o, confidence(r));
                case "Byars" -> ConfidenceIntervals.byars(o, confidence(r));
                default -> throw new AssertionError("unexpected method " + r.get("method"));
            };
            String row = "row " + r.getRecordNumber() + " " + r.get("method") + " " + o + " at " + r.get("confidence");
            assertClose(number(r, "lower"), i.lower(), row + " lower");
            assertClose(number(r, "upper"), i.upper(), row + " upper");
        }
    }

    @Test
    void crudeRatesMatchEveryReferenceRowAndChooseTheMethodOnTheCount() {
        List<CSVRecord> all = rows("ci_rates.csv");
        assertThat(all).hasSize(85);
        for (CSVRecord r : all) {
            long o = Long.parseLong(r.get("numerator"));
            double n = Double.parseDouble(r.get("denominator"));
            Estimate e = ConfidenceIntervals.crudeRate(o, n, Double.parseDouble(r.get("multiplier")), confidence(r));
            String row = "row " + r.getRecordNumber() + " " + o + "/" + n;
            assertThat(e.method()).as(row).isEqualTo(r.get("method").toLowerCase(Locale.ROOT));
            assertClose(number(r, "value"), e.value(), row + " value");
            assertClose(number(r, "lower"), e.lower(), row + " lower");
            assertClose(number(r, "upper"), e.upper(), row + " upper");
        }
    }

    @Test
    void rateRatiosMatchEveryReferenceRow() {
        List<CSVRecord> all = rows("ci_rate_ratios.csv");
        assertThat(all).hasSize(28);
        for (CSVRecord r : all) {
            long o1 = Long.parseLong(r.get("numerator_group"));
            long o2 = Long.parseLong(r.get("numerator_reference"));
            Estimate e = ConfidenceIntervals.rateRatio(o1, Double.parseDouble(r.get("denominator_group")), o2,
                    Double.parseDouble(r.get("denominator_reference")), confidence(r));
            String row = "row " + r.getRecordNumber();
            assertClose(number(r, "rate_ratio"), e.value(), row + " ratio");
            assertClose(number(r, "lower"), e.lower(), row + " lower");
            assertClose(number(r, "upper"), e.upper(), row + " upper");
            Double se = number(r, "se_log_rr");
            if (se != null) {
                assertClose(se, ConfidenceIntervals.seLogRateRatio(o1, o2), row + " se");
            }
        }
    }

    @Test
    void proportionRatioKatzLogMethodWorkedByHand() {
        // 20/100 vs 40/100: ratio 0.5, SE = sqrt(1/20 - 1/100 + 1/40 - 1/100) = sqrt(0.055)
        Estimate e = ConfidenceIntervals.proportionRatio(20, 100, 40, 100, 0.95);
        double se = Math.sqrt(0.055);
        double z = 1.959963984540054;
        assertClose(0.5, e.value(), "ratio");
        assertClose(0.5 * Math.exp(-z * se), e.lower(), "lower");
        assertClose(0.5 * Math.exp(z * se), e.upper(), "upper");
        assertThat(e.lower()).isBetween(0.31, 0.32);
        assertThat(ConfidenceIntervals.proportionRatio(0, 100, 40, 100, 0.95).lower()).isNull();
        assertThat(ConfidenceIntervals.proportionRatio(5, 100, 0, 100, 0.95).value()).isNull();
    }

    @Test
    void badInputIsAClearError() {
        assertThatThrownBy(() -> ConfidenceIntervals.wilson(5, 0, 0.95)).hasMessageContaining("n > 0");
        assertThatThrownBy(() -> ConfidenceIntervals.exactPoisson(-1, 0.95)).hasMessageContaining("negative");
        assertThatThrownBy(() -> ConfidenceIntervals.crudeRate(1, 0, 1000, 0.95)).hasMessageContaining("denominator");
        assertThatThrownBy(() -> ConfidenceIntervals.z(95)).hasMessageContaining("fraction");
    }

    private static void assertClose(Double expected, Double actual, String what) {
        if (expected == null) {
            assertThat(actual).as(what + " (undefined in the reference)").isNull();
            return;
        }
        assertThat(actual).as(what).isNotNull();
        assertThat(close(expected, actual)).as("%s: expected %s, got %s", what, expected, actual).isTrue();
    }
}
