package org.wardstream.equity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.equity.EquityAggregatorTest.APR;
import static org.wardstream.equity.EquityAggregatorTest.MAR;
import static org.wardstream.equity.EquityAggregatorTest.P1;
import static org.wardstream.equity.EquityAggregatorTest.P2;
import static org.wardstream.equity.EquityAggregatorTest.P3;
import static org.wardstream.equity.EquityAggregatorTest.P4;
import static org.wardstream.equity.EquityAggregatorTest.PROG;
import static org.wardstream.equity.EquityAggregatorTest.row;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.model.AggregateRow;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;
import org.wardstream.equity.stats.ConfidenceIntervals;
import org.wardstream.equity.stats.Interval;

/**
 * The pacemaker measures: patients whose enrolment records a pacemaker (their AF is not reliably assessable from
 * pulse timing) and patients whose enrolment does not say, each over all enrolled patients of the stratum. A
 * pacemaker not recorded (null) is never counted as none (FALSE), nor as one.
 */
class PacemakerMeasureTest {

    final EquityAggregator aggregator = new EquityAggregator(EquitySettings.defaults());

    /** EquityAggregatorTest's four patients, each with a pacemaker record. */
    static List<PatientDay> recorded() {
        List<PatientDay> out = new ArrayList<>();
        for (PatientDay d : EquityAggregatorTest.population()) {
            Boolean pacemaker = switch (d.patientId()) {
                case P1 -> Boolean.TRUE; // quintile 1: recorded yes on both days
                // quintile 5: not recorded on 1 and 29 March, recorded yes on the 30th (the latest day counts)
                case P2 -> d.day().getDayOfMonth() == 30 ? Boolean.TRUE : null;
                case P3 -> Boolean.FALSE; // quintile unknown, paused: recorded no (still enrolled)
                case P4 -> null; // quintile 5: not recorded
                default -> throw new AssertionError(d.patientId());
            };
            out.add(d.withPacemaker(pacemaker));
        }
        return out;
    }

    @Test
    void countsRecordedYesOverAllEnrolledPatientsAndKeepsNotRecordedApartFromNo() {
        List<AggregateRow> rows = aggregator.aggregate(PROG, "month", MAR, APR, recorded(), 0);

        // P1 and P2 recorded yes; P3 recorded no; P4 not recorded: 2 of 4 enrolled patients
        AggregateRow yes = row(rows, "all", "all", Measures.PACEMAKER_RECORDED);
        assertThat(yes.numerator()).isEqualTo(2);
        assertThat(yes.denominator()).isEqualTo(4);
        assertThat(yes.value()).isEqualTo(0.5);
        assertThat(yes.method()).isEqualTo("wilson");
        Interval w = ConfidenceIntervals.wilson(2, 4, 0.95);
        assertThat(yes.lower()).isEqualTo(w.lower());
        assertThat(yes.upper()).isEqualTo(w.upper());
        // the denominator is the enrolled patients, the same number as enrolled_patients
        assertThat(yes.denominator()).isEqualTo(row(rows, "all", "all", Measures.ENROLLED_PATIENTS).numerator());

        // not recorded: P4 only (P3's FALSE is a record; P2's early nulls are superseded by its latest day)
        AggregateRow unknown = row(rows, "all", "all", Measures.PACEMAKER_NOT_RECORDED);
        assertThat(unknown.numerator()).isEqualTo(1);
        assertThat(unknown.denominator()).isEqualTo(4);

        // by stratum, the same way as the other reach measures
        assertThat(row(rows, "imd_quintile", "1", Measures.PACEMAKER_RECORDED).value()).isEqualTo(1.0);
        AggregateRow q5 = row(rows, "imd_quintile", "5", Measures.PACEMAKER_RECORDED);
        assertThat(q5.numerator()).isEqualTo(1);
        assertThat(q5.denominator()).isEqualTo(2);
        assertThat(q5.referenceStratum()).isEqualTo("5");
        assertThat(row(rows, "imd_quintile", "5", Measures.PACEMAKER_NOT_RECORDED).numerator()).isEqualTo(1);
        AggregateRow no = row(rows, "imd_quintile", "unknown", Measures.PACEMAKER_RECORDED);
        assertThat(no.numerator()).isZero();
        assertThat(no.denominator()).isEqualTo(1);
        assertThat(row(rows, "imd_quintile", "unknown", Measures.PACEMAKER_NOT_RECORDED).numerator()).isZero();
        assertThat(row(rows, "imd_quintile_x_ethnic_group", "1 x White", Measures.PACEMAKER_RECORDED).numerator())
                .isEqualTo(1);
    }

