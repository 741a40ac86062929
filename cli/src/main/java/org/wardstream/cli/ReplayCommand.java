package org.wardstream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wardstream.demo.EmbeddedPlatform;
import org.wardstream.demo.PipelineRun;
import org.wardstream.demo.ReplayFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wardstream replay}: the embedded pipeline fed from replay files instead of the simulator. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Runs the embedded pipeline (Kafka broker and Flink MiniCluster in this process) on "
                + "recorded input: one record per line, {\"key\": ..., \"value\": ...}, both in Avro's standard "
                + "JSON encoding of the schemas in schemas/src/main/avro: times are milliseconds since "
                + "1970-01-01T00:00Z, dates days since then, and a union value (the payload, every nullable "
                + "field that is not null) is wrapped in its type's name, e.g. {\"int\": 65}. An example line of "
                + "each kind is below; wardstream simulate --out DIR writes whole files in this format.",
                "Malformed lines are reported with their line number and the field at fault, and dead-lettered, "
                        + "not fatal. Writes summary.json, alerts.ndjson and dead-letter.ndjson to --out. Exit code "
                        + "0 when the counts reconcile."})
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--events", required = true, description = "Device events file (replay format).")
    Path events;

    @Option(names = "--enrolments", required = true, description = "Enrolments file (replay format).")
    Path enrolments;

    @Option(names = "--out", defaultValue = "out/replay", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The help section with an example line of each record kind (a resource, checked by a test to decode). */
    static final String EXAMPLES = "replay-examples.ndjson";

    /** Adds "Example input" to {@code replay --help}: lines printed as they are, never wrapped. */
    static void addExampleSection(picocli.CommandLine replay) {
        String text;
        try (var in = ReplayCommand.class.getResourceAsStream(EXAMPLES)) {
            text = new String(java.util.Objects.requireNonNull(in, EXAMPLES).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String section = "%nExample input (lines starting with # are comments here, not in the files):%n"
                .formatted() + text;
        replay.getHelpSectionMap().put("exampleInput", help -> section);
        List<String> keys = new java.util.ArrayList<>(replay.getHelpSectionKeys());
        keys.add(keys.indexOf(picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), "exampleInput");
        replay.setHelpSectionKeys(keys);
    }

    @Override
    public Integer call() throws Exception {
        Args.readableFile(spec, "--events", events);
        Args.readableFile(spec, "--enrolments", enrolments);
        Args.positive(spec, "--parallelism", parallelism);
        long started = System.nanoTime();
        Files.createDirectories(out);
        System.err.printf("wardstream replay: %s with %s -> %s%n", events, enrolments, out);
        Path work = Files.createTempDirectory("wardstream-replay-");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(work, parallelism)) {
            JobID job = platform.submitEpisodeDetection(EmbeddedRuns.pipelineConfig(platform));
            Properties p = platform.kafkaClientProperties();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            ReplayFiles.Fed enrolled;
            ReplayFiles.Fed fed;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                enrolled = ReplayFiles.produceEnrolments(enrolments, producer, System.err);
                fed = ReplayFiles.produceEvents(events, producer, System.err);
            }
            System.err.printf("  replayed %,d enrolments and %,d event lines (%,d malformed)%n", enrolled.produced(),
                    fed.produced(), fed.malformed());
            try (PipelineRun run = new PipelineRun(platform, job)) {
                PipelineRun.Outcomes outcomes;
                try (Progress progress = Progress.start("replay", fed.produced(), "events", System.err)) {
                    outcomes = run.awaitAccounted(fed.produced(), EmbeddedRuns.STALL_TIMEOUT,
                            o -> progress.update(o.consumed()));
                }
                List<String> alerts = run.awaitAlerts(EmbeddedRuns.ALERT_SETTLE, EmbeddedRuns.STALL_TIMEOUT);
                platform.cancel(job);
                Map<String, Object> summary = PipelineRun.summary(fed.produced(), outcomes,
                        PipelineRun.episodesByType(alerts));
                summary.put("alert_messages", alerts.size());
                Map<String, Object> input = new LinkedHashMap<>();
                input.put("event_lines", fed.produced());
                input.put("event_lines_malformed", fed.malformed());
                input.put("enrolment_lines", enrolled.produced());
                input.put("enrolment_lines_skipped", enrolled.malformed());
                summary.put("input", input);
                summary.put("elapsed_seconds", Math.round((System.nanoTime() - started) / 1e9));
                PipelineRun.writeJson(out.resolve("summary.json"), summary);
                run.writeDeadLetters(out.resolve("dead-letter.ndjson"));
                PipelineRun.writeLines(out.resolve("alerts.ndjson"), alerts);
                EmbeddedRuns.report(System.err, fed.produced(), outcomes, out);
                return outcomes.reconciles(fed.produced()) ? 0 : 1;
            }
        } finally {
            EmbeddedRuns.deleteRecursively(work);
        }
    }
}
