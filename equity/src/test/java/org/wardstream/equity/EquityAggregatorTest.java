package org.wardstream.equity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.model.AggregateRow;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;
import org.wardstream.equity.stats.ConfidenceIntervals;
import org.wardstream.equity.stats.Estimate;
import org.wardstream.equity.stats.Interval;

/**
 * Four hand-built patients in March 2026 (the clock change is on 29 March). Expected numbers are worked out by hand
 * in the comments; intervals use the separately reference-tested {@link ConfidenceIntervals}.
 */
public class EquityAggregatorTest {
    public static final String PROG = "virtual-ward";
    public static final LocalDate MAR = LocalDate.of(2026, 3, 1);
    public static final LocalDate APR = LocalDate.of(2026, 4, 1);
    public static final String P1 = "pseudo-7f3a1";
    public static final String P2 = "pseudo-9c2b2";
    public static final String P3 = "pseudo-1d4e3";
    public static final String P4 = "pseudo-5a6f4";

    // P1: IMD quintile 1, White, female, 65-74, QWE
    public static final Strata S1 = new Strata("1", "IoD2019", "White", "65-74", "female", "QWE");
    // P2: quintile 5, White, male, 65-74, QWE
    public static final Strata S2 = new Strata("5", "IoD2019", "White", "65-74", "male", "QWE");
    // P4: quintile 5 (IoD2025), not stated, indeterminate, 45-64, ABC
    public static final Strata S4 = new Strata("5", "IoD2025", "not-stated", "45-64", "indeterminate", "ABC");

    static PatientDay day(String id, int dayOfMonth, Strata s, int dayMin, int enrolled, int data,
                          Map<String, Integer> clinical, int technical, List<Long> delays, int raised, int ack,
                          boolean start, boolean disenrolled) {
        return new PatientDay(PROG, id, MAR.withDayOfMonth(dayOfMonth), s, dayMin, enrolled, data,
                PatientDay.isMonitored(enrolled, data, 0.7), clinical, technical, delays, raised, ack, start,
                disenrolled);
    }

    public static List<PatientDay> population() {
        return List.of(
                day(P1, 1, S1, 1440, 1440, 1440, Map.of("atrial-fibrillation", 1), 0, List.of(1000L), 1, 1, true, false),
                day(P1, 2, S1, 1440, 1440, 720, Map.of(), 1, List.of(5000L), 0, 0, false, false),
                day(P2, 1, S2, 1440, 1440, 1440, Map.of("tachycardia", 2), 0, List.of(2000L, 3000L), 2, 1, false, false),
                day(P2, 29, S2, 1380, 1380, 1380, Map.of(), 0, List.of(), 0, 0, false, false),
                day(P2, 30, S2, 1440, 600, 600, Map.of(), 0, List.of(), 0, 0, false, true),
                day(P3, 5, Strata.from(null), 1440, 0, 0, Map.of(), 0, List.of(), 0, 0, false, false),
                day(P4, 10, S4, 1440, 1440, 1200, Map.of("atrial-fibrillation", 1), 0, List.of(4000L), 1, 0, false, false));
    }

    final EquityAggregator aggregator = new EquityAggregator(EquitySettings.defaults());

    List<AggregateRow> month() {
        return aggregator.aggregate(PROG, "month", MAR, APR, population(), 0);
    }

    static AggregateRow row(List<AggregateRow> rows, String dim, String stratum, String measure) {
        List<AggregateRow> found = rows.stream().filter(r -> r.dimension().equals(dim) && r.stratum().equals(stratum)
                && r.measure().equals(measure)).toList();
        assertThat(found).as("%s/%s/%s", dim, stratum, measure).hasSize(1);
        return found.get(0);
    }