    @Test
    void theLatestDayOfThePatientInTheWindowDecidesInEveryOrder() {
        // P2: recorded yes on 1 March, then the enrolment no longer says (30 March): not recorded in March
        List<PatientDay> days = new ArrayList<>();
        for (PatientDay d : recorded()) {
            days.add(d.patientId().equals(P2) ? d.withPacemaker(d.day().getDayOfMonth() == 1 ? Boolean.TRUE : null)
                    : d);
        }
        List<PatientDay> reversed = new ArrayList<>(days);
        Collections.reverse(reversed);
        for (List<PatientDay> order : List.of(days, reversed)) {
            List<AggregateRow> rows = aggregator.aggregate(PROG, "month", MAR, APR, order, 0);
            assertThat(row(rows, "all", "all", Measures.PACEMAKER_RECORDED).numerator()).isEqualTo(1);
            assertThat(row(rows, "all", "all", Measures.PACEMAKER_NOT_RECORDED).numerator()).isEqualTo(2);
        }
    }

    @Test
    void withoutAnyRecordEveryPatientIsNotRecordedAndNoneHasAPacemaker() {
        // EquityAggregatorTest's population has no pacemaker record at all (the demo's simulator records none)
        List<AggregateRow> rows = aggregator.aggregate(PROG, "month", MAR, APR, EquityAggregatorTest.population(), 0);
        assertThat(row(rows, "all", "all", Measures.PACEMAKER_RECORDED).numerator()).isZero();
        assertThat(row(rows, "all", "all", Measures.PACEMAKER_NOT_RECORDED).numerator()).isEqualTo(4);
        assertThat(row(rows, "all", "all", Measures.PACEMAKER_NOT_RECORDED).value()).isEqualTo(1.0);
    }

    /**
     * 75 patients: quintile 1 (30) with 5 pacemakers and 20 not recorded, quintile 5 (30) with 12 and 3, quintile 3
     * (5) with none recorded yes, quintile 2 (10) without a pacemaker: the next-smallest quintile beside quintile 3,
     * withheld by secondary suppression ({@code **}) so that quintile 3 cannot be derived as all minus the others.
     */
    static List<PatientDay> published75() {
        List<PatientDay> out = new ArrayList<>();
        for (int i = 0; i < 75; i++) {
            String quintile = i < 30 ? "1" : i < 60 ? "5" : i < 65 ? "3" : "2";
            Boolean pacemaker = (i < 5 || (i >= 30 && i < 42)) ? Boolean.TRUE
                    : (i >= 10 && i < 30) || (i >= 57 && i < 60) ? null : Boolean.FALSE;
            Strata s = new Strata(quintile, "IoD2019", "White", "65-74", "female", "QWE");
            for (int d = 1; d <= 2; d++) {
                out.add(new PatientDay(PROG, "pseudo-pm-" + i, MAR.withDayOfMonth(d), s, 1440, 1440, 1440, true,
                        Map.of(), 0, List.of(), 0, 0, d == 1, false).withPacemaker(pacemaker));
            }
        }
        return out;
    }

