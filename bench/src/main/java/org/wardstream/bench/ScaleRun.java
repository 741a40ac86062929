package org.wardstream.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.flink.configuration.MemorySize;
import org.wardstream.rules.Rules;

/**
 * The scale curve: for each population size, the unchanged episode-detection job (heap state backend, one task slot)
 * over {@code recordsPerPatient} records per patient with 36-character pseudonyms, on a fresh broker and MiniCluster:
 * throughput and process CPU per 1,000 records of the first N records, peak heap, and the keyed state in a canonical
 * savepoint after N and 2N records (the checkpoint's size on the heap backend, which writes all of it each time).
 * The records are the simulator's first 2N of one day, from {@link OpeningEventSet} (one patient rendered at a time,
 * the records in a spill file, so a million patients fit; the {@code event_set} column says {@code opening}; rows made
 * before it, with the whole-day {@link EventSet} in memory, say {@code simulator}). Writes a CSV and an SVG plot.
 */
final class ScaleRun {
    static final String HEADER = "patients,records_n,records_per_s,cpu_s_per_1000_records,peak_heap_mb,"
            + "keyed_state_bytes_n,keyed_state_bytes_2n,bytes_per_patient_2n,load_1min,records_per_patient,"
            + "checkpoint_keyed_bytes,checkpoint_written_bytes,checkpoint_dir_bytes,event_set,backend,managed_memory_mb";

    /** Task slots of each point's cluster (the job uses one: it gets this share of the managed memory). */
    static final int SLOTS = 2;

    private final Path workDir;
    private final PrintStream log;

    ScaleRun(Path workDir, PrintStream log) {
        this.workDir = workDir;
        this.log = log;
    }

    /** Runs every point; returns the CSV lines (header first). */
    List<String> run(List<Integer> populations, int recordsPerPatient, long seed) throws Exception {
        return run(populations, recordsPerPatient, seed, false, BenchCluster.DEFAULT_MANAGED_MEMORY);
    }

