package org.wardstream.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./wardstream bench}: the performance benchmark (docs/BENCHMARKS.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = org.wardstream.bench.triage.TriageBenchCommand.class,
        description = {"Performance benchmark on an in-process Kafka broker and Flink MiniCluster: throughput of "
                + "passthrough, full (the episode-detection job), detection (its detection stage from memory), esper "
                + "and match_recognize (the tachycardia and AF rules in Esper EPL and Flink SQL), interleaved for R "
                + "rounds (medians); the peers' alerts checked against detection; alert latency at fixed fractions of "
                + "full's capacity over an alert-dense set (at-least-once and exactly-once sinks); keyed state per patient after N and 2N records; peak heap.",
                "Writes the JSON report to --json and prints a summary. Exit 0 when it ran (goals met or not), "
                        + "1 when it failed, 2 on bad arguments."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--events", paramLabel = "N", description = "records in the throughput set (2N are generated for the state measurement) (default: ${DEFAULT-VALUE})")
    int events = 200_000;

    @Option(names = "--patients", paramLabel = "P", description = "simulated patients (default: ${DEFAULT-VALUE})")
    int patients = 200;

    @Option(names = "--rounds", paramLabel = "R", description = "interleaved rounds; the report gives medians with bootstrap 95 %% intervals; at least 5 for a report (default: ${DEFAULT-VALUE})")
    int rounds = 5;

    @Option(names = "--round-seconds", paramLabel = "S", description = "steady state per variant and round: the variant re-runs over the set until this many seconds (default: ${DEFAULT-VALUE})")
    int roundSeconds = 60;

    @Option(names = "--quick", description = "a short run for CI and smoke checks: 3 rounds of one pass each, no warm-up pass, no production-key state run (not a report)")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "where to write the JSON report (default: ${DEFAULT-VALUE})")
    File json = new File("out/bench/bench.json");

    @Option(names = "--seed", description = "simulator seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--variants", split = ",", paramLabel = "V", description = "variants to run (default: all: ${DEFAULT-VALUE})")
    List<String> variants = Variants.ALL;

    @Option(names = "--latency-seconds", paramLabel = "S", description = "at most this long each latency point sends events; it sends until its alert target is reached (estimated from the set) (default: ${DEFAULT-VALUE})")
    int latencySeconds = 120;

    @Option(names = "--latency-loads", split = ",", paramLabel = "F", description = "offered loads of the latency points, as fractions of the measured records/s of the full variant (needs full among --variants) (default: 0.1,0.5)")
    List<Double> latencyLoads = Benchmark.DEFAULT_LATENCY_LOADS;

    @Option(names = "--latency-alerts", paramLabel = "A", description = "alerts to time per latency point and guarantee, after the warm-up (default: ${DEFAULT-VALUE})")
    int latencyAlerts = Benchmark.DEFAULT_LATENCY_ALERTS;

    @Option(names = "--no-latency", description = "skip the latency runs")
    boolean noLatency;

    @Option(names = "--no-state", description = "skip the keyed-state runs")
    boolean noState;

    @Option(names = "--scale", split = ",", paramLabel = "P", description = "instead of the benchmark: the scale curve over these population sizes (e.g. 1000,4000,16000; at most 999999, the simulator's pseudonyms), heap backend unless --scale-rocksdb, written as CSV and SVG next to --json; the records are generated one patient at a time into a spill file next to --json (about 250 B per record), not held on the heap")
    List<Integer> scale;

    @Option(names = "--scale-plot", paramLabel = "CSV", description = "instead of the benchmark: redraw the SVG plot of a scale-curve CSV (e.g. docs/scale-curve.csv, rows of several runs merged) next to it")
    File scalePlot;

    @Option(names = "--scale-records-per-patient", paramLabel = "R", description = "records per patient at each scale point (default: ${DEFAULT-VALUE})")
    int scaleRecordsPerPatient = 40;

    @Option(names = "--scale-rocksdb", description = "the scale curve on RocksDB with incremental checkpoints instead of the heap state backend")
    boolean scaleRocksDb;

    @Option(names = "--scale-managed-memory", paramLabel = "SIZE", converter = MemorySizeConverter.class,
            description = "the scale curve's task manager managed memory (taskmanager.memory.managed.size, e.g. 2g), half of it for the job's slot: on RocksDB its block cache and write buffers; recorded in the CSV's managed_memory_mb (default: 128m, as every other bench run)")
    MemorySize scaleManagedMemory = BenchCluster.DEFAULT_MANAGED_MEMORY;

    /** Flink's own size syntax (128m, 2g, 1536 mb). */
    static final class MemorySizeConverter implements CommandLine.ITypeConverter<MemorySize> {
        @Override
        public MemorySize convert(String value) {
            return MemorySize.parse(value);
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rounds " + rounds + ": must be at least 1");
        }
        if (events < 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--events " + events + ": must be at least 1000");
        }
        if (patients < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--patients " + patients + ": must be at least 1");
        }
        for (String v : variants) {
            if (!Variants.ALL.contains(v)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--variants " + v + ": unknown variant; use one of " + String.join(", ", Variants.ALL));
            }
        }
        if (latencySeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--latency-seconds " + latencySeconds + ": must be at least 1");
        }
        for (double l : latencyLoads) {
            if (!(l > 0 && l <= 2)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--latency-loads " + l + ": must be above 0 and at most 2");
            }
        }
        if (latencyAlerts < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--latency-alerts " + latencyAlerts + ": must be at least 1");
        }
        if (roundSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--round-seconds " + roundSeconds + ": must not be negative");
        }
        if (scaleManagedMemory.getMebiBytes() < 16) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--scale-managed-memory " + scaleManagedMemory.getMebiBytes() + "m: must be at least 16m");
        }
        if (quick) {
            rounds = Math.min(rounds, 3);
            roundSeconds = 0;
        }
        if (rounds < 5 || roundSeconds < 60) {
            System.err.println("bench: fewer than 5 rounds or rounds shorter than 60 s: the intervals are wide and this "
                    + "is not a report (use --rounds 5 --round-seconds 60 or more)");
        }
        if (scalePlot != null) {
            Path csv = scalePlot.toPath();
            if (!Files.isRegularFile(csv)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--scale-plot " + csv + ": no such file");
            }
            Path svg = Path.of(csv.toString().replaceFirst("\\.csv$", "") + ".svg");
            Files.writeString(svg, ScaleRun.svg(Files.readAllLines(csv)));
            System.out.println("bench: scale plot written to " + svg);
            return 0;
        }
        Path out = json.toPath().toAbsolutePath();
        Files.createDirectories(out.getParent());
        Path work = Files.createTempDirectory(out.getParent(), "bench-work-");
        if (scale != null && !scale.isEmpty()) {
            try {
                List<String> csv = new ScaleRun(work, System.out).run(scale, scaleRecordsPerPatient, seed, scaleRocksDb,
                        scaleManagedMemory);
                String base = out.toString().replaceFirst("\\.json$", "");
                ScaleRun.write(csv, Path.of(base + "-scale.csv"), Path.of(base + "-scale.svg"));
                System.out.println("bench: scale curve written to " + base + "-scale.csv and .svg");
                return 0;
            } finally {
                deleteTree(work);
            }
        }
        try {
            Benchmark.Settings s = new Benchmark.Settings(events, patients, rounds, seed, 1,
                    Duration.ofSeconds(latencySeconds), variants, !noLatency, !noState, Benchmark.CHECKPOINT_INTERVAL,
                    Duration.ofSeconds(roundSeconds), !quick, !noState && !quick, latencyLoads, latencyAlerts);
            Map<String, Object> report = new Benchmark(s, work, System.out).run();
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
            System.out.println("bench: report written to " + out);
            System.out.println("bench: throughput " + report.get("throughput"));
            System.out.println("bench: ratios " + report.get("ratios") + " ci95 " + report.get("ratios_ci95"));
            System.out.println("bench: CPU-s per 1000 inputs " + report.get("cpu_seconds_per_1000_inputs"));
            System.out.println("bench: goals " + report.get("goals"));
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("bench: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
