package org.wardstream.localcluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.wardstream.contract.Topics;

/**
 * The {@code alerts} topic as a downstream consumer sees it ({@code isolation.level=read_committed}): messages of
 * open or aborted transactions are never returned. Reads from given offsets (or the beginning) up to the last
 * stable offset; {@link #poll()} returns what has been committed since.
 */
final class AlertTopic implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final List<String> messages = new ArrayList<>();

    AlertTopic(String bootstrapServers, Properties extra, Map<Integer, Long> from) {
        Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // unless extra says read_uncommitted
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(Topics.ALERTS, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(Topics.ALERTS, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        for (TopicPartition tp : partitions) {
            Long offset = from.get(tp.partition());
            if (offset != null) {
                consumer.seek(tp, offset);
            }
        }
    }

    /** Reads up to the current last stable offset of every partition; returns all messages read so far. */
    List<String> poll() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            consumer.poll(Duration.ofMillis(500)).forEach(r ->
                    messages.add(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8)));
        }
        return messages;
    }

    /** The next offset to read per partition (after {@link #poll()}: the end of what was committed). */
    Map<Integer, Long> positions() {
        Map<Integer, Long> out = new TreeMap<>();
        partitions.forEach(tp -> out.put(tp.partition(), consumer.position(tp)));
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
