package org.wardstream.triage.cli;

import org.wardstream.triage.TriageConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** The Kafka options of the service and of {@code triage reset-offsets}: the same servers, client settings and group. */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client properties file (security.protocol, SASL/TLS settings) for the consumer and producer")
    Path kafkaProperties;

    @Option(names = "--group-id", paramLabel = "GROUP", defaultValue = TriageConfig.DEFAULT_GROUP,
            description = "consumer group of the alert ingest (default: ${DEFAULT-VALUE})")
    String groupId;

    /** The client properties of {@code --kafka-properties} (none without it). */
    Map<String, String> properties(CommandLine.Model.CommandSpec spec) {
        return ServiceOptions.kafkaProperties(spec, kafkaProperties);
    }
}
