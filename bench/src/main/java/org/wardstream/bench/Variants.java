package org.wardstream.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.wardstream.bench.peers.AlertKey;
import org.wardstream.bench.peers.EsperPeer;
import org.wardstream.bench.peers.PeerFeatures;
import org.wardstream.bench.peers.PeerRow;
import org.wardstream.bench.peers.PeerRules;
import org.wardstream.contract.Topics;
import org.wardstream.detect.StreamedAlertChange;
import org.wardstream.ingest.DeviceEventDeserializer;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestMetrics;
import org.wardstream.ingest.IngestRecord;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.jobs.EpisodeDetectionJob;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.metrics.InProcessMetrics;
import org.wardstream.rules.Rules;

/** The five throughput variants. Each returns events (or readings) per second and, where it has them, the alerts. */
final class Variants {
    static final String PASSTHROUGH = "passthrough";
    static final String FULL = "full";
    static final String DETECTION = "detection";
    static final String ESPER = "esper";
    static final String MATCH_RECOGNIZE = "match_recognize";
    static final List<String> ALL = List.of(PASSTHROUGH, FULL, DETECTION, ESPER, MATCH_RECOGNIZE);

    /**
     * One timed run: how many inputs, in how many seconds (wall), how many CPU-seconds the whole process used over
     * the same interval (every thread: task, broker, client, JVM), and the comparable alerts (null when none).
     */
    record Run(long inputs, double seconds, double cpuSeconds, List<AlertKey> alerts) {
        double perSecond() {
            return inputs / seconds;
        }

        /** Several runs of one round as one: summed inputs, time and CPU; the first run's alerts. */
        static Run sum(List<Run> runs) {
            long inputs = 0;
            double seconds = 0, cpu = 0;
            for (Run r : runs) {
                inputs += r.inputs;
                seconds += r.seconds;
                cpu += r.cpuSeconds;
            }
            return new Run(inputs, seconds, cpu, runs.get(0).alerts);
        }
    }

    private final BenchCluster cluster;
    private final EventSet set;
    private final Rules rules;
    private final Path rulesDir;
    private final int parallelism;
    private final Duration checkpointInterval;
    private int runs;

    /** For runs of the job alone ({@link #jobConfig}, {@link #awaitOutcomes}): no event set, no variants. */
    Variants(BenchCluster cluster, Path rulesDir, Duration checkpointInterval) {
        this(cluster, null, null, rulesDir, 1, checkpointInterval);
    }

    Variants(BenchCluster cluster, EventSet set, Rules rules, Path rulesDir, int parallelism, Duration checkpointInterval) {
        this.checkpointInterval = checkpointInterval;
        this.cluster = cluster;
        this.set = set;
        this.rules = rules;
        this.rulesDir = rulesDir;
        this.parallelism = parallelism;
    }

    Run run(String variant) throws Exception {
        String id = variant + "-" + (++runs);
        try {
            return switch (variant) {
                case PASSTHROUGH -> passthrough(id);
                case FULL -> full(id);
                case DETECTION -> detection(id);
                case ESPER -> esper();
                case MATCH_RECOGNIZE -> matchRecognize(id);
                default -> throw new IllegalArgumentException("unknown variant " + variant);
            };
        } finally {
            InMemory.clear(id);
        }
    }

