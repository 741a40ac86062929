package org.wardstream.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wardstream.bench.peers.AlertKey;
import org.wardstream.contract.Topics;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.rules.Rules;

/**
 * Runs the whole benchmark and returns its report (the JSON document as nested maps): one event set, the five
 * variants interleaved for R rounds (medians), the peer-equivalence check, latency at half the measured capacity
 * of {@code full} with an at-least-once and an exactly-once alert sink, keyed state per patient after N and 2N
 * records, and peak heap.
 */
public final class Benchmark {
    /** What to run. */
    public record Settings(int events, int patients, int rounds, long seed, int parallelism, Duration latencyDuration,
                           List<String> variants, boolean latency, boolean state, Duration checkpointInterval) {
        public Settings {
            if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1");
            if (events < 1000) throw new IllegalArgumentException("events must be at least 1000");
            if (patients < 1) throw new IllegalArgumentException("patients must be at least 1");
            for (String v : variants) {
                if (!Variants.ALL.contains(v)) throw new IllegalArgumentException("unknown variant " + v);
            }
        }
    }

    /** The job's default checkpoint interval (PipelineConfig.defaults). */
    public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    private static final int MAX_DIFF_LINES = 20;

    private final Settings settings;
    private final Path workDir;
    private final PrintStream log;

    public Benchmark(Settings settings, Path workDir, PrintStream log) {
        this.settings = settings;
        this.workDir = workDir;
        this.log = log;
    }

