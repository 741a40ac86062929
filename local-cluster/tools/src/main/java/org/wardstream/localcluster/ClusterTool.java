package org.wardstream.localcluster;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.wardstream.alerting.AlertLifecycleAudit;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.evaluation.alerts.AlertScoring;
import org.wardstream.contract.Topics;
import org.wardstream.rules.Rules;
import org.wardstream.simulator.GroundTruthCsv;
import org.wardstream.simulator.KafkaSimulationSink;
import org.wardstream.simulator.SimulationManifest;
import org.wardstream.simulator.Simulator;
import org.wardstream.simulator.SimulatorConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Java side of the {@code local-cluster/} scripts: Kafka topic set-up and checks, a paced simulator, alert
 * scoring and the exactly-once comparison. Flink REST calls are in {@link FlinkCommands}. Results go to stdout
 * (one value per line, for the scripts), progress and errors to stderr. Exit codes: 0 ok, 1 check failed or
 * error, 2 bad arguments.
 */
@Command(name = "local-cluster-tool", mixinStandardHelpOptions = true,
        description = "Helper of the local-cluster scripts (run them, not this).",
        subcommands = {ClusterTool.AwaitKafka.class, ClusterTool.CreateTopics.class, ClusterTool.Simulate.class,
                ClusterTool.Alerts.class, ClusterTool.AwaitSettled.class, ClusterTool.Score.class,
                ClusterTool.Compare.class, ClusterTool.DeleteGroups.class, ClusterTool.AwaitMidstream.class, ClusterTool.ResetOffsets.class, ClusterTool.KafkaStatus.class, ClusterTool.SendCrafted.class,
                ClusterTool.CheckRules.class, CheckpointTransactions.Check.class,
                FlinkCommands.Ready.class, FlinkCommands.Jobs.class,
                FlinkCommands.AwaitRunning.class, FlinkCommands.AwaitRecovered.class,
                FlinkCommands.StopWithSavepoint.class, FlinkCommands.Cancel.class,
                FlinkCommands.TaskManagersOf.class, FlinkCommands.JobMetric.class, FlinkCommands.Status.class,
                FlinkCommands.CheckSlots.class,
                SecureCommands.Setup.class, SecureCommands.Format.class})
