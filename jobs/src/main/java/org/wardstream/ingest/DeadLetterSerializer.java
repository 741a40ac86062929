package org.wardstream.ingest;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.wardstream.contract.Topics;

/** Writes a dead letter to {@code device-events-dlq}: original bytes, reason and origin in headers. */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_DLQ_REASON, utf8(d.reason));
        headers.add(Topics.HEADER_DLQ_DETAIL, utf8(d.detail));
        headers.add(Topics.HEADER_DLQ_ORIGIN, utf8(d.origin));
        if (d.sourceLine > 0) {
            headers.add(Topics.HEADER_SOURCE_LINE, utf8(Integer.toString(d.sourceLine)));
        }
        return new ProducerRecord<>(topic, null, d.timestamp > 0 ? d.timestamp : null, d.key, d.value, headers);
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
