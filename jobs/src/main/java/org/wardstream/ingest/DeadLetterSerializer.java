package org.wardstream.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.wardstream.contract.Topics;

/**
 * Writes a dead letter to its topic: original bytes, reason and origin in headers. A copy never exceeds what
 * the producer can send: when key, value and headers would pass {@code max.request.size} (a record just under
 * the broker's own limit, plus our headers, would), the copy is cut to a prefix that fits, a
 * {@value Topics#HEADER_DLQ_TRUNCATED} header says what was cut, and the SHA-256 of the original is kept so
 * the record can still be matched to its source. One oversized record must never fail the sink (and with it
 * the job).
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    /** The producer's default {@code max.request.size}. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /** Room left for what the estimate does not know (producer-side protocol framing). */
    static final int MARGIN = 512;
    private final String topic;
    private final int maxRecordBytes;

    public DeadLetterSerializer(String topic) {
        this(topic, DEFAULT_MAX_REQUEST_SIZE);
    }

    /** @param maxRequestSize the sink producer's {@code max.request.size} */
    public DeadLetterSerializer(String topic, int maxRequestSize) {
        this.topic = topic;
        this.maxRecordBytes = maxRequestSize - MARGIN;
    }

    /** The {@code max.request.size} in these producer properties, or the producer's default. */
    public static int maxRequestSize(Properties producer) {
        String v = producer.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return v == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(v.trim());
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = headers(d);
        byte[] key = d.key;
        byte[] value = d.value;
        if (size(key, value, headers) > maxRecordBytes) {
            int keyLength = key == null ? 0 : key.length;
            int valueLength = value == null ? 0 : value.length;
            StringBuilder cut = new StringBuilder();
            RecordHeaders h = headers(d);
            if (keyLength > maxRecordBytes / 4) { // a key may not take more than a quarter
                key = Arrays.copyOf(key, maxRecordBytes / 4);
                cut.append("key ").append(keyLength).append(" -> ").append(key.length).append(" bytes");
                h.add(Topics.HEADER_DLQ_KEY_SHA256, utf8(sha256(d.key)));
            }
            if (value != null) {
                h.add(Topics.HEADER_DLQ_VALUE_SHA256, utf8(sha256(d.value)));
                // the truncation header is at most this long: room for it before the value is sized
                String placeholder = (cut.length() > 0 ? cut + ", " : "") + "value " + valueLength + " -> "
                        + valueLength + " bytes";
                RecordHeaders probe = new RecordHeaders(h.toArray());
                probe.add(Topics.HEADER_DLQ_TRUNCATED, utf8(placeholder));
                int room = maxRecordBytes - size(key, new byte[0], probe) - 16; // varint growth of the length
                value = Arrays.copyOf(value, Math.max(0, Math.min(valueLength, room)));
                cut.append(cut.length() > 0 ? ", " : "").append("value ").append(valueLength).append(" -> ")
                        .append(value.length).append(" bytes");
            }
            h.add(Topics.HEADER_DLQ_TRUNCATED, utf8(cut.toString()));
            headers = h;
        }
        return new ProducerRecord<>(topic, null, d.timestamp > 0 ? d.timestamp : null, key, value, headers);
    }

    private static RecordHeaders headers(DeadLetter d) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_DLQ_REASON, utf8(d.reason));
        headers.add(Topics.HEADER_DLQ_DETAIL, utf8(d.detail));
        headers.add(Topics.HEADER_DLQ_ORIGIN, utf8(d.origin));
        if (d.sourceLine > 0) {
            headers.add(Topics.HEADER_SOURCE_LINE, utf8(Integer.toString(d.sourceLine)));
        }
        return headers;
    }

    /** The producer's own upper bound of a record's size (what it compares with {@code max.request.size}). */
    static int size(byte[] key, byte[] value, RecordHeaders headers) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                CompressionType.NONE, key, value, headers.toArray());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
