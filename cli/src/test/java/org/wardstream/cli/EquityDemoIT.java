package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.io.AggregatesCsv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The demo's equity outputs on a fixed seed (a small population, to stay fast): the published
 * aggregates carry the four stratifier dimensions, every count is disclosure-controlled, no pseudonym
 * appears, and the simulator's deprivation-linked connectivity loss shows as lower data completeness in the
 * most deprived IMD quintile than in the least deprived.
 */
class EquityDemoIT {
    static final Pattern PSEUDONYM = Pattern.compile("p\\d{6}");

    @Test
    void theDemoPublishesDisclosureControlledAggregatesWithTheDeprivationGradient() throws Exception {
        Path out = Path.of("target", "it-equity-demo");
        int exit = Main.run("demo", "--patients", "100", "--days", "1", "--seed", "7", "--out", out.toString());
        assertThat(exit).isZero();

        Path csv = out.resolve("aggregates.csv");
        String text = Files.readString(csv);
        assertThat(PSEUDONYM.matcher(text).find()).as("a patient pseudonym in aggregates.csv").isFalse();

        List<String> header = List.of(text.substring(0, text.indexOf('\n')).trim().split(","));
        assertThat(header).contains("window_start", "window_end", "dimension", "stratum", "measure");
        assertThat(header.stream().filter(h -> h.endsWith("_count")))
                .containsExactlyInAnyOrder("numerator_count", "denominator_count");
        List<PublishedRow> rows = AggregatesCsv.read(csv);
        assertThat(rows).hasSizeGreaterThan(100);
        assertThat(rows).extracting(PublishedRow::dimension)
                .contains("imd_quintile", "ethnic_group", "age_band", "sex");
        for (PublishedRow r : rows) {
            for (String v : List.of(r.numeratorCount(), r.denominatorCount())) {
                assertThat(v.equals("0") || v.equals("*") || (v.matches("\\d+") && Long.parseLong(v) % 5 == 0
                        && Long.parseLong(v) >= 10)).as("count '%s' in %s", v, r).isTrue();
            }
        }

        Map<String, Double> completeness = new HashMap<>();
        for (PublishedRow r : rows) {
            if (r.dimension().equals("imd_quintile") && r.measure().equals("data_completeness")
                    && r.granularity().equals("month")) {
                completeness.put(r.stratum(), r.value());
            }
        }
        assertThat(completeness).containsKeys("1", "5");
        assertThat(completeness.get("1")).as("data completeness in IMD quintile 1 (most deprived) vs 5")
                .isLessThan(completeness.get("5"));

        String html = Files.readString(out.resolve("equity-report.html"));
        assertThat(html).contains("<svg").contains("IMD quintile");
        assertThat(PSEUDONYM.matcher(html).find()).isFalse();

        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode equity = summary.get("equity");
        assertThat(equity.get("patient_days").asLong()).isGreaterThanOrEqualTo(100);
        assertThat(equity.get("triage_events").asLong()).isPositive();
        assertThat(equity.get("files").toString()).contains("aggregates.csv", "equity-report.html");
        assertThat(summary.get("reconciled").asBoolean()).isTrue(); // the detection part still reconciles
    }
}
