package org.wardstream.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic from the beginning as a downstream consumer would, with
 * {@code isolation.level=read_committed}: records of open or aborted transactions are never seen.
 * Each {@link #poll()} appends what has been committed since the last call.
 */
public final class CommittedTopicReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final List<TopicPartition> partitions;

    public CommittedTopicReader(String bootstrapServers, Properties extra, String topic) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Fetches what is available now: at least everything committed when it was called (up to the partitions' last
     * stable offsets, waiting at most a minute for a slow broker), then until a poll comes back empty; returns all
     * records so far.
     */
    public List<ConsumerRecord<byte[], byte[]>> poll() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.getOrDefault(tp, 0L))
                && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        while (true) {
            var batch = consumer.poll(Duration.ofMillis(200));
            if (batch.isEmpty()) {
                return records;
            }
            batch.forEach(records::add);
        }
    }

    public List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
