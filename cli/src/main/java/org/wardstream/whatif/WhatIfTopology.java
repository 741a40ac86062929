package org.wardstream.whatif;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.wardstream.contract.Topics;
import org.wardstream.detect.StreamedAlertChange;
import org.wardstream.ingest.DeadLetter;
import org.wardstream.ingest.DeviceEventDeserializer;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentDeserializer;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestRecord;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.IngestStage;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.ReadingWatermarks;
import org.wardstream.jobs.EpisodeDetectionJob;
import org.wardstream.rules.Rules;
import org.wardstream.whatif.WhatIfLedger.RuleSet;

/**
 * The what-if as a bounded Flink job: the episode-detection job's own ingest ({@link IngestStage}) over the
 * recorded {@code device-events} and {@code enrolments}, read as bounded Kafka sources (read committed, from the
 * earliest offset or the first at {@code --from}, to the end offsets captured when the job starts or the first at
 * {@code --to}), then the job's own detection stage ({@link EpisodeDetectionJob#detectEpisodes}: signal detector,
 * CEP compound patterns, alert lifecycle) twice on the same admitted readings, once with each rule set. No sink
 * writes to Kafka: the alert changes and each patient's span of readings come back to the client
 * ({@code executeAndCollect}). Runs in streaming mode on bounded input, so the operators behave as in the job; when
 * the input ends the final watermark fires the pending event-time timers (alerts they raise after the last reading
 * are not counted: {@link WhatIfLedger#result}).
 */
public final class WhatIfTopology {
    private WhatIfTopology() {
    }

    /** One result row (a Flink POJO): an alert change of a rule set, or a patient's span of readings. */
    public static class Row {
        /** CURRENT or CANDIDATE for an alert change; null for a span. */
        public String ruleSet;
        public StreamedAlertChange alert;
        public String programme;
        public String patientId;
        public long firstMs;
        public long lastMs;
        /** Admitted readings of the patient (a span row). */
        public long readings;
        /** Why ingest refused a record (a refusal row; no identifier, no payload). */
        public String refused;

        public Row() {
        }

        static Row alert(RuleSet r, StreamedAlertChange a) {
            Row row = new Row();
            row.ruleSet = r.name();
            row.alert = a;
            return row;
        }

        /** Feeds this row into the ledger. */
        public void into(WhatIfLedger ledger) {
            if (refused != null) {
                ledger.refused(refused);
            } else if (ruleSet == null) {
                ledger.span(programme, patientId, firstMs, lastMs, readings);
            } else {
                StreamedAlertChange a = alert;
                ledger.change(RuleSet.valueOf(ruleSet), a.kind, a.episodeId, a.programme, a.patientId, a.episodeType,
                        a.severity, a.episodeStartMs, a.episodeEndMs, a.atMs, a.ruleVersion);
            }
        }
    }

    /**
     * Where the recorded history is; {@code progressRun} a {@link ReadProgress} run counting the device-event records
     * read (null: not counted).
     */
    public record Source(String bootstrapServers, Properties kafkaProperties, Long fromMs, Long toMs,
                         String progressRun) {
    }

