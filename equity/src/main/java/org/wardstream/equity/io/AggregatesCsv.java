package org.wardstream.equity.io;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.wardstream.equity.disclosure.PublishedRow;

/**
 * The published view as CSV (Jackson CSV): header {@link PublishedRow#COLUMNS}, UTF-8, "\n" line ends, an empty
 * cell for an undefined or suppressed value, numbers in plain decimal notation with full double precision.
 */
public final class AggregatesCsv {
    private static final CsvMapper MAPPER = new CsvMapper();
    private static final CsvSchema SCHEMA;

    static {
        CsvSchema.Builder b = CsvSchema.builder();
        PublishedRow.COLUMNS.forEach(b::addColumn);
        SCHEMA = b.build().withHeader().withLineSeparator("\n");
    }

    /** The column a file written before session 21 does not have (its rows read as generation 0). */
    private static final String GENERATION = "generation";

    private AggregatesCsv() {
    }

    public static void write(Path file, List<PublishedRow> rows) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             SequenceWriter out = MAPPER.writer(SCHEMA).writeValues(w)) {
            for (PublishedRow r : rows) {
                out.write(Arrays.asList(r.programme(), r.windowStart().toString(), r.windowEnd().toString(),
                        r.granularity(), r.dimension(), r.stratum(), r.measure(), r.method(), r.numeratorCount(),
                        r.denominatorCount(), num(r.value()), num(r.lower()), num(r.upper()),
                        text(r.referenceStratum()), num(r.ratio()), num(r.ratioLower()), num(r.ratioUpper()),
                        text(r.imdEdition()), Integer.toString(r.revision()), Long.toString(r.generation())));
            }
        }
    }

    /** Reads a file written by {@link #write}; a missing column or a malformed cell is an error naming the row. */
    public static List<PublishedRow> read(Path file) throws IOException {
        List<PublishedRow> rows = new ArrayList<>();
        CsvSchema header = CsvSchema.emptySchema().withHeader();
        try (Reader in = withoutByteOrderMark(Files.newBufferedReader(file, StandardCharsets.UTF_8));
             MappingIterator<Map<String, String>> it = MAPPER.readerFor(Map.class).with(header)
                     .with(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS).readValues(in)) {
            CsvSchema actual = (CsvSchema) it.getParserSchema();
            List<String> missing = new ArrayList<>(PublishedRow.COLUMNS);
            if (actual != null) {
                missing.removeAll(actual.getColumnNames());
            }
            missing.remove(GENERATION); // a file from before the generation column: the live job's rows
            if (!missing.isEmpty()) {
                throw new IOException(file + ": not an aggregates CSV, missing columns " + missing);
            }
            int line = 1;
            while (it.hasNextValue()) {
                line++;
                Map<String, String> r = it.nextValue();
                try {
                    rows.add(new PublishedRow(r.get("programme"), LocalDate.parse(r.get("window_start")),
                            LocalDate.parse(r.get("window_end")), r.get("granularity"), r.get("dimension"),
                            r.get("stratum"), r.get("measure"), r.get("method"),
                            publishedCount("numerator_count", r.get("numerator_count")),
                            publishedCount("denominator_count", r.get("denominator_count")), dbl(r.get("value")),
                            dbl(r.get("lower")),
                            dbl(r.get("upper")), emptyToNull(r.get("reference_stratum")), dbl(r.get("ratio")),
                            dbl(r.get("ratio_lower")), dbl(r.get("ratio_upper")),
                            emptyToNull(r.get("imd_edition")), Integer.parseInt(r.get("revision")),
                            generation(r.get(GENERATION))));
                } catch (RuntimeException e) {
                    throw new IOException(file + " row " + line + ": " + e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /**
     * The reader past a UTF-8 byte-order mark, which a spreadsheet's "CSV UTF-8" puts before the header of a file it
     * saves (probe 19a D10: the first column was read as U+FEFF + "programme" and the file refused).
     */
    private static Reader withoutByteOrderMark(java.io.BufferedReader in) throws IOException {
        in.mark(1);
        if (in.read() != '\uFEFF') {
            in.reset();
        }
        return in;
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

    /** A finite number, or null for an empty cell; NaN and infinities are refused (they would render as values). */
    private static Double dbl(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        double d = Double.parseDouble(s);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("'" + s + "' is not a finite number");
        }
        return d;
    }

    /**
     * A count as published ({@link org.wardstream.equity.disclosure.Disclosure}): "0", "*", "**" or a multiple of 5 of at
     * least 10. Anything else (an internal, unrounded count such as 3) is refused, so the report never shows a small
     * number that a file not made by the disclosure step carried in.
     */
    private static String publishedCount(String column, String s) {
        if ("0".equals(s) || org.wardstream.equity.disclosure.Disclosure.SUPPRESSED.equals(s)
                || org.wardstream.equity.disclosure.Disclosure.SECONDARY_SUPPRESSED.equals(s)) {
            return s;
        }
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(column + " '" + s + "' is not a published count (0, * or a multiple of 5)");
        }
        if (n < 10 || n % 5 != 0) {
            throw new IllegalArgumentException(column + " " + s + " is not a published count (0, *, **, or a multiple of 5"
                    + " of at least 10): not a disclosure-controlled file");
        }
        return s;
    }

    /** The generation of a row, 0 (the live job's) when the file has no such column or the cell is empty. */
    private static long generation(String s) {
        return s == null || s.isEmpty() ? 0L : Long.parseLong(s);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
