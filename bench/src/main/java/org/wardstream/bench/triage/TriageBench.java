package org.wardstream.bench.triage;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wardstream.alerting.AlertContext;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.EmbeddedKafka;
import org.wardstream.embedded.EmbeddedPostgres;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.EpisodeIds;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.triage.TriageConfig;
import org.wardstream.triage.TriageServer;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.store.QueryPlans;
import org.wardstream.triage.store.SearchQuery;
import org.wardstream.triage.workflow.Workflow;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The triage service under load (issue 16, docs/BENCHMARKS.md "Triage service"): an in-process Kafka broker, the
 * embedded PostgreSQL and the service, as {@code wardstream triage} runs them. N alert Bundles (FhirAlerts, N
 * distinct episodes of all six types over P patients of one programme) are put on
 *  the {@code alerts} topic first (one episode a minute backwards from now); then the service starts and the time until it has stored every one gives the
 * ingest rate from the topic. Then, with all N stored (and, the worst case for the worklist, all still open),
 * sequential requests with a bearer token measure the latency of the worklist query (first page of the open
 * Tasks, most urgent first), FHIR Task searches (by patient, by type and status, by {@code _lastUpdated}, by
 * authored-on range) and an Observation read (what the page does per new alert). Last, with every
 * {@value #ACKNOWLEDGED_EVERY}th alert acknowledged (through the service's own action path), the worklist page's
 * refresh old beside new: the one search of every open status the page sent until probe 20b (D5), and the two searches
 * it sends since (those nobody has acknowledged; those acknowledged), sent at once as the page sends them, timed until
 * both have answered.
 */
public final class TriageBench {
    public static final String PROGRAMME = "bench";
    static final List<EpisodeType> TYPES = List.of(EpisodeType.values());
    /** For the worklist refresh: one alert in this many is acknowledged (still open, on the page's second search). */
    static final int ACKNOWLEDGED_EVERY = 20;
    /** The page's worklist searches (worklist.js {@code api.worklist}: {@code MAX_SHOWN}, sort). */
    static final String PAGE_SEARCH = "&_sort=-priority,authored-on&_count=200";

    /** The page's count of open alerts of urgent priority or above (worklist.js {@code api.urgentCount}). */
    static final String URGENT_COUNT = "/fhir/Task?status=requested,accepted,in-progress&priority=stat,asap,urgent&_summary=count";
    /** The snapshot of a search's matches the service reads (TaskProvider: up to 10,001 ids). */
    static final int SNAPSHOT_IDS = 10_001;
    /** EXPLAIN ANALYZE repetitions per statement (the first warms the cache; the median is reported). */
    static final int PLAN_RUNS = 7;

    public record Settings(int alerts, int patients, int requests, int warmup, long seed) {
    }

    private TriageBench() {
    }

    public static Map<String, Object> run(Settings s, Path work, PrintStream out) throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("alerts", s.alerts());
        report.put("patients", s.patients());
        report.put("requests_per_query", s.requests());
        report.put("cpus", Runtime.getRuntime().availableProcessors());
        report.put("load_average_before", loadAverage());
        long now = Instant.now().toEpochMilli() / 1000 * 1000;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
             EmbeddedPostgres pg = EmbeddedPostgres.start()) {
            kafka.createTopics(2);
            long t0 = System.nanoTime();
            List<String> patients = produce(kafka, s, now);
            double produceS = (System.nanoTime() - t0) / 1e9;
            out.printf("  %,d alert Bundles and %,d enrolments on the topics in %.1f s%n", s.alerts(), s.patients(), produceS);
            report.put("produce_seconds", round(produceS));

            long started = System.nanoTime();
            try (TriageServer server = TriageServer.start(TriageConfig.of(kafka.bootstrapServers(), pg.jdbcUrl(),
                    pg.user(), null).withPort(0).withGroupId("triage-bench"))) {
                long stored = 0;
                long deadline = System.nanoTime() + Duration.ofMinutes(120).toNanos();
                long nextReport = System.nanoTime() + 60_000_000_000L;
                while (stored < s.alerts()) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("ingest did not finish in 120 min: " + stored);
                    Thread.sleep(200); // a measurement loop, not a test: sample the stored count
                    stored = server.alertsIngested();
                    if (System.nanoTime() > nextReport) {
                        out.printf("    ingest: %,d stored after %.0f s (load average %s)%n", stored,
                                (System.nanoTime() - started) / 1e9, loadAverage());
                        nextReport += 60_000_000_000L;
                    }
                }
                double ingestS = (System.nanoTime() - started) / 1e9;
                long tasks = count(server, "select count(*) from resource where res_type = 'Task'");
                out.printf("  ingest: %,d alerts stored (%,d Tasks) %.1f s after the service started: %,.0f alerts/s "
                        + "(including the service's start-up)%n", stored, tasks, ingestS, stored / ingestS);
                report.put("ingest_seconds_including_startup", round(ingestS));
                report.put("ingest_alerts_per_second", Math.round(stored / ingestS));
                report.put("tasks_stored", tasks);

                server.users().add("bench-clinician", TriageUser.Role.CLINICIAN, Set.of(PROGRAMME),
                        "bench-password-not-secret".toCharArray(), true);
                String token = server.users().createToken("bench-clinician", "bench");
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = server.baseUrl();
                Random r = new Random(s.seed());
                String lastUpdatedFrom = Instant.ofEpochMilli(System.currentTimeMillis() - 60_000).toString();
                Map<String, IntFunction<String>> queries = new LinkedHashMap<>();
                queries.put("worklist (open Tasks, most urgent first, first 100)",
                        i -> "/fhir/Task?status=requested,accepted,in-progress&_sort=-priority,authored-on&_count=100");
                queries.put("Task search: one patient's alerts, newest first",
                        i -> "/fhir/Task?patient.identifier=" + enc(FhirAlerts.PATIENT_PSEUDONYM_SYSTEM + "|"
                                + patients.get(r.nextInt(patients.size()))) + "&_sort=-authored-on");
                queries.put("Task search: open Tasks of one episode type, urgent first, 50",
                        i -> "/fhir/Task?status=requested&episode-type=" + TYPES.get(i % TYPES.size()).code()
                                + "&_sort=-priority,authored-on&_count=50");
                queries.put("Task search: authored-on one day, 50",
                        i -> { LocalDate d = LocalDate.ofInstant(Instant.ofEpochMilli(now), java.time.ZoneOffset.UTC).minusDays(1 + i % 28);
                            return "/fhir/Task?authored-on=ge" + d + "&authored-on=lt" + d.plusDays(1) + "&_count=50"; });
                queries.put("Task search: _lastUpdated since ingest, 50",
                        i -> "/fhir/Task?_lastUpdated=gt" + enc(lastUpdatedFrom) + "&_sort=_lastUpdated&_count=50");
                queries.put("Observation read",
                        i -> "/fhir/Observation/" + EpisodeIds.of(null, patients.get(i % patients.size()), TYPES.get(i % TYPES.size()),
                                "bench/1", now - (long) (i % s.alerts()) * 60_000L));
                Map<String, Object> latency = new LinkedHashMap<>();
                for (Map.Entry<String, IntFunction<String>> q : queries.entrySet()) {
                    Map<String, Object> m = measure(http, base, token, q.getValue(), s.warmup(), s.requests(),
                            q.getKey().equals("Observation read"));
                    latency.put(q.getKey(), m);
                    out.printf("  %-62s p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  (%s)%n", q.getKey(), m.get("p50_ms"),
                            m.get("p95_ms"), m.get("p99_ms"), m.get("statuses"));
                }
                // the worklist refresh, old beside new, with a share of the alerts acknowledged (still open)
                TriageUser clinician = new TriageUser("bench-clinician", TriageUser.Role.CLINICIAN, Set.of(PROGRAMME));
                long ackStarted = System.nanoTime();
                int acknowledged = 0;
                for (int i = 0; i < s.alerts(); i += ACKNOWLEDGED_EVERY) {
                    server.store().act(clinician, EpisodeIds.of(null, patients.get(i % patients.size()),
                            TYPES.get(i % TYPES.size()), "bench/1", now - (long) i * 60_000L),
                            Workflow.Action.ACKNOWLEDGE, null, null, null, "bench");
                    acknowledged++;
                }
                out.printf("  %,d alerts acknowledged in %.1f s (load average %s)%n", acknowledged,
                        (System.nanoTime() - ackStarted) / 1e9, loadAverage());
                report.put("acknowledged_for_worklist_refresh", acknowledged);
                // each refresh: phases sent one after the other, the requests of a phase at once (as the page sends them)
                Map<String, List<List<String>>> refreshes = new LinkedHashMap<>();
                refreshes.put("worklist refresh before probe 20b: one search of every open status, 200",
                        List.of(List.of("/fhir/Task?status=requested,accepted,in-progress" + PAGE_SEARCH)));
                refreshes.put("worklist refresh of session 21: two searches of 200 (unacknowledged; acknowledged) at once",
                        List.of(List.of("/fhir/Task?status=requested" + PAGE_SEARCH, "/fhir/Task?status=accepted,in-progress" + PAGE_SEARCH)));
                refreshes.put("worklist refresh now: three searches of 200 at once (+ re-opened), then the urgent count",
                        List.of(List.of("/fhir/Task?status=requested" + PAGE_SEARCH, "/fhir/Task?status=accepted,in-progress" + PAGE_SEARCH,
                                "/fhir/Task?status=requested&flagged=true" + PAGE_SEARCH), List.of(URGENT_COUNT)));
                refreshes.put("the urgent count alone (open, priority=stat,asap,urgent, _summary=count)",
                        List.of(List.of(URGENT_COUNT)));
                // interleaved: every round times each refresh once, in a rotating order, so that a change of the
                // machine's load during the run falls on all of them alike (session 23; until then one after the other)
                Map<String, double[]> timed = measureInterleaved(http, base, token, refreshes, s.warmup(), s.requests());
                for (Map.Entry<String, double[]> q : timed.entrySet()) {
                    Map<String, Object> m = summary(q.getValue().clone(), Map.of(200, s.requests() * phaseRequests(refreshes.get(q.getKey()))));
                    latency.put(q.getKey(), m);
                    out.printf("  %-62s p50 %6.1f ms [%s]  p95 %6.1f ms [%s]  p99 %6.1f ms%n", q.getKey(), m.get("p50_ms"),
                            m.get("p50_ci95_ms"), m.get("p95_ms"), m.get("p95_ci95_ms"), m.get("p99_ms"));
                }
                List<String> names = new ArrayList<>(refreshes.keySet());
                Map<String, Object> paired = new LinkedHashMap<>();
                paired.put(names.get(2) + " / " + names.get(1), pairedRatio(timed.get(names.get(2)), timed.get(names.get(1))));
                paired.put(names.get(1) + " / " + names.get(0), pairedRatio(timed.get(names.get(1)), timed.get(names.get(0))));
                for (Map.Entry<String, Object> e : paired.entrySet()) out.printf("  per round: %s: %s%n", e.getKey(), e.getValue());
                report.put("worklist_refresh_ratios_per_round", paired);
                report.put("latency", latency);
                report.put("plans", plans(server, clinician, out));
            }
        }
        report.put("load_average_after", loadAverage());
        return report;
    }

    /** Puts the enrolments and the alert Bundles on their topics; returns the patients. */
    static List<String> produce(EmbeddedKafka kafka, Settings s, long now) throws Exception {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < s.patients(); i++) patients.add(String.format("bp-%06d", i));
        Random r = new Random(s.seed());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> acks = new ArrayList<>();
            AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
            AvroCodec<Enrolment> enrolments = AvroCodec.enrolments();
            for (String patient : patients) {
                Enrolment e = Enrolment.newBuilder().setPatientId(patient).setProgramme(PROGRAMME)
                        .setStatus(EnrolmentStatus.ACTIVE).setEnrolledOn(LocalDate.of(2026, 1, 1)).setTimeZone("Europe/London")
                        .setStratifiers(Stratifiers.newBuilder().build()).setThresholdOverrides(Map.of())
                        .setUpdatedAt(Instant.ofEpochMilli(now)).build();
                acks.add(producer.send(new ProducerRecord<>(Topics.ENROLMENTS, keys.encode(new PatientKey(PROGRAMME, patient)),
                        enrolments.encode(e))));
            }
            for (int i = 0; i < s.alerts(); i++) {
                String patient = patients.get(i % patients.size());
                EpisodeType type = TYPES.get(i % TYPES.size());
                // one episode a minute, backwards from now (100,000 alerts: about 69 days); the Observation read above
                // rebuilds the same deterministic ids from the same inputs
                long start = now - (long) i * 60_000L;
                Severity sev = r.nextInt(10) < 2 ? Severity.URGENT : Severity.ROUTINE;
                Map<String, Double> ev = switch (type) {
                    case TACHYCARDIA, BRADYCARDIA -> Map.of("meanRateBpm", 60.0 + r.nextInt(80));
                    case ATRIAL_FIBRILLATION -> Map.of("irregularity", 0.9, "meanRateBpm", 90.0 + r.nextInt(40));
                    case PAUSE -> Map.of("pauseMs", 3100.0 + r.nextInt(3000));
                    case INACTIVITY -> Map.of("stillMinutes", 200.0, "limitMinutes", 180.0);
                    case DEVICE_OFFLINE, BEAT_TO_BEAT_OFFLINE -> Map.of();
                };
                AlertChange c = new AlertChange(AlertChange.Kind.OPENED, true, EpisodeIds.of(null, patient, type, "bench/1", start),
                        patient, type, sev, start, null, start + 10 * 60_000L, null, ev, "bench/1", 1, r.nextInt(20) == 0 ? 1 : 0);
                byte[] bundle = FhirAlerts.toJson(c, AlertContext.NONE).getBytes(StandardCharsets.UTF_8);
                acks.add(producer.send(new ProducerRecord<>(Topics.ALERTS, patient.getBytes(StandardCharsets.UTF_8), bundle)));
            }
            producer.flush();
            for (Future<?> f : acks) f.get();
        }
        return patients;
    }

    /**
     * The SQL of the worklist page's refresh as the service sends it for a clinician of the bench's programme, each
     * statement run {@value #PLAN_RUNS} times under {@code EXPLAIN (ANALYZE, BUFFERS)}: the plan's nodes (with their
     * indexes), the rows its scans filtered out, the buffers it touched and its execution time (median, min-max). The
     * urgent count twice: on the {@code priority} column (the SQL until this session) and on {@code priority_rank}.
     */
    static Map<String, Object> plans(TriageServer server, TriageUser user, PrintStream out) throws Exception {
        Map<String, SearchQuery> page = new LinkedHashMap<>();
        Map<String, SearchQuery> count = new LinkedHashMap<>();
        page.put("ids: requested", pageQuery(List.of("requested")));
        count.put("count: requested", new SearchQuery("Task").anyOf("status", List.of("requested")));
        page.put("ids: accepted,in-progress", pageQuery(List.of("accepted", "in-progress")));
        count.put("count: accepted,in-progress", new SearchQuery("Task").anyOf("status", List.of("accepted", "in-progress")));
        page.put("ids: requested, flagged (re-opened)", pageQuery(List.of("requested")).anyOf("flagged", List.of(true)));
        count.put("count: requested, flagged (re-opened)", new SearchQuery("Task").anyOf("status", List.of("requested"))
                .anyOf("flagged", List.of(true)));
        count.put("count: open, urgent or above, on priority (codes)", new SearchQuery("Task")
                .anyOf("status", List.of("requested", "accepted", "in-progress")).anyOf("priority", List.of("stat", "asap", "urgent")));
        count.put("count: open, urgent or above, on priority_rank", new SearchQuery("Task")
                .anyOf("status", List.of("requested", "accepted", "in-progress")).anyOf("priority_rank", List.of(4, 3, 2)));
        Map<String, Object> plans = new LinkedHashMap<>();
        out.printf("  plans (EXPLAIN ANALYZE, %d runs each, clinician of one programme; load average %s):%n", PLAN_RUNS, loadAverage());
        for (Map.Entry<String, SearchQuery> e : page.entrySet()) plans.put(e.getKey(), plan(server, user, e.getValue(), true, out, e.getKey()));
        for (Map.Entry<String, SearchQuery> e : count.entrySet()) plans.put(e.getKey(), plan(server, user, e.getValue(), false, out, e.getKey()));
        return plans;
    }

    private static SearchQuery pageQuery(List<String> statuses) {
        return new SearchQuery("Task").anyOf("status", statuses).orderBy("priority_rank", true).orderBy("authored_on", false);
    }

    private static Map<String, Object> plan(TriageServer server, TriageUser user, SearchQuery q, boolean ids, PrintStream out,
                                            String name) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        double[] ms = new double[PLAN_RUNS];
        com.fasterxml.jackson.databind.JsonNode last = null;
        for (int i = 0; i < PLAN_RUNS; i++) {
            last = json.readTree(QueryPlans.explain(server.database(), user, q, ids, SNAPSHOT_IDS, true)).get(0);
            ms[i] = last.path("Execution Time").asDouble();
        }
        double first = ms[0];
        Arrays.sort(ms);
        com.fasterxml.jackson.databind.JsonNode root = last.get("Plan");
        List<String> nodes = new ArrayList<>();
        long[] filtered = {0};
        nodes(root, nodes, filtered);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodes", nodes);
        m.put("rows", root.path("Actual Rows").asLong());
        m.put("rows_removed_by_filter", filtered[0]);
        m.put("shared_buffers_hit", root.path("Shared Hit Blocks").asLong());
        m.put("shared_buffers_read", root.path("Shared Read Blocks").asLong());
        m.put("heap_fetches", heapFetches(root));
        m.put("execution_ms_median", round3(ms[PLAN_RUNS / 2]));
        m.put("execution_ms_min_max", round3(ms[0]) + "-" + round3(ms[PLAN_RUNS - 1]));
        m.put("execution_ms_first", round3(first));
        out.printf("    %-52s %9.3f ms (%s; first %.3f)  rows %,d  buffers %,d  filtered %,d  %s%n", name, ms[PLAN_RUNS / 2],
                m.get("execution_ms_min_max"), first, m.get("rows"), root.path("Shared Hit Blocks").asLong()
                        + root.path("Shared Read Blocks").asLong(), filtered[0], nodes);
        return m;
    }

    private static void nodes(com.fasterxml.jackson.databind.JsonNode plan, List<String> out, long[] filtered) {
        out.add(plan.path("Node Type").asText() + (plan.has("Index Name") ? " " + plan.get("Index Name").asText() : "")
                + (plan.has("Filter") ? " filter " + plan.get("Filter").asText() : ""));
        filtered[0] += plan.path("Rows Removed by Filter").asLong();
        if (plan.has("Plans")) for (com.fasterxml.jackson.databind.JsonNode child : plan.get("Plans")) nodes(child, out, filtered);
    }

    private static long heapFetches(com.fasterxml.jackson.databind.JsonNode plan) {
        long n = plan.path("Heap Fetches").asLong();
        if (plan.has("Plans")) for (com.fasterxml.jackson.databind.JsonNode child : plan.get("Plans")) n += heapFetches(child);
        return n;
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static int phaseRequests(List<List<String>> phases) {
        return phases.stream().mapToInt(List::size).sum();
    }

    /**
     * Each round times every refresh once (phases one after the other, a phase's requests at once), the refreshes in
     * an order rotated by one each round; ms per round and refresh (warm-up rounds left out).
     */
    static Map<String, double[]> measureInterleaved(HttpClient http, String base, String token,
                                                    Map<String, List<List<String>>> refreshes, int warmup, int n) throws Exception {
        List<String> names = new ArrayList<>(refreshes.keySet());
        Map<String, double[]> ms = new LinkedHashMap<>();
        for (String name : names) ms.put(name, new double[n]);
        for (int i = 0; i < warmup + n; i++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(Math.floorMod(k + i, names.size()));
                long t = System.nanoTime();
                for (List<String> phase : refreshes.get(name)) {
                    List<java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>();
                    for (String path : phase) {
                        sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofByteArray()));
                    }
                    for (var f : sent) {
                        HttpResponse<byte[]> resp = f.get();
                        if (resp.statusCode() != 200) throw new IllegalStateException(resp.uri() + ": HTTP " + resp.statusCode());
                    }
                }
                if (i >= warmup) ms.get(name)[i - warmup] = (System.nanoTime() - t) / 1e6;
            }
        }
        return ms;
    }

    /** Per-round ratios a[i] / b[i]: median, percentile-bootstrap 95 % interval of the median (10,000, seed 13), min-max. */
    static String pairedRatio(double[] a, double[] b) {
        int n = a.length;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = a[i] / b[i];
        Random random = new Random(13);
        double[] medians = new double[10_000];
        double[] sample = new double[n];
        for (int k = 0; k < medians.length; k++) {
            for (int i = 0; i < n; i++) sample[i] = r[random.nextInt(n)];
            Arrays.sort(sample);
            medians[k] = sample[n / 2];
        }
        Arrays.sort(medians);
        double[] sorted = r.clone();
        Arrays.sort(sorted);
        return String.format(java.util.Locale.ROOT, "median %.3f [%.3f, %.3f] (min %.3f, max %.3f; %d rounds)", sorted[n / 2],
                medians[249], medians[9_749], sorted[0], sorted[n - 1], n);
    }

    /** Latency summary of measured ms (sorted here). */
    static Map<String, Object> summary(double[] ms, Map<Integer, Integer> statuses) {
        Arrays.sort(ms);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", ms.length);
        m.put("p50_ms", round(pct(ms, 0.50)));
        m.put("p50_ci95_ms", ci(ms, 0.50));
        m.put("p95_ms", round(pct(ms, 0.95)));
        m.put("p95_ci95_ms", ci(ms, 0.95));
        m.put("p99_ms", round(pct(ms, 0.99)));
        m.put("max_ms", round(ms[ms.length - 1]));
        m.put("statuses", new java.util.TreeMap<>(statuses));
        return m;
    }

    static Map<String, Object> measure(HttpClient http, String base, String token, IntFunction<String> path, int warmup,
                                       int n, boolean notFoundOk) throws Exception {
        return measureRounds(http, base, token, i -> List.of(path.apply(i)), warmup, n, notFoundOk);
    }

    /** Each round sends its requests at once (as the worklist page sends its searches) and is timed until all answered. */
    static Map<String, Object> measureRounds(HttpClient http, String base, String token, IntFunction<List<String>> paths,
                                             int warmup, int n) throws Exception {
        return measureRounds(http, base, token, paths, warmup, n, false);
    }

    private static Map<String, Object> measureRounds(HttpClient http, String base, String token,
                                               IntFunction<List<String>> paths, int warmup, int n, boolean notFoundOk)
            throws Exception {
        double[] ms = new double[n];
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < warmup + n; i++) {
            List<HttpRequest> reqs = new ArrayList<>();
            for (String path : paths.apply(i)) {
                reqs.add(HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").build());
            }
            long t = System.nanoTime();
            List<java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>();
            for (HttpRequest req : reqs) sent.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()));
            List<HttpResponse<byte[]>> resps = new ArrayList<>();
            for (var f : sent) resps.add(f.get());
            double d = (System.nanoTime() - t) / 1e6;
            for (HttpResponse<byte[]> resp : resps) {
                if (resp.statusCode() != 200 && !(notFoundOk && resp.statusCode() == 404)) {
                    throw new IllegalStateException(resp.uri() + ": HTTP " + resp.statusCode() + " "
                            + new String(resp.body(), StandardCharsets.UTF_8).lines().findFirst().orElse(""));
                }
                if (i >= warmup) statuses.merge(resp.statusCode(), 1, Integer::sum);
            }
            if (i >= warmup) ms[i - warmup] = d;
        }
        return summary(ms, statuses);
    }

    /**
     * A distribution-free 95 % confidence interval of the q-quantile from sorted values: the order statistics at ranks
     * n*q -/+ 1.96 * sqrt(n*q*(1-q)) (normal approximation of the binomial), clamped to the sample; "lo-hi" in ms.
     */
    static String ci(double[] sorted, double q) {
        int n = sorted.length;
        double half = 1.96 * Math.sqrt(n * q * (1 - q));
        int lo = Math.max(1, (int) Math.floor(n * q - half));
        int hi = Math.min(n, (int) Math.ceil(n * q + half) + 1);
        return round(sorted[lo - 1]) + "-" + round(sorted[hi - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    static double pct(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static long count(TriageServer server, String sql) throws Exception {
        try (Connection c = server.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
