package org.wardstream.evaluation.validation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * One record in the {@code rr_csv} format
 * ({@code record,beat_index,time_s,rr_ms,beat_symbol,rhythm,gap_note}, plain or gzipped).
 * Columns are held as parallel arrays; {@code rrMs[i]} is -1 on the first beat (no interval).
 */
public final class RrCsvRecord {
    public final String name;
    public final double[] timeS;
    public final int[] rrMs;
    public final String[] beatSymbol;
    public final String[] rhythm;
    public final String[] gapNote;
    /** Source database, from the file: mitdb, ltafdb, nsr2db or afdb (see {@link #databaseOf}). */
    public String database = "";
    /** Intervals marked as missing data by {@link #markLongIntervalsAsMissing} (no gap note in the source). */
    public int markedMissing;

    /** Gap note given to an unannotated interval too long to be a heart beat (ltafdb has no noise annotations). */
    public static final String UNANNOTATED_GAP = "unannotated";
    /** ltafdb intervals longer than this are missing data, not pauses (see the physionet README). */
    public static final int LTAF_MAX_RR_MS = 10_000;

    private RrCsvRecord(String name, double[] timeS, int[] rrMs, String[] beatSymbol, String[] rhythm, String[] gapNote) {
        this.name = name;
        this.timeS = timeS;
        this.rrMs = rrMs;
        this.beatSymbol = beatSymbol;
        this.rhythm = rhythm;
        this.gapNote = gapNote;
    }

    public int size() {
        return timeS.length;
    }

    /** Record name from a file name: {@code 201.csv} -> 201, {@code nsr001.csv.gz} -> nsr001. */
    public static String recordName(Path file) {
        String f = file.getFileName().toString();
        if (f.endsWith(".gz")) f = f.substring(0, f.length() - 3);
        if (f.endsWith(".csv")) f = f.substring(0, f.length() - 4);
        return f;
    }

    /** Whether a file looks like an rr_csv record (excludes {@code summary.csv}). */
    public static boolean isRecordFile(Path file) {
        String f = file.getFileName().toString();
        return (f.endsWith(".csv") || f.endsWith(".csv.gz")) && !f.startsWith("summary");
    }

    /**
     * Reads a record file; the database is told by {@link #databaseOf}, and an ltafdb record's unannotated intervals
     * over {@value #LTAF_MAX_RR_MS} ms become missing data ({@link #markLongIntervalsAsMissing}).
     */
    public static RrCsvRecord read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            RrCsvRecord r = read(recordName(file), in);
            r.database = databaseOf(file);
            if (r.database.equals("ltafdb")) r.markLongIntervalsAsMissing(LTAF_MAX_RR_MS);
            return r;
        }
    }

    /**
     * The database of a record file: {@code nsr2db} for names starting with nsr, {@code ltafdb} when the folder's
     * name contains "ltaf" (ltafdb and MIT-BIH record names overlap: 100-122, 200-208), {@code afdb} for five-digit
     * names (03665), {@code mitdb} otherwise.
     */
    public static String databaseOf(Path file) {
        String name = recordName(file).toLowerCase(java.util.Locale.ROOT);
        Path parent = file.toAbsolutePath().getParent();
        String dir = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.startsWith("nsr")) return "nsr2db";
        if (dir.contains("ltaf")) return "ltafdb";
        if (name.matches("\\d{5}")) return "afdb";
        return "mitdb";
    }

    /**
     * A database without noise annotations (ltafdb) leaves unreadable stretches as long "RRs": intervals over
     * {@code maxRrMs} with no gap note get {@link #UNANNOTATED_GAP}, so they are missing data for the detector and
     * for the reference pauses alike.
     */
    public void markLongIntervalsAsMissing(int maxRrMs) {
        for (int i = 0; i < rrMs.length; i++) {
            if (rrMs[i] > maxRrMs && gapNote[i].isEmpty()) {
                gapNote[i] = UNANNOTATED_GAP;
                markedMissing++;
            }
        }
    }

    public static RrCsvRecord read(String name, InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        String header = r.readLine();
        if (header == null || !header.trim().startsWith("record,beat_index,time_s,rr_ms")) {
            throw new IOException(name + ": missing rr_csv header, got " + header);
        }
        int cap = 4096, n = 0;
        double[] t = new double[cap];
        int[] rr = new int[cap];
        String[] sym = new String[cap], rhy = new String[cap], gap = new String[cap];
        String line;
        int lineNo = 1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) continue;
            String[] f = line.split(",", -1);
            if (f.length < 7) throw new IOException(name + ": line " + lineNo + " has " + f.length + " fields");
            if (n == cap) {
                cap *= 2;
                t = Arrays.copyOf(t, cap);
                rr = Arrays.copyOf(rr, cap);
                sym = Arrays.copyOf(sym, cap);
                rhy = Arrays.copyOf(rhy, cap);
                gap = Arrays.copyOf(gap, cap);
            }
            try {
                t[n] = Double.parseDouble(f[2]);
                rr[n] = f[3].isEmpty() ? -1 : (int) Math.round(Double.parseDouble(f[3]));
            } catch (NumberFormatException e) {
                throw new IOException(name + ": line " + lineNo + ": " + e.getMessage(), e);
            }
            sym[n] = f[4].intern();
            rhy[n] = f[5].intern();
            gap[n] = f[6].intern();
            n++;
        }
        if (n == 0) throw new IOException(name + ": no beats");
        return new RrCsvRecord(name, Arrays.copyOf(t, n), Arrays.copyOf(rr, n), Arrays.copyOf(sym, n),
                Arrays.copyOf(rhy, n), Arrays.copyOf(gap, n));
    }
}
