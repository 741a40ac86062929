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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wardstream.bench.peers.AlertKey;
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
                           List<String> variants, boolean latency, boolean state, Duration checkpointInterval,
                           Duration roundDuration, boolean warmUp, boolean productionKeyState,
                           List<Double> latencyLoads, int latencyAlerts) {
        /** The settings with the default latency points ({@link #DEFAULT_LATENCY_LOADS}, {@link #DEFAULT_LATENCY_ALERTS}). */
        public Settings(int events, int patients, int rounds, long seed, int parallelism, Duration latencyDuration,
                        List<String> variants, boolean latency, boolean state, Duration checkpointInterval,
                        Duration roundDuration, boolean warmUp, boolean productionKeyState) {
            this(events, patients, rounds, seed, parallelism, latencyDuration, variants, latency, state,
                    checkpointInterval, roundDuration, warmUp, productionKeyState, DEFAULT_LATENCY_LOADS,
                    DEFAULT_LATENCY_ALERTS);
        }

        /** The settings of a full report: a warm-up pass, then each round at least 60 s of each variant. */
        public Settings(int events, int patients, int rounds, long seed, int parallelism, Duration latencyDuration,
                        List<String> variants, boolean latency, boolean state, Duration checkpointInterval) {
            this(events, patients, rounds, seed, parallelism, latencyDuration, variants, latency, state,
                    checkpointInterval, DEFAULT_ROUND, true, state);
        }

        public Settings {
            if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1");
            if (roundDuration.isNegative()) throw new IllegalArgumentException("round duration must not be negative");
            if (events < 1000) throw new IllegalArgumentException("events must be at least 1000");
            if (patients < 1) throw new IllegalArgumentException("patients must be at least 1");
            for (String v : variants) {
                if (!Variants.ALL.contains(v)) throw new IllegalArgumentException("unknown variant " + v);
            }
            if (latencyLoads.isEmpty()) throw new IllegalArgumentException("at least one latency load");
            for (double l : latencyLoads) {
                if (!(l > 0 && l <= 2)) throw new IllegalArgumentException("latency load " + l + " outside (0, 2]");
            }
            if (latencyAlerts < 1) throw new IllegalArgumentException("latency alert target must be positive");
            latencyLoads = latencyLoads.stream().sorted().toList();
        }
    }

    /** The job's default checkpoint interval (PipelineConfig.defaults). */
    public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    /** Latency load points: fractions of the measured capacity of {@code full} (records/s). */
    public static final List<Double> DEFAULT_LATENCY_LOADS = List.of(0.1, 0.5);
    /** Alerts timed per latency point (after the warm-up). */
    public static final int DEFAULT_LATENCY_ALERTS = 1000;
    /** Alerts raised by readings sent in the first this-much of a latency point are not timed (JIT, first state). */
    public static final Duration LATENCY_WARM_UP = Duration.ofSeconds(20);
    /** Steady state per variant and round in a full report: the variant is re-run over the set until this much. */
    public static final Duration DEFAULT_ROUND = Duration.ofSeconds(60);
    /** Variants whose input carries the set's RR beats (CPU per beat is reported for them). */
    private static final List<String> BEAT_VARIANTS = List.of(Variants.FULL, Variants.DETECTION, Variants.ESPER,
            Variants.MATCH_RECOGNIZE);
    private static final int MAX_DIFF_LINES = 20;

    private final Settings settings;
    private final Path workDir;
    private final PrintStream log;

    public Benchmark(Settings settings, Path workDir, PrintStream log) {
        this.settings = settings;
        this.workDir = workDir;
        this.log = log;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> run() throws Exception {
        long started = System.nanoTime();
        Map<String, Stats.Estimate> cpuRatios = Map.of();
        Map<String, Object> wallRatios = Map.of();
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
                Map<String, List<Double>> cpuPer1000 = new LinkedHashMap<>();
                Map<String, List<Double>> cpuPerBeat = new LinkedHashMap<>();
                Map<String, List<Integer>> repetitions = new LinkedHashMap<>();
                List<Double> loads = new ArrayList<>();
                Map<String, Long> variantPeak = new LinkedHashMap<>();
                Map<String, List<AlertKey>> alerts = new LinkedHashMap<>();
                Map<String, Boolean> stable = new LinkedHashMap<>();
                for (String v : settings.variants()) {
                    rounds.put(v, new ArrayList<>());
                    cpuPer1000.put(v, new ArrayList<>());
                    cpuPerBeat.put(v, new ArrayList<>());
                    repetitions.put(v, new ArrayList<>());
                }
                if (settings.warmUp()) {
                    for (String v : settings.variants()) {
                        Variants.Run run = variants.run(v);
                        log.printf("bench: warm-up  %-16s %,12.0f /s  (not counted)%n", v, run.perSecond());
                    }
                }
                double roundSeconds = settings.roundDuration().toMillis() / 1000.0;
                for (int r = 1; r <= settings.rounds(); r++) {
                    for (String v : settings.variants()) {
                        System.gc();
                        heap.takePeak();
                        loads.add(Cpu.loadAverages()[0]);
                        List<Variants.Run> reps = new ArrayList<>();
                        double wall = 0;
                        do {
                            Variants.Run one = variants.run(v);
                            reps.add(one);
                            wall += one.seconds();
                            if (one.alerts() != null) {
                                List<AlertKey> sorted = new ArrayList<>(one.alerts());
                                Collections.sort(sorted);
                                List<AlertKey> first = alerts.putIfAbsent(v, sorted);
                                stable.merge(v, first == null || first.equals(sorted), Boolean::logicalAnd);
                            }
                        } while (wall < roundSeconds);
                        Variants.Run run = Variants.Run.sum(reps);
                        variantPeak.merge(v, heap.takePeak(), Math::max);
                        rounds.get(v).add(run.perSecond());
                        cpuPer1000.get(v).add(1000 * run.cpuSeconds() / run.inputs());
                        repetitions.get(v).add(reps.size());
                        if (BEAT_VARIANTS.contains(v) && set.beats > 0) {
                            cpuPerBeat.get(v).add(1e6 * run.cpuSeconds() / ((double) set.beats * reps.size()));
                        }
                        log.printf("bench: round %d %-16s %,12.0f /s  %8.3f CPU-s/1000  (%,d in %.2f s, %d pass(es)%s)%n",
                                r, v, run.perSecond(), 1000 * run.cpuSeconds() / run.inputs(), run.inputs(),
                                run.seconds(), reps.size(),
                                run.alerts() == null ? "" : ", " + run.alerts().size() + " alerts compared");
                    }
                }
                loads.add(Cpu.loadAverages()[0]);
                Map<String, Object> throughput = new LinkedHashMap<>();
                rounds.forEach((v, list) -> throughput.put(v, round1(median(list))));
                report.put("throughput", throughput);
                report.put("throughput_rounds", roundsJson(rounds));
                report.put("throughput_ci95", intervals(rounds, 1));
                report.put("throughput_units", units());
                report.put("cpu_seconds_per_1000_inputs", estimates(cpuPer1000, 4));
                report.put("cpu_seconds_per_1000_inputs_rounds", roundsJson(cpuPer1000, 4));
                cpuPerBeat.values().removeIf(List::isEmpty);
                report.put("cpu_us_per_beat", estimates(cpuPerBeat, 3));
                report.put("cpu_us_per_beat_rounds", roundsJson(cpuPerBeat, 3));
                report.put("passes_per_round", repetitions);
                report.put("load_average_1min_during_rounds", loadSummary(loads));
                Map<String, Object> equivalence = equivalence(alerts, stable);
                report.put("peer_equivalence", equivalence);
                variantPeak.forEach((v, b) -> peakHeap.put(v, mb(b)));
                cpuRatios = cpuRatios(cpuPer1000, equivalence);
                wallRatios = wallRatios(throughput, equivalence);

                Map<String, Object> latency = new LinkedHashMap<>();
                Double fullMedian = rounds.containsKey(Variants.FULL) ? median(rounds.get(Variants.FULL)) : null;
                if (settings.latency() && fullMedian != null) {
                    report.put("latency_points", latencyPoints(cluster, rules, fullMedian, latency, heap, peakHeap));
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

                if (settings.productionKeyState()) {
                    state.put("production_key", productionKeyState(heap, peakHeap, rulesDir, rules));
                }
                Map<String, Object> ratios = new LinkedHashMap<>();
                Map<String, Object> ratioIntervals = new LinkedHashMap<>();
                for (String k : List.of("full_over_passthrough", "detection_over_esper", "detection_over_match_recognize")) {
                    Stats.Estimate e = cpuRatios.get(k);
                    ratios.put(k, e == null ? null : round3(e.value()));
                    ratioIntervals.put(k, e == null ? null : List.of(round3(e.low()), round3(e.high())));
                }
                ratios.put("state_2n_over_n", stateRatio == null ? null : round3(stateRatio));
                report.put("ratios", ratios);
                report.put("ratios_ci95", ratioIntervals);
                report.put("ratios_basis", "inputs per CPU-second of the whole process (numerator variant over "
                        + "denominator variant), per round, then the median over rounds; ci95: percentile bootstrap of "
                        + "that median (" + Stats.RESAMPLES + " resamples of the rounds)");
                report.put("ratios_wall", wallRatios);
                report.put("goals", goals(cpuRatios, ratios, state, latency));
                report.put("patients_per_core", patientsPerCore(set, throughput));
            }
            peakHeap.put("overall", mb(heap.overallPeak()));
            Map<String, Object> machine = (Map<String, Object>) report.get("machine");
            machine.put("load_average_at_end", loadList(Cpu.loadAverages()));
            report.put("peak_heap_mb", peakHeap);
        }
        report.put("elapsed_seconds", round1((System.nanoTime() - started) / 1e9));
        return report;
    }

    /**
     * Latency at each load of {@link Settings#latencyLoads} (a fraction of {@code full}'s measured records/s), with an
     * at-least-once and an exactly-once alert sink, over an {@link AlertDenseSet} sized for the alert target. The
     * highest load's figures also go into {@code latency} under the guarantee's name (the report's former keys).
     */
    private List<Object> latencyPoints(BenchCluster cluster, Rules rules, double fullPerSecond,
                                       Map<String, Object> latency, HeapSampler heap, Map<String, Object> peakHeap)
            throws Exception {
        LatencyRun lat = new LatencyRun(cluster, rules, settings.parallelism(), settings.checkpointInterval());
        org.wardstream.rules.EffectiveRules effective = rules.defaults();
        long maxMs = settings.latencyDuration().toMillis();
        long warmUpMs = Math.min(LATENCY_WARM_UP.toMillis(), maxMs / 4);
        long boundMs = settings.checkpointInterval().toMillis() + 1000;
        List<Object> points = new ArrayList<>();
        double highest = settings.latencyLoads().get(settings.latencyLoads().size() - 1);
        int no = 0;
        for (double load : settings.latencyLoads()) {
            double rate = Math.max(20, load * fullPerSecond);
            int patients = AlertDenseSet.patientsFor(rate);
            long duration = AlertDenseSet.durationFor(patients, settings.latencyAlerts(), warmUpMs, maxMs,
                    settings.seed(), effective);
            AlertDenseSet dense = new AlertDenseSet(patients, duration, settings.seed() + no);
            AlertDenseSet.Count count = dense.count(effective, 0);
            int expected = (int) java.util.Arrays.stream(count.openedAtOffsets()).filter(t -> t >= warmUpMs).count();
            log.printf("bench: latency load %.2f of full (%,.0f records/s): %,d patients, %,d records over %.1f s, "
                            + "%,d alerts expected after the %d s warm-up%n", load, dense.offeredPerSecond(), patients,
                    dense.size(), duration / 1000.0, expected, warmUpMs / 1000);
            for (DeliveryGuarantee g : List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE)) {
                System.gc();
                heap.takePeak();
                double loadBefore = Cpu.loadAverages()[0];
                LatencyRun.Result res = lat.run("lat-" + no + "-" + g.name().toLowerCase().replace('_', '-'), g,
                        dense, warmUpMs, expected);
                double mb = mb(heap.takePeak());
                peakHeap.merge("latency_" + res.guarantee(), mb, (a, b) -> Math.max((Double) a, (Double) b));
                long bound = g == DeliveryGuarantee.EXACTLY_ONCE ? boundMs : 1000;
                Map<String, Object> point = latencyJson(res, load, bound);
                point.put("load_average_1min_before", round1(loadBefore));
                points.add(point);
                log.printf("bench: latency load %.2f %-14s p50 %,.0f ms [%,.0f, %,.0f]  p99 %,.0f ms [%,.0f, %,.0f]  "
                                + "max %,.0f ms  (%,d alerts of %,d expected; %,d events at %,.0f/s offered, %,.0f/s "
                                + "achieved)%n", load, res.guarantee(), res.p50().value(), res.p50().low(),
                        res.p50().high(), res.p99().value(), res.p99().low(), res.p99().high(), res.maxMs(),
                        res.alerts(), res.expectedAlerts(), res.eventsSent(), res.offeredPerSecond(),
                        res.achievedPerSecond());
                if (load == highest) {
                    latency.put(res.guarantee(), point);
                }
            }
            no++;
        }
        latency.put("checkpoint_interval_ms", settings.checkpointInterval().toMillis());
        latency.put("watermark_bound_ms", IngestSettings.defaults().outOfOrderness().toMillis());
        latency.put("points_at", "the at_least_once and exactly_once figures here are those of the highest load "
                + "(latency_points has every load)");
        return points;
    }

    private static Map<String, Object> latencyJson(LatencyRun.Result res, double load, long goalMs) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("guarantee", res.guarantee());
        l.put("load_fraction_of_full", load);
        l.put("p50", round1(res.p50().value()));
        l.put("p99", round1(res.p99().value()));
        l.put("max", round1(res.maxMs()));
        l.put("alerts", res.alerts());
        l.put("p50_ci95", List.of(round1(res.p50().low()), round1(res.p50().high())));
        l.put("p99_ci95", List.of(round1(res.p99().low()), round1(res.p99().high())));
        l.put("goal_p99_ms", goalMs);
        l.put("goal_met_whole_interval", Double.isNaN(res.p99().high()) ? null : res.p99().high() <= goalMs);
        l.put("rate_per_s", round1(res.offeredPerSecond()));
        l.put("achieved_per_s", round1(res.achievedPerSecond()));
        l.put("events_sent", res.eventsSent());
        l.put("send_seconds", round1(res.sendSeconds()));
        l.put("patients", res.patients());
        l.put("warm_up_s", res.warmUpMs() / 1000.0);
        l.put("alerts_expected", res.expectedAlerts());
        l.put("alerts_in_warm_up", res.warmUpAlerts());
        l.put("opened_not_by_a_reading", res.notFromReading());
        l.put("other_changes", res.otherChanges());
        l.put("send_late_p99_ms", round1(res.lateSendMsP99()));
        l.put("job_caught_up_after_send_s", Double.isNaN(res.catchUpSeconds()) ? null : round1(res.catchUpSeconds()));
        double[] lat = res.latenciesMs();
        if (lat.length > 0) {
            l.put("p90", round1(Stats.nearestRank(lat, 90)));
            l.put("min", round1(lat[0]));
            // where the time goes: raised (the reading sent) -> the alert appended to the topic by the job's sink,
            // then appended -> polled by the read_committed consumer
            l.put("to_written_p50", round1(Stats.nearestRank(res.toWrittenMs(), 50)));
            l.put("to_written_p99", round1(Stats.nearestRank(res.toWrittenMs(), 99)));
            l.put("written_to_seen_p50", round1(Stats.nearestRank(res.writtenToSeenMs(), 50)));
            l.put("written_to_seen_p99", round1(Stats.nearestRank(res.writtenToSeenMs(), 99)));
        }
        return l;
    }

    /**
     * Keyed state with production-length (36-character) pseudonyms: the same simulated population and records with
     * every pseudonym replaced, on a fresh broker and MiniCluster, after N and 2N records.
     */
    private Map<String, Object> productionKeyState(HeapSampler heap, Map<String, Object> peakHeap, Path rulesDir,
                                                   Rules rules) throws Exception {
        log.printf("bench: keyed state with %d-character pseudonyms: generating the set again...%n",
                EventSet.PRODUCTION_KEY_LENGTH);
        EventSet set = new EventSet(settings.events(), settings.patients(), settings.seed(), true);
        Path dir = workDir.resolve("production-key");
        heap.takePeak();
        try (BenchCluster cluster = BenchCluster.start(dir, Math.max(2, settings.parallelism()))) {
            cluster.kafka.createTopics(settings.parallelism());
            preload(cluster, set);
            Variants variants = new Variants(cluster, set, rules, rulesDir, settings.parallelism(),
                    settings.checkpointInterval());
            StateRun.Result s = new StateRun(cluster, set, rulesDir, dir, settings.parallelism()).run(variants);
            peakHeap.put("state_production_key", mb(heap.takePeak()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pseudonym_length", set.keyLength);
            m.put("n", round1(s.perPatientN()));
            m.put("2n", round1(s.perPatient2n()));
            m.put("by_operator_n", perPatient(s.atN().keyedBytesByOperator(), s.patients()));
            m.put("by_operator_2n", perPatient(s.at2n().keyedBytesByOperator(), s.patients()));
            log.printf("bench: keyed state per patient with %d-character pseudonyms %,.0f B after %,d records, "
                            + "%,.0f B after %,d%n", set.keyLength, s.perPatientN(), s.atN().records(),
                    s.perPatient2n(), s.at2n().records());
            return m;
        }
    }

    /**
     * The enrolments and the first N records of {@code set} onto the cluster's topics; fails when the broker refused
     * any of them (a missing record would leave a run waiting for its outcome).
     */
    static void preload(BenchCluster cluster, RecordSource set) {
        load(cluster, true, (producer, check) -> {
            set.sendEnrolments(producer, check);
            set.sendRecords(0, set.n(), producer, 0, check);
        });
    }

    /** How records are sent: the enrolments and records of a set through {@code producer}, each with {@code check}. */
    interface Sending {
        void send(KafkaProducer<byte[], byte[]> producer, org.apache.kafka.clients.producer.Callback check);
    }

    /**
     * Sends records onto the cluster's topics and waits for all; fails when the broker refused any of them (a missing
     * record would leave a run waiting for its outcome). {@code bigBatches}: 512 kB batches (the preload of a set).
     */
    static void load(BenchCluster cluster, boolean bigBatches, Sending sending) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        if (bigBatches) {
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        }
        // the whole set is queued at once and nothing is timed here: a batch waits for a slow broker (a loaded
        // machine) instead of expiring after the default 2 min (a CI run beside other work: "Expiring 430 record(s)
        // for device-events-0: 120010 ms has passed since batch creation"); a refusal still fails the run
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(30 * 60_000));
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        org.apache.kafka.clients.producer.Callback check = (metadata, e) -> {
            if (e != null) failure.compareAndSet(null, e);
        };
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            sending.send(producer, check);
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the broker refused part of the event set: " + failure.get(), failure.get());
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

    /** Whether a peer's comparison counts: it produced exactly the detection stage's alerts. */
    @SuppressWarnings("unchecked")
    private static boolean peerEqual(Map<String, Object> equivalence, String peer) {
        Object e = equivalence.get(peer);
        return e instanceof Map<?, ?> m && Boolean.TRUE.equals(((Map<String, Object>) m).get("equal"));
    }

    /**
     * The ratios as inputs per CPU-second of {@code a} over {@code b}, i.e. CPU per input of b over that of a, paired
     * by round; a peer ratio is left out when the peer's alerts differ (the comparison is void).
     */
    private static Map<String, Stats.Estimate> cpuRatios(Map<String, List<Double>> cpuPer1000,
                                                         Map<String, Object> equivalence) {
        Map<String, Stats.Estimate> m = new LinkedHashMap<>();
        cpuRatio(m, "full_over_passthrough", cpuPer1000, Variants.FULL, Variants.PASSTHROUGH);
        if (peerEqual(equivalence, Variants.ESPER)) {
            cpuRatio(m, "detection_over_esper", cpuPer1000, Variants.DETECTION, Variants.ESPER);
        }
        if (peerEqual(equivalence, Variants.MATCH_RECOGNIZE)) {
            cpuRatio(m, "detection_over_match_recognize", cpuPer1000, Variants.DETECTION, Variants.MATCH_RECOGNIZE);
        }
        return m;
    }

    private static void cpuRatio(Map<String, Stats.Estimate> out, String key, Map<String, List<Double>> cpuPer1000,
                                 String a, String b) {
        if (cpuPer1000.containsKey(a) && cpuPer1000.containsKey(b)) {
            out.put(key, Stats.pairedRatio(toArray(cpuPer1000.get(b)), toArray(cpuPer1000.get(a))));
        }
    }

    /** The former basis, for comparison with older reports: throughput (wall clock) medians a / b. */
    private static Map<String, Object> wallRatios(Map<String, Object> throughput, Map<String, Object> equivalence) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("full_over_passthrough", ratio(throughput, Variants.FULL, Variants.PASSTHROUGH, true));
        m.put("detection_over_esper", ratio(throughput, Variants.DETECTION, Variants.ESPER,
                peerEqual(equivalence, Variants.ESPER)));
        m.put("detection_over_match_recognize", ratio(throughput, Variants.DETECTION, Variants.MATCH_RECOGNIZE,
                peerEqual(equivalence, Variants.MATCH_RECOGNIZE)));
        return m;
    }

    private static Double ratio(Map<String, Object> throughput, String a, String b, boolean valid) {
        if (!valid || !throughput.containsKey(a) || !throughput.containsKey(b)) {
            return null;
        }
        return round3((Double) throughput.get(a) / (Double) throughput.get(b));
    }

    /** The issue-19 goals; a goal counts as met only when the whole 95 % interval clears it. */
    private static Map<String, Object> goals(Map<String, Stats.Estimate> cpuRatios, Map<String, Object> ratios,
                                             Map<String, Object> state, Map<String, Object> latency) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("full_over_passthrough", intervalGoal(">= 0.4", cpuRatios.get("full_over_passthrough"), 0.4));
        g.put("detection_over_esper", intervalGoal(">= 1.5", cpuRatios.get("detection_over_esper"), 1.5));
        g.put("detection_over_match_recognize",
                intervalGoal(">= 4", cpuRatios.get("detection_over_match_recognize"), 4));
        g.put("state_2n_over_n", goal("<= 1.1", ratios.get("state_2n_over_n"), v -> v <= 1.1));
        Object production = state.get("production_key") instanceof Map<?, ?> m ? m.get("2n") : null;
        g.put("state_bytes_per_patient_production_key", goal("<= 700", production, v -> v <= 700));
        g.put("p99_latency_at_least_once_ms", latencyGoal("<= 1000", latency.get("at_least_once")));
        long bound = CHECKPOINT_INTERVAL.toMillis() + 1000;
        g.put("p99_latency_exactly_once_ms", latencyGoal("<= checkpoint interval + 1 s = " + bound,
                latency.get("exactly_once")));
        return g;
    }

    /** A latency goal at the highest load: met only when the p99's whole interval is within it. */
    private static Map<String, Object> latencyGoal(String target, Object point) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        Map<?, ?> p = point instanceof Map<?, ?> x ? x : Map.of();
        m.put("value", p.get("p99"));
        m.put("ci95", p.get("p99_ci95"));
        m.put("met", p.get("goal_met_whole_interval"));
        return m;
    }

    private static Map<String, Object> intervalGoal(String target, Stats.Estimate e, double atLeast) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("value", e == null ? null : round3(e.value()));
        m.put("ci95", e == null ? null : List.of(round3(e.low()), round3(e.high())));
        m.put("met", e == null ? null : e.wholeIntervalAtLeast(atLeast));
        return m;
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
        m.put("round_seconds_min", settings.roundDuration().toMillis() / 1000.0);
        m.put("warm_up_pass", settings.warmUp());
        m.put("seed", settings.seed());
        m.put("parallelism", settings.parallelism());
        m.put("variants", settings.variants());
        m.put("simulated_days", set.days);
        m.put("latency_loads_of_full", settings.latencyLoads());
        m.put("latency_alert_target", settings.latencyAlerts());
        m.put("latency_max_seconds_per_point", settings.latencyDuration().toMillis() / 1000.0);
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
        m.put("beats_throughput", set.beats);
        m.put("pseudonym_length", set.keyLength);
        return m;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("max_heap_mb", mb(HeapSampler.maxHeap()));
        String cpu = Cpu.model();
        if (cpu != null) m.put("cpu", cpu);
        double[] load = Cpu.loadAverages();
        m.put("load_average_at_start", round1(load[0]));
        m.put("load_averages_at_start_1_5_15min", loadList(load));
        m.put("cpu_time", "process CPU time (every thread of this JVM: Flink tasks, Kafka broker and clients, GC, JIT)");
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
        return roundsJson(rounds, 1);
    }

    private static Map<String, Object> roundsJson(Map<String, List<Double>> rounds, int digits) {
        Map<String, Object> m = new LinkedHashMap<>();
        rounds.forEach((v, l) -> m.put(v, l.stream().map(x -> round(x, digits)).toList()));
        return m;
    }

    /** Per variant: the median and its bootstrap 95 % interval. */
    private static Map<String, Object> estimates(Map<String, List<Double>> values, int digits) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((v, l) -> {
            if (l.isEmpty()) return;
            Stats.Estimate e = Stats.medianWithInterval(toArray(l));
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("median", round(e.value(), digits));
            x.put("ci95", List.of(round(e.low(), digits), round(e.high(), digits)));
            m.put(v, x);
        });
        return m;
    }

    private static Map<String, Object> intervals(Map<String, List<Double>> values, int digits) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((v, l) -> {
            if (l.isEmpty()) return;
            Stats.Estimate e = Stats.medianWithInterval(toArray(l));
            m.put(v, List.of(round(e.low(), digits), round(e.high(), digits)));
        });
        return m;
    }

    private static double[] toArray(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Map<String, Object> loadSummary(List<Double> loads) {
        Map<String, Object> m = new LinkedHashMap<>();
        double[] a = toArray(loads);
        java.util.Arrays.sort(a);
        m.put("samples", a.length);
        m.put("min", round1(a[0]));
        m.put("median", round1(Stats.median(a)));
        m.put("max", round1(a[a.length - 1]));
        m.put("sampled", "/proc/loadavg 1-minute average before each variant's round and at the end of the rounds");
        return m;
    }

    private static List<Double> loadList(double[] l) {
        return java.util.Arrays.stream(l).map(Benchmark::round1).boxed().toList();
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * f) / f;
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