    @Test
    void wholePopulationMeasures() {
        List<AggregateRow> rows = month();
        assertThat(row(rows, "all", "all", "enrolled_patients").numerator()).isEqualTo(4);
        assertThat(row(rows, "all", "all", "patient_days").numerator()).isEqualTo(7);

        // active days: P1 2, P2 3, P3 0 (paused), P4 1 = 6; monitored: P1 1 (720/1440 < 0.7), P2 3, P4 1 (1200/1440) = 5
        AggregateRow monitored = row(rows, "all", "all", "monitored_days");
        assertThat(monitored.numerator()).isEqualTo(5);
        assertThat(monitored.denominator()).isEqualTo(6);
        assertThat(monitored.value()).isCloseTo(5.0 / 6, within(1e-12));
        Interval w = ConfidenceIntervals.wilson(5, 6, 0.95);
        assertThat(monitored.lower()).isEqualTo(w.lower());
        assertThat(monitored.upper()).isEqualTo(w.upper());
        assertThat(monitored.method()).isEqualTo("wilson");

        // minutes: enrolled 1440+1440+1440+1380+600+1440 = 7740, data 1440+720+1440+1380+600+1200 = 6780
        AggregateRow completeness = row(rows, "all", "all", "data_completeness");
        assertThat(completeness.numerator()).isEqualTo(6780);
        assertThat(completeness.denominator()).isEqualTo(7740);

        // clinical alerts 1 + 2 + 1 = 4 over 6 active days = 666.67 per 1,000, exact (count < 10); per active day
        // since probe 19a D8 (it was per monitored day: 4 / 5, numerator and denominator over different days)
        AggregateRow clinical = row(rows, "all", "all", "clinical_alerts");
        assertThat(clinical.numerator()).isEqualTo(4);
        assertThat(clinical.denominator()).isEqualTo(6);
        assertThat(clinical.value()).isCloseTo(4000.0 / 6, within(1e-9));
        assertThat(clinical.method()).isEqualTo("exact");
        Interval exact4 = ConfidenceIntervals.exactPoisson(4, 0.95);
        assertThat(clinical.lower()).isCloseTo(exact4.lower() / 6 * 1000, within(1e-9));
        assertThat(clinical.upper()).isCloseTo(exact4.upper() / 6 * 1000, within(1e-9));
        assertThat(row(rows, "all", "all", "alerts_atrial-fibrillation").value()).isCloseTo(2000.0 / 6, within(1e-9));
        assertThat(row(rows, "all", "all", "alerts_tachycardia").value()).isCloseTo(2000.0 / 6, within(1e-9));

        // technical: 1 device-offline over 6 active days
        AggregateRow technical = row(rows, "all", "all", "technical_alerts");
        assertThat(technical.numerator()).isEqualTo(1);
        assertThat(technical.denominator()).isEqualTo(6);
        assertThat(technical.value()).isCloseTo(1000.0 / 6, within(1e-9));

        // delays 1000, 2000, 3000, 4000, 5000: median 3000; p90 at position 0.9 * 4 = 3.6 -> 4000 + 0.6 * 1000
        assertThat(row(rows, "all", "all", "alert_delay_median_ms").value()).isEqualTo(3000.0);
        assertThat(row(rows, "all", "all", "alert_delay_p90_ms").value()).isCloseTo(4600.0, within(1e-9));
        assertThat(row(rows, "all", "all", "alert_delay_p90_ms").numerator()).isEqualTo(5);

        // triage: 1 + 1 + 0 acknowledged of 1 + 2 + 1 raised
        AggregateRow triage = row(rows, "all", "all", "triage_ack_within_target");
        assertThat(triage.numerator()).isEqualTo(2);
        assertThat(triage.denominator()).isEqualTo(4);

        // P2 disenrolled on 30 March
        assertThat(row(rows, "all", "all", "disenrolment").value()).isEqualTo(0.25);
        assertThat(row(rows, "all", "all", "disenrolment").imdEdition()).isEqualTo("IoD2019+IoD2025");
    }

