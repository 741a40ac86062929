package org.wardstream.localcluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Flink REST commands of the local-cluster helper. Every wait polls the REST API (no fixed sleeps). */
final class FlinkCommands {
    private FlinkCommands() {
    }

    static final Duration POLL = Duration.ofMillis(500);

    static void pause() throws InterruptedException {
        Thread.sleep(POLL.toMillis()); // polling another process's state
    }

    static boolean terminal(String state) {
        return state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED");
    }

    @Command(name = "flink-ready", description = "Waits until the JobManager's REST API answers and the TaskManagers have registered.")
    static final class Ready implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--taskmanagers", defaultValue = "0") int taskManagers;
        @Option(names = "--timeout", defaultValue = "120") int timeout;

        @Override
        public Integer call() throws Exception {
            FlinkRest flink = new FlinkRest(rest);
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                try {
                    JsonNode o = flink.get("/overview");
                    int tms = o.path("taskmanagers").asInt();
                    last = tms + " TaskManagers, " + o.path("slots-total").asInt() + " slots";
                    if (tms >= taskManagers) {
                        return 0;
                    }
                } catch (java.io.IOException e) {
                    last = e.getMessage();
                }
                pause();
            }
            System.err.println("flink-ready: " + rest + " not ready within " + timeout + " s (" + last + ")");
            return 1;
        }
    }

    @Command(name = "flink-jobs", description = "Lists jobs: id, state, name (one per line).")
    static final class Jobs implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--running", description = "Only jobs that are not in a terminal state.") boolean running;
        @Option(names = "--name", description = "Only jobs with this name.") String name;

        @Override
        public Integer call() throws Exception {
            for (JsonNode j : new FlinkRest(rest).jobs()) {
                String state = j.path("state").asText();
                if ((running && terminal(state)) || (name != null && !name.equals(j.path("name").asText()))) {
                    continue;
                }
                System.out.println(j.path("jid").asText() + "\t" + state + "\t" + j.path("name").asText());
            }
            return 0;
        }
    }

    @Command(name = "flink-await-running", description = "Waits until every task of the job is RUNNING; with --restored, prints what it restored from.")
    static final class AwaitRunning implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--job", required = true) String job;
        @Option(names = "--timeout", defaultValue = "120") int timeout;

        @Override
        public Integer call() throws Exception {
            FlinkRest flink = new FlinkRest(rest);
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            while (System.nanoTime() < deadline) {
                String state = flink.job(job).path("state").asText();
                if (terminal(state)) {
                    System.err.println("flink-await-running: job " + job + " is " + state + failure(flink, job));
                    return 1;
                }
                if (flink.allTasksRunning(job)) {
                    JsonNode restored = flink.checkpoints(job).path("latest").path("restored");
                    if (!restored.isMissingNode() && !restored.isNull()) {
                        System.out.println("restored " + (restored.path("is_savepoint").asBoolean() ? "savepoint" : "checkpoint")
                                + " " + restored.path("id").asText() + " " + restored.path("external_path").asText());
                    } else {
                        System.out.println("running (no state restored)");
                    }
                    return 0;
                }
                pause();
            }
            System.err.println("flink-await-running: job " + job + " not running within " + timeout + " s");
            return 1;
        }
    }

    static String failure(FlinkRest flink, String job) {
        try {
            return failure(flink.get("/jobs/" + job + "/exceptions"));
        } catch (Exception e) {
            return "";
        }
    }

    /**
     * Why a job stopped, for one line after its state: the exception and each cause of the newest failure in {@code
     * /jobs/:id/exceptions} (the same text {@code status} prints). ops24: this read {@code rootException}, which Flink
     * 2.2 no longer answers (only {@code exceptionHistory}), so {@code flink-await-running} printed "job ... is FAILED"
     * without a reason.
     */
    static String failure(JsonNode exceptions) {
        List<String> reason = failureReason(stacktrace(exceptions));
        return reason.isEmpty() ? "" : ": " + String.join(" | ", reason);
    }

    @Command(name = "flink-await-recovered", description = {"After a TaskManager was killed at --killed-at (epoch ms): "
            + "waits until the job has restarted, restored its last checkpoint, runs every task again and "
            + "completed a new checkpoint. Prints restarts, the restored checkpoint and the times."})
    static final class AwaitRecovered implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--job", required = true) String job;
        @Option(names = "--killed-at", required = true, description = "Epoch milliseconds of the kill.") long killedAt;
        @Option(names = "--restarts-before", defaultValue = "0") long restartsBefore;
        @Option(names = "--timeout", defaultValue = "180") int timeout;

        @Override
        public Integer call() throws Exception {
            FlinkRest flink = new FlinkRest(rest);
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            long runningAt = -1;
            JsonNode restored = null;
            while (System.nanoTime() < deadline) {
                String state = flink.job(job).path("state").asText();
                if (terminal(state)) {
                    System.err.println("flink-await-recovered: job " + job + " is " + state + failure(flink, job));
                    return 1;
                }
                JsonNode cp = flink.checkpoints(job);
                JsonNode r = cp.path("latest").path("restored");
                boolean restoredAfterKill = r.isObject() && r.path("restore_timestamp").asLong() >= killedAt;
                if (restoredAfterKill && runningAt < 0 && flink.allTasksRunning(job)) {
                    runningAt = System.currentTimeMillis();
                    restored = r;
                }
                JsonNode completed = cp.path("latest").path("completed");
                if (runningAt > 0 && completed.isObject()
                        && completed.path("latest_ack_timestamp").asLong() > restored.path("restore_timestamp").asLong()) {
                    long restarts = flink.jobMetric(job, "numRestarts");
                    System.out.printf("recovered: restarts %d -> %d; restored checkpoint %d (%s) %.1f s after the kill; "
                                    + "all tasks running again after %.1f s; first new checkpoint %d completed after %.1f s%n",
                            restartsBefore, restarts, restored.path("id").asLong(),
                            restored.path("external_path").asText(),
                            (restored.path("restore_timestamp").asLong() - killedAt) / 1000.0,
                            (runningAt - killedAt) / 1000.0, completed.path("id").asLong(),
                            (completed.path("latest_ack_timestamp").asLong() - killedAt) / 1000.0);
                    return 0;
                }
                pause();
            }
            System.err.println("flink-await-recovered: job " + job + " did not recover within " + timeout + " s");
            return 1;
        }
    }

    @Command(name = "flink-stop-with-savepoint", description = "Stops the job with a savepoint (no drain); prints the savepoint path.")
    static final class StopWithSavepoint implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--job", required = true) String job;
        @Option(names = "--savepoint-dir", required = true) String dir;
        @Option(names = "--timeout", defaultValue = "300") int timeout;

        @Override
        public Integer call() throws Exception {
            FlinkRest flink = new FlinkRest(rest);
            ObjectNode body = FlinkRest.JSON.createObjectNode();
            body.put("targetDirectory", dir);
            body.put("drain", false);
            String trigger = flink.post("/jobs/" + job + "/stop", body).path("request-id").asText();
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode s = flink.get("/jobs/" + job + "/savepoints/" + trigger);
                if ("COMPLETED".equals(s.path("status").path("id").asText())) {
                    JsonNode op = s.path("operation");
                    if (op.has("failure-cause")) {
                        System.err.println("flink-stop-with-savepoint: failed: "
                                + FlinkRest.firstLines(op.path("failure-cause").path("stack-trace").asText(), 3));
                        return 1;
                    }
                    System.out.println(op.path("location").asText());
                    return 0;
                }
                pause();
            }
            System.err.println("flink-stop-with-savepoint: no savepoint within " + timeout + " s");
            return 1;
        }
    }

    @Command(name = "flink-cancel", description = "Cancels a job and waits until it is CANCELED.")
    static final class Cancel implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--job", required = true) String job;
        @Option(names = "--timeout", defaultValue = "120") int timeout;

        @Override
        public Integer call() throws Exception {
            FlinkRest flink = new FlinkRest(rest);
            flink.patch("/jobs/" + job + "?mode=cancel");
            long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            while (System.nanoTime() < deadline) {
                if (terminal(flink.job(job).path("state").asText())) {
                    return 0;
                }
                pause();
            }
            return 1;
        }
    }

    @Command(name = "flink-job-metric", description = "Prints a job-level metric, e.g. numRestarts (-1 when not reported).")
    static final class JobMetric implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--job", required = true) String job;
        @Option(names = "--name", required = true) String name;

        @Override
        public Integer call() throws Exception {
            System.out.println(new FlinkRest(rest).jobMetric(job, name));
            return 0;
        }
    }

    @Command(name = "flink-taskmanagers-of", description = "Prints the ids of the TaskManagers running tasks of the job.")
    static final class TaskManagersOf implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--job", required = true) String job;

        @Override
        public Integer call() throws Exception {
            new FlinkRest(rest).taskManagersOf(job).forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "flink-check-slots", description = {"Checks that the cluster has the slots for a job of "
            + "--parallelism N: the free slots plus those --job (the job it replaces, if any) holds now. Exit code 1, "
            + "with the reason, when it has not (a job that cannot get its slots never runs)."})
    static final class CheckSlots implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--job", description = "The running job the new one replaces (its slots are freed first).") String job;
        @Option(names = "--parallelism", required = true) int parallelism;

        @Override
        public Integer call() throws Exception {
            FlinkRest flink = new FlinkRest(rest);
            int free = flink.get("/overview").path("slots-available").asInt();
            int held = job == null ? 0 : flink.slotsHeld(job);
            if (free + held >= parallelism) {
                return 0;
            }
            System.err.println("parallelism " + parallelism + " needs " + parallelism + " task slots, the cluster has "
                    + free + " free" + (job == null ? "" : " and " + held + " held by job " + job)
                    + ": add TaskManagers or lower the parallelism of another job first");
            return 1;
        }
    }

    @Command(name = "flink-status", description = "TaskManagers, jobs with checkpoints and restarts, and the wardstream metrics from the Prometheus endpoints.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--rest", required = true) String rest;
        @Option(names = "--prometheus", description = "Prometheus endpoints (host:port).") List<String> prometheus = new ArrayList<>();
        @Option(names = "--require", description = {"A job name that must be running with every task RUNNING; exit "
                + "code 1 and a line saying so when no such job is."}) List<String> required = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            FlinkRest flink = new FlinkRest(rest);
            JsonNode o = flink.get("/overview");
            System.out.printf("  Flink %s: %d TaskManagers, %d of %d slots free; web UI %s%n",
                    o.path("flink-version").asText(), o.path("taskmanagers").asInt(), o.path("slots-available").asInt(),
                    o.path("slots-total").asInt(), flink.base());
            for (JsonNode tm : flink.get("/taskmanagers").path("taskmanagers")) {
                System.out.printf("    TaskManager %s: %d slots, %d free%n", tm.path("id").asText(),
                        tm.path("slotsNumber").asInt(), tm.path("freeSlots").asInt());
            }
            for (JsonNode j : flink.jobs()) {
                String id = j.path("jid").asText();
                String state = j.path("state").asText();
                System.out.printf("  job %s %-9s %s%n", id, state, j.path("name").asText());
                if (!terminal(state)) {
                    JsonNode cp = flink.checkpoints(id);
                    JsonNode c = cp.path("latest").path("completed");
                    System.out.printf("    checkpoints completed %d, failed %d; latest %s; restarts %d; restored from %s%n",
                            cp.path("counts").path("completed").asLong(), cp.path("counts").path("failed").asLong(),
                            c.isObject() ? c.path("id").asText() + " " + c.path("external_path").asText() : "none",
                            flink.jobMetric(id, "numRestarts"),
                            cp.path("latest").path("restored").isObject()
                                    ? cp.path("latest").path("restored").path("external_path").asText() : "nothing");
                }
            }
            Map<String, Map<String, Double>> byJob = new TreeMap<>();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (String endpoint : prometheus) {
                try {
                    String text = http.send(HttpRequest.newBuilder(URI.create("http://" + endpoint + "/metrics"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                    PrometheusText.sumWardstream(text, byJob);
                } catch (Exception e) {
                    System.out.println("  Prometheus " + endpoint + ": no answer (" + e.getMessage() + ")");
                }
            }
            byJob.forEach((job, sums) -> {
                System.out.println("  wardstream metrics of '" + job + "' (Prometheus, summed over subtasks):");
                sums.forEach((k, v) -> System.out.printf("    %-60s %,.0f%n", k, v));
            });
            int rc = 0;
            for (Map<String, Double> sums : byJob.values()) {
                for (String line : lostCommits(sums)) {
                    System.out.println("  " + line);
                    rc = 1;
                }
            }
            for (String name : required) {
                boolean running = false;
                for (JsonNode j : flink.jobs()) {
                    if (!name.equals(j.path("name").asText()) || terminal(j.path("state").asText())) {
                        continue;
                    }
                    running |= flink.allTasksRunning(j.path("jid").asText());
                    // also while it restarts: after 3 failed checkpoints in a row it does, and this says why
                    String failing = checkpointsFailing(flink.checkpoints(j.path("jid").asText()),
                            j.path("start-time").asLong(), System.currentTimeMillis());
                    if (failing != null) {
                        System.out.println("  CHECKPOINTS FAILING: '" + name + "' job " + j.path("jid").asText()
                                + ": " + failing);
                        rc = 1;
                    }
                }
                if (!running) {
                    System.out.println("  NOT RUNNING: no '" + name + "' job with every task running");
                    rc = 1;
                    // why the newest one stopped, when it failed (ops23: a lost Kafka commit stops the detection job
                    // on purpose, and its reason says what to do)
                    JsonNode last = null;
                    for (JsonNode j : flink.jobs()) {
                        if (name.equals(j.path("name").asText())
                                && (last == null || j.path("start-time").asLong() > last.path("start-time").asLong())) {
                            last = j;
                        }
                    }
                    if (last != null && "FAILED".equals(last.path("state").asText())) {
                        String root = stacktrace(flink.get("/jobs/" + last.path("jid").asText() + "/exceptions"));
                        System.out.println("  the last '" + name + "' job " + last.path("jid").asText() + " FAILED: "
                                + String.join("\n    ", failureReason(root)));
                    }
                }
            }
            return rc;
        }
    }

    /**
     * The newest failure's stack trace from {@code /jobs/:id/exceptions}: Flink 2.2 answers only {@code
     * exceptionHistory.entries[].stacktrace} (newest first; the 1.x {@code root-exception} is gone, so an empty reason
     * was printed: measured on the local cluster, ops23), older versions {@code rootException}.
     */
    static String stacktrace(JsonNode exceptions) {
        JsonNode entries = exceptions.path("exceptionHistory").path("entries");
        if (entries.isArray() && !entries.isEmpty()) {
            return entries.get(0).path("stacktrace").asText("");
        }
        return exceptions.path("rootException").asText("");
    }

    /**
     * A failed job's root exception (Flink's text, with the stack) as the operator needs it: the exception line and
     * each "Caused by" line, without stack frames (ops23: the detection job stopped because the broker aborted a
     * checkpoint's Kafka transaction says so, and what to do, in its cause, below Flink's "Unrecoverable failure").
     */
    static List<String> failureReason(String rootException) {
        List<String> out = new ArrayList<>();
        for (String line : rootException.split("\n")) {
            String l = line.strip();
            if (out.isEmpty() && !l.isEmpty()) {
                out.add(l);
            } else if (l.startsWith("Caused by: ")) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * ops24, the 10-minute trap inside a running job: the detection job's sinks count each Kafka transaction the
     * broker aborted before Flink could commit it ({@code wardstream_checkpoint_lostCommits{checkpoint=N}}: its
     * alerts are lost, the job runs on) and each the broker could not say about ({@code ..._unverifiedCommits}).
     * Returns what to tell the operator (nothing when all are 0). The counters live as long as the job attempt: a
     * later restart of the job resets them (the TaskManager log keeps the {@code LOST COMMIT} lines).
     */
    static List<String> lostCommits(Map<String, Double> sums) {
        Map<String, Double> lost = new TreeMap<>();
        Map<String, Double> unverified = new TreeMap<>();
        sums.forEach((key, value) -> {
            int i = key.indexOf("{checkpoint=");
            if (value == null || value <= 0 || i < 0) {
                return;
            }
            String checkpoint = key.substring(i + "{checkpoint=".length(), key.indexOf('}', i));
            if (key.startsWith("wardstream_checkpoint_lostCommits")) {
                lost.merge(checkpoint, value, Double::sum);
            } else if (key.startsWith("wardstream_checkpoint_unverifiedCommits")) {
                unverified.merge(checkpoint, value, Double::sum);
            }
        });
        List<String> out = new ArrayList<>();
        if (!lost.isEmpty()) {
            out.add("LOST ALERTS: the broker aborted the Kafka transactions of checkpoint " + checkpoints(lost)
                    + " before the detection job could commit them (it or the broker was down for longer than"
                    + " transaction.timeout.ms just after that checkpoint): the alerts, episode records and dead letters"
                    + " produced before it are lost, and the job runs on without them. Do: replay the input from a"
                    + " minute before the outage began (local-cluster/replay --from <time>; docs/RUNBOOK.md, 'Replay from"
                    + " a point in time'); the TaskManager logs' 'LOST COMMIT' lines name the transactions");
        }
        if (!unverified.isEmpty()) {
            out.add("COMMITS NOT VERIFIED: the detection job could not commit Kafka transactions of checkpoint "
                    + checkpoints(unverified) + " and the broker did not say whether they had been committed before:"
                    + " their alerts may be lost. Do: kafka-transactions.sh describe --transactional-id <the id in the"
                    + " TaskManager log's warning>; CompleteAbort: replay as for LOST ALERTS (docs/RUNBOOK.md, 'the"
                    + " 10-minute trap')");
        }
        return out;
    }

    private static String checkpoints(Map<String, Double> byCheckpoint) {
        List<String> parts = new ArrayList<>();
        byCheckpoint.forEach((c, n) -> parts.add(c + " (" + Math.round(n) + (n == 1 ? " transaction)" : " transactions)")));
        return String.join(", ", parts);
    }

    /** How long a running job may go without a completed checkpoint while its checkpoints fail (6 intervals of 10 s). */
    static final long CHECKPOINTS_FAILING_AFTER_MS = 60_000;

    /**
     * Probe 21c D1: while every checkpoint fails (a full or unreachable checkpoint directory, a broker that cannot
     * commit), the Kafka sinks' transactions never commit, so no alert reaches a read_committed reader, even with
     * every task running. Returns what to tell the operator when the latest checkpoint failed and none completed for
     * {@link #CHECKPOINTS_FAILING_AFTER_MS} (since the job started, if none ever did); null otherwise.
     */
    static String checkpointsFailing(JsonNode checkpoints, long jobStartMs, long nowMs) {
        JsonNode completed = checkpoints.path("latest").path("completed");
        JsonNode failed = checkpoints.path("latest").path("failed");
        long completedAt = completed.isObject() ? completed.path("latest_ack_timestamp").asLong() : 0;
        long failedAt = failed.isObject() ? failed.path("failure_timestamp").asLong() : 0;
        long since = Math.max(completedAt, jobStartMs);
        if (failedAt <= completedAt || nowMs - since < CHECKPOINTS_FAILING_AFTER_MS) {
            return null;
        }
        return (completed.isObject() ? "no checkpoint completed for " + (nowMs - completedAt) / 1000 + " s (the last, "
                + completed.path("id").asText() + ", " + completed.path("external_path").asText() + ")"
                : "no checkpoint completed since the job started " + (nowMs - jobStartMs) / 1000 + " s ago")
                + "; " + checkpoints.path("counts").path("failed").asLong() + " failed, the latest: "
                + FlinkRest.firstLines(failed.path("failure_message").asText("(no message)"), 1).replaceAll("\\.+$", "")
                + ". Alerts wait in open Kafka transactions: nothing new reaches clinicians. The cause is in the"
                + " JobManager and TaskManager logs (e.g. 'No space left on device'); docs/RUNBOOK.md, 'Recover from"
                + " a failed checkpoint'";
    }
}