    public Map<String, Object> run() throws Exception {
        long started = System.nanoTime();
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> peakHeap = new LinkedHashMap<>();
        try (HeapSampler heap = new HeapSampler()) {
            log.printf("bench: generating %,d records (%,d patients, seed %d)...%n", 2L * settings.events(),
                    settings.patients(), settings.seed());
            EventSet set = new EventSet(settings.events(), settings.patients(), settings.seed());
            log.printf("bench: %,d records (%,d for throughput: %,d valid readings), %d simulated day(s)%n",
                    set.size(), set.n, set.readings.size(), set.days);
            peakHeap.put("generate", mb(heap.takePeak()));
            report.put("settings", settingsJson(set));
            report.put("machine", machine());
            report.put("event_set", eventSetJson(set));

            Path rulesDir = BenchRules.write(workDir.resolve("rules"));
            Rules rules = Rules.loadDirectory(rulesDir);
            try (BenchCluster cluster = BenchCluster.start(workDir, Math.max(2, settings.parallelism()))) {
                cluster.kafka.createTopics(settings.parallelism());
                preload(cluster, set);
                Variants variants = new Variants(cluster, set, rules, rulesDir, settings.parallelism(),
                        settings.checkpointInterval());

                Map<String, List<Double>> rounds = new LinkedHashMap<>();
                Map<String, Long> variantPeak = new LinkedHashMap<>();
                Map<String, List<AlertKey>> alerts = new LinkedHashMap<>();
                Map<String, Boolean> stable = new LinkedHashMap<>();
                for (String v : settings.variants()) rounds.put(v, new ArrayList<>());
                for (int r = 1; r <= settings.rounds(); r++) {
                    for (String v : settings.variants()) {
                        System.gc();
                        heap.takePeak();
                        Variants.Run run = variants.run(v);
                        variantPeak.merge(v, heap.takePeak(), Math::max);
                        rounds.get(v).add(run.perSecond());
                        log.printf("bench: round %d %-16s %,12.0f /s  (%,d in %.2f s%s)%n", r, v, run.perSecond(),
                                run.inputs(), run.seconds(),
                                run.alerts() == null ? "" : ", " + run.alerts().size() + " alerts compared");
                        if (run.alerts() != null) {
                            List<AlertKey> sorted = new ArrayList<>(run.alerts());
                            Collections.sort(sorted);
                            List<AlertKey> first = alerts.putIfAbsent(v, sorted);
                            stable.merge(v, first == null || first.equals(sorted), Boolean::logicalAnd);
                        }
                    }
                }
                Map<String, Object> throughput = new LinkedHashMap<>();
                rounds.forEach((v, list) -> throughput.put(v, round1(median(list))));
                report.put("throughput", throughput);
                report.put("throughput_rounds", roundsJson(rounds));
                report.put("throughput_units", units());
                Map<String, Object> equivalence = equivalence(alerts, stable);
                report.put("peer_equivalence", equivalence);
                variantPeak.forEach((v, b) -> peakHeap.put(v, mb(b)));

                Map<String, Object> latency = new LinkedHashMap<>();
                Double fullMedian = rounds.containsKey(Variants.FULL) ? median(rounds.get(Variants.FULL)) : null;
                if (settings.latency() && fullMedian != null) {
                    double rate = Math.max(100, fullMedian / 2);
                    LatencyRun lat = new LatencyRun(cluster, set, rules, settings.parallelism(),
                            settings.checkpointInterval());
                    for (DeliveryGuarantee g : List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE)) {
                        heap.takePeak();
                        LatencyRun.Result res = lat.run(g, rate, settings.latencyDuration());
                        peakHeap.put("latency_" + res.guarantee(), mb(heap.takePeak()));
                        log.printf("bench: latency %-14s p50 %,.0f ms  p99 %,.0f ms  (%d alerts, %,d events at %,.0f/s)%n",
                                res.guarantee(), res.p50Ms(), res.p99Ms(), res.alerts(), res.eventsSent(), res.ratePerSecond());
                        Map<String, Object> l = new LinkedHashMap<>();
                        l.put("p50", round1(res.p50Ms()));
                        l.put("p99", round1(res.p99Ms()));
                        l.put("max", round1(res.maxMs()));
                        l.put("alerts", res.alerts());
                        l.put("rate_per_s", round1(res.ratePerSecond()));
                        l.put("events_sent", res.eventsSent());
                        l.put("send_seconds", round1(res.seconds()));
                        latency.put(res.guarantee(), l);
                    }
                    latency.put("checkpoint_interval_ms", settings.checkpointInterval().toMillis());
                    latency.put("watermark_bound_ms", IngestSettings.defaults().outOfOrderness().toMillis());
                }
                report.put("latency_ms", latency);

                Map<String, Object> state = new LinkedHashMap<>();
                Double stateRatio = null;
                if (settings.state()) {
                    heap.takePeak();
                    StateRun.Result s = new StateRun(cluster, set, rulesDir, workDir, settings.parallelism()).run(variants);
                    peakHeap.put("state", mb(heap.takePeak()));
                    state.put("n", round1(s.perPatientN()));
                    state.put("2n", round1(s.perPatient2n()));
                    state.put("records_n", s.atN().records());
                    state.put("records_2n", s.at2n().records());
                    state.put("patients", s.patients());
                    state.put("by_operator_n", perPatient(s.atN().keyedBytesByOperator(), s.patients()));
                    state.put("by_operator_2n", perPatient(s.at2n().keyedBytesByOperator(), s.patients()));
                    stateRatio = s.perPatient2n() / s.perPatientN();
                    log.printf("bench: keyed state per patient %,.0f B after %,d records, %,.0f B after %,d%n",
                            s.perPatientN(), s.atN().records(), s.perPatient2n(), s.at2n().records());
                }
                report.put("state_bytes_per_patient", state);

                Map<String, Object> ratios = new LinkedHashMap<>();
                ratios.put("full_over_passthrough", ratio(throughput, Variants.FULL, Variants.PASSTHROUGH, null));
                ratios.put("detection_over_esper", ratio(throughput, Variants.DETECTION, Variants.ESPER, equivalence));
                ratios.put("detection_over_match_recognize",
                        ratio(throughput, Variants.DETECTION, Variants.MATCH_RECOGNIZE, equivalence));
                ratios.put("state_2n_over_n", stateRatio == null ? null : round3(stateRatio));
                report.put("ratios", ratios);
                report.put("goals", goals(ratios, state, latency));
                report.put("patients_per_core", patientsPerCore(set, throughput));
            }
            peakHeap.put("overall", mb(heap.overallPeak()));
            report.put("peak_heap_mb", peakHeap);
        }
        report.put("elapsed_seconds", round1((System.nanoTime() - started) / 1e9));
        return report;
    }

    private void preload(BenchCluster cluster, EventSet set) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < set.enrolmentKeys.size(); i++) {
                producer.send(new ProducerRecord<>(Topics.ENROLMENTS, set.enrolmentKeys.get(i), set.enrolmentValues.get(i)));
            }
            for (int i = 0; i < set.n; i++) {
                producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS, 0, set.timestamps.get(i), set.keys.get(i),
                        set.values.get(i)));
            }
            producer.flush();
        }
    }

    private Map<String, Object> equivalence(Map<String, List<AlertKey>> alerts, Map<String, Boolean> stable) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<AlertKey> reference = alerts.get(Variants.DETECTION);
        for (String peer : List.of(Variants.ESPER, Variants.MATCH_RECOGNIZE)) {
            if (reference == null || !alerts.containsKey(peer)) {
                continue;
            }
            TreeSet<AlertKey> missing = new TreeSet<>(reference);
            missing.removeAll(alerts.get(peer));
            TreeSet<AlertKey> extra = new TreeSet<>(alerts.get(peer));
            extra.removeAll(reference);
            boolean equal = missing.isEmpty() && extra.isEmpty() && reference.size() == alerts.get(peer).size()
                    && stable.getOrDefault(peer, true) && stable.getOrDefault(Variants.DETECTION, true);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("equal", equal);
            e.put("detection_alerts", reference.size());
            e.put("peer_alerts", alerts.get(peer).size());
            e.put("by_type", byType(reference));
            e.put("missing_in_peer", head(missing));
            e.put("extra_in_peer", head(extra));
            e.put("same_every_round", stable.getOrDefault(peer, true) && stable.getOrDefault(Variants.DETECTION, true));
            out.put(peer, e);
            log.printf("bench: peer %s %s detection: %d vs %d alerts%n", peer, equal ? "EQUALS" : "DIFFERS FROM",
                    alerts.get(peer).size(), reference.size());
            missing.stream().limit(MAX_DIFF_LINES).forEach(k -> log.println("  - only in detection: " + k));
            extra.stream().limit(MAX_DIFF_LINES).forEach(k -> log.println("  + only in " + peer + ": " + k));
        }
        return out;
    }

    private static Map<String, Long> byType(List<AlertKey> keys) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(AlertKey.TACHYCARDIA, 0L);
        m.put(AlertKey.ATRIAL_FIBRILLATION, 0L);
        for (AlertKey k : keys) m.merge(k.type(), 1L, Long::sum);
        return m;
    }

    private static List<String> head(TreeSet<AlertKey> keys) {
        return keys.stream().limit(MAX_DIFF_LINES).map(AlertKey::toString).toList();
    }

    /** a / b, or null when either is missing or (for peers) the comparison is void. */
    @SuppressWarnings("unchecked")
    private static Double ratio(Map<String, Object> throughput, String a, String b, Map<String, Object> equivalence) {
        if (!throughput.containsKey(a) || !throughput.containsKey(b)) {
            return null;
        }
        if (equivalence != null) {
            Object e = equivalence.get(b);
            if (!(e instanceof Map<?, ?> m) || !Boolean.TRUE.equals(((Map<String, Object>) m).get("equal"))) {
                return null; // the peer did not produce the same alerts: the comparison is void
            }
        }
        return round3((Double) throughput.get(a) / (Double) throughput.get(b));
    }

    private static Map<String, Object> goals(Map<String, Object> ratios, Map<String, Object> state, Map<String, Object> latency) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("full_over_passthrough", goal(">= 0.5", ratios.get("full_over_passthrough"), v -> v >= 0.5));
        g.put("detection_over_esper", goal(">= 1.0", ratios.get("detection_over_esper"), v -> v >= 1.0));
        g.put("detection_over_match_recognize", goal(">= 3", ratios.get("detection_over_match_recognize"), v -> v >= 3));
        g.put("state_2n_over_n", goal("<= 1.1", ratios.get("state_2n_over_n"), v -> v <= 1.1));
        Object perPatient = state.isEmpty() ? null : Math.max((Double) state.get("n"), (Double) state.get("2n"));
        g.put("state_bytes_per_patient", goal("< 2048", perPatient, v -> v < 2048));
        Object p99 = latency.get("at_least_once") instanceof Map<?, ?> m ? m.get("p99") : null;
        long bound = IngestSettings.defaults().outOfOrderness().toMillis() + 1000;
        g.put("p99_latency_at_least_once_ms", goal("<= watermark bound + 1 s = " + bound, p99, v -> v <= bound));
        return g;
    }

    private static Map<String, Object> goal(String target, Object value, java.util.function.DoublePredicate met) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("value", value);
        m.put("met", value instanceof Double d && !d.isNaN() ? met.test(d) : null);
        return m;
    }

    private static Map<String, Object> patientsPerCore(EventSet set, Map<String, Object> throughput) {
        Map<String, Object> m = new LinkedHashMap<>();
        double recordsPerPatientMinute = set.spanMs <= 0 ? Double.NaN
                : set.n / (set.patients * (set.spanMs / 60_000.0));
        m.put("records_per_patient_minute_simulated", round3(recordsPerPatientMinute));
        m.put("hr_samples_per_patient_minute_simulated", round3(set.hrPerPatientMinute()));
        m.put("rr_batches_per_patient_minute_simulated", round3(set.rrBatchesPerPatientMinute()));
        if (throughput.get(Variants.FULL) instanceof Double full) {
            long simulated = Math.round(full * 60 / recordsPerPatientMinute);
            m.put("full_job_at_simulated_mix", simulated);
            // The RR analysis dominates the cost (docs/BENCHMARKS.md, profile): at one RR batch (and one heart-rate
            // sample) per patient-minute, scale by the simulated RR batches per patient-minute.
            double rr = set.rrBatchesPerPatientMinute();
            if (rr > 0) {
                m.put("full_job_at_one_hr_and_one_rr_batch_per_minute", Math.round(simulated * rr));
            }
        }
        if (throughput.get(Variants.DETECTION) instanceof Double det) {
            m.put("detection_stage_at_simulated_mix", Math.round(det * 60 / set.readingsPerPatientMinute()));
        }
        m.put("parallelism", "one task slot (the job's operators chained on one core; the broker, the Kafka client threads and the JVM share the machine's other core)");
        return m;
    }

    private Map<String, Object> settingsJson(EventSet set) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", settings.events());
        m.put("patients", settings.patients());
        m.put("rounds", settings.rounds());
        m.put("seed", settings.seed());
        m.put("parallelism", settings.parallelism());
        m.put("variants", settings.variants());
        m.put("simulated_days", set.days);
        m.put("rules", "packaged alert-rules with tachycardia and atrial-fibrillation coolDown PT0S and AF minDuration PT10S (see docs/BENCHMARKS.md)");
        return m;
    }

    private static Map<String, Object> eventSetJson(EventSet set) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("records_throughput", set.n);
        m.put("records_total", set.size());
        m.put("readings_throughput", set.readings.size());
        m.put("hr_samples", set.hrSamples);
        m.put("rr_batches", set.rrBatches);
        m.put("device_time_span_hours", round3(set.spanMs / 3_600_000.0));
        return m;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("max_heap_mb", mb(HeapSampler.maxHeap()));
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo"));
            lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no CPU model
        }
        try {
            double[] load = {java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()};
            m.put("load_average_at_start", round1(load[0]));
        } catch (RuntimeException e) {
            // unavailable
        }
        return m;
    }

    private static Map<String, Object> units() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(Variants.PASSTHROUGH, "Kafka records/s (every record, including injected faults and duplicates)");
        m.put(Variants.FULL, "Kafka records/s (every record, including injected faults and duplicates)");
        m.put(Variants.DETECTION, "readings/s (valid, de-duplicated readings from memory)");
        m.put(Variants.ESPER, "readings/s (the same readings)");
        m.put(Variants.MATCH_RECOGNIZE, "readings/s (the same readings)");
        return m;
    }

    private static Map<String, Object> roundsJson(Map<String, List<Double>> rounds) {
        Map<String, Object> m = new LinkedHashMap<>();
        rounds.forEach((v, l) -> m.put(v, l.stream().map(Benchmark::round1).toList()));
        return m;
    }

    private static Map<String, Object> perPatient(Map<String, Long> bytes, int patients) {
        Map<String, Object> m = new LinkedHashMap<>();
        bytes.forEach((k, v) -> m.put(k, round1((double) v / patients)));
        return m;
    }

    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double mb(long bytes) {
        return round1(bytes / 1048576.0);
    }

    static double round1(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 10) / 10.0;
    }

    static double round3(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 1000) / 1000.0;
    }
}
