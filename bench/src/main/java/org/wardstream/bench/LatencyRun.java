package org.wardstream.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.contract.Topics;
import org.wardstream.detect.AlertBundleSerializer;
import org.wardstream.detect.StreamedAlertChange;
import org.wardstream.ingest.DeviceEventDeserializer;
import org.wardstream.ingest.EnrolmentDeserializer;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestRecord;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.IngestStage;
import org.wardstream.ingest.ReadingWatermarks;
import org.wardstream.jobs.EpisodeDetectionJob;
import org.wardstream.rules.Rules;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.wire.AvroCodec;

/**
 * Event-to-alert latency at a fixed input rate: the job's stages (ingest, detection) from a fresh topic to an
 * alerts topic whose sink is at-least-once or exactly-once (Kafka transactions, committed on each checkpoint).
 * Each event is re-sent with {@code timeReceived} = the wall-clock time of sending; an alert raised by a reading
 * carries that time as {@code Task.authoredOn}, so latency = when a read_committed consumer sees the alert minus
 * when its triggering event was sent. Alerts raised by event-time timers (no triggering reading) are left out.
 */
final class LatencyRun {
    record Result(String guarantee, double ratePerSecond, long eventsSent, double seconds, int alerts, double p50Ms,
                  double p99Ms, double maxMs) {
    }

    private final BenchCluster cluster;
    private final EventSet set;
    private final Rules rules;
    private final int parallelism;
    private final Duration checkpointInterval;

    LatencyRun(BenchCluster cluster, EventSet set, Rules rules, int parallelism, Duration checkpointInterval) {
        this.cluster = cluster;
        this.set = set;
        this.rules = rules;
        this.parallelism = parallelism;
        this.checkpointInterval = checkpointInterval;
    }

