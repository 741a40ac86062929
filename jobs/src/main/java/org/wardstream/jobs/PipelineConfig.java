package org.wardstream.jobs;

import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;

import org.wardstream.contract.Topics;
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
 */
public record PipelineConfig(String bootstrapServers, Properties kafkaProperties, String groupId,
                             String transactionalIdPrefix, Duration checkpointInterval, IngestSettings ingest)
        implements Serializable {

    public static PipelineConfig defaults(String bootstrapServers) {
        return new PipelineConfig(bootstrapServers, new Properties(), "wardstream-episode-detection",
                "wardstream-episode-detection", Duration.ofSeconds(10), IngestSettings.defaults());
    }

    public PipelineConfig withIngest(IngestSettings settings) {
        return new PipelineConfig(bootstrapServers, kafkaProperties, groupId, transactionalIdPrefix,
                checkpointInterval, settings);
    }

    public PipelineConfig withCheckpointInterval(Duration interval) {
        return new PipelineConfig(bootstrapServers, kafkaProperties, groupId, transactionalIdPrefix, interval,
                ingest);
    }

    public String deviceEventsTopic() {
        return Topics.DEVICE_EVENTS;
    }
}
