package org.wardstream.equity.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.RecordComponent;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.stats.ConfidenceIntervals;
import org.wardstream.equity.stats.Estimate;
import org.wardstream.equity.stats.Interval;
import org.wardstream.equity.model.AggregateRow;

class PublishedViewTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);
    static final LocalDate APR = LocalDate.of(2026, 4, 1);

    static AggregateRow row(String stratum, String measure, long num, double den, Double value, String method,
                            String ref, Double ratio) {
        return new AggregateRow("vw", "month", MAR, APR, "imd_quintile", stratum, measure, num, den, value, 0.0,
                1.0, method, ref, ratio, 0.0, 9.0, "IoD2019", 2);
    }

    static PublishedRow only(List<PublishedRow> rows, String stratum, String measure) {
        return rows.stream().filter(r -> r.stratum().equals(stratum) && r.measure().equals(measure)).findFirst()
                .orElseThrow();
    }

    @Test
    void proportionsAreRecomputedFromTheRoundedCounts() {
        // 9 of 101 -> published 10 of 100: value 0.1 and the Wilson interval of 10/100, not of 9/101
        List<PublishedRow> out = Disclosure.publish(List.of(row("1", "monitored_days", 9, 101, 9 / 101.0, "wilson",
                "5", 0.5)));
        PublishedRow p = out.get(0);
        assertThat(p.numeratorCount()).isEqualTo("10");
        assertThat(p.denominatorCount()).isEqualTo("100");
        assertThat(p.value()).isEqualTo(0.1);
        Interval w = ConfidenceIntervals.wilson(10, 100, 0.95);
        // published to 10 significant digits (no float artefacts)
        assertThat(p.lower()).isEqualTo(Disclosure.clean(w.lower())).isCloseTo(w.lower(), within(1e-10));
        assertThat(p.upper()).isEqualTo(Disclosure.clean(w.upper())).isCloseTo(w.upper(), within(1e-10));
        assertThat(p.revision()).isEqualTo(2);
        assertThat(p.imdEdition()).isEqualTo("IoD2019");
    }

    @Test
    void publishedValuesHaveNoFloatArtefacts() {
        assertThat(Disclosure.clean(1191001.9000000006)).isEqualTo(1191001.9);
        assertThat(Disclosure.clean(0.30000000000000004)).isEqualTo(0.3);
        assertThat(Disclosure.clean(null)).isNull();
        assertThat(Disclosure.clean(0.0)).isEqualTo(0.0);
    }

    @Test
    void suppressedCountsGiveBlankValuesNotZero() {
        List<PublishedRow> out = Disclosure.publish(List.of(
                row("1", "monitored_days", 5, 120, 5 / 120.0, "wilson", "5", 0.4),
                row("2", "monitored_days", 30, 6, 5.0, "wilson", "5", 0.4),
                row("3", "monitored_days", 0, 40, 0.0, "wilson", "5", 0.0)));
        PublishedRow p = only(out, "1", "monitored_days");
        assertThat(p.numeratorCount()).isEqualTo("*");
        assertThat(p.suppressed()).isTrue();
        assertThat(p.value()).isNull();
        assertThat(p.lower()).isNull();
        assertThat(p.ratio()).isNull();
        assertThat(only(out, "2", "monitored_days").denominatorCount()).isEqualTo("*");
        assertThat(only(out, "2", "monitored_days").value()).isNull();
        // 0 stays 0 and is a real value
        PublishedRow zero = only(out, "3", "monitored_days");
        assertThat(zero.numeratorCount()).isEqualTo("0");
        assertThat(zero.value()).isEqualTo(0.0);
        assertThat(zero.suppressed()).isFalse();
    }

    @Test
    void ratesUseTheRoundedCountsAndTheMethodOfTheRoundedCount() {
        // raw 9 events (exact) over 1,002 days -> 10 over 1,000 -> Byar's, 10 per 1,000
        PublishedRow p = Disclosure.publish(List.of(row("1", "clinical_alerts", 9, 1002, 9 / 1002.0 * 1000,
                "exact", "5", 1.0))).get(0);
        assertThat(p.value()).isCloseTo(10.0, within(1e-12));
        assertThat(p.method()).isEqualTo("byars");
        Estimate e = ConfidenceIntervals.crudeRate(10, 1000, 1000, 0.95);
        assertThat(p.lower()).isEqualTo(Disclosure.clean(e.lower()));
        assertThat(p.upper()).isEqualTo(Disclosure.clean(e.upper()));
    }

    @Test
    void ratiosOnlyWhereBothUnroundedNumeratorsAreAtLeastTenAndFromRoundedCounts() {
        List<AggregateRow> rows = List.of(
                row("5", "clinical_alerts", 42, 1003, 42 / 1003.0 * 1000, "byars", "5", 1.0),
                row("1", "clinical_alerts", 21, 498, 21 / 498.0 * 1000, "byars", "5", 2.0),
                // 9 rounds to 10, but the unrounded numerator is below 10: no ratio
                row("2", "clinical_alerts", 9, 500, 18.0, "exact", "5", 0.4));
        List<PublishedRow> out = Disclosure.publish(rows);
        PublishedRow q1 = only(out, "1", "clinical_alerts");
        // rounded: 20 / 500 vs 40 / 1005
        Estimate rr = ConfidenceIntervals.rateRatioExact(20, 500, 40, 1005, 0.95);
        assertThat(q1.ratio()).isEqualTo(Disclosure.clean(rr.value()));
        assertThat(q1.ratioLower()).isEqualTo(Disclosure.clean(rr.lower()));
        assertThat(q1.ratioUpper()).isEqualTo(Disclosure.clean(rr.upper()));
        assertThat(q1.referenceStratum()).isEqualTo("5");
        assertThat(only(out, "5", "clinical_alerts").ratio()).isEqualTo(1.0);
        assertThat(only(out, "2", "clinical_alerts").ratio()).isNull();
        assertThat(only(out, "2", "clinical_alerts").value()).isNotNull();

        // reference below 10: no ratios at all
        List<AggregateRow> smallRef = new ArrayList<>(rows);
        smallRef.set(0, row("5", "clinical_alerts", 8, 1003, 8 / 1003.0 * 1000, "exact", "5", 1.0));
        assertThat(only(Disclosure.publish(smallRef), "1", "clinical_alerts").ratio()).isNull();
    }

    @Test
    void mediansNeedAtLeastEightValues() {
        List<PublishedRow> out = Disclosure.publish(List.of(
                row("1", "alert_delay_median_ms", 7, 7, 1234.0, "median", null, null),
                row("2", "alert_delay_median_ms", 8, 8, 2345.0, "median", null, null)));
        assertThat(only(out, "1", "alert_delay_median_ms").value()).isNull();
        assertThat(only(out, "2", "alert_delay_median_ms").value()).isEqualTo(2345.0);
        assertThat(only(out, "2", "alert_delay_median_ms").numeratorCount()).isEqualTo("10");
    }

    @Test
    void countsArePublishedRounded() {
        PublishedRow p = Disclosure.publish(List.of(row("1", "enrolled_patients", 23, 118, 23.0, "count", null,
                null))).get(0);
        assertThat(p.numeratorCount()).isEqualTo("25");
        assertThat(p.denominatorCount()).isEqualTo("120");
        assertThat(p.value()).isEqualTo(25.0);
    }

    @Test
    void everyCountColumnEndsInCountAndNoColumnCanHoldAPatient() {
        assertThat(PublishedRow.COLUMNS).filteredOn(c -> c.contains("numerator") || c.contains("denominator"))
                .allSatisfy(c -> assertThat(c).endsWith("_count")).hasSize(2);
        assertThat(PublishedRow.COLUMNS).noneMatch(c -> c.contains("patient") || c.contains("postcode")
                || c.contains("lsoa"));
        assertThat(PublishedRow.class.getRecordComponents()).extracting(RecordComponent::getName)
                .noneMatch(n -> n.toLowerCase().contains("patient"));
        assertThat(AggregateRow.class.getRecordComponents()).extracting(RecordComponent::getName)
                .noneMatch(n -> n.toLowerCase().contains("patient"));
        assertThat(PublishedRow.class.getRecordComponents()).hasSize(PublishedRow.COLUMNS.size());
    }
}
