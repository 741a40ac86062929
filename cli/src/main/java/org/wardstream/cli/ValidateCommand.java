package org.wardstream.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.wardstream.demo.RecordReplayFiles;
import org.wardstream.evaluation.validation.RecordResult;
import org.wardstream.evaluation.validation.RrCsvRecord;
import org.wardstream.evaluation.validation.ValidationHarness;
import org.wardstream.evaluation.validation.ValidationSummary;
import org.wardstream.rules.Rules;
import org.wardstream.signals.RhythmRuleParameters;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wardstream validate}: the job's rhythm detectors scored on annotated beat records (PhysioNet rr_csv). */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Scores the episode-detection job's detectors on annotated beat records: every *.csv or "
                + "*.csv.gz in --data in the rr_csv format (record,beat_index,time_s,rr_ms,beat_symbol,rhythm,gap_note). "
                + "Each record runs through the job's per-patient path (RR batches of 60 s, the same detector "
                + "classes, the same alert rules and episode lifecycle; tachycardia and bradycardia from the heart "
                + "rate the detector derives from the RR intervals, as the job does for a device without heart-rate "
                + "samples, the recording worn and the patient still); the detector never sees the labels.",
                "Results go to standard output: a table (per record, per database, column legend), or with --format json "
                        + "the scores as JSON (af, databases, false_af_beats_by_rhythm, pause, tachycardia, bradycardia, "
                        + "alerts, records[]); --json FILE also writes the JSON there. Diagnostics go to standard error. "
                        + "A record that cannot be read is reported and does not stop the run; a --data folder that is "
                        + "missing, holds no record or only unreadable ones is an error (exit code 2). The database of "
                        + "a record: nsr2db (names nsr*), ltafdb (folder name contains 'ltaf'; its unannotated RR over "
                        + "10 s are missing data), afdb (5-digit names), mitdb otherwise. Method and results: docs/VALIDATION.md."})
public final class ValidateCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Directory of rr_csv records (repeatable).")
    List<Path> data;

    @Option(names = "--format", defaultValue = "table", description = "Standard output: table or json (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--json", description = "Where to write the JSON scores (default: standard output).")
    Path json;

    @Option(names = "--rules", description = "Alert-rules directory (default: the rules packaged with the job, "
            + "as the job uses them).")
    Path rules;

    @Option(names = "--threads", defaultValue = "2", description = "Records scored in parallel (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--replay-out", description = "Also write the readable records as replay files "
            + "(enrolments.ndjson, events.ndjson: one patient per record, its wear report and the same RR batches) "
            + "for wardstream replay.")
    Path replayOut;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("table") && !format.equals("json")) {
            throw Args.error(spec, "--format", format, "use table or json");
        }
        Args.positive(spec, "--threads", threads);
        for (Path d : data) {
            if (!Files.isDirectory(d) || !Files.isReadable(d)) {
                throw Args.error(spec, "--data", d, "no readable directory there; give the folder of rr_csv records");
            }
            try (Stream<Path> files = Files.list(d)) {
                if (files.noneMatch(RrCsvRecord::isRecordFile)) {
                    throw Args.error(spec, "--data", d, "no records (*.csv or *.csv.gz) in it; give the folder of "
                            + "rr_csv records, e.g. evaluation/src/test/resources/physionet");
                }
            }
        }
        try {
            ValidationHarness.recordFiles(data);
        } catch (java.io.IOException e) {
            throw Args.error(spec, "--data", data, e.getMessage() + "; give the folder of rr_csv records, e.g. "
                    + "evaluation/src/test/resources/physionet");
        }
        Rules r = rules == null ? Rules.loadClasspath() : Rules.loadDirectory(rules);
        RhythmRuleParameters.departuresFromValidated(r).forEach(d -> System.err.println("wardstream validate: note: " + d));
        ValidationSummary summary = ValidationHarness.validateJobPath(data, r, threads);
        for (RecordResult rec : summary.records) {
            if (rec.kind == RecordResult.Kind.ERROR) {
                System.err.printf("wardstream validate: unreadable record %s: %s%n", rec.record, rec.error);
            }
        }
        if (summary.errors == summary.records.size()) {
            throw Args.error(spec, "--data", data, "no readable record there; give the folder of rr_csv records");
        }
        String out = summary.toJson();
        System.out.print(format.equals("json") ? out : summary.toTable());
        if (json != null) {
            if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
            Files.writeString(json, out, StandardCharsets.UTF_8);
            System.err.printf("wardstream validate: %d records (%d unreadable) -> %s%n", summary.records.size(),
                    summary.errors, json);
        }
        if (replayOut != null) {
            List<RrCsvRecord> readable = new ArrayList<>();
            for (Path f : ValidationHarness.recordFiles(data)) {
                try {
                    readable.add(RrCsvRecord.read(f));
                } catch (java.io.IOException | RuntimeException e) {
                    // already reported as an unreadable record
                }
            }
            long lines = RecordReplayFiles.write(readable, replayOut);
            System.err.printf("  replay files: %d records, %d events (a wear report and the RR batches of each)"
                    + " -> %s%n", readable.size(), lines, replayOut);
        }
        return 0;
    }
}
