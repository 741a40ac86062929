package org.wardstream.localcluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The few calls of Flink's REST API (the same one the web UI and {@code flink} CLI use) the scripts need. */
public final class FlinkRest {
    static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public String base() {
        return base;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    public JsonNode patch(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    public JsonNode delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        if (r.statusCode() >= 300) {
            throw new IOException("Flink REST " + r.request().method() + " " + r.uri().getPath() + " -> HTTP "
                    + r.statusCode() + ": " + errors(body));
        }
        return body;
    }

    private static String errors(JsonNode body) {
        JsonNode errors = body.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            // the first line of each error is the reason; the rest is a server-side stack trace
            List<String> out = new ArrayList<>();
            errors.forEach(e -> out.add(firstLines(e.asText(), 3)));
            return String.join("; ", out);
        }
        return body.toString();
    }

    static String firstLines(String s, int n) {
        String[] lines = s.split("\n");
        return String.join(" | ", java.util.Arrays.copyOf(lines, Math.min(n, lines.length)));
    }

    /** Job ids, names and states (all jobs the JobManager remembers). */
    public List<JsonNode> jobs() throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        get("/jobs/overview").path("jobs").forEach(out::add);
        return out;
    }

    public JsonNode job(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId);
    }

    public JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** A job-level metric, e.g. {@code numRestarts}; -1 when not (yet) reported. */
    public long jobMetric(String jobId, String name) throws IOException, InterruptedException {
        for (JsonNode m : get("/jobs/" + jobId + "/metrics?get=" + name)) {
            if (name.equals(m.path("id").asText())) {
                return Math.round(Double.parseDouble(m.path("value").asText("-1")));
            }
        }
        return -1;
    }

    /** Whether the job is RUNNING with every task of every vertex RUNNING. */
    public boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = job(jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The task slots a job occupies: with one slot sharing group (the jobs set none), as many as its largest
     * vertex's parallelism; none once the job has ended.
     */
    public int slotsHeld(String jobId) throws IOException, InterruptedException {
        JsonNode job = job(jobId);
        if (FlinkCommands.terminal(job.path("state").asText())) {
            return 0;
        }
        int held = 0;
        for (JsonNode v : job.path("vertices")) {
            held = Math.max(held, v.path("parallelism").asInt());
        }
        return held;
    }

    /** The TaskManager ids that run at least one task of the job. */
    public List<String> taskManagersOf(String jobId) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (JsonNode v : job(jobId).path("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/taskmanagers")
                    .path("taskmanagers")) {
                String id = tm.path("taskmanager-id").asText();
                if (!id.isEmpty() && !out.contains(id)) {
                    out.add(id);
                }
            }
        }
        return out;
    }
}
