package org.wardstream.equity.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Reads the attributed reference CSVs in src/test/resources/reference (see ATTRIBUTION.md there). */
public final class ReferenceCsv {
    private ReferenceCsv() {
    }

    public static List<CSVRecord> rows(String name) {
        InputStream in = ReferenceCsv.class.getResourceAsStream("/reference/" + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource /reference/" + name);
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empty cell = undefined (null). */
    public static Double number(CSVRecord r, String column) {
        String s = r.get(column);
        return s == null || s.isBlank() ? null : Double.valueOf(s);
    }

    /** Confidence column (95 or 99.8 percent) as a fraction. */
    public static double confidence(CSVRecord r) {
        return Double.parseDouble(r.get("confidence")) / 100.0;
    }

    /** relative 1e-9 with an absolute floor of 1e-12 (reference README). */
    public static boolean close(double expected, double actual) {
        return Math.abs(expected - actual) <= Math.max(1e-12, 1e-9 * Math.abs(expected));
    }
}
