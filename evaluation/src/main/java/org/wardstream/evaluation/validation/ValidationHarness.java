package org.wardstream.evaluation.validation;

import org.wardstream.rhythm.RhythmParameters;
import org.wardstream.rhythm.RrAnalyser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Command-line validation of {@link RrAnalyser} on PhysioNet {@code rr_csv} records.
 *
 * <pre>
 * java -cp clinical/target/classes org.wardstream.evaluation.validation.ValidationHarness \
 *     --data ../shared/physionet/rr_csv [--json FILE] [--set name=value ...] [--threads N] [--quiet]
 * </pre>
 * Every {@code *.csv} / {@code *.csv.gz} in the directory except {@code summary.csv} is a record;
 * a record that cannot be read is reported in the output, not fatal. Exit code 0 unless the
 * directory itself is unusable.
 */
public final class ValidationHarness {

    private ValidationHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path data = null, json = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        boolean quiet = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--quiet" -> quiet = true;
                case "--set" -> {
                    String[] kv = args[++i].split("=", 2);
                    if (kv.length != 2) throw new IllegalArgumentException("--set expects name=value, got " + args[i]);
                    overrides.put(kv[0].trim(), kv[1].trim());
                }
                case "-h", "--help" -> {
                    System.out.println("usage: ValidationHarness --data DIR [--json FILE] [--set name=value ...] [--threads N] [--quiet]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (data == null) {
            System.err.println("--data DIR is required");
            System.exit(2);
        }
        RhythmParameters params = RhythmParameters.DEFAULTS.withOverrides(overrides);
        ValidationSummary summary;
        try {
            summary = validate(data, new RrAnalyser(params), threads);
        } catch (IOException e) {
            System.err.println("--data: " + e.getMessage());
            System.exit(2);
            return;
        }
        String out = summary.toJson();
        if (json != null) {
            if (json.getParent() != null) Files.createDirectories(json.getParent());
            Files.writeString(json, out, StandardCharsets.UTF_8);
        }
        if (!quiet) System.out.print(summary.toTable());
        if (json == null && quiet) System.out.print(out);
    }

    /** Validates every record in a directory. */
    public static ValidationSummary validate(Path dir, RrAnalyser analyser, int threads) throws IOException, InterruptedException {
        List<Path> files = recordFiles(List.of(dir));
        return new ValidationSummary(evaluateAll(files, threads, f -> evaluateFile(f, analyser)), analyser.parameters());
    }

    /**
     * Validates every record in a directory on the episode-detection job's per-patient path ({@link JobPath}) with
     * the given rules (the job's {@code alert-rules/}; the default patient, no overrides).
     */
    public static ValidationSummary validateJobPath(Path dir, org.wardstream.rules.Rules rules, int threads)
            throws IOException, InterruptedException {
        return validateJobPath(List.of(dir), rules, threads);
    }

    /** As {@link #validateJobPath(Path, org.wardstream.rules.Rules, int)} over the records of several directories. */
    public static ValidationSummary validateJobPath(List<Path> dirs, org.wardstream.rules.Rules rules, int threads)
            throws IOException, InterruptedException {
        org.wardstream.rules.EffectiveRules eff = rules.defaults();
        ValidationSummary summary = new ValidationSummary(evaluateAll(recordFiles(dirs), Math.max(1, threads), f -> {
            String name = RrCsvRecord.recordName(f);
            try {
                return RhythmValidation.evaluateJobPath(RrCsvRecord.read(f), eff);
            } catch (IOException | RuntimeException e) {
                return RecordResult.error(name, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }), org.wardstream.signals.RhythmRuleParameters.from(eff));
        summary.jobPath = true;
        return summary;
    }

    /**
     * The record files ({@code *.csv}, {@code *.csv.gz} but {@code summary.csv}) of the directories, sorted per directory.
     *
     * @throws IOException if a path is not a readable directory, or the directories hold no record file at all
     */
    public static List<Path> recordFiles(List<Path> dirs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) throw new IOException("not a directory: " + dir);
            try (Stream<Path> s = Files.list(dir)) {
                files.addAll(s.filter(RrCsvRecord::isRecordFile).sorted().toList());
            }
        }
        if (files.isEmpty()) throw new IOException("no rr_csv record (*.csv, *.csv.gz) in " + dirs);
        return files;
    }

    /** {@code eval} of every file on a pool of {@code threads} (a fixed pool: fewer than 1 is refused), in file order. */
    private static List<RecordResult> evaluateAll(List<Path> files, int threads,
                                                  java.util.function.Function<Path, RecordResult> eval)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<RecordResult>> futures = new ArrayList<>();
            for (Path f : files) futures.add(pool.submit(() -> eval.apply(f)));
            List<RecordResult> results = new ArrayList<>();
            for (Future<RecordResult> fu : futures) {
                try {
                    results.add(fu.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static RecordResult evaluateFile(Path f, RrAnalyser analyser) {
        String name = RrCsvRecord.recordName(f);
        RrCsvRecord rec;
        try {
            rec = RrCsvRecord.read(f);
        } catch (IOException | RuntimeException e) {
            return RecordResult.error(name, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return RhythmValidation.evaluate(rec, analyser);
    }
}
