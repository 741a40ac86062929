package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.Topics;

/** Issue 15 item 2: a dead-letter copy never exceeds what the sink's producer can send. */
class DeadLetterSerializerTest {
    final DeadLetterSerializer serializer = new DeadLetterSerializer(Topics.DEVICE_EVENTS_DLQ);

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static int producerSize(ProducerRecord<byte[], byte[]> r) {
        return DeadLetterSerializer.size(r.key(), r.value(), new RecordHeaders(r.headers().toArray()));
    }

    static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aValueJustUnderTheBrokerLimitIsTruncatedToFitWithItsDigest() {
        byte[] key = random(40, 1);
        byte[] value = random(1_048_400, 2); // accepted by a default broker (message.max.bytes 1048588)
        DeadLetter d = new DeadLetter(key, value, "too-large", "DeviceEvent record of 1048400 bytes (limit 262144)",
                "device-events-0@17", 1_772_442_000_000L, -1);
        ProducerRecord<byte[], byte[]> r = serializer.serialize(d, null, null);

        assertThat(producerSize(r)).isLessThanOrEqualTo(DeadLetterSerializer.DEFAULT_MAX_REQUEST_SIZE);
        assertThat(r.key()).isEqualTo(key);
        assertThat(r.value().length).isGreaterThan(1_040_000);
        assertThat(r.value()).isEqualTo(Arrays.copyOf(value, r.value().length));
        assertThat(header(r, Topics.HEADER_DLQ_TRUNCATED)).isEqualTo("value 1048400 -> " + r.value().length + " bytes");
        assertThat(header(r, Topics.HEADER_DLQ_VALUE_SHA256)).isEqualTo(DeadLetterSerializer.sha256(value))
                .hasSize(64);
        assertThat(header(r, Topics.HEADER_DLQ_REASON)).isEqualTo("too-large");
    }

    @Test
    void aHugeKeyAndValueAreBothCutAndAnySmallerProducerLimitIsKept() {
        DeadLetterSerializer small = new DeadLetterSerializer(Topics.DEVICE_EVENTS_DLQ, 64 * 1024);
        byte[] key = random(200_000, 3);
        byte[] value = random(900_000, 4);
        ProducerRecord<byte[], byte[]> r = small.serialize(new DeadLetter(key, value, "not-decodable", "x", "o", 0, -1),
                null, null);
        assertThat(producerSize(r)).isLessThanOrEqualTo(64 * 1024);
        assertThat(r.key()).isEqualTo(Arrays.copyOf(key, r.key().length));
        assertThat(header(r, Topics.HEADER_DLQ_KEY_SHA256)).isEqualTo(DeadLetterSerializer.sha256(key));
        assertThat(header(r, Topics.HEADER_DLQ_TRUNCATED)).startsWith("key 200000 -> ").contains("value 900000 -> ");
    }

    @Test
    void anOrdinaryDeadLetterIsCopiedWholeWithoutTruncationHeaders() {
        byte[] value = random(5_000, 5);
        ProducerRecord<byte[], byte[]> r = serializer.serialize(
                new DeadLetter(random(30, 6), value, "invalid-field", "eventId is missing or blank", "o", 5, 3),
                null, null);
        assertThat(r.value()).isEqualTo(value);
        assertThat(r.headers().lastHeader(Topics.HEADER_DLQ_TRUNCATED)).isNull();
        assertThat(r.headers().lastHeader(Topics.HEADER_DLQ_VALUE_SHA256)).isNull();
        assertThat(header(r, Topics.HEADER_SOURCE_LINE)).isEqualTo("3");
    }

    @Test
    void theLimitComesFromTheProducerProperties() {
        java.util.Properties p = new java.util.Properties();
        assertThat(DeadLetterSerializer.maxRequestSize(p)).isEqualTo(1_048_576);
        p.setProperty("max.request.size", "2097152");
        assertThat(DeadLetterSerializer.maxRequestSize(p)).isEqualTo(2_097_152);
    }
}