    /** Kafka source, decode and validate (the job's deserializer), discard. */
    private Run passthrough(String id) throws Exception {
        StreamExecutionEnvironment env = BenchCluster.env(parallelism);
        KafkaSource<IngestRecord> source = KafkaSource.<IngestRecord>builder()
                .setBootstrapServers(cluster.kafka.bootstrapServers())
                .setTopics(Topics.DEVICE_EVENTS)
                .setGroupId("bench-" + id)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new DeviceEventDeserializer(IngestSettings.defaults()))
                .setProperty("isolation.level", "read_committed")
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "device-events")
                .map(new InMemory.Mark<>(id)).returns(TypeInformation.of(IngestRecord.class))
                .sinkTo(new DiscardingSink<>());
        JobID job = cluster.submit(env, "bench " + id);
        cluster.await(job);
        long end = System.nanoTime();
        long cpuEnd = Cpu.processNanos();
        InMemory.Probe p = InMemory.probe(id);
        if (p.count.get() != set.n) {
            throw new IllegalStateException("passthrough read " + p.count.get() + " records, expected " + set.n);
        }
        return new Run(set.n, (end - p.firstNanos.get()) / 1e9, (cpuEnd - p.firstCpuNanos.get()) / 1e9, null);
    }

    /** The episode-detection job itself, from the first record consumed until every record has its ingest outcome. */
    private Run full(String id) throws Exception {
        PipelineConfig config = jobConfig("bench-" + id);
        StreamExecutionEnvironment env = BenchCluster.env(parallelism);
        EpisodeDetectionJob.build(env, config);
        JobID job = cluster.submit(env, "bench " + id);
        try {
            long start = awaitOutcomes(job, 1, Duration.ofMinutes(2), true);
            long cpuStart = Cpu.processNanos();
            // injected unknown-patient records wait out the enrolment grace before they are dead-lettered: not a cost
            long end = awaitOutcomes(job, set.n - set.unknownPatientN, Duration.ofMinutes(10), false);
            long cpuEnd = Cpu.processNanos();
            return new Run(set.n, (end - start) / 1e9, (cpuEnd - cpuStart) / 1e9, null);
        } finally {
            cluster.cancel(job);
        }
    }

    /** The job's configuration in the benchmark: defaults, the bench rules, and the demo's 10 s enrolment grace. */
    PipelineConfig jobConfig(String name) {
        return new PipelineConfig(cluster.kafka.bootstrapServers(), new Properties(), name, name,
                checkpointInterval, INGEST, rulesDir.toString());
    }

    static final IngestSettings INGEST = IngestSettings.defaults().withEnrolmentGrace(Duration.ofSeconds(10));

    /**
     * Spins until the job has consumed (first) or given an ingest outcome to (otherwise) at least {@code count}
     * records; returns System.nanoTime at that point.
     */
    long awaitOutcomes(JobID job, long count, Duration timeout, boolean consumed) throws Exception {
        String jid = job.toHexString();
        long deadline = System.nanoTime() + timeout.toNanos();
        int checks = 0;
        while (true) {
            long n = consumed ? InProcessMetrics.sumCounters(jid, "." + IngestMetrics.GROUP + "." + IngestMetrics.CONSUMED)
                    : outcomes(jid);
            if (n >= count) {
                return System.nanoTime();
            }
            if (++checks % 1000 == 0) {
                Throwable failure = cluster.failure(job);
                if (failure != null) {
                    throw new IllegalStateException("the job failed: " + failure, failure);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + n + " of " + count + " records after " + timeout);
                }
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    static long outcomes(String jid) {
        return InProcessMetrics.sumCounters(jid, "." + IngestMetrics.GROUP + "." + IngestMetrics.PROCESSED)
                + InProcessMetrics.sumCounters(jid, "." + IngestMetrics.GROUP + "." + IngestMetrics.DUPLICATE)
                + InProcessMetrics.sumCounters(jid, "." + IngestMetrics.DEAD_LETTER);
    }

    /** The job's own detection stage ({@link EpisodeDetectionJob#detectEpisodes}) fed the decoded readings from memory. */
    private Run detection(String id) throws Exception {
        StreamExecutionEnvironment env = BenchCluster.env(parallelism);
        DataStream<DeviceReading> readings = InMemory.source(env, id, set.readings, TypeInformation.of(DeviceReading.class))
                .map(new InMemory.Mark<>(id)).returns(TypeInformation.of(DeviceReading.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<DeviceReading>forBoundedOutOfOrderness(IngestSettings.defaults().outOfOrderness())
                        .withTimestampAssigner((r, ts) -> r.time))
                .transform("cap watermark", TypeInformation.of(DeviceReading.class), new WatermarkCap<>(watermarkCap()));
        DataStream<EnrolmentUpdate> enrolments = env.fromData(set.enrolments, TypeInformation.of(EnrolmentUpdate.class));
        DataStream<StreamedAlertChange> alerts = EpisodeDetectionJob.detectEpisodes(
                readings.keyBy(PatientKeys::of, Types.STRING), enrolments, rules);
        alerts.filter(a -> "OPENED".equals(a.kind) && (AlertKey.TACHYCARDIA.equals(a.episodeType)
                        || AlertKey.ATRIAL_FIBRILLATION.equals(a.episodeType)))
                .map(a -> new AlertKey(a.episodeType, a.patientId, a.episodeStartMs))
                .returns(TypeInformation.of(AlertKey.class))
                .sinkTo(InMemory.sink(id));
        JobID job = cluster.submit(env, "bench " + id);
        cluster.await(job);
        long end = System.nanoTime();
        long cpuEnd = Cpu.processNanos();
        InMemory.Probe p = InMemory.probe(id);
        return new Run(set.readings.size(), (end - p.firstNanos.get()) / 1e9, (cpuEnd - p.firstCpuNanos.get()) / 1e9,
                collected(id));
    }

    /** Where a live job's watermark stands after the set: the newest device time less the out-of-orderness bound. */
    private long watermarkCap() {
        long max = Long.MIN_VALUE;
        for (DeviceReading r : set.readings) {
            max = Math.max(max, r.time);
        }
        return max - INGEST.outOfOrderness().toMillis();
    }

    private Run esper() {
        List<AlertKey> alerts;
        long start, cpuStart, end, cpuEnd;
        try (EsperPeer peer = new EsperPeer(rules)) { // compiling and deploying the EPL is not timed
            for (EnrolmentUpdate u : set.enrolments) {
                peer.enrol(u);
            }
            start = System.nanoTime();
            cpuStart = Cpu.processNanos();
            for (DeviceReading r : set.readings) {
                peer.onReading(r);
            }
            alerts = peer.finish();
            end = System.nanoTime();
            cpuEnd = Cpu.processNanos();
        }
        return new Run(set.readings.size(), (end - start) / 1e9, (cpuEnd - cpuStart) / 1e9, alerts);
    }

    /** The extraction as a keyed Flink function, then the two rules as Flink SQL MATCH_RECOGNIZE. */
    private Run matchRecognize(String id) throws Exception {
        List<DeviceReading> input = new ArrayList<>(set.readings.size() + set.patients);
        input.addAll(set.readings);
        for (EnrolmentUpdate u : set.enrolments) {
            DeviceReading end = new DeviceReading(); // kind null: end of this patient's input
            end.patientId = u.patientId;
            input.add(end);
        }
        StreamExecutionEnvironment env = BenchCluster.env(parallelism);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        InMemory.register(id + "-enrolments", set.enrolments);
        DataStream<PeerRow> rows = InMemory.source(env, id, input, TypeInformation.of(DeviceReading.class))
                .map(new InMemory.Mark<>(id)).returns(TypeInformation.of(DeviceReading.class))
                .keyBy(r -> r.patientId, Types.STRING)
                .process(new Extract(rules, id + "-enrolments")).returns(TypeInformation.of(PeerRow.class))
                .name("peer features");
        Schema schema = Schema.newBuilder().columnByExpression("pt", "PROCTIME()").build();
        tables.createTemporaryView("hr_rows", tables.fromDataStream(
                rows.filter(r -> PeerRow.STREAM_HR.equals(r.getStream())), schema));
        tables.createTemporaryView("rhythm_rows", tables.fromDataStream(
                rows.filter(r -> PeerRow.STREAM_RHYTHM.equals(r.getStream())), schema));
        PeerRules peerRules = new PeerRules(rules);
        Table tachy = tables.sqlQuery(peerRules.sqlTachycardia("hr_rows"));
        Table af = tables.sqlQuery(peerRules.sqlAtrialFibrillation("rhythm_rows"));
        tables.toDataStream(tachy)
                .filter(r -> !Boolean.TRUE.equals(r.getField("af")))
                .map(r -> new AlertKey(AlertKey.TACHYCARDIA, (String) r.getField("patientId"), (Long) r.getField("startMs")))
                .returns(TypeInformation.of(AlertKey.class))
                .sinkTo(InMemory.sink(id));
        tables.toDataStream(af)
                .map(r -> new AlertKey(AlertKey.ATRIAL_FIBRILLATION, (String) r.getField("patientId"), (Long) r.getField("startMs")))
                .returns(TypeInformation.of(AlertKey.class))
                .sinkTo(InMemory.sink(id));
        JobID job = cluster.submit(env, "bench " + id);
        try {
            cluster.await(job);
        } finally {
            InMemory.clear(id + "-enrolments");
        }
        long end = System.nanoTime();
        long cpuEnd = Cpu.processNanos();
        InMemory.Probe p = InMemory.probe(id);
        return new Run(set.readings.size(), (end - p.firstNanos.get()) / 1e9, (cpuEnd - p.firstCpuNanos.get()) / 1e9,
                collected(id));
    }

    private static List<AlertKey> collected(String id) {
        List<AlertKey> out = new ArrayList<>();
        for (Object o : InMemory.collected(id)) {
            out.add((AlertKey) o);
        }
        return out;
    }

    /** The peers' shared extraction as a keyed Flink function; a reading with no kind ends the patient's input. */
    static final class Extract extends KeyedProcessFunction<String, DeviceReading, PeerRow> {
        private static final long serialVersionUID = 1L;
        private final Rules rules;
        private final String enrolmentsId;
        private transient PeerFeatures features;

        Extract(Rules rules, String enrolmentsId) {
            this.rules = rules;
            this.enrolmentsId = enrolmentsId;
        }

        @Override
        public void open(OpenContext ctx) {
            features = new PeerFeatures(rules);
            for (Object u : InMemory.registered(enrolmentsId)) {
                features.enrol((EnrolmentUpdate) u);
            }
        }

        @Override
        public void processElement(DeviceReading r, Context ctx, Collector<PeerRow> out) {
            if (r.kind == null) {
                features.end(r.patientId, out::collect);
            } else {
                features.onReading(r, out::collect);
            }
        }
    }
}
