package org.wardstream.equity.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.wardstream.contract.Topics;
import org.wardstream.equity.io.Recomputation;
import org.wardstream.ingest.DeviceEventDeserializer;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.IngestRecord;
import org.wardstream.ingest.ReadingWatermarks;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.jobs.SecretRef;

/**
 * The equity-metrics job: {@code device-events}, {@code enrolments}, {@code episodes} and
 * {@code triage-events} in; per patient and local day a {@link PatientDayRecord}; per window (each local
 * day internally, each calendar month published) every measure by stratum from the equity module's
 * aggregator; out to {@code equity-aggregates} (published view), {@code equity-aggregates-internal}
 * (unrounded), both exactly once, and optionally PostgreSQL (idempotent upserts).
 *
 * <p>Built from streams passed in ({@link #build(Inputs, EquityJobSettings)}), so a test swaps the Kafka
 * sources for its own; {@link #buildKafka} wires the real sources and sinks.
 */
public final class EquityMetricsJob {
    public static final String NAME = "wardstream equity metrics";
    /**
     * Max parallelism fixes the number of key groups: set once, it can never change for saved state. 4,096 (since
     * issue 19; 128 before) lets any parallelism up to 4,096 spread the patients evenly (with 128, only 32, 64 or 128
     * subtasks did); docs/RUNBOOK.md "Rescale".
     */
    public static final int MAX_PARALLELISM = 4096;
    public static final String UID_PATIENT_DAYS = "equity-patient-days";
    public static final String UID_WINDOWS = "equity-windows";

    private EquityMetricsJob() {
    }

    /** The four inputs, already carrying event-time timestamps and watermarks. */
    public record Inputs(DataStream<EquityInput> readings, DataStream<EquityInput> enrolments,
                         DataStream<EquityInput> episodes, DataStream<EquityInput> triage) {
    }

    /** The job's logic from its inputs to the aggregate rows (both views), as a bounded run (no live clock). */
    public static DataStream<EquityRowOut> build(Inputs in, EquityJobSettings settings) {
        return build(in, settings, null);
    }

    /**
     * The job's logic; {@code liveClock} (the live job's, null for a bounded run) counts the months emitted once final
     * by the clock ({@link WindowAggregateFunction}).
     */
    public static DataStream<EquityRowOut> build(Inputs in, EquityJobSettings settings, Clock liveClock) {
        DataStream<PatientDayRecord> days = in.readings().union(in.enrolments(), in.episodes(), in.triage())
                .keyBy(EquityInput::key, TypeInformation.of(String.class))
                .process(new PatientDayFunction(settings))
                .returns(TypeInformation.of(PatientDayRecord.class))
                .name("patient-days").uid(UID_PATIENT_DAYS);
        return days
                .flatMap((PatientDayRecord r, Collector<WindowedDay> out) -> WindowedDay.windowsOf(r).forEach(out::collect))
                .returns(TypeInformation.of(WindowedDay.class))
                .name("assign windows").uid("equity-assign-windows")
                .keyBy(WindowedDay::windowKey, TypeInformation.of(String.class))
                .process(new WindowAggregateFunction(settings, liveClock))
                .returns(TypeInformation.of(EquityRowOut.class))
                .name("aggregate windows").uid(UID_WINDOWS);
    }