public final class ClusterTool implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new ClusterTool());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            System.err.println(cmd.getCommandName() + ": " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Options every Kafka command shares. */
    static final class KafkaOptions {
        @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
        String bootstrapServers;

        @Option(names = "--kafka-properties", description = "Properties file of Kafka client settings (TLS, SASL).")
        Path kafkaProperties;

        Properties clientProperties() throws IOException {
            Properties p = new Properties();
            if (kafkaProperties != null) {
                try (InputStream in = new FileInputStream(kafkaProperties.toFile())) {
                    p.load(in);
                }
            }
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            return p;
        }

        Properties extraProperties() throws IOException {
            Properties p = clientProperties();
            p.remove(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
            return p;
        }
    }

    @Command(name = "await-kafka", description = "Waits until the broker answers (describeCluster) and has a controller.")
    static final class AwaitKafka implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Option(names = "--timeout", defaultValue = "90", description = "Seconds (default ${DEFAULT-VALUE}).")
        int timeout;

        @Override
        public Integer call() throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            Properties p = kafka.clientProperties();
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
            try (Admin admin = Admin.create(p)) {
                Exception last = null;
                while (System.nanoTime() < deadline) {
                    try {
                        var cluster = admin.describeCluster();
                        if (!cluster.nodes().get().isEmpty() && cluster.controller().get() != null) {
                            admin.listTopics().names().get();
                            return 0;
                        }
                    } catch (ExecutionException e) {
                        last = e;
                    }
                    Thread.sleep(500); // polling a process that is starting: nothing to await but its answer
                }
                System.err.println("Kafka at " + kafka.bootstrapServers + " did not answer within " + timeout + " s"
                        + (last == null ? "" : ": " + last.getCause()));
                return 1;
            }
        }
    }

    @Command(name = "create-topics", description = "Creates the wardstream topics (existing ones are left as they are) and prints them.")
    static final class CreateTopics implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Option(names = "--partitions", defaultValue = "2", description = "Partitions per topic (default ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--await", defaultValue = "0", description = "First wait up to this many seconds for the broker.")
        int await;

        @Override
        public Integer call() throws Exception {
            if (await > 0) {
                AwaitKafka a = new AwaitKafka();
                a.kafka = kafka;
                a.timeout = await;
                if (a.call() != 0) {
                    return 1;
                }
            }
            List<NewTopic> plan = TopicPlan.topics(partitions);
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                var existing = admin.listTopics().names().get();
                List<NewTopic> missing = plan.stream().filter(t -> !existing.contains(t.name())).toList();
                if (!missing.isEmpty()) {
                    admin.createTopics(missing).all().get();
                }
                var described = admin.describeTopics(plan.stream().map(NewTopic::name).toList()).allTopicNames().get();
                for (NewTopic t : plan) {
                    int actual = described.get(t.name()).partitions().size();
                    System.out.printf("%-18s %2d partitions  %s%s%n", t.name(), actual, t.configs(),
                            missing.contains(t) ? "  (created)" : "  (existed)");
                }
            }
            return 0;
        }
    }

    @Command(name = "simulate", description = "Runs the simulator into Kafka at a chosen rate; writes ground-truth.csv and manifest.json to --truth-dir.")
    static final class Simulate implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Option(names = "--patients", defaultValue = "100") int patients;
        @Option(names = "--days", defaultValue = "1") int days;
        @Option(names = "--seed", defaultValue = "42") long seed;
        @Option(names = "--rate", defaultValue = "0", description = "Device events per second, 0 = as fast as possible.")
        double rate;
        @Option(names = "--start", description = "First simulated instant (default: midnight UTC, days + 1 days ago).")
        Instant start;
        @Option(names = "--truth-dir", required = true) Path truthDir;

        @Override
        public Integer call() throws Exception {
            Instant first = start != null ? start
                    : Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(days + 1L));
            SimulatorConfig d = SimulatorConfig.defaults(patients, days, seed);
            SimulatorConfig config = new SimulatorConfig(patients, days, seed, first, d.malformedRate(),
                    d.duplicateRate(), d.outOfOrderRate(), d.programme());
            Simulator simulator = new Simulator(config);
            Files.createDirectories(truthDir);
            GroundTruthCsv.write(simulator.groundTruth(), truthDir.resolve("ground-truth.csv"));
            long began = System.nanoTime();
            SimulationManifest manifest;
            try (KafkaSimulationSink sink = new KafkaSimulationSink(kafka.bootstrapServers, kafka.extraProperties())) {
                manifest = simulator.run(new PacedSink(sink, rate));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("patients", patients);
            m.put("days", days);
            m.put("seed", seed);
            m.put("start", first.toString());
            m.put("rate_per_second", rate);
            m.put("device_events", manifest.deviceEvents());
            m.put("enrolments", manifest.enrolments());
            m.put("duplicates", manifest.duplicates());
            m.put("malformed_by_reason", manifest.malformedByReason());
            m.put("episodes_by_type", manifest.episodesByType());
            m.put("elapsed_seconds", Math.round((System.nanoTime() - began) / 1e9));
            JSON.writeValue(truthDir.resolve("manifest.json").toFile(), m);
            System.err.printf("simulate: %,d device events and %,d enrolments produced in %d s (seed %d, from %s)%n",
                    manifest.deviceEvents(), manifest.enrolments(), m.get("elapsed_seconds"), seed, first);
            System.out.println(manifest.deviceEvents());
            return 0;
        }
    }

    @Command(name = "alerts", description = "Reads the alerts topic read_committed (from --from offsets, or the beginning) to --out; prints messages, distinct state changes and duplicates.")
    static final class Alerts implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Option(names = "--out", required = true, description = "alerts.ndjson to write.") Path out;
        @Option(names = "--from", description = "Offsets file (partition=offset lines) to start at.") Path from;
        @Option(names = "--end-offsets-out", description = "Where to write the offsets reached.") Path endOffsets;
        @Option(names = "--uncommitted", description = "Read read_uncommitted (also aborted and open transactions' "
                + "messages), to see what a crash left in aborted transactions.") boolean uncommitted;

        @Override
        public Integer call() throws Exception {
            java.util.Properties extra = kafka.extraProperties();
            if (uncommitted) {
                extra.put("isolation.level", "read_uncommitted");
            }
            try (AlertTopic topic = new AlertTopic(kafka.bootstrapServers, extra, readOffsets(from))) {
                List<String> messages = topic.poll();
                writeLines(out, messages);
                if (endOffsets != null) {
                    writeOffsets(endOffsets, topic.positions());
                }
                List<String> ids = bundleIds(messages);
                System.out.printf("%d messages, %d distinct alert state changes, %d duplicated%n", ids.size(),
                        new java.util.HashSet<>(ids).size(), AlertSets.duplicates(ids));
            }
            return 0;
        }
    }

    @Command(name = "await-settled", description = {"Waits until the job has consumed all of device-events "
            + "(its committed offsets reached the end), --quiet seconds have passed (source idleness lets the last "
            + "watermarks advance), and the committed alerts have not changed over --stable-checkpoints more completed checkpoints."})
    static final class AwaitSettled implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--job", required = true) String job;
        @Option(names = "--group", defaultValue = "wardstream-episode-detection") String group;
        @Option(names = "--from", description = "Offsets file: count alerts from these offsets.") Path from;
        @Option(names = "--quiet", defaultValue = "35", description = "Seconds after all input is consumed (default ${DEFAULT-VALUE}): longer than the source idleness (30 s).") int quiet;
        @Option(names = "--stable-checkpoints", defaultValue = "2", description = "Completed checkpoints without a new alert (default ${DEFAULT-VALUE}).") int stableCheckpoints;
        @Option(names = "--timeout", defaultValue = "480") int timeout;

        @Override
        public Integer call() throws Exception {
            FlinkRest flink = new FlinkRest(rest);
            long began = System.nanoTime();
            long deadline = began + Duration.ofSeconds(timeout).toNanos();
            long consumedAt = -1;
            int lastCount = -1;
            long stableFromCheckpoint = -1;
            long lastPrint = 0;
            try (Admin admin = Admin.create(kafka.clientProperties());
                 AlertTopic alerts = new AlertTopic(kafka.bootstrapServers, kafka.extraProperties(), readOffsets(from))) {
                while (System.nanoTime() < deadline) {
                    String state = flink.job(job).path("state").asText();
                    if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
                        System.err.println("await-settled: job " + job + " is " + state);
                        return 1;
                    }
                    long lag = lag(admin, group);
                    int count = alerts.poll().size();
                    long completed = flink.checkpoints(job).path("counts").path("completed").asLong();
                    if (lag > 0) {
                        consumedAt = -1;
                    } else if (consumedAt < 0) {
                        consumedAt = System.nanoTime();
                    }
                    if (count != lastCount) {
                        lastCount = count;
                        stableFromCheckpoint = completed;
                    }
                    if (consumedAt > 0 && System.nanoTime() - consumedAt >= Duration.ofSeconds(quiet).toNanos()
                            && completed - stableFromCheckpoint >= stableCheckpoints) {
                        System.err.printf("await-settled: all input consumed, %d alert messages committed, stable over "
                                + "checkpoints %d-%d (%d s)%n", count, stableFromCheckpoint, completed,
                                Math.round((System.nanoTime() - began) / 1e9));
                        return 0;
                    }
                    if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                        System.err.printf("  ... %s, consumer lag %d, %d alert messages committed, %d checkpoints%n",
                                state, lag, count, completed);
                        lastPrint = System.nanoTime();
                    }
                    Thread.sleep(1000); // polling another process's progress
                }
            }
            System.err.println("await-settled: not settled within " + timeout + " s");
            return 1;
        }
    }

    @Command(name = "await-midstream", description = "Waits until the job has completed a checkpoint and committed "
            + "at least --min-alerts alert messages; prints how many device events are in Kafka and how many the job has committed.")
    static final class AwaitMidstream implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--job", required = true) String job;
        @Option(names = "--group", defaultValue = "wardstream-episode-detection") String group;
        @Option(names = "--min-alerts", defaultValue = "1") int minAlerts;
        @Option(names = "--timeout", defaultValue = "180") int timeout;

        @Override
        public Integer call() throws Exception {
            FlinkRest flink = new FlinkRest(rest);
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            try (Admin admin = Admin.create(kafka.clientProperties());
                 AlertTopic alerts = new AlertTopic(kafka.bootstrapServers, kafka.extraProperties(), Map.of())) {
                while (System.nanoTime() < deadline) {
                    long completed = flink.checkpoints(job).path("counts").path("completed").asLong();
                    int count = alerts.poll().size();
                    if (completed >= 1 && count >= minAlerts) {
                        long lag = lag(admin, group);
                        long produced = lastEndOffsetSum;
                        System.out.printf("%d checkpoints completed, %d alert messages committed, %d device events "
                                + "in Kafka, %d of them committed by the job%n", completed, count, produced, produced - lag);
                        return 0;
                    }
                    Thread.sleep(500); // polling another process's progress
                }
            }
            System.err.println("await-midstream: no checkpoint with " + minAlerts + " committed alerts within " + timeout + " s");
            return 1;
        }
    }

    /** The sum of device-events end offsets seen by the last {@link #lag} call (same snapshot). */
    static long lastEndOffsetSum;

    /** Records of device-events not yet committed by {@code group} (the whole topic if it committed nothing). */
    static long lag(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                committed = Map.of();
            } else {
                throw e;
            }
        }
        var partitions = admin.describeTopics(List.of(Topics.DEVICE_EVENTS)).allTopicNames().get()
                .get(Topics.DEVICE_EVENTS).partitions().stream()
                .map(p -> new TopicPartition(Topics.DEVICE_EVENTS, p.partition())).toList();
        var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get();
        long lag = 0;
        long sum = 0;
        for (TopicPartition p : partitions) {
            OffsetAndMetadata c = committed.get(p);
            lag += Math.max(0, ends.get(p).offset() - (c == null ? 0 : c.offset()));
            sum += ends.get(p).offset();
        }
        lastEndOffsetSum = sum;
        return lag;
    }

    @Command(name = "score", description = "Scores alerts against the simulator's ground truth as the demo does; fails below the floors given.")
    static final class Score implements Callable<Integer> {
        @Option(names = "--alerts", required = true) Path alerts;
        @Option(names = "--ground-truth", required = true) Path groundTruth;
        @Option(names = "--min-precision", defaultValue = "0") double minPrecision;
        @Option(names = "--min-recall", defaultValue = "0", description = "Floor of the recall including episodes held back by cool-downs.")
        double minRecall;

        @Override
        public Integer call() {
            List<AlertMessage> messages = AlertScoring.readAlerts(alerts);
            AlertScoring.Report report = AlertScoring.score(AlertScoring.readGroundTruth(groundTruth), messages);
            Map<String, Duration> coolDowns = new LinkedHashMap<>();
            Rules.loadClasspath().all().forEach((type, rule) -> coolDowns.put(type.code(), rule.coolDown()));
            Map<String, Integer> heldBack = AlertScoring.heldBack(report, messages, coolDowns);
            System.err.println(AlertScoring.markdown(report, heldBack));
            AlertScoring.TypeScore t = report.total();
            int held = heldBack.values().stream().mapToInt(Integer::intValue).sum();
            double precision = t.precision() == null ? 1.0 : t.precision();
            double recall = t.groundTruth() == 0 ? 1.0 : (double) (t.found() + held) / t.groundTruth();
            System.out.printf("ground truth %d, alerted %d, found %d, held back %d: precision %.3f, recall incl. "
                    + "held back %.3f%n", t.groundTruth(), t.alerted(), t.found(), held, precision, recall);
            List<AlertLifecycleAudit.Violation> contradictions;
            try {
                contradictions = AlertLifecycleAudit.checkJson(Files.readAllLines(alerts, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read alerts " + alerts, e);
            }
            if (!contradictions.isEmpty()) {
                System.err.println("score: " + contradictions.size() + " alert records contradict each other: "
                        + contradictions);
                return 1;
            }
            if (t.groundTruth() == 0 || precision < minPrecision || recall < minRecall) {
                System.err.printf("score: below the floor (precision >= %.2f, recall >= %.2f, ground truth > 0)%n",
                        minPrecision, minRecall);
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "compare", description = "Exactly-once check: every alert state change of --expected appears exactly once in --actual.")
    static final class Compare implements Callable<Integer> {
        @Option(names = "--expected", required = true) Path expected;
        @Option(names = "--actual", required = true) Path actual;

        @Override
        public Integer call() throws Exception {
            List<String> reference = bundleIds(Files.readAllLines(expected, StandardCharsets.UTF_8));
            if (AlertSets.duplicates(reference) > 0) {
                System.err.println("compare: the reference itself holds " + AlertSets.duplicates(reference)
                        + " duplicated messages");
                return 1;
            }
            AlertSets result = AlertSets.compare(reference,
                    bundleIds(Files.readAllLines(actual, StandardCharsets.UTF_8)));
            System.out.println(result.summary());
            if (!result.lost().isEmpty()) {
                System.err.println("  lost (first 10): " + result.lost().stream().limit(10).toList());
            }
            if (!result.unexpected().isEmpty()) {
                System.err.println("  unexpected (first 10): " + result.unexpected().stream().limit(10).toList());
            }
            return result.exactlyOnce() && result.expected() > 0 ? 0 : 1;
        }
    }

    @Command(name = "delete-groups", description = "Deletes consumer groups (their committed offsets); missing groups are fine.")
    static final class DeleteGroups implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Option(names = "--group", required = true) List<String> groups;

        @Override
        public Integer call() throws Exception {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                for (String g : groups) {
                    try {
                        admin.deleteConsumerGroups(List.of(g)).all().get();
                        System.err.println("deleted consumer group " + g);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                            throw e;
                        }
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "check-rules", description = "Loads an alert-rule directory exactly as the detection job does "
            + "(every file validated); prints the rule types and versions, or each problem (file, field, reason) on "
            + "stderr with exit code 1. upgrade and submit run it before anything is stopped or started.")
    static final class CheckRules implements Callable<Integer> {
        @Option(names = "--rules", required = true, description = "The alert-rule directory.") Path dir;

        @Override
        public Integer call() {
            try {
                Rules rules = Rules.loadDirectory(dir);
                rules.all().forEach((type, rule) -> System.out.println(type.code() + " version " + rule.version()));
                return 0;
            } catch (RuntimeException e) {
                System.err.println("check-rules: " + dir + " is not a valid rule directory: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "reset-offsets", description = "Sets a consumer group's committed offsets on device-events to the "
            + "first record at or after --to-datetime (Kafka's offsets-by-timestamp). The group must have no active member.")
    static final class ResetOffsets implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Option(names = "--group", defaultValue = "wardstream-episode-detection") String group;
        @Option(names = "--to-datetime", required = true, description = "ISO-8601 instant, e.g. 2026-11-20T06:00:00Z.")
        Instant to;

        @Override
        public Integer call() throws Exception {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                var partitions = admin.describeTopics(List.of(Topics.DEVICE_EVENTS)).allTopicNames().get()
                        .get(Topics.DEVICE_EVENTS).partitions().stream()
                        .map(p -> new TopicPartition(Topics.DEVICE_EVENTS, p.partition())).toList();
                var at = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p,
                        p -> OffsetSpec.forTimestamp(to.toEpochMilli())))).all().get();
                var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p,
                        p -> OffsetSpec.latest()))).all().get();
                Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
                for (TopicPartition p : partitions) {
                    long o = at.get(p).offset(); // -1: no record at or after the time
                    offsets.put(p, new OffsetAndMetadata(o < 0 ? ends.get(p).offset() : o));
                }
                admin.alterConsumerGroupOffsets(group, offsets).all().get();
                offsets.forEach((p, o) -> System.out.printf("%s -> offset %d%n", p, o.offset()));
            }
            return 0;
        }
    }

    @Command(name = "kafka-status", description = "Topics with their end offsets, and the jobs' consumer lag.")
    static final class KafkaStatus implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() throws Exception {
            Properties p = kafka.clientProperties();
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
            try (Admin admin = Admin.create(p)) {
                var names = new java.util.TreeSet<>(admin.listTopics().names().get());
                var described = admin.describeTopics(names).allTopicNames().get();
                Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
                described.values().forEach(d -> d.partitions().forEach(pi ->
                        specs.put(new TopicPartition(d.name(), pi.partition()), OffsetSpec.latest())));
                var ends = admin.listOffsets(specs).all().get();
                for (String n : names) {
                    long sum = ends.entrySet().stream().filter(e -> e.getKey().topic().equals(n))
                            .mapToLong(e -> e.getValue().offset()).sum();
                    System.out.printf("  topic %-18s %d partitions, end offsets sum %,d%n", n,
                            described.get(n).partitions().size(), sum);
                }
                for (var g : admin.listGroups().all().get()) {
                    if (g.groupId().equals("wardstream-episode-detection")) {
                        System.out.printf("  consumer group %s: lag %,d on %s%n", g.groupId(), lag(admin, g.groupId()),
                                Topics.DEVICE_EVENTS);
                    }
                }
            }
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static List<String> bundleIds(List<String> lines) {
        List<String> ids = new ArrayList<>();
        for (AlertMessage m : AlertScoring.parseAlerts(lines, "alerts")) {
            ids.add(m.bundleId());
        }
        return ids;
    }

    static Map<Integer, Long> readOffsets(Path file) throws IOException {
        Map<Integer, Long> out = new TreeMap<>();
        if (file == null) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            String[] kv = line.split("=", 2);
            out.put(Integer.parseInt(kv[0].strip()), Long.parseLong(kv[1].strip()));
        }
        return out;
    }

    @Command(name = "send-crafted", description = {"Sends the crafted records of issue 15 (huge declared lengths, a "
            + "value just under the broker's limit, another programme's reading, a 2001 device clock, a receipt time "
            + "59 min ahead, a Mars time-zone enrolment) for a fresh patient, then waits until each refused one is on "
            + "its dead-letter topic with the expected reason. Prints one line per record; exit 1 when one is missing."})
    static final class SendCrafted implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions kafka;

        @Option(names = "--programme", defaultValue = "virtual-ward") String programme;

        @Option(names = "--timeout", defaultValue = "420",
                description = "Seconds to wait for the dead letters (default ${DEFAULT-VALUE}: the unknown-patient "
                        + "one waits out the 5 min enrolment grace).")
        int timeout;

        @Override
        public Integer call() throws Exception {
            String patient = "crafted-" + Long.toString(System.currentTimeMillis(), 36);
            List<CraftedSet.Crafted> set = CraftedSet.of(programme, patient, Instant.now());
            Properties p = kafka.clientProperties();
            p.put("acks", "all");
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(p,
                    new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                for (CraftedSet.Crafted c : set) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(c.topic(), null,
                            c.timestampMs(), c.key(), c.value())).get();
                }
            }
            System.err.println("sent " + set.size() + " crafted records for patient " + patient);
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            Map<String, String> found = new LinkedHashMap<>();
            try (var devices = new org.wardstream.embedded.CommittedTopicReader(kafka.bootstrapServers,
                    kafka.extraProperties(), Topics.DEVICE_EVENTS_DLQ);
                 var enrolments = new org.wardstream.embedded.CommittedTopicReader(kafka.bootstrapServers,
                         kafka.extraProperties(), Topics.ENROLMENTS_DLQ)) {
                long expected = set.stream().filter(c -> c.expectedReason() != null).count();
                while (true) {
                    devices.poll();
                    enrolments.poll();
                    found.clear();
                    for (CraftedSet.Crafted c : set) {
                        var reader = Topics.ENROLMENTS_DLQ.equals(CraftedSet.deadLetterTopic(c.topic())) ? enrolments
                                : devices;
                        for (var r : reader.records()) {
                            if (java.util.Arrays.equals(r.key(), c.key()) && sameStart(r.value(), c.value())) {
                                var h = r.headers().lastHeader(Topics.HEADER_DLQ_REASON);
                                found.put(c.name(), h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8));
                            }
                        }
                    }
                    if (found.size() >= expected || System.nanoTime() > deadline) {
                        break;
                    } // each poll above waits for the topic's next records (200 ms when none): no sleep needed
                }
            }
            int bad = 0;
            for (CraftedSet.Crafted c : set) {
                String got = found.get(c.name());
                boolean ok = java.util.Objects.equals(got, c.expectedReason());
                bad += ok ? 0 : 1;
                System.out.printf("%-32s %-16s expected %-16s got %s%n", c.name(), c.topic(),
                        c.expectedReason() == null ? "(processed)" : c.expectedReason(),
                        got == null ? "(no dead letter)" : got + (ok ? "" : "  MISMATCH"));
            }
            return bad == 0 ? 0 : 1;
        }

        /** A dead-letter copy is the original or, when truncated, a prefix of it. */
        private static boolean sameStart(byte[] copy, byte[] original) {
            return copy != null && original != null && copy.length <= original.length
                    && java.util.Arrays.equals(copy, 0, copy.length, original, 0, copy.length);
        }
    }

    static void writeOffsets(Path file, Map<Integer, Long> offsets) throws IOException {
        StringBuilder sb = new StringBuilder();
        offsets.forEach((p, o) -> sb.append(p).append('=').append(o).append('\n'));
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    static void writeLines(Path file, List<String> lines) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String l : lines) {
                w.write(l);
                w.write('\n');
            }
        }
    }
}