    Result run(DeliveryGuarantee guarantee, double rate, Duration duration) throws Exception {
        String name = "lat-" + guarantee.name().toLowerCase().replace('_', '-');
        String events = name + "-events";
        String alertsTopic = name + "-alerts";
        cluster.kafka.createTopics(List.of(new NewTopic(events, 1, (short) 1), new NewTopic(alertsTopic, 1, (short) 1)));

        StreamExecutionEnvironment env = BenchCluster.env(parallelism);
        env.setMaxParallelism(EpisodeDetectionJob.MAX_PARALLELISM);
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        // The run delivers a recorded history now (receipt time and record timestamp are the wall clock, device time
        // is the recording's): the device-age window must not refuse it as stale. The checks still run.
        IngestSettings ingest = Variants.INGEST.withClockWindows(Variants.INGEST.futureTolerance(),
                Duration.ofDays(3650), Variants.INGEST.maxReceiptLag());
        String bootstrap = cluster.kafka.bootstrapServers();
        KafkaSource<IngestRecord> source = KafkaSource.<IngestRecord>builder()
                .setBootstrapServers(bootstrap).setTopics(events).setGroupId(name)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new DeviceEventDeserializer(ingest))
                .setProperty("isolation.level", "read_committed").build();
        KafkaSource<EnrolmentUpdate> enrolmentSource = KafkaSource.<EnrolmentUpdate>builder()
                .setBootstrapServers(bootstrap).setTopics(Topics.ENROLMENTS).setGroupId(name + "-enrolments")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new EnrolmentDeserializer()).build();
        DataStream<IngestRecord> records = env.fromSource(source,
                ReadingWatermarks.strategy(ingest.outOfOrderness(), ingest.idleness()), "device-events");
        DataStream<EnrolmentUpdate> enrolments = env.fromSource(enrolmentSource, ReadingWatermarks.neverHoldBack(),
                "enrolments");
        IngestStage.Output out = IngestStage.build(records, enrolments, ingest);
        DataStream<StreamedAlertChange> alerts = EpisodeDetectionJob.detectEpisodes(DataStreamUtils.reinterpretAsKeyedStream(
                out.readings(), PatientKeys::of, TypeInformation.of(String.class)), enrolments, rules);
        var sink = KafkaSink.<StreamedAlertChange>builder().setBootstrapServers(bootstrap)
                .setRecordSerializer(new AlertBundleSerializer(alertsTopic))
                .setDeliveryGuarantee(guarantee);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            sink.setTransactionalIdPrefix("bench-" + name)
                    .setProperty("transaction.timeout.ms", Long.toString(Duration.ofMinutes(10).toMillis()));
        }
        alerts.sinkTo(sink.build()).name("alerts");
        JobID job = cluster.submit(env, "bench " + name);

        List<double[]> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        long runStartMs = System.currentTimeMillis();
        java.util.concurrent.atomic.AtomicReference<Throwable> consumerError = new java.util.concurrent.atomic.AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                consume(alertsTopic, runStartMs, stop, latencies);
            } catch (Throwable t) {
                consumerError.set(t);
            }
        }, "bench-latency-consumer");
        consumer.start();
        long sent;
        double seconds;
        try {
            long t0 = System.nanoTime();
            sent = produce(events, rate, duration);
            seconds = (System.nanoTime() - t0) / 1e9;
            // let the last alerts through: for exactly-once, up to one checkpoint interval plus the commit
            long drainUntil = System.nanoTime() + checkpointInterval.plusSeconds(5).toNanos();
            while (System.nanoTime() < drainUntil) {
                if (cluster.failure(job) != null) {
                    throw new IllegalStateException("latency job failed", cluster.failure(job));
                }
                LockSupport.parkNanos(100_000_000);
            }
        } finally {
            stop.set(true);
            consumer.join();
            cluster.cancel(job);
        }
        if (consumerError.get() != null) {
            throw new IllegalStateException("the alerts consumer failed: " + consumerError.get(), consumerError.get());
        }
        List<Double> ms = new ArrayList<>();
        synchronized (latencies) {
            for (double[] l : latencies) {
                ms.add(l[0]);
            }
        }
        Collections.sort(ms);
        return new Result(guarantee.name().toLowerCase(), rate, sent, seconds, ms.size(), percentile(ms, 50),
                percentile(ms, 99), ms.isEmpty() ? Double.NaN : ms.get(ms.size() - 1));
    }

    /** Nearest-rank percentile; NaN when empty. */
    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Sends the set's records at {@code rate} per second with timeReceived = now, for at most {@code duration}. */
    private long produce(String topic, double rate, Duration duration) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        AvroCodec<DeviceEvent> codec = AvroCodec.deviceEvents();
        long sent = 0;
        long start = System.nanoTime();
        long limit = duration.toNanos();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < set.n; i++) {
                long due = start + (long) (sent * 1e9 / rate);
                long now = System.nanoTime();
                if (due - start > limit) {
                    break;
                }
                if (due > now) {
                    LockSupport.parkNanos(due - now);
                }
                byte[] value = set.values.get(i);
                DeviceEvent e;
                try {
                    e = codec.decode(value);
                } catch (RuntimeException | org.wardstream.schema.wire.DecodeException ex) {
                    continue; // an injected malformed record: no reading, no latency
                }
                long wall = System.currentTimeMillis();
                e.setTimeReceived(Instant.ofEpochMilli(wall));
                producer.send(new ProducerRecord<>(topic, null, wall, set.keys.get(i), codec.encode(e)));
                sent++;
            }
            producer.flush();
        }
        return sent;
    }

    private void consume(String topic, long runStartMs, AtomicBoolean stop, List<double[]> out) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            List<long[]> seenAt = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            while (!stop.get()) {
                var records = c.poll(Duration.ofMillis(20));
                long seen = System.currentTimeMillis(); // when this poll delivered them, before any parsing
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    seenAt.add(new long[] {seen});
                    values.add(r.value());
                }
            }
            // parsed afterwards, so that HAPI's start-up and parsing never delay the next poll
            for (int i = 0; i < values.size(); i++) {
                AlertMessage m = FhirAlerts.parse(new String(values.get(i), StandardCharsets.UTF_8));
                if (m.raisedAt() != null && m.raisedAt().toEpochMilli() >= runStartMs) {
                    out.add(new double[] {seenAt.get(i)[0] - m.raisedAt().toEpochMilli()});
                }
            }
        }
    }
}
