package org.wardstream.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.contract.Topics;
import org.wardstream.detect.AlertBundleSerializer;
import org.wardstream.detect.StreamedAlertChange;
import org.wardstream.detect.CompoundPatterns;
import org.wardstream.detect.EpisodeAlerter;
import org.wardstream.detect.PatternCueTypeInfo;
import org.wardstream.detect.EpisodeRecordSerializer;
import org.wardstream.detect.StreamedTransition;
import org.wardstream.detector.PatternCue;
import org.wardstream.detect.SignalDetector;
import org.wardstream.rules.Rules;
import org.wardstream.signals.RhythmRuleParameters;
import org.wardstream.ingest.DeadLetter;
import org.wardstream.ingest.DeadLetterSerializer;
import org.wardstream.ingest.DeviceEventDeserializer;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentDeserializer;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestRecord;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.IngestStage;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.ReadingWatermarks;

/**
 * The episode-detection job: Kafka {@code device-events} and {@code enrolments} in; ingest
 * (decode, validate, de-duplicate, enrolment gate) with refused records to {@code device-events-dlq}
 * exactly once; per-patient episode detection over the admitted readings; each alert state change
 * to {@code alerts} (FHIR R4 Bundle) and {@code episodes} (Avro), exactly once.
 */
public final class EpisodeDetectionJob {
    private static final Logger LOG = LoggerFactory.getLogger(EpisodeDetectionJob.class);
    public static final String NAME = "wardstream episode detection";
    /**
     * Max parallelism fixes the number of key groups: set once, it can never change for saved state. 4,096 (since
     * issue 19; 128 before) lets any parallelism up to 4,096 spread the patients evenly (with 128, only 32, 64 or 128
     * subtasks did); docs/RUNBOOK.md "Rescale".
     */
    public static final int MAX_PARALLELISM = 4096;
    public static final String UID_SIGNALS = "signal-detector";
    public static final String UID_ALERTER = "episode-alerter";

    private EpisodeDetectionJob() {
    }

    /** Adds the whole job to {@code env}. */
    public static void build(StreamExecutionEnvironment env, PipelineConfig config) {
        Rules rules = config.loadRules(); // fails before anything runs when a rule file is invalid
        RhythmRuleParameters.departuresFromValidated(rules).forEach(d -> LOG.warn("alert rules: {}", d));
        env.setMaxParallelism(MAX_PARALLELISM);
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

        KafkaSource<IngestRecord> events = KafkaSource.<IngestRecord>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setProperties(config.kafkaProperties())
                .setTopics(Topics.DEVICE_EVENTS)
                .setGroupId(config.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new DeviceEventDeserializer(config.ingest()))
                .setProperty("isolation.level", "read_committed")
                .build();
        KafkaSource<EnrolmentUpdate> enrolments = KafkaSource.<EnrolmentUpdate>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setProperties(config.kafkaProperties())
                .setTopics(Topics.ENROLMENTS)
                .setGroupId(config.groupId() + "-enrolments")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(EnrolmentDeserializer.withDeadLetters())
                .build();

        DataStream<IngestRecord> records = env.fromSource(events,
                        ReadingWatermarks.strategy(config.ingest().outOfOrderness(), config.ingest().idleness()),
                        "device-events")
                .uid("source-device-events");
        IngestStage.Enrolments enrolmentRecords = IngestStage.splitEnrolments(env.fromSource(enrolments,
                        ReadingWatermarks.neverHoldBack(), "enrolments")
                .uid("source-enrolments"));
        DataStream<EnrolmentUpdate> enrolmentUpdates = enrolmentRecords.valid();
        enrolmentRecords.deadLetters().sinkTo(watched(config, "enrolments-dlq",
                        new DeadLetterSerializer(Topics.ENROLMENTS_DLQ,
                                DeadLetterSerializer.maxRequestSize(config.kafkaProperties()))))
                .name(Topics.ENROLMENTS_DLQ).uid("sink-enrolment-dead-letters");

        IngestStage.Output ingest = IngestStage.build(records, enrolmentUpdates, config.ingest());

        // The gate's output is already partitioned by patient: no second shuffle of every reading.
        List<DataStream<DeadLetter>> outOfOrder = new ArrayList<>(1);
        DataStream<StreamedAlertChange> alerts = detectEpisodes(DataStreamUtils
                .reinterpretAsKeyedStream(ingest.readings(), PatientKeys::of, TypeInformation.of(String.class)),
                enrolmentUpdates, rules, outOfOrder::add, "", config.ingest());

        // refused by ingest, and readings the detector could not analyse in device-time order (out-of-order)
        ingest.deadLetters().union(outOfOrder.get(0)).sinkTo(watched(config, "dlq",
                        new DeadLetterSerializer(Topics.DEVICE_EVENTS_DLQ,
                                DeadLetterSerializer.maxRequestSize(config.kafkaProperties()))))
                .name("device-events-dlq").uid("sink-dead-letters");
        alerts.sinkTo(watched(config, "alerts", new AlertBundleSerializer(Topics.ALERTS)))
                .name("alerts").uid("sink-alerts");
        alerts.sinkTo(watched(config, "episodes", new EpisodeRecordSerializer(Topics.EPISODES)))
                .name("episodes").uid("sink-episodes");
    }