    /** Adds the what-if to {@code env}; returns the rows to collect. */
    public static DataStream<Row> build(StreamExecutionEnvironment env, Source source, IngestSettings ingest,
                                        Rules current, Rules candidate) {
        env.setMaxParallelism(EpisodeDetectionJob.MAX_PARALLELISM);
        String group = "wardstream-whatif-" + java.util.UUID.randomUUID();
        KafkaSource<IngestRecord> events = KafkaSource.<IngestRecord>builder()
                .setBootstrapServers(source.bootstrapServers())
                .setProperties(source.kafkaProperties())
                .setTopics(Topics.DEVICE_EVENTS)
                .setGroupId(group)
                .setStartingOffsets(source.fromMs() == null ? OffsetsInitializer.earliest()
                        : OffsetsInitializer.timestamp(source.fromMs()))
                .setBounded(source.toMs() == null ? OffsetsInitializer.latest()
                        : OffsetsInitializer.timestamp(source.toMs()))
                .setDeserializer(new DeviceEventDeserializer(ingest))
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "false")
                .build();
        KafkaSource<EnrolmentUpdate> enrolments = KafkaSource.<EnrolmentUpdate>builder()
                .setBootstrapServers(source.bootstrapServers())
                .setProperties(source.kafkaProperties())
                .setTopics(Topics.ENROLMENTS)
                .setGroupId(group + "-enrolments")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(EnrolmentDeserializer.withDeadLetters())
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "false")
                .build();
        DataStream<IngestRecord> read = env.fromSource(events,
                ReadingWatermarks.strategy(ingest.outOfOrderness(), ingest.idleness()), "device-events (history)");
        DataStream<IngestRecord> records = source.progressRun() == null ? read
                : read.map(new ReadProgress.Count<IngestRecord>(source.progressRun())).returns(read.getType())
                        .name("records read (progress)");
        // Unlike the live job's (ReadingWatermarks.neverHoldBack: an idle enrolments topic must not stop event
        // time), the history's enrolments hold event time back until they are all read: both sources are read at
        // once, and on a busy machine a patient's enrolment can come after the end of their readings. The gate
        // holds such readings and releases them when the enrolment arrives, but past an already final watermark
        // they would be late everywhere downstream (no timer registered for them fires: no episode, no span).
        DataStream<EnrolmentUpdate> enrolmentUpdates = IngestStage.splitEnrolments(env.fromSource(enrolments,
                WatermarkStrategy.<EnrolmentUpdate>noWatermarks().withTimestampAssigner((e, kafkaTs) -> kafkaTs),
                "enrolments (history)")).valid();
        IngestStage.Output admitted = IngestStage.build(records, enrolmentUpdates, ingest);
        TypeInformation<String> key = TypeInformation.of(String.class);
        TypeInformation<Row> rowType = TypeInformation.of(Row.class);

        DataStream<DeviceReading> capped = admitted.readings()
                .transform("end of history: final watermark capped", TypeInformation.of(DeviceReading.class),
                        new CapFinalWatermark(END_GRACE_MS));
        List<DataStream<Row>> rows = new ArrayList<>();
        for (RuleSet r : RuleSet.values()) {
            Rules rules = r == RuleSet.CURRENT ? current : candidate;
            List<DataStream<DeadLetter>> ignored = new ArrayList<>(1);
            DataStream<StreamedAlertChange> alerts = EpisodeDetectionJob.detectEpisodes(
                    DataStreamUtils.reinterpretAsKeyedStream(capped, PatientKeys::of, key),
                    enrolmentUpdates, rules, ignored::add, "-" + r.name().toLowerCase(java.util.Locale.ROOT), ingest);
            rows.add(alerts.map(a -> Row.alert(r, a)).returns(rowType).name("tag " + r));
        }
        rows.add(admitted.deadLetters().map(d -> {
            Row row = new Row();
            row.refused = d.reason == null ? "unknown" : d.reason;
            return row;
        }).returns(rowType).name("refused by ingest"));
        rows.add(DataStreamUtils.reinterpretAsKeyedStream(admitted.readings(), PatientKeys::of, key)
                .process(new Spans()).returns(rowType).name("patient spans"));
        DataStream<Row> out = rows.get(0);
        for (int i = 1; i < rows.size(); i++) {
            out = out.union(rows.get(i));
        }
        return out;
    }

    /**
     * Event time the detection stages may run past a subtask's last reading when the history ends: long enough for
     * a held backlog to be released (at most 10 min) and an episode ending with the last readings to close, shorter
     * than the default device-offline silence (2 h).
     */
    public static final long END_GRACE_MS = 30 * 60_000L;

    /**
     * Passes readings and watermarks through, except the final watermark of bounded input (Long.MAX_VALUE), which
     * becomes the subtask's last reading time plus a grace. The live job never sees the final watermark; fired in
     * full it would run every patient's timers to the end of time (device-offline for everyone, re-notifications
     * of open episodes without end). Unlike the benchmark's WatermarkCap the cap is not known in advance: it
     * follows the readings.
     */
    static final class CapFinalWatermark extends org.apache.flink.streaming.api.operators.AbstractStreamOperator<DeviceReading>
            implements org.apache.flink.streaming.api.operators.OneInputStreamOperator<DeviceReading, DeviceReading> {
        private static final long serialVersionUID = 1L;
        private final long graceMs;
        private long lastReadingMs = Long.MIN_VALUE;

        CapFinalWatermark(long graceMs) {
            this.graceMs = graceMs;
        }

        @Override
        public void processElement(org.apache.flink.streaming.runtime.streamrecord.StreamRecord<DeviceReading> element) {
            lastReadingMs = Math.max(lastReadingMs, element.getValue().time);
            output.collect(element);
        }

        @Override
        public void processWatermark(org.apache.flink.streaming.api.watermark.Watermark mark) throws Exception {
            if (mark.getTimestamp() == Long.MAX_VALUE) {
                if (lastReadingMs != Long.MIN_VALUE) {
                    super.processWatermark(new org.apache.flink.streaming.api.watermark.Watermark(
                            lastReadingMs + graceMs));
                }
            } else {
                super.processWatermark(mark);
            }
        }
    }

    /**
     * Per patient: the first and last device time and the number of the admitted readings, emitted once when the
     * input ends.
     */
    static final class Spans extends KeyedProcessFunction<String, DeviceReading, Row> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<long[]> span;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            span = getRuntimeContext().getState(new ValueStateDescriptor<>("span",
                    PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        }

        @Override
        public void processElement(DeviceReading r, Context ctx, Collector<Row> out) throws Exception {
            long[] s = span.value();
            if (s == null) {
                s = new long[] {r.time, r.time, 0};
                // the final watermark of bounded input fires it: one row per patient at the end
                ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
            } else {
                s[0] = Math.min(s[0], r.time);
                s[1] = Math.max(s[1], r.time);
            }
            s[2]++;
            span.update(s);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
            long[] s = span.value();
            if (s != null) {
                Row row = new Row();
                row.programme = PatientKeys.programmeOf(ctx.getCurrentKey());
                row.patientId = PatientKeys.patientOf(ctx.getCurrentKey());
                row.firstMs = s[0];
                row.lastMs = s[1];
                row.readings = s[2];
                out.collect(row);
            }
        }
    }
}
