package org.wardstream.jobs;

import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;

import org.wardstream.ingest.IngestSettings;

/**
 * Where the episode-detection job reads and writes, and how.
 *
 * @param bootstrapServers    Kafka bootstrap servers
 * @param kafkaProperties     extra Kafka client settings for every source and sink (TLS, SASL, ...)
 * @param groupId             consumer group id (offsets are committed on checkpoints, for monitoring)
 * @param transactionalIdPrefix prefix of the exactly-once sinks' transactional ids; unique per job
 * @param checkpointInterval  how often state is checkpointed and Kafka transactions commit
 * @param ingest              ingest settings
 * @param rulesDir            directory of alert-rule YAML files, or null for the rules packaged in the jar
 */
public record PipelineConfig(String bootstrapServers, Properties kafkaProperties, String groupId,
                             String transactionalIdPrefix, Duration checkpointInterval, IngestSettings ingest,
                             String rulesDir)
        implements Serializable {

    public static PipelineConfig defaults(String bootstrapServers) {
        return new PipelineConfig(bootstrapServers, new Properties(), Defaults.GROUP_ID,
                Defaults.TRANSACTIONAL_ID_PREFIX, Duration.ofSeconds(10), IngestSettings.defaults(), null);
    }

    /**
     * The job's identifiers on the broker. A class of its own, without Flink or Kafka types, so that the operator's
     * scripts read them from the deployed jar itself ({@code local-cluster/tools} {@code CheckpointTransactions}: which
     * transactions belong to a checkpoint) instead of keeping a copy that goes stale when a site changes them (ops23).
     */
    public static final class Defaults {
        /** Consumer group of {@code device-events} (and, with {@code -enrolments}, of {@code enrolments}). */
        public static final String GROUP_ID = "wardstream-episode-detection";
        /** Prefix of the exactly-once sinks' transactional ids: {@code <prefix>-<sink>-<subtask>-<checkpoint>}. */
        public static final String TRANSACTIONAL_ID_PREFIX = "wardstream-episode-detection";

        private Defaults() {
        }
    }

    public PipelineConfig withIngest(IngestSettings settings) {
        return new PipelineConfig(bootstrapServers, kafkaProperties, groupId, transactionalIdPrefix,
                checkpointInterval, settings, rulesDir);
    }

    public PipelineConfig withCheckpointInterval(Duration interval) {
        return new PipelineConfig(bootstrapServers, kafkaProperties, groupId, transactionalIdPrefix, interval,
                ingest, rulesDir);
    }

    public PipelineConfig withKafkaProperties(Properties properties) {
        return new PipelineConfig(bootstrapServers, properties, groupId, transactionalIdPrefix, checkpointInterval,
                ingest, rulesDir);
    }

    public PipelineConfig withRulesDir(String dir) {
        return new PipelineConfig(bootstrapServers, kafkaProperties, groupId, transactionalIdPrefix,
                checkpointInterval, ingest, dir);
    }

    /**
     * An exactly-once (transactional) Kafka sink with these settings; {@code name} makes its transactional ids
     * unique within the job. The transaction timeout (10 min) stays below the broker's
     * {@code transaction.max.timeout.ms} (15 min by default); the connector's default (1 h) fails at start-up.
     * A {@code transaction.timeout.ms} in {@link #kafkaProperties} wins (probe 22a: it was silently replaced by
     * 10 min, so a site whose broker allows longer could not give the job more time to come back after an outage,
     * and a test could not shorten it): it is how long the job may be down after a checkpoint completed before the
     * broker aborts that checkpoint's alerts (docs/RUNBOOK.md, "the 10-minute trap").
     */
    public <T> org.apache.flink.connector.kafka.sink.KafkaSink<T> exactlyOnceSink(String name,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer) {
        return org.apache.flink.connector.kafka.sink.KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(kafkaProperties)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix + "-" + name)
                .setProperty("transaction.timeout.ms", Long.toString(transactionTimeout().toMillis()))
                .build();
    }

    /** The exactly-once sinks' {@code transaction.timeout.ms}: from {@link #kafkaProperties}, else 10 min. */
    public Duration transactionTimeout() {
        String v = kafkaProperties.getProperty("transaction.timeout.ms");
        if (v == null || v.isBlank()) {
            return Duration.ofMinutes(10);
        }
        try {
            return Duration.ofMillis(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("transaction.timeout.ms must be a number of milliseconds: " + v, e);
        }
    }

    /** Kafka client settings from a properties file (a job's {@code --kafka-properties}). */
    public static Properties readKafkaProperties(String file) {
        Properties props = new Properties();
        try (java.io.InputStream in = new java.io.FileInputStream(file)) {
            props.load(in);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read --kafka-properties " + file, e);
        }
        return props;
    }

    /**
     * Kafka settings with every secret masked (passwords, JAAS configuration, keys): safe to log. A record's own
     * {@code toString} would print the properties as given, secrets included.
     */
    public static String describeKafkaProperties(Properties properties) {
        java.util.Map<String, String> shown = new java.util.TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            String k = key.toLowerCase(java.util.Locale.ROOT);
            boolean secret = k.contains("password") || k.contains("jaas") || k.contains("secret")
                    || k.endsWith(".key") || k.contains("credentials") || k.contains("token");
            shown.put(key, secret ? "[hidden]" : properties.getProperty(key));
        }
        return shown.toString();
    }

    @Override
    public String toString() {
        return "PipelineConfig[bootstrapServers=" + bootstrapServers + ", kafkaProperties="
                + describeKafkaProperties(kafkaProperties) + ", groupId=" + groupId + ", transactionalIdPrefix="
                + transactionalIdPrefix + ", checkpointInterval=" + checkpointInterval + ", ingest=" + ingest
                + ", rulesDir=" + rulesDir + "]";
    }

    /** Loads and validates the rules: an invalid file fails here, naming the file, the field and the reason. */
    public org.wardstream.rules.Rules loadRules() {
        return rulesDir == null ? org.wardstream.rules.Rules.loadClasspath()
                : org.wardstream.rules.Rules.loadDirectory(java.nio.file.Path.of(rulesDir));
    }
}