    @Test
    void publishedCountsFollowTheSmallNumberRule() {
        List<AggregateRow> internal = aggregator.aggregate(PROG, "month", MAR, APR, published75(), 0);
        assertThat(row(internal, "imd_quintile", "1", Measures.PACEMAKER_RECORDED).numerator()).isEqualTo(5);
        List<PublishedRow> rows = Disclosure.publish(internal);

        // whole programme: 17 of 75 -> published 15 of 75, the value and interval from the rounded counts
        PublishedRow all = published(rows, "all", "all", Measures.PACEMAKER_RECORDED);
        assertThat(all.numeratorCount()).isEqualTo("15");
        assertThat(all.denominatorCount()).isEqualTo("75");
        Interval w = ConfidenceIntervals.wilson(15, 75, 0.95);
        assertThat(all.value()).isEqualTo(Disclosure.clean(15 / 75.0));
        assertThat(all.lower()).isEqualTo(Disclosure.clean(w.lower()));
        assertThat(all.upper()).isEqualTo(Disclosure.clean(w.upper()));
        // 20 + 3 not recorded -> 25
        assertThat(published(rows, "all", "all", Measures.PACEMAKER_NOT_RECORDED).numeratorCount()).isEqualTo("25");

        // quintile 1: 5 pacemakers are never published, neither as a count, a value nor a ratio
        PublishedRow q1 = published(rows, "imd_quintile", "1", Measures.PACEMAKER_RECORDED);
        assertThat(q1.numeratorCount()).isEqualTo("*");
        assertThat(q1.suppressed()).isTrue();
        assertThat(q1.value()).isNull();
        assertThat(q1.lower()).isNull();
        assertThat(q1.upper()).isNull();
        assertThat(q1.ratio()).isNull();
        // quintile 5 (the reference): 12 -> 10 of 30; quintile 1's 20 not recorded against quintile 5's 3 (suppressed)
        PublishedRow q5 = published(rows, "imd_quintile", "5", Measures.PACEMAKER_RECORDED);
        assertThat(q5.numeratorCount()).isEqualTo("10");
        assertThat(q5.denominatorCount()).isEqualTo("30");
        assertThat(q5.value()).isEqualTo(Disclosure.clean(10 / 30.0));
        assertThat(published(rows, "imd_quintile", "1", Measures.PACEMAKER_NOT_RECORDED).numeratorCount())
                .isEqualTo("20");
        assertThat(published(rows, "imd_quintile", "1", Measures.PACEMAKER_NOT_RECORDED).ratio())
                .as("no ratio against a reference numerator below 10").isNull();
        assertThat(published(rows, "imd_quintile", "5", Measures.PACEMAKER_NOT_RECORDED).numeratorCount())
                .isEqualTo("*");
        // quintile 3: 5 patients, so nothing about them is published, not even that none has a pacemaker
        PublishedRow q3 = published(rows, "imd_quintile", "3", Measures.PACEMAKER_RECORDED);
        assertThat(q3.numeratorCount()).isEqualTo("*");
        assertThat(q3.denominatorCount()).isEqualTo("*");
        assertThat(q3.value()).isNull();
        assertThat(published(rows, "imd_quintile", "2", Measures.PACEMAKER_RECORDED).numeratorCount())
                .isEqualTo(Disclosure.SECONDARY_SUPPRESSED);

        for (PublishedRow r : rows) {
            if (r.measure().startsWith("pacemaker_")) {
                assertThat(List.of(r.numeratorCount(), r.denominatorCount())).as(r.key())
                        .allMatch(c -> c.equals("0") || c.equals("*") || c.equals(Disclosure.SECONDARY_SUPPRESSED)
                                || (Long.parseLong(c) >= 10 && Long.parseLong(c) % 5 == 0));
            }
            assertThat(r.toString()).doesNotContain("pseudo-");
        }
    }

    static PublishedRow published(List<PublishedRow> rows, String dim, String stratum, String measure) {
        List<PublishedRow> found = rows.stream().filter(r -> r.dimension().equals(dim)
                && r.stratum().equals(stratum) && r.measure().equals(measure)).toList();
        assertThat(found).as("%s/%s/%s", dim, stratum, measure).hasSize(1);
        return found.get(0);
    }

    @Test
    void dailyWindowsCarryTheMeasureToo() {
        List<PatientDay> first = recorded().stream().filter(d -> d.day().equals(LocalDate.of(2026, 3, 1))).toList();
        List<AggregateRow> rows = aggregator.aggregate(PROG, "day", MAR, MAR.plusDays(1), first, 0);
        // on 1 March: P1 (yes) and P2 (not yet recorded)
        assertThat(row(rows, "all", "all", Measures.PACEMAKER_RECORDED).numerator()).isEqualTo(1);
        assertThat(row(rows, "all", "all", Measures.PACEMAKER_NOT_RECORDED).numerator()).isEqualTo(1);
        assertThat(row(rows, "all", "all", Measures.PACEMAKER_RECORDED).denominator()).isEqualTo(2);
    }
}
