package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An operator's day (probe 21a D1-D5, D7) on the real local cluster (a Kafka KRaft broker, a Flink JobManager and two
 * TaskManagers as separate processes, started by local-cluster/start on free ports), following docs/RUNBOOK.md and
 * the scripts' own help literally. Each test asserts a promise the operator relies on; each method's comment says
 * what went wrong before the fix (every method failed on main b71f326). About 3.5 min, plus about 5 min for the two
 * probe-22a methods (measured: 212 s and 93 s on 2 shared cores); -DskipSmokeTest skips it with the smoke test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorProceduresIT {
    static final Path LOCAL_CLUSTER = Path.of("..").toAbsolutePath().normalize();
    static final Path REPO = LOCAL_CLUSTER.getParent();
    static final Path JOB_JAR = REPO.resolve("jobs/target/wardstream-jobs-0.1.0-SNAPSHOT-flink-job.jar");

    final Path home = Path.of("target", "probe21a-cluster").toAbsolutePath();
    final Path work = Path.of("target", "probe21a-work").toAbsolutePath();
    Map<String, String> env;
    FlinkRest flink;

    record Result(int exit, String out, String err) {
        String all() {
            return out + "\n" + err;
        }
    }

    Result run(Map<String, String> extraEnv, String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", LOCAL_CLUSTER.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(work, script, ".out");
        Path err = Files.createTempFile(work, script, ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(LOCAL_CLUSTER.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        boolean done = p.waitFor(12, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("%s finished within 12 min", script).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    Result run(String script, String... args) throws Exception {
        return run(Map.of(), script, args);
    }

    @BeforeAll
    void startCluster() throws Exception {
        Files.createDirectories(work);
        List<Integer> ports = SmokeTestIT.freePorts(5);
        env = Map.of("WARDSTREAM_CLUSTER_HOME", home.toString(), "WARDSTREAM_NO_BUILD", "1",
                "WARDSTREAM_KAFKA_PORT", ports.get(0).toString(),
                "WARDSTREAM_KAFKA_CONTROLLER_PORT", ports.get(1).toString(),
                "WARDSTREAM_FLINK_REST_PORT", ports.get(2).toString(),
                "WARDSTREAM_FLINK_RPC_PORT", ports.get(3).toString(),
                "WARDSTREAM_PROMETHEUS_PORT", ports.get(4).toString());
        run("stop"); // a previous run's leftovers, by their pid files
        deleteTree(home);
        Result start = run("start");
        assertThat(start.exit()).as("start: %s", start.err()).isZero();
        flink = new FlinkRest("http://127.0.0.1:" + ports.get(2));
    }

    @AfterEach
    void cancelEveryJob() throws Exception {
        for (JsonNode j : flink.jobs()) {
            if (!FlinkCommands.terminal(j.path("state").asText())) {
                flink.patch("/jobs/" + j.path("jid").asText() + "?mode=cancel");
            }
        }
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> flink.jobs().stream().allMatch(j -> FlinkCommands.terminal(j.path("state").asText())));
    }

    @AfterAll
    void stopCluster() throws Exception {
        Result stop = run("stop");
        assertThat(stop.exit()).as("stop: %s", stop.err()).isZero();
        assertThat(SmokeTestIT.leftOverProcesses(home)).isEmpty();
    }

    /** The running (non-terminal) detection jobs' ids. */
    List<String> runningDetectionJobs() throws Exception {
        return flink.jobs().stream().filter(j -> !FlinkCommands.terminal(j.path("state").asText()))
                .filter(j -> j.path("name").asText().equals("wardstream episode detection"))
                .map(j -> j.path("jid").asText()).toList();
    }

    Path awaitRetainedCheckpoint(String job) {
        Path dir = home.resolve("flink/checkpoints").resolve(job);
        return Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> latestCheckpoint(dir), p -> p != null);
    }

    static Path latestCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.exists(p.resolve("_metadata"))).findFirst().orElse(null);
        }
    }

    String recorded(String file) throws IOException {
        return Files.readString(home.resolve("jobs").resolve(file));
    }

    /**
     * D7. RUNBOOK "Deploy": "a bad file fails the submission with the file, field and reason, and nothing starts";
     * check-rules' own description: "upgrade and submit run it before anything is stopped or started". submit does
     * not: a rule directory with an unknown field goes to Flink's client, and the operator gets the last 30 lines of
     * its output, a Java stack trace, instead of the one line naming file, field and reason.
     */
    @Test
    @Order(0)
    void submitWithAnInvalidRuleFileSaysFileFieldAndReasonInOneLine() throws Exception {
        Path rules = siteRules("bad-rules");
        Files.writeString(rules.resolve("tachycardia.yaml"), "\nnotARuleField: 1\n",
                java.nio.file.StandardOpenOption.APPEND);

        Result submit = run("submit", "--parallelism", "1", "--rules", rules.toString());

        assertThat(submit.exit()).isEqualTo(1);
        assertThat(runningDetectionJobs()).isEmpty();
        assertThat(submit.err()).as("submit's error output").contains("tachycardia.yaml", "notARuleField")
                .doesNotContain("\tat ", "Exception");
    }

    Path siteRules(String name) throws IOException {
        Path rules = work.resolve(name);
        deleteTree(rules);
        Files.createDirectories(rules);
        try (Stream<Path> s = Files.list(REPO.resolve("alert-rules"))) {
            for (Path f : s.toList()) {
                Files.copy(f, rules.resolve(f.getFileName()));
            }
        }
        return rules;
    }

    /**
     * D4. status's exit code is what a cron job or a supervisor checks. With every process up and no detection job
     * running (after a failed upgrade, a cancelled job, a JobManager restarted without HA), alerting is down for every
     * patient, yet status exits 0.
     */
    @Test
    @Order(1)
    void statusFailsWhileNoDetectionJobRuns() throws Exception {
        assertThat(runningDetectionJobs()).isEmpty();
        Result status = run("status");
        assertThat(status.exit()).as("status exit code with no detection job running; output:%n%s", status.all())
                .isNotZero();
    }

    /**
     * D1. RUNBOOK "Rescale" and local-cluster/README: {@code local-cluster/rescale 3}. After {@code submit} (both jobs,
     * parallelism 2: all 4 slots in use), rescaling detection to 3 stops it with a savepoint and resubmits it into 2
     * free slots: it can never be scheduled, and alerting stays down.
     */
    @Test
    @Order(2)
    void rescaleBeyondTheFreeSlotsLeavesDetectionRunning() throws Exception {
        Result submit = run("submit", "--parallelism", "2");
        assertThat(submit.exit()).as("submit: %s", submit.err()).isZero();
        String before = runningDetectionJobs().get(0);
        awaitRetainedCheckpoint(before);

        Result rescale = run("rescale", "3", "--job", "detection");

        SoftAssertions soft = new SoftAssertions();
        // rescaled, or refused before anything stopped: either way detection keeps alerting
        soft.assertThat(detectionRunsEveryTask()).as("detection runs every task after 'rescale 3' (exit %d):%n%s",
                rescale.exit(), rescale.all()).isTrue();
        // the way back upgrade prints ("fix the cause and run local-cluster/submit --savepoint <the printed savepoint>")
        java.util.regex.Matcher sp = java.util.regex.Pattern.compile("savepoint (file:\\S+)").matcher(rescale.err());
        if (rescale.exit() != 0 && sp.find()) {
            Result back = run("submit", "--parallelism", "2", "--savepoint", sp.group(1));
            soft.assertThat(back.exit()).as("the printed way back, submit --savepoint %s:%n%s", sp.group(1), back.all())
                    .isZero();
            soft.assertThat(detectionRunsEveryTask()).as("detection runs every task after the way back").isTrue();
        }
        soft.assertAll();
    }

    boolean detectionRunsEveryTask() throws Exception {
        List<String> detection = runningDetectionJobs();
        return detection.size() == 1 && flink.allTasksRunning(detection.get(0));
    }

    /**
     * D2. rescale's help: "resubmits the same jar and arguments". After a deployment from a release jar
     * ({@code submit --jar} or {@code upgrade --jar}), rescale resubmits whatever jar is at the default path
     * (jobs/target, or WARDSTREAM_JOB_JAR): here another build that cannot run, so the job is stopped and stays down.
     */
    @Test
    @Order(3)
    void rescaleResubmitsTheJarTheJobRuns() throws Exception {
        Path release = work.resolve("release-1.jar");
        Files.copy(JOB_JAR, release, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path otherBuild = work.resolve("other-build.jar"); // what lies at the default path: not the deployed jar
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(otherBuild))) {
            out.putNextEntry(new JarEntry("org/wardstream/jobs/EpisodeDetectionJob.class"));
            out.closeEntry();
        }
        Map<String, String> defaultJar = Map.of("WARDSTREAM_JOB_JAR", otherBuild.toString());
        Result submit = run(defaultJar, "submit", "--parallelism", "1", "--jar", release.toString());
        assertThat(submit.exit()).as("submit: %s", submit.err()).isZero();
        awaitRetainedCheckpoint(runningDetectionJobs().get(0));

        Result rescale = run(defaultJar, "rescale", "2", "--job", "detection");

        assertThat(rescale.exit()).as("rescale 2 exit code; it said:%n%s", rescale.all()).isZero();
        List<String> detection = runningDetectionJobs();
        assertThat(detection).hasSize(1);
        assertThat(flink.allTasksRunning(detection.get(0))).isTrue();
    }

    /**
     * D3. RUNBOOK "Recover from a failed checkpoint", step 3 (and the line upgrade prints when a resubmission fails:
     * "local-cluster/submit --savepoint <path>"): the job is resumed from a retained checkpoint with submit, which
     * submits with the packaged rules, not the site's rule directory the job ran with: after the recovery alerting
     * runs on other thresholds, and nothing says so.
     */
    @Test
    @Order(4)
    void recoveryFromARetainedCheckpointKeepsTheSiteRules() throws Exception {
        Path rules = siteRules("site-rules");
        Result submit = run("submit", "--parallelism", "1", "--rules", rules.toString());
        assertThat(submit.exit()).as("submit: %s", submit.err()).isZero();
        assertThat(recorded("detection.args")).contains("--rules\n" + rules);
        String job = runningDetectionJobs().get(0);
        Path checkpoint = awaitRetainedCheckpoint(job);
        flink.patch("/jobs/" + job + "?mode=cancel"); // "or just cancel the job"
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> runningDetectionJobs().isEmpty());

        Result resume = run("submit", "--savepoint", "file://" + checkpoint);

        assertThat(resume.exit()).as("submit --savepoint: %s", resume.err()).isZero();
        assertThat(resume.err()).containsPattern("restored (checkpoint|savepoint) \\d+ "
                + java.util.regex.Pattern.quote("file:" + checkpoint));
        assertThat(recorded("detection.args")).as("the resumed detection job's arguments")
                .contains("--rules\n" + rules);
    }

    /**
     * D5. After {@code local-cluster/stop} (which cancels the jobs; their checkpoints are retained), the next
     * {@code start} and {@code submit} (a host restart, a maintenance window) start detection with empty state: every
     * open alert is forgotten (never closed), AF under way alerts again under a new id, and the submit line says only
     * "running (no state restored)", although the job's last checkpoint is on disk.
     */
    @Test
    @Order(5)
    void submitAfterStopAndStartResumesFromTheRetainedCheckpoint() throws Exception {
        Result submit = run("submit", "--parallelism", "1");
        assertThat(submit.exit()).as("submit: %s", submit.err()).isZero();
        awaitRetainedCheckpoint(runningDetectionJobs().get(0));
        assertThat(run("stop").exit()).isZero();
        Result start = run("start");
        assertThat(start.exit()).as("start: %s", start.err()).isZero();

        Result again = run("submit", "--parallelism", "1");

        assertThat(again.exit()).as("submit: %s", again.err()).isZero();
        assertThat(again.err()).as("the submit after stop and start").containsPattern("restored (checkpoint|savepoint) ");
    }

    /**
     * Probe 21c D1. The checkpoint directory stops taking checkpoints (a full disk, measured on a 4 MB tmpfs: "No space
     * left on device"; here, as root ignores permissions, a file where each next checkpoint's directory would go).
     * Every checkpoint fails, so the sinks' transactions never commit: no alert reaches the alerts topic's
     * read_committed readers (measured: 0 committed of 38 written), the job restarts after 3 failures, restores
     * and fails again. Between restarts every task is RUNNING, and status exits 0 (measured: 5 runs in 10 s, all exit
     * 0, "failed 19".."failed 21"): the health check says all is well while nothing reaches clinicians; during a
     * restart it says only NOT RUNNING. No line says checkpoints fail, so the output is what is asserted (the exit
     * code alone depends on whether status ran during a restart).
     */
    @Test
    @Order(6)
    void statusFailsWhileEveryCheckpointFails() throws Exception {
        Result submit = run("submit", "--parallelism", "1", "--fresh");
        assertThat(submit.exit()).as("submit: %s", submit.err()).isZero();
        String job = runningDetectionJobs().get(0);
        Path dir = home.resolve("flink/checkpoints").resolve(job);
        awaitRetainedCheckpoint(job);
        int next;
        try (Stream<Path> s = Files.list(dir)) {
            next = 1 + s.map(p -> p.getFileName().toString()).filter(n -> n.matches("chk-\\d+"))
                    .mapToInt(n -> Integer.parseInt(n.substring(4))).max().orElse(0);
        }
        for (int i = next; i < next + 1000; i++) {
            Files.createFile(dir.resolve("chk-" + i)); // mkdir chk-i fails, as on a full disk
        }
        // the state status must flag: every task running, the latest checkpoint failed, none completed for 60 s
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            JsonNode latest = flink.checkpoints(job).path("latest");
            long completedAt = latest.path("completed").path("latest_ack_timestamp").asLong();
            return latest.path("failed").path("failure_timestamp").asLong() > completedAt
                    && System.currentTimeMillis() - completedAt > 70_000 && flink.allTasksRunning(job);
        });

        Result status = run("status");

        assertThat(status.exit()).as("status exit code while every checkpoint fails; output:%n%s", status.all())
                .isNotZero();
        assertThat(status.out()).as("status names the failing checkpoints").contains("CHECKPOINTS FAILING");
    }

    /**
     * Probe 22a, finding 1. The whole Flink cluster dies (kill -9 of the JobManager and both TaskManagers, a host
     * crash) just after a checkpoint completed and before its Kafka transactions were committed, and stays down
     * longer than the sinks' transaction timeout (here shortened to 20 s through --kafka-properties; 10 min by
     * default). The broker aborts that checkpoint's transactions. RUNBOOK "Stop and start" says submit resumes from the
     * newest retained checkpoint: a restore from it commits nothing (the connector logs an error and goes on after
     * that checkpoint's input), and the alerts of that checkpoint are lost for good, with status green. The TaskManagers
     * are frozen (SIGSTOP) the instant the checkpoint's _metadata appears, so the commit never runs.
     */
    @Test
    @Order(7)
    void aCrashLongerThanTheTransactionTimeoutAfterACheckpointLosesNoAlert() throws Exception {
        Path props = work.resolve("short-transactions.properties");
        Files.writeString(props, "transaction.timeout.ms=20000\n");
        Map<String, String> shortTxn = Map.of("WARDSTREAM_KAFKA_PROPERTIES", props.toString());
        Result submit = run(shortTxn, "submit", "--parallelism", "1", "--fresh");
        assertThat(submit.exit()).as("submit: %s", submit.err()).isZero();
        String job = runningDetectionJobs().get(0);
        awaitRetainedCheckpoint(job);
        java.util.concurrent.CompletableFuture<Result> simulation = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return run("simulate", "--patients", "40", "--days", "1", "--seed", "4", "--rate", "2000");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        String bootstrap = "127.0.0.1:" + env.get("WARDSTREAM_KAFKA_PORT");
        List<String> flinkPids = new ArrayList<>();
        for (String p : List.of("taskmanager-1", "taskmanager-2", "jobmanager")) {
            flinkPids.add(Files.readString(home.resolve("pids").resolve(p + ".pid")).strip());
        }
        long frozen = -1;
        // each attempt that missed: which checkpoint, and what its alert transaction held when the freeze came (a
        // failed run says whether the commit outran the freeze on a loaded machine or the checkpoints held no alerts)
        List<String> missed = new ArrayList<>();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            for (int attempt = 0; attempt < 24 && frozen < 0 && !(attempt >= 12 && simulation.isDone()); attempt++) {
                long n = flink.checkpoints(job).path("latest").path("completed").path("id").asLong() + 1;
                Path metadata = home.resolve("flink/checkpoints").resolve(job).resolve("chk-" + n).resolve("_metadata");
                // a shell waiting on its stdin: kill -STOP (a builtin) within microseconds of the line
                Process freezer = new ProcessBuilder("bash", "-c", "read -r; kill -STOP $0 $1", flinkPids.get(0),
                        flinkPids.get(1)).start();
                Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofNanos(200_000))
                        .until(() -> Files.exists(metadata));
                freezer.getOutputStream().write('\n');
                freezer.getOutputStream().flush();
                freezer.waitFor();
                String txn = "wardstream-episode-detection-alerts-0-" + n;
                var d = admin.describeTransactions(List.of(txn)).all().get().get(txn);
                if (d.state() == org.apache.kafka.clients.admin.TransactionState.ONGOING
                        && !d.topicPartitions().isEmpty()) {
                    frozen = n; // checkpoint n completed, its alert transaction holds alerts and is not committed
                } else {
                    missed.add("chk-" + n + " " + d.state() + " " + d.topicPartitions().size() + " partitions");
                    new ProcessBuilder("kill", "-CONT", flinkPids.get(0), flinkPids.get(1)).start().waitFor();
                }
            }
            assertThat(frozen).as("froze the TaskManagers between a checkpoint and its alerts' commit (missed: %s)",
                    missed).isPositive();
            for (String pid : flinkPids) {
                new ProcessBuilder("kill", "-KILL", pid).start().waitFor(); // the whole Flink cluster dies
            }
            String txn = "wardstream-episode-detection-alerts-0-" + frozen;
            long killedAt = System.nanoTime();
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> admin.describeTransactions(List.of(txn)).all().get().get(txn).state()
                            == org.apache.kafka.clients.admin.TransactionState.COMPLETE_ABORT);
            System.out.printf("probe22a: checkpoint %d's alert transaction aborted by the broker %.1f s after the kill%n",
                    frozen, (System.nanoTime() - killedAt) / 1e9);
        }
        Result simulated = simulation.get(10, TimeUnit.MINUTES);
        assertThat(simulated.exit()).as("simulate: %s", simulated.err()).isZero();
        Result start = run("start");
        assertThat(start.exit()).as("start: %s", start.err()).isZero();

        Result resume = run(shortTxn, "submit"); // RUNBOOK: after a crash, submit resumes where the job stopped

        assertThat(resume.exit()).as("submit: %s", resume.err()).isZero();
        System.out.println("probe22a: submit said:\n" + resume.err());
        String resumed = runningDetectionJobs().get(0);
        Path offsets = work.resolve("none.offsets");
        int settled = ClusterTool.run("await-settled", "--bootstrap-servers", bootstrap,
                "--rest", "http://127.0.0.1:" + env.get("WARDSTREAM_FLINK_REST_PORT"), "--job", resumed,
                "--timeout", "300");
        assertThat(settled).as("the resumed job settled").isZero();
        Path committed = work.resolve("committed.ndjson");
        Path everything = work.resolve("uncommitted.ndjson");
        assertThat(ClusterTool.run("alerts", "--bootstrap-servers", bootstrap, "--out", committed.toString())).isZero();
        assertThat(ClusterTool.run("alerts", "--bootstrap-servers", bootstrap, "--out", everything.toString(),
                "--uncommitted")).isZero();
        List<String> committedIds = ClusterTool.bundleIds(Files.readAllLines(committed));
        java.util.Set<String> lost = new java.util.TreeSet<>(ClusterTool.bundleIds(Files.readAllLines(everything)));
        lost.removeAll(committedIds);
        System.out.printf("probe22a: %d alert state changes committed (%d distinct), %d written only in aborted "
                + "transactions and never committed%n", committedIds.size(), new java.util.HashSet<>(committedIds).size(),
                lost.size());
        assertThat(lost).as("alert state changes written in checkpoint %d's aborted transaction and never committed "
                + "after submit resumed (it said:%n%s)", frozen, resume.err()).isEmpty();
        assertThat(AlertSets.duplicates(committedIds)).as("duplicated alert state changes").isZero();
    }

    /**
     * Probe 22a, finding 3. A job resumed from a savepoint (after stop and start, an upgrade, a recovery) is cancelled
     * or crashes before its own first checkpoint (10 s). It committed nothing, so its state is still the savepoint it
     * started from; but the next submit looked only for the new job's retained checkpoints, found none and started
     * detection without state ("running (no state restored)"): every open alert forgotten, an AF episode under way
     * alerted again under a new id.
     */
    @Test
    @Order(8)
    void aJobGoneBeforeItsFirstCheckpointResumesFromWhereItStarted() throws Exception {
        Result submit = run("submit", "--parallelism", "1", "--fresh");
        assertThat(submit.exit()).as("submit: %s", submit.err()).isZero();
        Path checkpoint = awaitRetainedCheckpoint(runningDetectionJobs().get(0));
        long completed = 1;
        // the first checkpoint comes at a random time within the 10 s interval: the resumed job is cancelled as soon
        // as it runs (while submit goes on with the equity job), or the whole is tried again
        for (int attempt = 0; attempt < 5 && completed > 0; attempt++) {
            cancelEveryJob();
            java.util.concurrent.CompletableFuture<Result> resumed = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return run("submit", "--savepoint", "file://" + checkpoint);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            String job = Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> flink.jobs().stream().filter(j -> j.path("state").asText().equals("RUNNING"))
                            .filter(j -> j.path("name").asText().equals("wardstream episode detection"))
                            .map(j -> j.path("jid").asText()).findFirst().orElse(null), j -> j != null);
            flink.patch("/jobs/" + job + "?mode=cancel");
            resumed.get(10, TimeUnit.MINUTES); // its exit code: whether it saw the job running before the cancel
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> runningDetectionJobs().isEmpty());
            completed = flink.checkpoints(job).path("counts").path("completed").asLong();
        }
        assertThat(completed).as("a resumed job cancelled before its first checkpoint").isZero();
        cancelEveryJob();

        Result again = run("submit");

        assertThat(again.exit()).as("submit: %s", again.err()).isZero();
        assertThat(again.err()).as("the submit after a job gone before its first checkpoint")
                .containsPattern("restored (checkpoint|savepoint) \\d+ " + java.util.regex.Pattern.quote(
                        "file:" + checkpoint));
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    /**
     * ops23, item 3. {@code upgrade} whose new job cannot be submitted (here a jar whose entry class is not a class)
     * leaves the detection job stopped with a savepoint and says to resume from it; but the records still named the
     * stopped job, so a plain {@code submit} resumed from that job's newest retained checkpoint (older than the
     * savepoint: its input processed again, its committed alerts produced again). The savepoint is now where it resumes.
     */
    @Test
    @Order(20)
    void aPlainSubmitAfterAFailedUpgradeResumesFromTheUpgradesSavepoint() throws Exception {
        Result submit = run("submit", "--parallelism", "1", "--fresh");
        assertThat(submit.exit()).as("submit: %s", submit.err()).isZero();
        awaitRetainedCheckpoint(runningDetectionJobs().get(0));
        Path broken = work.resolve("broken-build.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(broken))) {
            out.putNextEntry(new JarEntry("org/wardstream/jobs/EpisodeDetectionJob.class"));
            out.closeEntry();
        }

        Result upgrade = run("upgrade", "--job", "detection", "--jar", broken.toString());

        assertThat(upgrade.exit()).as("upgrade with a broken jar: %s", upgrade.err()).isEqualTo(1);
        java.util.regex.Matcher sp = java.util.regex.Pattern.compile("savepoint (file:\\S+)").matcher(upgrade.err());
        assertThat(sp.find()).as("upgrade names its savepoint: %s", upgrade.err()).isTrue();
        Result again = run("submit", "--parallelism", "1");
        assertThat(again.exit()).as("submit: %s", again.err()).isZero();
        assertThat(again.err()).as("the plain submit after the failed upgrade")
                .contains("resuming the detection job from " + sp.group(1)).contains("restored savepoint");
    }
}
