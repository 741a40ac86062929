package org.wardstream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.api.common.JobID;
import org.wardstream.alerting.AlertLifecycleAudit;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.evaluation.alerts.AlertScoring;
import org.wardstream.demo.EmbeddedPlatform;
import org.wardstream.demo.EquityDemo;
import org.wardstream.demo.PipelineRun;
import org.wardstream.simulator.GroundTruthCsv;
import org.wardstream.simulator.KafkaSimulationSink;
import org.wardstream.simulator.SimulationManifest;
import org.wardstream.simulator.Simulator;
import org.wardstream.simulator.SimulatorConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wardstream demo}: the whole pipeline on an embedded Kafka broker and Flink MiniCluster. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a real Kafka broker (KRaft) and a Flink MiniCluster in this process, runs the "
                + "jobs, streams a simulated population into Kafka in accelerated event time, waits until every "
                + "record is accounted for, and writes the results to --out.",
                "Writes summary.json, alerts.ndjson, ground-truth.csv and dead-letter.ndjson; then a simulated triage "
                        + "team acknowledges the alerts and the equity-metrics job writes aggregates.csv and "
                        + "equity-report.html. Exit code 0 when the counts reconcile, 1 otherwise.",
                "The default population (200 patients, 1 day: about 560,000 device events, about 100 s of CPU) "
                        + "shows every episode type in about 2 minutes on 2 cores; its equity counts are small. "
                        + "For clearer equity gradients run a larger population, which takes longer in proportion: "
                        + "--patients 1000 --days 3 (8 million events) took about 10 minutes and 3 GB of memory "
                        + "(JAVA_OPTS=-Xmx4g is the launcher's default)."})