    @Test
    void strataReferencesAndRatios() {
        List<AggregateRow> rows = month();
        // quintile 1 = P1: 1 of 2 active days monitored; quintile 5 = P2 + P4: 4 of 4
        AggregateRow q1 = row(rows, "imd_quintile", "1", "monitored_days");
        AggregateRow q5 = row(rows, "imd_quintile", "5", "monitored_days");
        assertThat(q1.value()).isEqualTo(0.5);
        assertThat(q5.value()).isEqualTo(1.0);
        assertThat(q1.referenceStratum()).isEqualTo("5");
        assertThat(q5.ratio()).isEqualTo(1.0);
        assertThat(q1.ratio()).isCloseTo(0.5, within(1e-12));
        Estimate mover = ConfidenceIntervals.proportionRatioMover(1, 2, 4, 4, 0.95);
        assertThat(q1.ratioLower()).isEqualTo(mover.lower());
        assertThat(q1.ratioUpper()).isEqualTo(mover.upper());
        // 1 of 2 against 4 of 4: an honest, wide interval that includes 1
        assertThat(q1.ratioLower()).isLessThan(0.2);
        assertThat(q1.ratioUpper()).isGreaterThan(1.0);

        // clinical rate per active day: quintile 1 = 1 alert / 2 active days = 500; quintile 5 = 3 / 4 = 750
        // (per monitored day, before probe 19a D8, quintile 1's unmonitored day made it 1 / 1 = 1000: ratio 4/3)
        AggregateRow r1 = row(rows, "imd_quintile", "1", "clinical_alerts");
        assertThat(r1.value()).isCloseTo(500.0, within(1e-9));
        assertThat(row(rows, "imd_quintile", "5", "clinical_alerts").value()).isCloseTo(750.0, within(1e-9));
        assertThat(r1.ratio()).isCloseTo(2.0 / 3, within(1e-12));
        // exact conditional: 1 of 4 events, Clopper-Pearson (0.00631, 0.80589), times 4 days / 2 days
        // (scipy.stats.beta.ppf(0.975, 2, 3) = 0.805879; 0.805879 / 0.194121 x 2 = 8.3029)
        assertThat(r1.ratioUpper()).isCloseTo(16.605763104953702 / 2, within(1e-8));
        assertThat(r1.ratioLower()).isCloseTo(0.02539810122410947 / 2, within(1e-10));

        // no ratio for counts or medians
        assertThat(row(rows, "imd_quintile", "1", "enrolled_patients").ratio()).isNull();
        assertThat(row(rows, "imd_quintile", "1", "enrolled_patients").referenceStratum()).isNull();
        assertThat(row(rows, "imd_quintile", "1", "alert_delay_median_ms").ratio()).isNull();

        // unknown and not-stated are strata of their own
        assertThat(row(rows, "imd_quintile", "unknown", "patient_days").numerator()).isEqualTo(1);
        assertThat(row(rows, "ethnic_group", "not-stated", "enrolled_patients").numerator()).isEqualTo(1);
        assertThat(row(rows, "ethnic_group", "White", "enrolled_patients").numerator()).isEqualTo(2);
        assertThat(row(rows, "ethnic_group", "White", "enrolled_patients").denominator()).isEqualTo(4);
        assertThat(row(rows, "ethnic_group", "not-stated", "monitored_days").referenceStratum()).isEqualTo("White");
        assertThat(rows).noneMatch(r -> r.stratum().equals("Mixed")); // only observed strata

        // references: sex female, age band 65-74 (present), icb the largest (QWE, 2 patients)
        assertThat(row(rows, "sex", "male", "monitored_days").referenceStratum()).isEqualTo("female");
        assertThat(row(rows, "age_band", "45-64", "monitored_days").referenceStratum()).isEqualTo("65-74");
        assertThat(row(rows, "icb", "ABC", "monitored_days").referenceStratum()).isEqualTo("QWE");
        // quintile 5 mixes two editions, quintile 1 has one
        assertThat(q5.imdEdition()).isEqualTo("IoD2019+IoD2025");
        assertThat(q1.imdEdition()).isEqualTo("IoD2019");
    }

    @Test
    void twoWaySplitOnlyMonthly() {
        List<AggregateRow> monthly = month();
        AggregateRow x = row(monthly, "imd_quintile_x_ethnic_group", "1 x White", "monitored_days");
        assertThat(x.referenceStratum()).isEqualTo("5 x White");
        assertThat(x.value()).isEqualTo(0.5);
        assertThat(row(monthly, "imd_quintile_x_ethnic_group", "5 x not-stated", "patient_days").numerator())
                .isEqualTo(1);

        List<PatientDay> firstOfMarch = population().stream().filter(d -> d.day().getDayOfMonth() == 1).toList();
        List<AggregateRow> daily = aggregator.aggregate(PROG, "day", MAR, MAR.plusDays(1), firstOfMarch, 0);
        assertThat(daily).extracting(AggregateRow::dimension).doesNotContain("imd_quintile_x_ethnic_group")
                .contains("all", "imd_quintile", "ethnic_group", "age_band", "sex", "icb");
        assertThat(daily).allSatisfy(r -> assertThat(r.granularity()).isEqualTo("day"));
        assertThat(row(daily, "all", "all", "patient_days").numerator()).isEqualTo(2);
    }

    @Test
    void stratifierCompleteness() {
        List<AggregateRow> rows = month();
        // P3 has nothing recorded; P4's ethnic category is Z (not stated), which is not a known group
        assertThat(row(rows, "imd_quintile", "all", "stratifier_completeness").value()).isEqualTo(0.75);
        assertThat(row(rows, "ethnic_group", "all", "stratifier_completeness").value()).isEqualTo(0.5);
        assertThat(row(rows, "sex", "all", "stratifier_completeness").value()).isEqualTo(0.75);
        assertThat(row(rows, "icb", "all", "stratifier_completeness").numerator()).isEqualTo(3);
    }