    /** Adds the whole job, with its Kafka sources and sinks, to {@code env}. */
    public static void buildKafka(StreamExecutionEnvironment env, EquityJobConfig config) {
        PipelineConfig k = config.kafka();
        EquityJobSettings s = config.settings();
        env.setMaxParallelism(MAX_PARALLELISM);
        env.enableCheckpointing(k.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

        KafkaSource<IngestRecord> events = source(config, Topics.DEVICE_EVENTS, "",
                new DeviceEventDeserializer(k.ingest()))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty("isolation.level", "read_committed")
                .build();
        DataStream<EquityInput> readings = env.fromSource(events, readingWatermarks(config), "device-events")
                .uid("equity-source-device-events")
                .flatMap(new ToReadings()).name("valid readings").uid("equity-valid-readings");
        DataStream<EquityInput> enrolments = env.fromSource(
                        source(config, Topics.ENROLMENTS, "-enrolments", EquityDeserializers.enrolments())
                                .setStartingOffsets(OffsetsInitializer.earliest()).build(),
                        enrolmentWatermarks(config.bounded(), s.idleness()), "enrolments")
                .uid("equity-source-enrolments");
        DataStream<EquityInput> episodes = env.fromSource(
                        source(config, Topics.EPISODES, "-episodes", EquityDeserializers.episodes())
                                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                                .setProperty("isolation.level", "read_committed").build(),
                        boundedOutOfOrderness(s, config.bounded()), "episodes")
                .uid("equity-source-episodes");
        DataStream<EquityInput> triage = env.fromSource(
                        source(config, Topics.TRIAGE_EVENTS, "-triage", EquityDeserializers.triage())
                                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                                .setProperty("isolation.level", "read_committed").build(),
                        boundedOutOfOrderness(s, config.bounded()), "triage-events")
                .uid("equity-source-triage-events");

        DataStream<EquityRowOut> rows = build(new Inputs(readings, enrolments, episodes, triage), s,
                config.bounded() ? null : Clock.systemUTC());
        if (config.recomputation() != null) { // a bounded run only: the live job's graph is unchanged
            rows = rows.flatMap(new RecomputedRows(config.recomputation()))
                    .returns(TypeInformation.of(EquityRowOut.class)).name("recomputed rows")
                    .uid("equity-recomputed-rows");
        }
        rows.filter(EquityRowOut::isPublished).name("published view").uid("equity-published-view")
                .sinkTo(k.exactlyOnceSink("published", new EquityRowSerializer(Topics.EQUITY_AGGREGATES)))
                .name(Topics.EQUITY_AGGREGATES).uid("sink-equity-aggregates");
        rows.filter(r -> !r.isPublished()).name("internal view").uid("equity-internal-view")
                .sinkTo(k.exactlyOnceSink("internal", new EquityRowSerializer(Topics.EQUITY_AGGREGATES_INTERNAL)))
                .name(Topics.EQUITY_AGGREGATES_INTERNAL).uid("sink-equity-aggregates-internal");
        if (config.postgresUrl() != null) {
            rows.sinkTo(new PostgresAggregateSink(config.postgresUrl(), config.postgresUser(),
                    config.postgresPassword(), config.recomputation())).name("postgresql").uid("sink-equity-postgres");
        }
    }

    private static <T> KafkaSourceBuilder<T> source(EquityJobConfig config, String topic, String groupSuffix,
            org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema<T> d) {
        KafkaSourceBuilder<T> b = KafkaSource.<T>builder()
                .setBootstrapServers(config.kafka().bootstrapServers())
                .setProperties(config.kafka().kafkaProperties())
                .setTopics(topic)
                .setGroupId(config.kafka().groupId() + groupSuffix)
                .setDeserializer(d);
        if (config.bounded()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b;
    }

    /**
     * The readings' watermarks, per partition: device time less the out-of-orderness; in the live job a partition
     * without readings for the idleness (30 s) stops holding event time back once its source subtask has caught up
     * (below), in a bounded run (a recomputation) never:
     * its partitions end, and an ended partition holds nothing back. Idleness is measured on the wall clock, not on
     * the data: a partition whose backlog the Kafka consumer had not yet handed over for that long (it hands over one
     * partition's fetch at a time) was taken as quiet, event time moved on to the other partitions' data, and its
     * readings, read next, came in past their day's allowed lateness and were dropped (counted,
     * {@code equityDroppedLate{input=reading}}): session 24, the live job started on a month of waiting data with a 1-s
     * idleness (EquityRecomputationIT's first form) took the two partitions not yet handed over as quiet, went on with
     * the third's readings to about 7 March, and dropped 3,000 readings of 1-5 March (15,000 data minutes of three
     * patients). A recomputation's figures must not depend on how fast the machine reads
     * ({@code BoundedRunIdlenessTest}); nor, since session 25, the live job's ({@link CatchUpIdleness}).
     */
    static WatermarkStrategy<IngestRecord> readingWatermarks(EquityJobConfig config) {
        return readingWatermarks(config, System::nanoTime, System::currentTimeMillis);
    }

    /**
     * As {@link #readingWatermarks(EquityJobConfig)} on the given clocks (tests move them). Since session 25 the live
     * job's quiet partitions go idle only once their source subtask has caught up ({@link CatchUpIdleness}: the last
     * reading it handed over is within the data timeliness, 1 h, of the wall clock, or it handed over none for the
     * idleness), so a partition whose backlog waits behind another's is no longer taken as quiet
     * ({@code CatchUpIdlenessTest}: 8,640 readings dropped with Flink's idleness, none now).
     */
    static WatermarkStrategy<IngestRecord> readingWatermarks(EquityJobConfig config, CatchUpIdleness.Clock nanos,
            CatchUpIdleness.Clock wallMillis) {
        Duration idleness = config.kafka().ingest().idleness();
        if (config.bounded() || idleness.isZero()) {
            return ReadingWatermarks.strategy(config.kafka().ingest().outOfOrderness(), Duration.ZERO);
        }
        return new CatchUpIdleness(config.kafka().ingest().outOfOrderness(), idleness,
                config.settings().dataTimeliness(), nanos, wallMillis);
    }

    /** Episodes and triage actions: their time less the out-of-orderness; idleness as for the readings. */
    static WatermarkStrategy<EquityInput> boundedOutOfOrderness(EquityJobSettings s, boolean bounded) {
        WatermarkStrategy<EquityInput> w = WatermarkStrategy.<EquityInput>forBoundedOutOfOrderness(s.outOfOrderness())
                .withTimestampAssigner((e, kafkaTs) -> e.time);
        return s.idleness().isZero() || bounded ? w : w.withIdleness(s.idleness());
    }

    /**
     * The enrolments' watermarks: in the live job none once its backlog is read ({@link #holdUntilFirstQuiet}: the
     * source was quiet for {@code quiet}, the job's idleness, 30 s by default); in a bounded run (a recomputation)
     * event time is held at its start until every enrolment is read ({@link #holdUntilRead}).
     */
    static WatermarkStrategy<EquityInput> enrolmentWatermarks(boolean bounded, Duration quiet) {
        return enrolmentWatermarks(bounded, quiet, System::nanoTime);
    }

    /** A clock of nanoseconds that travels with the job graph (the strategy is serialized with it). */
    interface Nanos extends java.util.function.LongSupplier, java.io.Serializable {
    }

    /** As {@link #enrolmentWatermarks(boolean, Duration)}, on a clock of nanoseconds (tests move it). */
    static WatermarkStrategy<EquityInput> enrolmentWatermarks(boolean bounded, Duration quiet, Nanos nanos) {
        return bounded ? holdUntilRead() : holdUntilFirstQuiet(quiet, nanos);
    }

    /**
     * The live job's enrolments: event time is held at its start until each partition has first been quiet for
     * {@code quiet} (its backlog read), and never again. At a first start, or after a long stop, the job reads a
     * backlog of readings with the enrolments, and the readings, thousands to one enrolment, moved event time on
     * before some patients' enrolments were read: their first days closed without an enrolment and were lost
     * (session 23, shown in Flink's harness). The end-to-end run that still lost data minutes with this change had
     * a 1-s idleness, whose quiet partitions let the readings' own event time run ahead (session 24,
     * {@link #readingWatermarks}); on the defaults it loses none (EquityRecomputationIT). Later enrolment updates never hold event time back.
     */
    static WatermarkStrategy<EquityInput> holdUntilFirstQuiet(Duration quiet, Nanos nanos) {
        long quietNanos = quiet.toNanos();
        return WatermarkStrategy.<EquityInput>forGenerator(ctx -> new WatermarkGenerator<>() {
            private long lastRecord = nanos.getAsLong();
            private boolean released;

            @Override
            public void onEvent(EquityInput event, long eventTimestamp, WatermarkOutput output) {
                if (!released) {
                    lastRecord = nanos.getAsLong();
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                if (!released && nanos.getAsLong() - lastRecord >= quietNanos) {
                    released = true;
                }
                if (released) {
                    output.markIdle();
                }
            }
        }).withTimestampAssigner((e, kafkaTs) -> kafkaTs);
    }

    /**
     * A bounded run's enrolments hold event time back until the source has read them all (a finished source releases
     * it): a recomputation reads every topic from its start at once, and the readings, thousands to one enrolment,
     * moved event time on before their patients' enrolments were read. Days then closed, and passed their allowed
     * lateness, without an enrolment (dropped as days without one) and the enrolment, read late, started the patient's
     * days at the watermark (session 23: the first days of a recomputed month missing, depending on read order).
     */
    static WatermarkStrategy<EquityInput> holdUntilRead() {
        return WatermarkStrategy.<EquityInput>forGenerator(ctx -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(EquityInput event, long eventTimestamp, WatermarkOutput output) {
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
            }
        }).withTimestampAssigner((e, kafkaTs) -> kafkaTs);
    }

    /** Accepted readings become equity inputs; refused records are only counted (the detection job dead-letters them). */
    static final class ToReadings extends RichFlatMapFunction<IngestRecord, EquityInput> {
        private static final long serialVersionUID = 1L;
        private transient Counter invalid;

        @Override
        public void open(OpenContext openContext) {
            invalid = EquityMetrics.counter(getRuntimeContext().getMetricGroup(), EquityMetrics.INVALID);
        }

        @Override
        public void flatMap(IngestRecord r, Collector<EquityInput> out) {
            if (!r.isAccepted()) {
                invalid.inc();
                return;
            }
            out.collect(toInput(r.reading));
        }
    }

    /** A reading as an equity input: heart rate, beats and activity are monitoring data; wear and status are not. */
    public static EquityInput toInput(DeviceReading d) {
        long span = d.kind == DeviceReading.Kind.ACTIVITY ? d.intervalSeconds * 1000L : 0L;
        EquityInput in = EquityInput.reading(d.programme, d.patientId, d.time, span, d.timeReceived);
        if (d.kind == DeviceReading.Kind.WEAR || d.kind == DeviceReading.Kind.STATUS) {
            in.spanMs = -1; // marks a non-data reading: advances the patient's clock only
        }
        return in;
    }

    /** The environment variable the TaskManagers read the PostgreSQL password from (unless a file is given). */
    public static final String POSTGRES_PASSWORD_ENV = "WARDSTREAM_POSTGRES_PASSWORD";

    public static void main(String[] args) throws Exception {
        EquityJobConfig config = parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        buildKafka(env, config);
        env.execute(NAME);
    }

    /** The job's configuration from its arguments; secrets only by reference (a file or an environment variable). */
    static EquityJobConfig parse(String[] args) {
        ParameterTool params = ParameterTool.fromArgs(args);
        if (params.has("postgres-password")) {
            throw new IllegalArgumentException("--postgres-password is not accepted: a password on a command line is"
                    + " visible to every user of the machine (ps, /proc) and in Kubernetes job arguments. Put it in a"
                    + " file only the job can read and pass --postgres-password-file FILE, or set the environment"
                    + " variable " + POSTGRES_PASSWORD_ENV + " on every TaskManager.");
        }
        EquityJobConfig config = EquityJobConfig.defaults(params.getRequired("bootstrap-servers"));
        PipelineConfig k = config.kafka();
        k = k.withIngest(k.ingest().withClockWindowArgs(params::get)); // the same windows as the detection job
        if (params.has("kafka-properties")) {
            k = k.withKafkaProperties(PipelineConfig.readKafkaProperties(params.get("kafka-properties")));
        }
        config = config.withKafka(k);
        EquityJobSettings s = config.settings();
        if (params.has("allowed-lateness")) {
            s = s.withAllowedLateness(duration(params, "allowed-lateness"));
        }
        if (params.has("data-timeliness")) {
            s = s.withDataTimeliness(duration(params, "data-timeliness"));
        }
        if (params.has("idleness")) { // every source's; the readings' only once caught up (CatchUpIdleness)
            Duration idle = duration(params, "idleness");
            if (idle.isZero() || idle.isNegative()) {
                throw new IllegalArgumentException("--idleness must be positive (an empty partition would hold every"
                        + " aggregate back forever), was " + params.get("idleness"));
            }
            s = s.withIdleness(idle);
            config = config.withKafka(config.kafka().withIngest(config.kafka().ingest().withIdleness(idle)));
        }
        config = config.withSettings(s);
        if (params.has("postgres-url")) {
            String url = params.get("postgres-url");
            if (url.toLowerCase(java.util.Locale.ROOT).matches(".*[?&;]password=.*")) {
                throw new IllegalArgumentException("--postgres-url must not carry a password (it would be on the"
                        + " command line); use --postgres-password-file FILE or " + POSTGRES_PASSWORD_ENV);
            }
            SecretRef password = params.has("postgres-password-file")
                    ? SecretRef.ofFile(params.get("postgres-password-file"))
                    : SecretRef.ofEnv(POSTGRES_PASSWORD_ENV);
            config = config.withPostgres(url, params.get("postgres-user"), password);
        }
        if (params.has("recompute-from") && !params.has("bounded")) {
            throw new IllegalArgumentException("--recompute-from is for a recomputation: give --bounded too");
        }
        if (!params.has("bounded")) {
            return config;
        }
        // a bounded run is a recomputation: its PostgreSQL rows of the windows final now replace the live job's,
        // whatever their revisions (probe 19a D5); the generation is fixed here, at submission, so a restart of the
        // run keeps it
        LocalDate from = null;
        if (params.has("recompute-from")) {
            try {
                from = LocalDate.parse(params.get("recompute-from"));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--recompute-from must be a date such as 2026-03-01, was "
                        + params.get("recompute-from"), e);
            }
        }
        Recomputation r = new Recomputation(Instant.now(), config.settings().allowedLateness(), from);
        // its own consumer groups (so it reads from the earliest offsets, not where the live job is) and its own
        // transactional ids (the live job's producers are not fenced)
        String id = EquityJobConfig.GROUP_ID + "-recompute-" + r.generation();
        PipelineConfig own = config.kafka();
        own = new PipelineConfig(own.bootstrapServers(), own.kafkaProperties(), id, id, own.checkpointInterval(),
                own.ingest(), own.rulesDir());
        return config.withKafka(own).withBounded(true).withRecomputation(r);
    }

    private static Duration duration(ParameterTool params, String name) {
        try {
            return Duration.parse(params.get(name));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " must be an ISO-8601 duration such as PT24H, was "
                    + params.get(name), e);
        }
    }
}
