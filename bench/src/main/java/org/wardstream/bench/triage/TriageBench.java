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
                Map<String, List<String>> refreshes = new LinkedHashMap<>();
                refreshes.put("worklist refresh before probe 20b: one search of every open status, 200",
                        List.of("/fhir/Task?status=requested,accepted,in-progress" + PAGE_SEARCH));
                refreshes.put("worklist refresh now: two searches of 200 (unacknowledged; acknowledged) at once",
                        List.of("/fhir/Task?status=requested" + PAGE_SEARCH, "/fhir/Task?status=accepted,in-progress" + PAGE_SEARCH));
                for (Map.Entry<String, List<String>> q : refreshes.entrySet()) {
                    Map<String, Object> m = measureRounds(http, base, token, i -> q.getValue(), s.warmup(), s.requests());
                    latency.put(q.getKey(), m);
                    out.printf("  %-62s p50 %6.1f ms [%s]  p95 %6.1f ms [%s]  p99 %6.1f ms%n", q.getKey(), m.get("p50_ms"),
                            m.get("p50_ci95_ms"), m.get("p95_ms"), m.get("p95_ci95_ms"), m.get("p99_ms"));
                }
                report.put("latency", latency);
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
        Arrays.sort(ms);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("p50_ms", round(pct(ms, 0.50)));
        m.put("p50_ci95_ms", ci(ms, 0.50));
        m.put("p95_ms", round(pct(ms, 0.95)));
        m.put("p95_ci95_ms", ci(ms, 0.95));
        m.put("p99_ms", round(pct(ms, 0.99)));
        m.put("max_ms", round(ms[ms.length - 1]));
        m.put("statuses", statuses);
        return m;
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