    @Test
    void orderDoesNotMatterAndKeysAreUnique() {
        List<AggregateRow> expected = month();
        List<PatientDay> shuffled = new ArrayList<>(population());
        Collections.shuffle(shuffled, new Random(42));
        assertThat(aggregator.aggregate(PROG, "month", MAR, APR, shuffled, 0)).containsExactlyElementsOf(expected);
        Set<String> keys = expected.stream().map(AggregateRow::key).collect(Collectors.toSet());
        assertThat(keys).hasSize(expected.size());
        assertThat(aggregator.aggregate(PROG, "month", MAR, APR, shuffled, 3))
                .allSatisfy(r -> assertThat(r.revision()).isEqualTo(3));
    }

    @Test
    void noPatientIdInAnyRow() {
        for (AggregateRow r : month()) {
            for (String id : List.of(P1, P2, P3, P4)) {
                assertThat(r.toString()).doesNotContain(id);
            }
        }
    }

    @Test
    void rateAndProportionWithoutDenominatorAreUndefinedNotZero() {
        // only the paused day of P3: no active days
        List<PatientDay> paused = population().stream().filter(d -> d.patientId().equals(P3)).toList();
        List<AggregateRow> rows = aggregator.aggregate(PROG, "month", MAR, APR, paused, 0);
        assertThat(row(rows, "all", "all", "monitored_days").value()).isNull();
        assertThat(row(rows, "all", "all", "clinical_alerts").value()).isNull();
        assertThat(row(rows, "all", "all", "alert_delay_median_ms").value()).isNull();
        assertThat(row(rows, "all", "all", "patient_days").numerator()).isEqualTo(1);
    }

    @Test
    void badInputIsAClearError() {
        List<PatientDay> days = new ArrayList<>(population());
        assertThatThrownBy(() -> aggregator.aggregate(PROG, "month", MAR, MAR.plusDays(10), days, 0))
                .hasMessageContaining("outside window");
        days.add(days.get(0));
        assertThatThrownBy(() -> aggregator.aggregate(PROG, "month", MAR, APR, days, 0))
                .hasMessageContaining("duplicate patient-day").hasMessageNotContaining(P1);
        assertThatThrownBy(() -> aggregator.aggregate("other", "month", MAR, APR, population(), 0))
                .hasMessageContaining("programme");
        assertThatThrownBy(() -> aggregator.aggregate(PROG, "week", MAR, APR, population(), 0))
                .hasMessageContaining("granularity");
    }

    @Test
    void triageOutcomesGiveTheShareNeedingActionByTypeAndTheMedianTimeToAcknowledge() {
        PatientDay a = new PatientDay(PROG, P1, MAR.withDayOfMonth(1), S1, 1440, 1440, 1440, true,
                Map.of("pause", 2), 1, List.of(), 2, 1, Map.of("pause", 2, "device-offline", 1),
                Map.of("pause", 1, "device-offline", 1), List.of(60_000L, 600_000L), false, false);
        PatientDay b = new PatientDay(PROG, P2, MAR.withDayOfMonth(1), S2, 1440, 1440, 1440, true,
                Map.of("pause", 1), 0, List.of(), 1, 1, Map.of("pause", 1), Map.of("pause", 1),
                List.of(120_000L), false, false);
        List<AggregateRow> rows = aggregator.aggregate(PROG, "month", MAR, APR, List.of(a, b), 0);
        AggregateRow all = row(rows, "all", "all", Measures.NEEDED_ACTION);
        assertThat(all.numerator()).isEqualTo(2); // clinical alerts only: device-offline is its own type
        assertThat(all.denominator()).isEqualTo(3.0);
        assertThat(row(rows, "all", "all", Measures.NEEDED_ACTION_PREFIX + "device-offline").numerator()).isEqualTo(1);
        AggregateRow q1 = row(rows, "imd_quintile", "1", Measures.NEEDED_ACTION_PREFIX + "pause");
        assertThat(q1.numerator()).isEqualTo(1);
        assertThat(q1.denominator()).isEqualTo(2.0);
        assertThat(row(rows, "all", "all", Measures.TIME_TO_ACK_MEDIAN_MS).value()).isEqualTo(120_000.0);
    }
}
