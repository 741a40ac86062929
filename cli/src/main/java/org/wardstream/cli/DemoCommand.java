package org.wardstream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.apache.flink.api.common.JobID;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.evaluation.alerts.AlertScoring;
import org.wardstream.alerting.FhirAlerts;
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
                        + "equity-report.html. Exit code 0 when the counts reconcile, 1 otherwise."})
public final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    PopulationOptions population;

    @Option(names = "--out", defaultValue = "out/demo", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SimulatorConfig config = population.config(spec);
        Args.positive(spec, "--parallelism", parallelism);
        long started = System.nanoTime();
        Files.createDirectories(out);
        Simulator simulator = new Simulator(config);
        System.err.printf("wardstream demo: %d patients, %d days, seed %d -> %s%n", config.patients(), config.days(),
                config.seed(), out);

        Path work = Files.createTempDirectory("wardstream-demo-");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(work, parallelism)) {
            System.err.println("  Kafka broker at " + platform.bootstrapServers() + "; Flink MiniCluster started");
            JobID job = platform.submitEpisodeDetection(EmbeddedRuns.pipelineConfig(platform));
            SimulationManifest manifest;
            try (KafkaSimulationSink sink = new KafkaSimulationSink(platform.bootstrapServers(),
                    new java.util.Properties())) {
                manifest = simulator.run(sink);
            }
            System.err.printf("  simulator produced %,d device events for %,d enrolled patients%n",
                    manifest.deviceEvents(), manifest.enrolments());

            try (PipelineRun run = new PipelineRun(platform, job)) {
                PipelineRun.Outcomes outcomes = run.awaitAccounted(manifest.deviceEvents(),
                        EmbeddedRuns.STALL_TIMEOUT, System.err);
                List<String> alerts = run.awaitAlerts(EmbeddedRuns.ALERT_SETTLE, EmbeddedRuns.STALL_TIMEOUT);
                platform.cancel(job);
                Map<String, Object> equity = EquityDemo.run(platform, EmbeddedRuns.equityConfig(platform),
                        config.seed(), out, EmbeddedRuns.EQUITY_TIMEOUT, System.err);

                Map<String, Object> summary = PipelineRun.summary(manifest.deviceEvents(), outcomes,
                        PipelineRun.episodesByType(alerts));
                summary.put("alert_messages", alerts.size());
                List<AlertMessage> messages = alerts.stream().map(FhirAlerts::parse).toList();
                AlertScoring.Report accuracy = AlertScoring.score(
                        AlertScoring.parseGroundTruth(GroundTruthCsv.toCsv(simulator.groundTruth()), "ground truth"),
                        messages);
                Map<String, Integer> heldBack = AlertScoring.heldBack(accuracy, messages, EmbeddedRuns.coolDowns());
                summary.put("accuracy", EmbeddedRuns.accuracy(accuracy, heldBack));
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
                EmbeddedRuns.report(System.err, manifest.deviceEvents(), outcomes, out);
                System.err.println(AlertScoring.markdown(accuracy, heldBack));
                if (!faultsMatch) {
                    System.err.println("  MISMATCH: dead letters/duplicates " + outcomes.deadLetterTopic() + "/"
                            + outcomes.duplicates() + " differ from what the simulator injected " + injected + "/"
                            + manifest.duplicates());
                    return 1;
                }
                return outcomes.reconciles(manifest.deviceEvents()) ? 0 : 1;
            }
        } finally {
            EmbeddedRuns.deleteRecursively(work);
        }
    }
}