    /**
     * An exactly-once sink of the job whose commits the broker aborted (the 10-minute trap inside a running job) are
     * reported, not halted on: an ERROR line and {@code wardstream_lostCommits{checkpoint=N}} ({@link LostCommitWatch};
     * ops24).
     */
    static <T> LostCommitWatch<T> watched(PipelineConfig config, String name,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer) {
        java.util.Properties client = new java.util.Properties();
        client.putAll(config.kafkaProperties());
        client.put("bootstrap.servers", config.bootstrapServers());
        return LostCommitWatch.of(config.exactlyOnceSink(name, serializer), name, client,
                config.transactionTimeout().toMillis());
    }

    /**
     * The detection stage alone: admitted readings (keyed by {@link PatientKeys}: programme and patient) and enrolments in, alert state changes
     * out; the job wires it after ingest, the benchmark ({@code bench}) feeds it from memory. The signal
     * detectors, the CEP patterns over their cues, the alert lifecycle; each arrow below stays on the patient's
     * subtask (no shuffle), and one stream carries the detector's cues and transitions through the patterns in the order
     * they arose, so the alerter sees transitions and escalations in an order fixed by the input:
     * <pre>
     * readings -> [signal-detector] -> cues + transitions -> [CEP: pause then stillness] -> [CEP: AF fast rate]
     *          -> transitions + escalations -> [episode-alerter] -> alerts
     * </pre>
     */
    public static DataStream<StreamedAlertChange> detectEpisodes(KeyedStream<DeviceReading, String> readings,
                                                        DataStream<EnrolmentUpdate> enrolmentUpdates, Rules rules) {
        return detectEpisodes(readings, enrolmentUpdates, rules, deadLetters -> { });
    }

    /**
     * ... and hands {@code deadLetters} the readings the signal detector does not analyse (reason {@code out-of-order}:
     * too old to analyse in device-time order; {@code unknown-patient}: unenrolled, or no enrolment within the grace);
     * the job sends them to {@code device-events-dlq} with ingest's.
     */
    public static DataStream<StreamedAlertChange> detectEpisodes(KeyedStream<DeviceReading, String> readings,
                                                        DataStream<EnrolmentUpdate> enrolmentUpdates, Rules rules,
                                                        Consumer<DataStream<DeadLetter>> deadLetters) {
        return detectEpisodes(readings, enrolmentUpdates, rules, deadLetters, "");
    }

    /**
     * ... with {@code uidSuffix} appended to every operator's uid and name, so that one graph can hold the stage
     * more than once ({@code wardstream whatif} runs the current and the candidate rules side by side on the same
     * admitted readings). The job itself uses the empty suffix: its uids name state in savepoints.
     */
    public static DataStream<StreamedAlertChange> detectEpisodes(KeyedStream<DeviceReading, String> readings,
                                                                 DataStream<EnrolmentUpdate> enrolmentUpdates,
                                                                 Rules rules,
                                                                 Consumer<DataStream<DeadLetter>> deadLetters,
                                                                 String uidSuffix) {
        return detectEpisodes(readings, enrolmentUpdates, rules, deadLetters, uidSuffix, IngestSettings.defaults());
    }

    /**
     * ... with the job's {@code ingest} settings: the enrolment grace bounds how long a record waits for its
     * patient's enrolment at the detector and the alerter ({@link org.wardstream.ingest.EnrolmentWait}).
     */
    public static DataStream<StreamedAlertChange> detectEpisodes(KeyedStream<DeviceReading, String> readings,
                                                                 DataStream<EnrolmentUpdate> enrolmentUpdates,
                                                                 Rules rules,
                                                                 Consumer<DataStream<DeadLetter>> deadLetters,
                                                                 String uidSuffix, IngestSettings ingest) {
        TypeInformation<String> key = TypeInformation.of(String.class);
        var detected = readings
                .connect(enrolmentUpdates.keyBy(PatientKeys::of, key))
                .process(new SignalDetector(rules, ingest))
                .returns(PatternCueTypeInfo.INSTANCE)
                .name("detect signals" + uidSuffix).uid(UID_SIGNALS + uidSuffix);
        deadLetters.accept(detected.getSideOutput(SignalDetector.DEAD_LETTERS));
        // the patterns in series on the detector's ordered stream: transitions and escalations leave in one order
        DataStream<StreamedTransition> transitions = CompoundPatterns.inOrder(DataStreamUtils.reinterpretAsKeyedStream(
                detected, c -> PatientKeys.of(c.programme(), c.patientId()), key), uidSuffix);
        return DataStreamUtils.reinterpretAsKeyedStream(transitions, s -> PatientKeys.of(s.programme, s.patientId), key)
                .connect(enrolmentUpdates.keyBy(PatientKeys::of, key))
                .process(new EpisodeAlerter(rules, ingest))
                .returns(TypeInformation.of(StreamedAlertChange.class))
                .name("alert lifecycle" + uidSuffix).uid(UID_ALERTER + uidSuffix);
    }

    /**
     * The job's ingest settings for its arguments ({@code args}: an argument's value by name, without the dashes, or
     * null): the defaults with the clock windows and the watermark's out-of-orderness given. The what-if replays with
     * these too, so its current rules run as the live job did.
     */
    public static IngestSettings ingestSettings(java.util.function.Function<String, String> args) {
        return IngestSettings.defaults().withClockWindowArgs(args);
    }

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        PipelineConfig config = PipelineConfig.defaults(params.getRequired("bootstrap-servers"));
        if (params.has("kafka-properties")) {
            config = config.withKafkaProperties(PipelineConfig.readKafkaProperties(params.get("kafka-properties")));
        }
        config = config.withIngest(ingestSettings(params::get));
        if (params.has("rules")) {
            config = config.withRulesDir(params.get("rules"));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute(NAME);
    }
}
