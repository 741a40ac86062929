package org.wardstream.cli;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.wardstream.demo.PipelineRun;
import org.wardstream.simulator.FileSimulationSink;
import org.wardstream.simulator.GroundTruthCsv;
import org.wardstream.simulator.KafkaSimulationSink;
import org.wardstream.simulator.SimulationManifest;
import org.wardstream.simulator.SimulationSink;
import org.wardstream.simulator.Simulator;
import org.wardstream.simulator.SimulatorConfig;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wardstream simulate}: a synthetic population's device streams, to Kafka or to replay files. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Generates a synthetic enrolled population and its device streams (deterministic from "
                + "--seed) with injected episodes, offline gaps, duplicates and malformed records.",
                "To Kafka (--bootstrap-servers: topics enrolments and device-events) or to files (--out: "
                        + "events.ndjson and enrolments.ndjson, ready for wardstream replay). Always writes the ground truth "
                        + "(ground-truth.csv) and manifest.json to --out, or to the current directory."})
public final class SimulateCommand implements Callable<Integer> {
    static final class Target {
        @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers to produce to.")
        String bootstrapServers;

        @Option(names = "--out", description = "Directory for replay-format files.")
        Path out;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--truth-dir", description = "Where ground-truth.csv and manifest.json go with "
            + "--bootstrap-servers (default: the current directory).")
    Path truthDir;

    @Option(names = "--kafka-properties", description = "Properties file of extra Kafka producer settings (TLS, SASL).")
    Path kafkaProperties;

    @picocli.CommandLine.Mixin
    PopulationOptions population;

    @Option(names = "--start", description = "First simulated instant, ISO-8601 UTC (default 2026-03-02T00:00:00Z).")
    Instant start;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SimulatorConfig defaults = population.config(spec);
        SimulatorConfig config = start == null ? defaults : new SimulatorConfig(defaults.patients(), defaults.days(),
                defaults.seed(), start, defaults.malformedRate(), defaults.duplicateRate(), defaults.outOfOrderRate(),
                defaults.programme());
        Simulator simulator = new Simulator(config);
        Path truth = target.out != null ? target.out : (truthDir != null ? truthDir : Path.of("."));
        Files.createDirectories(truth);

        SimulationManifest manifest;
        if (target.out != null) {
            try (FileSimulationSink sink = new FileSimulationSink(target.out.resolve("events.ndjson"),
                    target.out.resolve("enrolments.ndjson"))) {
                manifest = simulator.run(sink);
            }
        } else {
            Properties extra = new Properties();
            if (kafkaProperties != null) {
                Args.readableFile(spec, "--kafka-properties", kafkaProperties);
                try (InputStream in = new FileInputStream(kafkaProperties.toFile())) {
                    extra.load(in);
                }
            }
            try (KafkaSimulationSink sink = new KafkaSimulationSink(target.bootstrapServers, extra)) {
                manifest = simulator.run((SimulationSink) sink);
            }
        }
        GroundTruthCsv.write(simulator.groundTruth(), truth.resolve("ground-truth.csv"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("patients", config.patients());
        m.put("days", config.days());
        m.put("seed", config.seed());
        m.put("start", config.start().toString());
        m.put("device_events", manifest.deviceEvents());
        m.put("enrolments", manifest.enrolments());
        m.put("duplicates", manifest.duplicates());
        m.put("malformed_by_reason", manifest.malformedByReason());
        m.put("episodes_by_type", manifest.episodesByType());
        PipelineRun.writeJson(truth.resolve("manifest.json"), m);
        System.err.printf("wardstream simulate: %,d device events, %,d enrolments -> %s%n", manifest.deviceEvents(),
                manifest.enrolments(), target.out != null ? target.out : target.bootstrapServers);
        if (target.out != null) {
            System.err.printf("  ready to replay: ./wardstream replay --events %s --enrolments %s%n",
                    target.out.resolve("events.ndjson"), target.out.resolve("enrolments.ndjson"));
        }
        return 0;
    }
}
