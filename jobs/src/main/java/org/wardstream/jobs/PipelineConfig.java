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
        return new PipelineConfig(bootstrapServers, new Properties(), "wardstream-episode-detection",
                "wardstream-episode-detection", Duration.ofSeconds(10), IngestSettings.defaults(), null);
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

    /** Loads and validates the rules: an invalid file fails here, naming the file, the field and the reason. */
    public org.wardstream.rules.Rules loadRules() {
        return rulesDir == null ? org.wardstream.rules.Rules.loadClasspath()
                : org.wardstream.rules.Rules.loadDirectory(java.nio.file.Path.of(rulesDir));
    }
}
