package org.wardstream.equity.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquityAggregatorTest;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.model.PatientDay;

class AggregatesCsvTest {
    @TempDir
    Path dir;

    /**
     * The published view of the aggregator test's population (four patients, whose strata publish nothing: fewer than
     * 8 people each) beside 40 more patients of one stratum, so that rows with values, intervals and rounded counts
     * are written too.
     */
    static List<PublishedRow> published() {
        List<PatientDay> days = new ArrayList<>(EquityAggregatorTest.population());
        for (int p = 0; p < 40; p++) {
            for (int d = 1; d <= 3; d++) {
                int alerts = (p + d) % 4 == 0 ? 1 : 0;
                days.add(new PatientDay(EquityAggregatorTest.PROG, "cohort-" + p, EquityAggregatorTest.MAR.withDayOfMonth(d),
                        EquityAggregatorTest.S1, 1440, 1440, d == 3 ? 600 : 1440, d != 3,
                        alerts == 0 ? Map.of() : Map.of("atrial-fibrillation", 1), 0,
                        alerts == 0 ? List.of() : List.of(60_000L * p), alerts, alerts, false, false));
            }
        }
        return Disclosure.publish(new EquityAggregator(EquitySettings.defaults()).aggregate(EquityAggregatorTest.PROG,
                "month", EquityAggregatorTest.MAR, EquityAggregatorTest.APR, days, 1));
    }

    @Test
    void roundTripsExactly() throws Exception {
        List<PublishedRow> rows = published();
        Path f = dir.resolve("out/aggregates.csv");
        AggregatesCsv.write(f, rows);
        assertThat(AggregatesCsv.read(f)).containsExactlyElementsOf(rows);
        // stratum with a comma-free but spaced value survives; header is the published column list
        assertThat(Files.readAllLines(f, StandardCharsets.UTF_8).get(0))
                .isEqualTo(String.join(",", PublishedRow.COLUMNS));
    }

    @Test
    void publishedFileHasOnlyAllowedCountCellsAndNoPatientIds() throws Exception {
        Path f = dir.resolve("aggregates.csv");
        AggregatesCsv.write(f, published());
        String text = Files.readString(f);
        for (String id : List.of(EquityAggregatorTest.P1, EquityAggregatorTest.P2, EquityAggregatorTest.P3,
                EquityAggregatorTest.P4, "pseudo-")) {
            assertThat(text).doesNotContain(id);
        }
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(Files.newBufferedReader(f)).getRecords();
        assertThat(records).isNotEmpty();
        for (CSVRecord r : records) {
            for (String col : List.of("numerator_count", "denominator_count")) {
                String v = r.get(col);
                assertThat(v.equals("0") || v.equals("*") || v.equals("**")
                        || (v.matches("\\d+") && Long.parseLong(v) % 5 == 0 && Long.parseLong(v) >= 10))
                        .as("line %d %s = %s", r.getRecordNumber(), col, v).isTrue();
            }
        }
        // all four stratifier dimensions are present
        assertThat(records).extracting(r -> r.get("dimension"))
                .contains("imd_quintile", "ethnic_group", "age_band", "sex");
    }

    @Test
    void aFileWithoutTheColumnsIsAClearError() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "a,b\n1,2\n");
        assertThatThrownBy(() -> AggregatesCsv.read(f)).hasMessageContaining("missing columns");
    }

    @Test
    void aFileThatIsNotDisclosureControlledIsRefused() throws Exception {
        PublishedRow r = published().stream().filter(p -> p.value() != null).findFirst().orElseThrow();
        PublishedRow small = new PublishedRow(r.programme(), r.windowStart(), r.windowEnd(), r.granularity(),
                r.dimension(), r.stratum(), r.measure(), r.method(), "3", r.denominatorCount(), r.value(), r.lower(),
                r.upper(), r.referenceStratum(), r.ratio(), r.ratioLower(), r.ratioUpper(), r.imdEdition(), r.revision());
        Path f = dir.resolve("internal.csv");
        AggregatesCsv.write(f, List.of(r, small));
        assertThatThrownBy(() -> AggregatesCsv.read(f)).hasMessageContaining("row 3")
                .hasMessageContaining("numerator_count 3 is not a published count");
        PublishedRow nan = new PublishedRow(r.programme(), r.windowStart(), r.windowEnd(), r.granularity(),
                r.dimension(), r.stratum(), r.measure(), r.method(), r.numeratorCount(), r.denominatorCount(),
                Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, r.referenceStratum(), r.ratio(),
                r.ratioLower(), r.ratioUpper(), r.imdEdition(), r.revision());
        Path g = dir.resolve("nan.csv");
        AggregatesCsv.write(g, List.of(nan));
        assertThatThrownBy(() -> AggregatesCsv.read(g)).hasMessageContaining("row 2").hasMessageContaining("not a finite number");
    }

    /**
     * The generation is a column of the file (a recomputation's rows must stay apart from the live job's in a CSV
     * exported from the topic), and a file written before it, without the column, still reads: as the live job's.
     */
    @Test
    void theGenerationRoundTripsAndAFileWithoutItReadsAsTheLiveJobs() throws Exception {
        List<PublishedRow> recomputed = published().stream().map(r -> r.withGeneration(1_775_808_000_000L)).toList();
        Path f = dir.resolve("recomputed.csv");
        AggregatesCsv.write(f, recomputed);
        assertThat(AggregatesCsv.read(f)).containsExactlyElementsOf(recomputed);

        Path old = dir.resolve("before-generation.csv");
        Files.write(old, Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                .map(line -> line.substring(0, line.lastIndexOf(','))).toList(), StandardCharsets.UTF_8);
        assertThat(Files.readAllLines(old, StandardCharsets.UTF_8).get(0)).endsWith(",imd_edition,revision");
        assertThat(AggregatesCsv.read(old)).containsExactlyElementsOf(published());
    }
}