    /**
     * @param rocksDb       RocksDB with incremental checkpoints instead of the heap backend
     * @param managedMemory the task manager's managed memory (the {@code managed_memory_mb} column): on RocksDB, of
     *                      the job's slot's half of it, its block cache and write buffers
     */
    List<String> run(List<Integer> populations, int recordsPerPatient, long seed, boolean rocksDb,
                     MemorySize managedMemory) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        Path rulesDir = BenchRules.write(workDir.resolve("rules"));
        Rules.loadDirectory(rulesDir); // a rule file the job would refuse fails here, before any generation
        for (int patients : populations) {
            int n = Math.max(1000, patients * recordsPerPatient);
            System.gc();
            Path dir = workDir.resolve("scale-" + patients);
            Files.createDirectories(dir.resolve("events"));
            log.printf("scale: %,d patients, %,d records (x2)...%n", patients, n);
            try (HeapSampler heap = new HeapSampler();
                 OpeningEventSet set = OpeningEventSet.generate(n, patients, seed, dir.resolve("events"))) {
                log.printf(Locale.ROOT, "scale: %,d records generated in %.1f s (%.1f CPU-s): the first %.1f min of "
                                + "delivery, %,d rendered, spill file %.1f MB, index %.1f MB on the heap%n", set.size(),
                        set.generateSeconds, set.generateCpuSeconds,
                        (set.records.horizonMs() - set.records.config().start().toEpochMilli()) / 60_000.0,
                        set.records.renderedRecords(), set.records.spillBytes() / 1e6, set.records.indexBytes() / 1e6);
                log.printf(Locale.ROOT, "scale: %s backend, managed memory %d MB (the task manager's; %d MB for the "
                                + "job's slot of %d)%n", rocksDb ? "RocksDB" : "heap", managedMemory.getMebiBytes(),
                        managedMemory.getMebiBytes() / SLOTS, SLOTS);
                try (BenchCluster cluster = BenchCluster.start(dir, SLOTS, rocksDb, managedMemory)) {
                    cluster.kafka.createTopics(1);
                    Benchmark.preload(cluster, set);
                    Variants variants = new Variants(cluster, rulesDir, Benchmark.CHECKPOINT_INTERVAL);
                    double load = Cpu.loadAverages()[0];
                    StateRun.Result r = new StateRun(cluster, set, rulesDir, dir, 1, BenchCluster.backend(rocksDb))
                            .withProgress(log).run(variants);
                    String line = String.format(Locale.ROOT, "%d,%d,%.1f,%.4f,%.1f,%d,%d,%.1f,%.1f,%d,%d,%d,%d,%s,%s,%d",
                            patients, set.n(), set.n() / r.seconds(), 1000 * r.cpuSeconds() / set.n(),
                            heap.overallPeak() / 1048576.0, r.atN().keyedBytes(), r.at2n().keyedBytes(),
                            r.perPatient2n(), load, recordsPerPatient, r.checkpoint().keyedBytes(),
                            r.checkpoint().checkpointedBytes(), r.checkpoint().directoryBytes(), "opening",
                            rocksDb ? "rocksdb-incremental" : "heap", managedMemory.getMebiBytes());
                    log.println("scale: " + line);
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    /**
     * A line chart of each numeric column against patients (log scale), one panel per quantity and one line per state
     * backend (the {@code backend} column, when the CSV has one), as SVG.
     */
    static String svg(List<String> csv) {
        String[] cols = csv.get(0).split(",");
        int[] show = {2, 3, 4, 7};
        int rows = csv.size() - 1;
        double[][] v = new double[rows][cols.length];
        String[] series = new String[rows];
        int backend = java.util.Arrays.asList(cols).indexOf("backend");
        for (int i = 0; i < rows; i++) {
            String[] f = csv.get(i + 1).split(",", -1);
            for (int j = 0; j < cols.length; j++) v[i][j] = j < f.length ? number(f[j]) : Double.NaN;
            series[i] = backend >= 0 && backend < f.length && !f[backend].isEmpty() ? f[backend] : "heap";
        }
        List<String> names = java.util.Arrays.stream(series).distinct().toList();
        String[] colours = {"#1f5fa8", "#c0392b", "#27ae60"};
        int pw = 360, ph = 220, m = 50;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='11'>%n",
                2 * (pw + m) + m, 2 * (ph + m) + m + 20));
        double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE;
        for (double[] row : v) {
            xMin = Math.min(xMin, Math.log10(row[0]));
            xMax = Math.max(xMax, Math.log10(row[0]));
        }
        if (xMax <= xMin) xMax = xMin + 1;
        for (int k = 0; k < show.length; k++) {
            int c = show[k];
            int ox = m + (k % 2) * (pw + m), oy = m + (k / 2) * (ph + m);
            double yMax = 0;
            for (double[] row : v) if (!Double.isNaN(row[c])) yMax = Math.max(yMax, row[c]);
            yMax = yMax <= 0 ? 1 : yMax * 1.1;
            s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#888'/>%n",
                    ox, oy, pw, ph));
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>%s</text>%n", ox, oy - 8, cols[c]));
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>%.3g</text><text x='%d' y='%d'>0</text>%n",
                    ox - 45, oy + 10, yMax, ox - 15, oy + ph));
            for (int n = 0; n < names.size(); n++) {
                String colour = colours[n % colours.length];
                StringBuilder pts = new StringBuilder();
                for (int i = 0; i < rows; i++) {
                    if (!series[i].equals(names.get(n)) || Double.isNaN(v[i][c])) continue;
                    double x = ox + (Math.log10(v[i][0]) - xMin) / (xMax - xMin) * pw;
                    double y = oy + ph - v[i][c] / yMax * ph;
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                    s.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>%n", x, y, colour));
                    s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' text-anchor='middle'>%,d</text>%n", x,
                            oy + ph + 14, (long) v[i][0]));
                }
                s.append("<polyline fill='none' stroke='").append(colour).append("' stroke-width='2' points='")
                        .append(pts).append("'/>\n");
            }
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>patients (log scale)</text>%n",
                    ox + pw / 2, oy + ph + 30));
        }
        for (int n = 0; n < names.size(); n++) {
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' fill='%s'>&#9632; %s</text>%n", m + 160 * n,
                    2 * (ph + m) + m + 10, colours[n % colours.length], names.get(n)));
        }
        return s.append("</svg>\n").toString();
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException notANumber) {
            return Double.NaN;
        }
    }

    static void write(List<String> csv, Path csvFile, Path svgFile) throws IOException {
        Files.createDirectories(csvFile.toAbsolutePath().getParent());
        Files.write(csvFile, csv);
        Files.writeString(svgFile, svg(csv));
    }
}
