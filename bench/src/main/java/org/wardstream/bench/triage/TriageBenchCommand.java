package org.wardstream.bench.triage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./wardstream bench triage}: the triage service's benchmark (docs/BENCHMARKS.md, "Triage service"). */
@Command(name = "triage", mixinStandardHelpOptions = true,
        description = {"Triage service benchmark on an in-process Kafka broker and the embedded PostgreSQL: puts N "
                + "FHIR alert Bundles on the alerts topic, starts the service and measures its ingest rate from the "
                + "topic, then, with all N stored and open, the p50/p95/p99 latency of the worklist query, FHIR Task "
                + "searches and an Observation read (sequential requests with a bearer token).",
                "Writes the JSON report to --json and prints a summary. Goal: p95 under 200 ms. Exit 0 when it ran "
                        + "(goal met or not), 1 when it failed, 2 on bad arguments."})
public final class TriageBenchCommand implements Callable<Integer> {
    @Option(names = "--alerts", paramLabel = "N", description = "alerts stored (default: ${DEFAULT-VALUE})") int alerts = 100_000;

    @Option(names = "--patients", paramLabel = "P", description = "patients they are spread over (default: ${DEFAULT-VALUE})") int patients = 20_000;

    @Option(names = "--requests", paramLabel = "R", description = "measured requests per query (default: ${DEFAULT-VALUE})") int requests = 300;

    @Option(names = "--warmup", paramLabel = "W", description = "unmeasured requests per query first (default: ${DEFAULT-VALUE})") int warmup = 30;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})") long seed = 42;

    @Option(names = "--json", paramLabel = "FILE", description = "where to write the JSON report (default: ${DEFAULT-VALUE})") File json = new File("out/bench/triage.json");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (alerts < 100) throw new CommandLine.ParameterException(spec.commandLine(), "--alerts " + alerts + ": must be at least 100");
        if (patients < 1 || patients > alerts) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--patients " + patients + ": must be between 1 and --alerts");
        }
        if (requests < 20) throw new CommandLine.ParameterException(spec.commandLine(), "--requests " + requests + ": must be at least 20");
        if (warmup < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--warmup " + warmup + ": must not be negative");
        Path out = json.toPath().toAbsolutePath();
        Files.createDirectories(out.getParent());
        Path work = Files.createTempDirectory(out.getParent(), "triage-bench-");
        System.err.printf("bench triage: %,d alerts over %,d patients, %d requests per query%n", alerts, patients, requests);
        Map<String, Object> report = TriageBench.run(new TriageBench.Settings(alerts, patients, requests, warmup, seed),
                work, System.err);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
        System.err.println("bench triage: report in " + out);
        deleteRecursively(work);
        return 0;
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