public final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PopulationOptions population;

    @Option(names = "--out", defaultValue = "out/demo", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--serve", description = "Afterwards keep Kafka running and serve the triage worklist and FHIR API "
            + "(embedded PostgreSQL) until Ctrl-C, with the last simulated day's alerts left open for you (the "
            + "simulated team handles the earlier days); the simulated period then ends at the current hour. Sign in as "
            + org.wardstream.demo.DemoServe.USER + " with the password in " + org.wardstream.demo.DemoServe.PASSWORD_ENV
            + ", else one generated and printed once.")
    boolean serve;

    @Option(names = "--port", defaultValue = "8480", description = "Port of the triage service with --serve "
            + "(default ${DEFAULT-VALUE}; listens on 127.0.0.1 only).")
    int port;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** About how many device events the simulator produces per patient and day (2,680-2,750 measured). */
    static final long EVENTS_PER_PATIENT_DAY = 2_720;

    /** What each output file is, for the closing lines. */
    static final Map<String, String> WHAT = Map.of(
            EquityDemo.REPORT, "the commissioners' equity report (open in a browser)",
            "alerts.ndjson", "the FHIR R4 alert Bundles, one per line",
            "summary.json", "counts, reconciliation, accuracy against the ground truth",
            EquityDemo.CSV, "the published (disclosure-controlled) equity aggregates",
            "dead-letter.ndjson", "every refused record with its reason",
            "ground-truth.csv", "the episodes the simulator injected");

    /**
     * Runs the simulator on its own thread, producing into Kafka while the job consumes, and shows the job's
     * progress meanwhile; returns the simulator's manifest once it has sent everything.
     */
    static SimulationManifest simulateWhileFollowing(Simulator simulator, EmbeddedPlatform platform, PipelineRun run,
                                                     Progress progress) throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wardstream-simulator");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<SimulationManifest> simulation = thread.submit(() -> {
                try (KafkaSimulationSink sink = new KafkaSimulationSink(platform.bootstrapServers(),
                        new java.util.Properties())) {
                    return simulator.run(sink);
                }
            });
            while (true) {
                try {
                    return simulation.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException stillSimulating) {
                    progress.update(run.current().consumed());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the simulator failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            thread.shutdownNow();
        }
    }

    /** A map of numbers with three decimals, for the closing lines. */
    static String rounded(Object values) {
        if (!(values instanceof Map<?, ?> m)) {
            return String.valueOf(values);
        }
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=')
                .append(v instanceof Number n ? String.format("%.3f", n.doubleValue()) : v));
        return b.append('}').toString();
    }

        static String clock(long startedNanos) {
        long s = Math.round((System.nanoTime() - startedNanos) / 1e9);
        return String.format("%d:%02d", s / 60, s % 60);
    }

    @Override
    public Integer call() throws Exception {
        SimulatorConfig config = population.config(spec);
        Args.positive(spec, "--parallelism", parallelism);
        if (port < 1 || port > 65535) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port " + port + ": must be 1-65535");
        }
        if (serve) { // alerts raised in the last hours, so waiting times on the worklist are real ones
            java.time.Instant start = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                    .minus(java.time.Duration.ofDays(config.days()));
            config = new SimulatorConfig(config.patients(), config.days(), config.seed(), start, config.malformedRate(),
                    config.duplicateRate(), config.outOfOrderRate(), config.programme());
        }
        // with --serve the simulated team acts only on alerts raised before the last simulated day
        long triageCutOff = serve ? config.end().minus(java.time.Duration.ofDays(1)).toEpochMilli() : Long.MAX_VALUE;
        long started = System.nanoTime();
        Files.createDirectories(out);
        Simulator simulator = new Simulator(config);
        System.err.printf("wardstream demo: %d patients, %d days, seed %d -> %s%n", config.patients(), config.days(),
                config.seed(), out);

        Path work = Files.createTempDirectory("wardstream-demo-");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(work, parallelism)) {
            System.err.printf("  Kafka broker at %s and Flink MiniCluster started (%s); simulating and detecting "
                    + "at once:%n", platform.bootstrapServers(), clock(started));
            JobID job = platform.submitEpisodeDetection(EmbeddedRuns.pipelineConfig(platform));
            try (PipelineRun run = new PipelineRun(platform, job)) {
                SimulationManifest manifest;
                PipelineRun.Outcomes outcomes;
                long expected = (long) config.patients() * config.days() * EVENTS_PER_PATIENT_DAY;
                try (Progress detect = Progress.start("detect", expected, "events", System.err)) {
                    manifest = simulateWhileFollowing(simulator, platform, run, detect);
                    detect.expect(manifest.deviceEvents());
                    outcomes = run.awaitAccounted(manifest.deviceEvents(), EmbeddedRuns.STALL_TIMEOUT,
                            o -> detect.update(o.consumed()));
                }
                System.err.printf("  %,d device events for %,d patients accounted for (%s)%n",
                        manifest.deviceEvents(), manifest.enrolments(), clock(started));
                List<String> alerts = run.awaitAlerts(EmbeddedRuns.ALERT_SETTLE, EmbeddedRuns.STALL_TIMEOUT);
                platform.cancel(job);
                Map<String, Object> equity;
                try (Progress equityProgress = Progress.start("equity", manifest.deviceEvents(), "records",
                        System.err)) {
                    equity = EquityDemo.run(platform, EmbeddedRuns.equityConfig(platform), config.seed(),
                            config.patients(), config.days(), simulator.groundTruth(), out,
                            EmbeddedRuns.EQUITY_TIMEOUT, System.err, equityProgress::update, triageCutOff);
                    equityProgress.expect(Math.max(1, (Long) equity.get("readings")));
                    equityProgress.update((Long) equity.get("readings"));
                }

                Map<String, Object> summary = PipelineRun.summary(manifest.deviceEvents(), outcomes,
                        PipelineRun.episodesByType(alerts));
                summary.put("alert_messages", alerts.size());
                List<AlertLifecycleAudit.Entry> sent = alerts.stream().map(AlertLifecycleAudit::entry).toList();
                List<AlertMessage> messages = sent.stream().map(AlertLifecycleAudit.Entry::message).toList();
                AlertScoring.Report accuracy = AlertScoring.score(
                        AlertScoring.parseGroundTruth(GroundTruthCsv.toCsv(simulator.groundTruth()), "ground truth"),
                        messages);
                Map<String, Integer> heldBack = AlertScoring.heldBack(accuracy, messages, EmbeddedRuns.coolDowns());
                summary.put("accuracy", EmbeddedRuns.accuracy(accuracy, heldBack));
                List<AlertLifecycleAudit.Violation> contradictions = AlertLifecycleAudit.checkEntries(sent);
                summary.put("alert_lifecycle_contradictions", contradictions.stream().map(String::valueOf).toList());
                Map<String, Long> injected = new TreeMap<>(manifest.malformedByReason());
                injected.values().removeIf(v -> v == 0);
                boolean faultsMatch = injected.equals(outcomes.deadLetterTopic())
                        && manifest.duplicates() == outcomes.duplicates();
                Map<String, Object> sim = new LinkedHashMap<>();
                sim.put("patients", config.patients());
                sim.put("days", config.days());
                sim.put("seed", config.seed());
                sim.put("injected_dead_letter", injected);
                sim.put("injected_duplicates", manifest.duplicates());
                sim.put("episodes_by_type", manifest.episodesByType());
                summary.put("simulator", sim);
                summary.put("outcomes_match_injected_faults", faultsMatch);
                summary.put("equity", equity);
                summary.put("elapsed_seconds", Math.round((System.nanoTime() - started) / 1e9));

                PipelineRun.writeJson(out.resolve("summary.json"), summary);
                GroundTruthCsv.write(simulator.groundTruth(), out.resolve("ground-truth.csv"));
                run.writeDeadLetters(out.resolve("dead-letter.ndjson"));
                PipelineRun.writeLines(out.resolve("alerts.ndjson"), alerts);
                System.err.println(AlertScoring.markdown(accuracy, heldBack));
                EmbeddedRuns.report(System.err, manifest.deviceEvents(), outcomes, out);
                System.err.printf("  alerts: %,d episodes in %,d messages: %s%n",
                        PipelineRun.episodesByType(alerts).values().stream().mapToLong(Long::longValue).sum(),
                        alerts.size(), PipelineRun.episodesByType(alerts));
                System.err.printf("  alert lifecycle (%s): %s%n", AlertLifecycleAudit.class.getSimpleName(),
                        contradictions.isEmpty() ? "every episode's records agree (opened once, closed once, no overlap)"
                                : contradictions.size() + " contradictions: " + contradictions);
                System.err.printf("  equity: %s patient-days, %s published rows; data completeness by IMD quintile "
                        + "(1 = most deprived): %s%n", equity.get("patient_days"), equity.get("published_rows"),
                        rounded(equity.get("data_completeness_by_imd_quintile")));
                System.err.printf("%nwardstream demo: done in %s. Open:%n", clock(started));
                for (String file : List.of(EquityDemo.REPORT, "alerts.ndjson", "summary.json", EquityDemo.CSV,
                        "dead-letter.ndjson", "ground-truth.csv")) {
                    System.err.println("  " + out.resolve(file) + "  " + WHAT.get(file));
                }
                int exit = 0;
                if (!faultsMatch) {
                    System.err.println("  MISMATCH: dead letters/duplicates " + outcomes.deadLetterTopic() + "/"
                            + outcomes.duplicates() + " differ from what the simulator injected " + injected + "/"
                            + manifest.duplicates());
                    exit = 1;
                } else if (!outcomes.reconciles(manifest.deviceEvents())) {
                    exit = 1;
                } else if (!contradictions.isEmpty()) {
                    System.err.println("  CONTRADICTIONS: alert records that contradict each other (above)");
                    exit = 1;
                }
                if (serve) {
                    org.wardstream.demo.DemoServe.serve(platform.bootstrapServers(), port, config.programme(),
                            alerts.size(), triageCutOff, System.err);
                }
                return exit;
            }
        } finally {
            EmbeddedRuns.deleteRecursively(work);
            org.wardstream.demo.DemoServe.allStopped();
        }
    }
}
