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

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wardstream validate}: the job's rhythm detectors scored on annotated beat records (PhysioNet rr_csv). */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Scores the episode-detection job's detectors on annotated beat records: every *.csv or "
                + "*.csv.gz in --data in the rr_csv format (record,beat_index,time_s,rr_ms,beat_symbol,rhythm,gap_note). "
                + "Each record runs through the job's per-patient path (RR batches of 60 s, the same detector "
                + "classes, the same alert rules and episode lifecycle); the detector never sees the labels.",
                "Prints a table; writes the scores as JSON (af, pause, tachycardia, bradycardia, alerts, records[]) "
                        + "to --json, or to standard output. A record that cannot be read is reported in the "
                        + "output and does not stop the run. Method and results: docs/VALIDATION.md."})
public final class ValidateCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Directory of rr_csv records.")
    Path data;

    @Option(names = "--json", description = "Where to write the JSON scores (default: standard output).")
    Path json;

    @Option(names = "--rules", description = "Alert-rules directory (default: the rules packaged with the job, "
            + "as the job uses them).")
    Path rules;

    @Option(names = "--threads", defaultValue = "2", description = "Records scored in parallel (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--replay-out", description = "Also write the readable records as replay files "
            + "(enrolments.ndjson, events.ndjson: one patient per record, the same RR batches) for wardstream replay.")
    Path replayOut;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(data) || !Files.isReadable(data)) {
            throw Args.error(spec, "--data", data, "no readable directory there; give the folder of rr_csv records");
        }
        try (Stream<Path> files = Files.list(data)) {
            if (files.noneMatch(RrCsvRecord::isRecordFile)) {
                throw Args.error(spec, "--data", data, "no records (*.csv or *.csv.gz) in it; give the folder of "
                        + "rr_csv records, e.g. clinical/src/test/resources/physionet");
            }
        }
        Args.positive(spec, "--threads", threads);
        Rules r = rules == null ? Rules.loadClasspath() : Rules.loadDirectory(rules);
        ValidationSummary summary = ValidationHarness.validateJobPath(data, r, threads);
        System.err.print(summary.toTable());
        for (RecordResult rec : summary.records) {
            if (rec.kind == RecordResult.Kind.ERROR) {
                System.err.printf("  unreadable record %s: %s%n", rec.record, rec.error);
            }
        }
        String out = summary.toJson();
        if (json != null) {
            if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
            Files.writeString(json, out, StandardCharsets.UTF_8);
            System.err.printf("wardstream validate: %d records (%d unreadable) -> %s%n", summary.records.size(),
                    summary.errors, json);
        } else {
            System.out.print(out);
        }
        if (replayOut != null) {
            List<RrCsvRecord> readable = new ArrayList<>();
            try (Stream<Path> files = Files.list(data)) {
                for (Path f : files.filter(RrCsvRecord::isRecordFile).sorted().toList()) {
                    try {
                        readable.add(RrCsvRecord.read(f));
                    } catch (java.io.IOException | RuntimeException e) {
                        // already reported as an unreadable record
                    }
                }
            }
            long lines = RecordReplayFiles.write(readable, replayOut);
            System.err.printf("  replay files: %d records, %d RR batches -> %s%n", readable.size(), lines, replayOut);
        }
        return 0;
    }
}
