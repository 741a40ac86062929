package org.wardstream.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.episodes.AlertChange;
import org.wardstream.schema.wire.AvroCodec;

/**
 * Event-to-alert latency at a fixed offered load (docs/BENCHMARKS.md, "Latency at fixed offered loads"): the job's
 * stages (ingest, detection) from a fresh topic to an alerts topic whose sink is at-least-once or exactly-once (Kafka
 * transactions, committed on each checkpoint), fed an {@link AlertDenseSet} on its schedule. Each record is sent with
 * {@code timeReceived} and the record timestamp = the wall clock when it is sent, its device time the set's (before
 * it, by 5-9 s: the batch's first beat); an alert raised by a reading carries the reading's {@code timeReceived} as
 * {@code Task.authoredOn}, so latency = when a read_committed consumer polls the alert minus when its triggering reading was sent. Counted:
 * OPENED changes whose {@code authoredOn} is the send time of a reading of the same patient (so raised by that
 * reading, not by an event-time timer), raised after the warm-up.
 */
final class LatencyRun {
    /** One load point under one delivery guarantee. */
    record Result(String guarantee, double offeredPerSecond, double achievedPerSecond, long eventsSent,
                  double sendSeconds, int patients, long warmUpMs, int expectedAlerts, int alerts, int warmUpAlerts,
                  int notFromReading, int otherChanges, double[] latenciesMs, Stats.Estimate p50, Stats.Estimate p99,
                  double maxMs, double lateSendMsP99, double[] toWrittenMs, double[] writtenToSeenMs,
                  double catchUpSeconds) {
    }

    /** How long a latency run waits, after sending, for the job to consume what was sent. */
    static final Duration CATCH_UP_LIMIT = Duration.ofMinutes(3);

    private final BenchCluster cluster;
    private final Rules rules;
    private final int parallelism;
    private final Duration checkpointInterval;

    LatencyRun(BenchCluster cluster, Rules rules, int parallelism, Duration checkpointInterval) {
        this.cluster = cluster;
        this.rules = rules;
        this.parallelism = parallelism;
        this.checkpointInterval = checkpointInterval;
    }

