package org.wardstream.equity.job;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An aggregate row to Kafka: key = the row's message key (the row key, so a compacted topic keeps the newest revision;
 * a recomputation's rows of its own generation under {@code <row key>|<generation>}: {@link RecomputedRows}), value =
 * JSON.
 */
public final class EquityRowSerializer implements KafkaRecordSerializationSchema<EquityRowOut> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public EquityRowSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(EquityRowOut row, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, null, row.key.getBytes(StandardCharsets.UTF_8),
                row.json.getBytes(StandardCharsets.UTF_8));
    }
}
