package org.wardstream.equity.io;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.wardstream.equity.disclosure.PublishedRow;

/**
 * The published view as CSV: header {@link PublishedRow#COLUMNS}, RFC 4180 (commons-csv), UTF-8, an empty cell for
 * an undefined or suppressed value, numbers in plain decimal notation with full double precision.
 */
public final class AggregatesCsv {
    private static final CSVFormat WRITE = CSVFormat.RFC4180.builder()
            .setHeader(PublishedRow.COLUMNS.toArray(String[]::new)).setRecordSeparator("\n").get();
    private static final CSVFormat READ = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

    private AggregatesCsv() {
    }

    public static void write(Path file, List<PublishedRow> rows) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, WRITE)) {
            for (PublishedRow r : rows) {
                p.printRecord(r.programme(), r.windowStart(), r.windowEnd(), r.granularity(), r.dimension(),
                        r.stratum(), r.measure(), r.method(), r.numeratorCount(), r.denominatorCount(),
                        num(r.value()), num(r.lower()), num(r.upper()), text(r.referenceStratum()), num(r.ratio()),
                        num(r.ratioLower()), num(r.ratioUpper()), text(r.imdEdition()), r.revision());
            }
        }
    }

    /** Reads a file written by {@link #write}; a missing column or a malformed number is an error naming the line. */
    public static List<PublishedRow> read(Path file) throws IOException {
        List<PublishedRow> rows = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            var parser = READ.parse(in);
            List<String> header = parser.getHeaderNames();
            if (!header.containsAll(PublishedRow.COLUMNS)) {
                List<String> missing = new ArrayList<>(PublishedRow.COLUMNS);
                missing.removeAll(header);
                throw new IOException(file + ": not an aggregates CSV, missing columns " + missing);
            }
            for (CSVRecord r : parser) {
                try {
                    rows.add(new PublishedRow(r.get("programme"), LocalDate.parse(r.get("window_start")),
                            LocalDate.parse(r.get("window_end")), r.get("granularity"), r.get("dimension"),
                            r.get("stratum"), r.get("measure"), r.get("method"), r.get("numerator_count"),
                            r.get("denominator_count"), dbl(r.get("value")), dbl(r.get("lower")),
                            dbl(r.get("upper")), emptyToNull(r.get("reference_stratum")), dbl(r.get("ratio")),
                            dbl(r.get("ratio_lower")), dbl(r.get("ratio_upper")),
                            emptyToNull(r.get("imd_edition")), Integer.parseInt(r.get("revision"))));
                } catch (RuntimeException e) {
                    throw new IOException(file + " line " + parser.getCurrentLineNumber() + ": " + e.getMessage(), e);
                }
            }
        }
        return rows;
    }

    static String num(Double d) {
        if (d == null) {
            return "";
        }
        if (d.isNaN() || d.isInfinite()) {
            return d.toString();
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static Double dbl(String s) {
        return s == null || s.isEmpty() ? null : Double.valueOf(s);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
