package org.wardstream.equity.disclosure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.Measures;
import org.wardstream.equity.io.AggregatesCsv;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;

/**
 * Secondary suppression (adversarial probe 19a, D3): a suppressed one-person stratum's data completeness was
 * recovered from the published file as (all - the other strata), to a hundredth of a percentage point.
 *
 * <p>Scenario: a programme of 41 patients in March, 40 White and one Black patient, who wore the device about 5 hours
 * a day (20.8 % data completeness). The Black stratum (1 person) is suppressed as a whole, but {@code all} and White
 * were published, and {@code data_completeness} counts minutes (tens of thousands, rounded only to 5), so
 * (all - White) data minutes / (all - White) enrolled minutes was that one person's completeness within +/-10
 * minutes of ~44,640. Now the other stratum of each set that adds up to a published total is withheld too
 * ({@code **}), in the ethnic group dimension and in quintile 3's cells of the two-way split.
 */
class DifferencingSuppressionTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);
    static final LocalDate APR = LocalDate.of(2026, 4, 1);
    static final String PROG = "virtual-ward";
    static final String BLACK = "Black or Black British";

    @TempDir
    Path dir;

    private static List<PatientDay> programme() {
        List<PatientDay> days = new ArrayList<>();
        Strata white = new Strata("3", "IoD2019", "White", "65-74", "female", "QWE");
        for (int p = 0; p < 40; p++) {
            for (int d = 1; d <= 31; d++) {
                days.add(day("w" + p, d, white, 900 + (p * 37 + d * 11) % 500)); // 900-1399 minutes of 1440
            }
        }
        Strata black = new Strata("3", "IoD2019", BLACK, "65-74", "female", "QWE");
        for (int d = 1; d <= 31; d++) {
            days.add(day("b0", d, black, 280 + (d % 5) * 10)); // about five hours a day
        }
        return days;
    }

    @Test
    void aSuppressedPersonsDataCompletenessCannotBeRecoveredByDifference() {
        List<PublishedRow> pub = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate(PROG, "month", MAR, APR, programme(), 0));
        PublishedRow person = row(pub, "ethnic_group", BLACK);
        assertThat(person.numeratorCount()).as("the one-person stratum is suppressed").isEqualTo(Disclosure.SUPPRESSED);
        assertThat(person.value()).isNull();
        assertThat(row(pub, "all", "all").numeratorCount()).as("the programme total stays published")
                .isNotIn(Disclosure.SUPPRESSED, Disclosure.SECONDARY_SUPPRESSED);

        // all - White was the one Black patient: White is withheld, and marked as secondary suppression
        PublishedRow whites = row(pub, "ethnic_group", "White");
        assertThat(whites.numeratorCount()).as("the other ethnic group (would reveal the suppressed one)")
                .isEqualTo(Disclosure.SECONDARY_SUPPRESSED);
        assertThat(whites.denominatorCount()).isEqualTo(Disclosure.SECONDARY_SUPPRESSED);
        assertThat(whites.value()).isNull();
        assertThat(whites.suppressed()).isTrue();
        assertThat(whites.secondarySuppressed()).isTrue();
        assertThat(person.secondarySuppressed()).isFalse();
        // every measure of the withheld stratum, not only completeness (days leak the same way)
        assertThat(pub).filteredOn(r -> r.dimension().equals("ethnic_group") && r.stratum().equals("White"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.value()).as(r.measure()).isNull());
        // quintile 3 (published: 41 people) = "3 x White" + "3 x Black": its White cell is withheld too
        assertThat(row(pub, "imd_quintile", "3").value()).isNotNull();
        assertThat(row(pub, "imd_quintile_x_ethnic_group", "3 x " + BLACK).numeratorCount())
                .isEqualTo(Disclosure.SUPPRESSED);
        assertThat(row(pub, "imd_quintile_x_ethnic_group", "3 x White").numeratorCount())
                .isEqualTo(Disclosure.SECONDARY_SUPPRESSED);
    }

    @Test
    void aWithheldStratumSurvivesTheCsvWithItsMarker() throws Exception {
        List<PublishedRow> pub = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate(PROG, "month", MAR, APR, programme(), 0));
        Path csv = dir.resolve("aggregates.csv");
        AggregatesCsv.write(csv, pub);
        assertThat(Files.readString(csv)).contains(",White,data_completeness,");
        assertThat(row(AggregatesCsv.read(csv), "ethnic_group", "White").secondarySuppressed()).isTrue();
    }

    @Test
    void theReferenceStratumIsWithheldLastSoTheOthersKeepTheirRatios() {
        // quintile 5 (the reference, 10 people) is smaller than quintile 1 (20), quintile 3 has one person
        List<PatientDay> days = new ArrayList<>();
        for (int p = 0; p < 31; p++) {
            String q = p < 20 ? "1" : p < 30 ? "5" : "3";
            for (int d = 1; d <= 31; d++) {
                days.add(day("p" + p, d, new Strata(q, "IoD2019", "White", "65-74", "female", "QWE"), 1200));
            }
        }
        List<PublishedRow> pub = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate(PROG, "month", MAR, APR, days, 0));
        assertThat(row(pub, "imd_quintile", "3").numeratorCount()).isEqualTo(Disclosure.SUPPRESSED);
        assertThat(row(pub, "imd_quintile", "1").secondarySuppressed()).as("quintile 1 withheld").isTrue();
        assertThat(row(pub, "imd_quintile", "5").value()).as("the reference stays published").isNotNull();
    }

    private static PublishedRow row(List<PublishedRow> pub, String dimension, String stratum) {
        return pub.stream().filter(r -> r.dimension().equals(dimension) && r.stratum().equals(stratum)
                && r.measure().equals(Measures.DATA_COMPLETENESS)).findFirst().orElseThrow();
    }

    private static PatientDay day(String id, int dom, Strata s, int dataMinutes) {
        return new PatientDay(PROG, id, MAR.withDayOfMonth(dom), s, 1440, 1440, dataMinutes, dataMinutes >= 1008,
                Map.of(), 0, List.of(), 0, 0, false, false);
    }
}
