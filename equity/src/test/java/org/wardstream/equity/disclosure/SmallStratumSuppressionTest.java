package org.wardstream.equity.disclosure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.Measures;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;

/**
 * Complementary suppression (adversarial review, 2026-12-06): a stratum of one person had its people count hidden
 * ({@code *}) but published that person's days, monitoring, alert rate, alert delays and acknowledgements beside it;
 * anyone who knows who the one 85+ patient is learned their record.
 */
class SmallStratumSuppressionTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);
    static final LocalDate APR = LocalDate.of(2026, 4, 1);
    static final String PROG = "virtual-ward";

    static PatientDay day(String id, int dom, Strata s, boolean monitored, Map<String, Integer> alerts,
                          List<Long> delays) {
        int raised = alerts.values().stream().mapToInt(Integer::intValue).sum();
        return new PatientDay(PROG, id, MAR.withDayOfMonth(dom), s, 1440, 1440, monitored ? 1440 : 100, monitored,
                alerts, 0, delays, raised, raised, false, false);
    }

    /** 40 patients aged 65-74 (a daily AF alert each third day), and {@code few} patients aged 85+ with daily AF alerts. */
    static List<PatientDay> population(int few) {
        List<PatientDay> days = new ArrayList<>();
        Strata common = new Strata("3", "IoD2019", "White", "65-74", "female", "QWE");
        for (int p = 0; p < 40; p++) {
            for (int d = 1; d <= 30; d++) {
                days.add(day("p" + p, d, common, d % 3 != 0, d % 3 == 0 ? Map.of("atrial-fibrillation", 1) : Map.of(),
                        d % 3 == 0 ? List.of(30_000L * d) : List.of()));
            }
        }
        Strata old = new Strata("3", "IoD2019", "White", "85+", "female", "QWE");
        for (int p = 0; p < few; p++) {
            for (int d = 1; d <= 30; d++) {
                days.add(day("old" + p, d, old, d <= 25, Map.of("atrial-fibrillation", 1), List.of(60_000L * d)));
            }
        }
        return days;
    }

    private static List<PublishedRow> ageBand(int few, String stratum) {
        List<PublishedRow> pub = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate(PROG, "month", MAR, APR, population(few), 0));
        return pub.stream().filter(r -> r.dimension().equals("age_band") && r.stratum().equals(stratum)).toList();
    }

    @Test
    void aStratumOfOneToSevenPeoplePublishesNoMeasureAtAll() {
        for (int few : new int[]{1, 7}) {
            List<PublishedRow> rows = ageBand(few, "85+");
            assertThat(rows).isNotEmpty();
            assertThat(rows).as("%d people", few).allSatisfy(r -> {
                assertThat(r.numeratorCount()).isEqualTo(Disclosure.SUPPRESSED);
                assertThat(r.denominatorCount()).isEqualTo(Disclosure.SUPPRESSED);
                assertThat(r.value()).isNull();
                assertThat(r.lower()).isNull();
                assertThat(r.ratio()).isNull();
            });
        }
    }

    @Test
    void aStratumOfEightPeoplePublishesItsMeasuresAndTheOnlyOtherStratumBesideOneIsWithheld() {
        List<PublishedRow> eight = ageBand(8, "85+");
        assertThat(eight).filteredOn(r -> r.measure().equals(Measures.ENROLLED_PATIENTS)).singleElement()
                .satisfies(r -> assertThat(r.numeratorCount()).isEqualTo("10"));
        assertThat(eight).anySatisfy(r -> assertThat(r.value()).isNotNull());
        assertThat(ageBand(8, "65-74")).anySatisfy(r -> assertThat(r.value()).isNotNull());
        // With one person aged 85+, the 65-74 stratum used to keep its own figures (40 people), but the age band
        // strata add up to the published programme total: "all" minus 65-74 was the one 85+ patient's alerts, days
        // and data completeness (probe 19a D3). Secondary suppression withholds it too, marked "**" (not small
        // itself), with no value and no ratio against the suppressed 85+ stratum.
        List<PublishedRow> common = ageBand(1, "65-74");
        assertThat(common).filteredOn(r -> r.measure().equals(Measures.ENROLLED_PATIENTS)).singleElement()
                .satisfies(r -> assertThat(r.numeratorCount()).isEqualTo(Disclosure.SECONDARY_SUPPRESSED));
        assertThat(common).isNotEmpty().allSatisfy(r -> {
            assertThat(r.secondarySuppressed()).isTrue();
            assertThat(r.value()).isNull();
            assertThat(r.ratio()).isNull();
        });
    }
}