    /**
     * Sends {@code set} on its schedule through the job with an alert sink of {@code guarantee} and times the alerts.
     *
     * @param name           a name unique to this run (topics, consumer groups, transactional ids)
     * @param expectedAlerts the alerts after the warm-up that the job's per-patient path opens for the set
     *                       ({@link AlertDenseSet#count}), for the report
     */
    Result run(String name, DeliveryGuarantee guarantee, AlertDenseSet set, long warmUpMs, int expectedAlerts)
            throws Exception {
        String events = name + "-events";
        String enrolmentsTopic = name + "-enrolments";
        String alertsTopic = name + "-alerts";
        // the alerts topic stamps each record with the broker's append time: the latency splits into raised -> written
        // by the job's sink (ingest, detection, FHIR encoding, the sink's send) and written -> visible to a
        // read_committed consumer (for exactly-once: the wait for the checkpoint's commit)
        cluster.kafka.createTopics(List.of(new NewTopic(events, 1, (short) 1),
                new NewTopic(alertsTopic, 1, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")),
                new NewTopic(enrolmentsTopic, 1, (short) 1)));
        sendEnrolments(enrolmentsTopic, set);
        // live data: the ingest checks run with their defaults (enrolment grace of the benchmark's job)
        JobID job = startJob(name, events, enrolmentsTopic, alertsTopic, guarantee, Variants.INGEST);
        awaitRunning(job);

        List<long[]> seen = Collections.synchronizedList(new ArrayList<>());
        List<byte[]> values = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> consumerError = new java.util.concurrent.atomic.AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                consume(alertsTopic, stop, seen, values);
            } catch (Throwable t) {
                consumerError.set(t);
            }
        }, "bench-latency-consumer");
        consumer.start();
        long[] sentAt = new long[set.size()];
        long baseMs;
        double seconds;
        long[] lateNs;
        double catchUp;
        try {
            baseMs = System.currentTimeMillis() + 200;
            long t0 = System.nanoTime();
            lateNs = produce(events, set, baseMs, sentAt);
            seconds = (System.nanoTime() - t0) / 1e9;
            // a job that fell behind still times its slowest alerts: wait until it has consumed every record sent
            catchUp = awaitConsumed(job, name, sentAt.length);
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
        // which (patient, send time) pairs were readings: an alert whose authoredOn is one of them was raised by it
        Set<Long> sentReadings = new HashSet<>(2 * sentAt.length);
        for (int i = 0; i < sentAt.length; i++) {
            sentReadings.add(pairKey(set.patient[i], sentAt[i], set.patients));
        }
        Map<String, Integer> index = set.pseudonymIndex();
        List<Double> ms = new ArrayList<>();
        List<Double> toWritten = new ArrayList<>();
        List<Double> toSeen = new ArrayList<>();
        int warmUp = 0;
        int notFromReading = 0;
        int other = 0;
        long countFromMs = baseMs + warmUpMs;
        for (int i = 0; i < values.size(); i++) {
            AlertMessage m = FhirAlerts.parse(new String(values.get(i), StandardCharsets.UTF_8));
            if (m.kind() != AlertChange.Kind.OPENED) {
                other++;
                continue;
            }
            Integer p = index.get(m.patient());
            long raised = m.raisedAt() == null ? Long.MIN_VALUE : m.raisedAt().toEpochMilli();
            if (p == null || !sentReadings.contains(pairKey(p, raised, set.patients))) {
                notFromReading++;
            } else if (raised < countFromMs) {
                warmUp++;
            } else {
                long[] at = seen.get(i);
                ms.add((double) (at[0] - raised));
                toWritten.add((double) (at[1] - raised));
                toSeen.add((double) (at[0] - at[1]));
            }
        }
        double[] lat = ms.stream().mapToDouble(Double::doubleValue).toArray();
        java.util.Arrays.sort(lat);
        Stats.Estimate[] pct = lat.length == 0
                ? new Stats.Estimate[] {nan(), nan()}
                : Stats.percentilesWithIntervals(lat, 50.0, 99.0);
        double[] late = java.util.Arrays.stream(lateNs).mapToDouble(x -> x / 1e6).sorted().toArray();
        return new Result(guarantee.name().toLowerCase(), set.offeredPerSecond(), sentAt.length / seconds,
                sentAt.length, seconds, set.patients, warmUpMs, expectedAlerts, lat.length, warmUp, notFromReading,
                other, lat, pct[0], pct[1], lat.length == 0 ? Double.NaN : lat[lat.length - 1],
                Stats.nearestRank(late, 99), sorted(toWritten), sorted(toSeen), catchUp);
    }

    /**
     * Waits until the job's source has committed (on a checkpoint) every one of the {@code records} sent, at most
     * {@link #CATCH_UP_LIMIT}; returns the seconds waited, or NaN when the limit was reached.
     */
    private double awaitConsumed(JobID job, String group, long records) throws Exception {
        long t0 = System.nanoTime();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            while (System.nanoTime() - t0 < CATCH_UP_LIMIT.toNanos()) {
                if (cluster.failure(job) != null) {
                    throw new IllegalStateException("latency job failed", cluster.failure(job));
                }
                var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                long committed = offsets.values().stream().filter(java.util.Objects::nonNull)
                        .mapToLong(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset).sum();
                if (committed >= records) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                LockSupport.parkNanos(200_000_000);
            }
        }
        return Double.NaN;
    }

    private static double[] sorted(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        java.util.Arrays.sort(a);
        return a;
    }

    private static Stats.Estimate nan() {
        return new Stats.Estimate(Double.NaN, Double.NaN, Double.NaN);
    }

    private static long pairKey(int patient, long ms, int patients) {
        return ms * patients + patient;
    }

    private void awaitRunning(JobID job) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cluster.flink.getJobStatus(job).get() != org.apache.flink.api.common.JobStatus.RUNNING) {
            if (cluster.failure(job) != null) {
                throw new IllegalStateException("latency job failed", cluster.failure(job));
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("latency job not running after 60 s");
            }
            LockSupport.parkNanos(50_000_000);
        }
    }

    private void sendEnrolments(String topic, AlertDenseSet set) {
        AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
        AvroCodec<Enrolment> codec = AvroCodec.enrolments();
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = producer("20")) {
            for (int p = 0; p < set.patients; p++) {
                producer.send(new ProducerRecord<>(topic, keys.encode(set.enrolmentKey(p)),
                        codec.encode(set.enrolment(p, now))));
            }
            producer.flush();
        }
    }

    private KafkaProducer<byte[], byte[]> producer(String lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The job's stages (ingest, detection) from {@code events} to an alert sink on {@code alertsTopic}. */
    private JobID startJob(String name, String events, String enrolmentsTopic, String alertsTopic,
                           DeliveryGuarantee guarantee, IngestSettings ingest) throws Exception {
        StreamExecutionEnvironment env = BenchCluster.env(parallelism);
        env.setMaxParallelism(EpisodeDetectionJob.MAX_PARALLELISM);
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        String bootstrap = cluster.kafka.bootstrapServers();
        KafkaSource<IngestRecord> source = KafkaSource.<IngestRecord>builder()
                .setBootstrapServers(bootstrap).setTopics(events).setGroupId(name)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new DeviceEventDeserializer(ingest))
                .setProperty("isolation.level", "read_committed").build();
        KafkaSource<EnrolmentUpdate> enrolmentSource = KafkaSource.<EnrolmentUpdate>builder()
                .setBootstrapServers(bootstrap).setTopics(enrolmentsTopic).setGroupId(name + "-enrolments")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new EnrolmentDeserializer()).build();
        DataStream<IngestRecord> records = env.fromSource(source,
                ReadingWatermarks.strategy(ingest.outOfOrderness(), ingest.idleness()), "device-events");
        DataStream<EnrolmentUpdate> enrolments = env.fromSource(enrolmentSource, ReadingWatermarks.neverHoldBack(),
                "enrolments");
        IngestStage.Output out = IngestStage.build(records, enrolments, ingest);
        DataStream<StreamedAlertChange> alerts = EpisodeDetectionJob.detectEpisodes(DataStreamUtils.reinterpretAsKeyedStream(
                out.readings(), PatientKeys::of, TypeInformation.of(String.class)), enrolments, rules, deadLetters -> { },
                "", ingest);
        var sink = KafkaSink.<StreamedAlertChange>builder().setBootstrapServers(bootstrap)
                .setRecordSerializer(new AlertBundleSerializer(alertsTopic))
                .setDeliveryGuarantee(guarantee);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            sink.setTransactionalIdPrefix("bench-" + name)
                    .setProperty("transaction.timeout.ms", Long.toString(Duration.ofMinutes(10).toMillis()));
        }
        alerts.sinkTo(sink.build()).name("alerts");
        return cluster.submit(env, "bench " + name);
    }

    /**
     * Sends the set's records on schedule (record i at {@code baseMs} + its send offset), each with timeReceived and
     * record timestamp = the wall clock when sent (noted in {@code sentAt}); returns how late each send was, ns.
     */
    private long[] produce(String topic, AlertDenseSet set, long baseMs, long[] sentAt) {
        AvroCodec<DeviceEvent> codec = AvroCodec.deviceEvents();
        AvroCodec<DeviceEventKey> keyCodec = AvroCodec.deviceEventKeys();
        byte[][] keys = new byte[set.patients][];
        for (int p = 0; p < set.patients; p++) {
            keys[p] = set.key(p, keyCodec);
        }
        long[] late = new long[set.size()];
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        long baseNanos = System.nanoTime() + (baseMs - System.currentTimeMillis()) * 1_000_000L;
        try (KafkaProducer<byte[], byte[]> producer = producer("1")) {
            for (int i = 0; i < set.size(); i++) {
                long due = baseNanos + set.readyOffset[i] * 1_000_000L;
                long now = System.nanoTime();
                if (due > now) {
                    LockSupport.parkNanos(due - now);
                }
                late[i] = Math.max(0, System.nanoTime() - due);
                long wall = System.currentTimeMillis();
                sentAt[i] = wall;
                producer.send(new ProducerRecord<>(topic, null, wall, keys[set.patient[i]],
                        codec.encode(set.event(i, baseMs, wall))), (md, e) -> {
                            if (e != null) failure.compareAndSet(null, e);
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the broker refused a latency record: " + failure.get(), failure.get());
        }
        return late;
    }

    /** Polls the alerts topic (read_committed) until stopped, noting when each record was delivered; no parsing. */
    private void consume(String topic, AtomicBoolean stop, List<long[]> seenAt, List<byte[]> values) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            while (!stop.get()) {
                var records = c.poll(Duration.ofMillis(20));
                long seen = System.currentTimeMillis(); // when this poll delivered them, before any parsing
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    seenAt.add(new long[] {seen, r.timestamp()}); // the broker's append time (LogAppendTime)
                    values.add(r.value());
                }
            }
        }
    }
}
