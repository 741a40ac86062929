package org.wardstream.triage.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.wardstream.contract.Topics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Resets the triage service's consumer group for a restored (or rolled-back) database: to {@link #MARGIN} (or more)
 * before the backup started, on both topics the ingest reads ({@code alerts}, {@code enrolments}), so every record not
 * in the dump is read again (idempotent: stored by Bundle id). Why the margin: the detection job stamps an alert with
 * the time it emitted it, but its exactly-once sink makes it readable only when a checkpoint commits it (every 10 s, at
 * most the sink's 10-min transaction timeout), so an alert emitted just before the backup and committed after it is in
 * neither the dump nor the records from the backup start on (probe 19b D6). What {@code kafka-consumer-groups.sh
 * --reset-offsets --to-datetime <backup start - 15 min> --all-topics} does, without the operator's arithmetic; and it
 * refuses while the service is running (the group has members), as that tool does.
 */
public final class OffsetReset {
    /** The least margin before the backup start: above the job's 10-min transaction timeout. */
    public static final Duration MARGIN = Duration.ofMinutes(15);
    /** The topics the ingest reads. */
    public static final List<String> TOPICS = List.of(Topics.ALERTS, Topics.ENROLMENTS);

    /**
     * One partition's reset.
     *
     * @param partition the topic partition
     * @param from      the group's committed offset before, or null if it had none
     * @param to        the new offset: the first record at or after the reset time (the end when there is none)
     */
    public record Move(TopicPartition partition, Long from, long to) {
        /** Records read again (from - to), or 0 when the group had no offset or moves forward. */
        public long reread() {
            return from == null ? 0 : Math.max(0, from - to);
        }
    }

    /** The group still has members: the service (or another consumer of the group) is running. */
    public static final class GroupActive extends Exception {
        GroupActive(String message) {
            super(message);
        }
    }

    private OffsetReset() {
    }

    /** The time the group is reset to: {@code margin} before the backup start. */
    public static Instant resetTime(Instant backupStart, Duration margin) {
        if (margin.compareTo(MARGIN) < 0) {
            throw new IllegalArgumentException("the margin must be at least " + MARGIN.toMinutes() + " min (above the"
                    + " detection job's 10-min transaction timeout): " + margin);
        }
        return backupStart.minus(margin);
    }

    /**
     * Resets {@code groupId} on {@link #TOPICS} to {@code resetTime(backupStart, margin)}; with {@code apply} false,
     * only says what it would do.
     *
     * @throws GroupActive if the group has members (stop the service first); nothing is changed then
     */
    public static List<Move> toBackupStart(Admin admin, String groupId, Instant backupStart, Duration margin,
                                           boolean apply) throws GroupActive, InterruptedException, ExecutionException {
        Instant to = resetTime(backupStart, margin);
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                .get();
        if (!group.members().isEmpty()) {
            throw new GroupActive("the consumer group " + groupId + " has " + group.members().size() + " active member(s):"
                    + " stop the triage service (every instance) first; nothing was changed");
        }
        Map<String, TopicDescription> topics = admin.describeTopics(TOPICS).allTopicNames().get();
        Map<TopicPartition, OffsetSpec> atTime = new HashMap<>();
        Map<TopicPartition, OffsetSpec> atEnd = new HashMap<>();
        for (TopicDescription t : topics.values()) {
            for (TopicPartitionInfo p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p.partition());
                atTime.put(tp, OffsetSpec.forTimestamp(to.toEpochMilli()));
                atEnd.put(tp, OffsetSpec.latest());
            }
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> byTime = admin.listOffsets(atTime).all().get();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(atEnd).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        List<Move> moves = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> target = new HashMap<>();
        for (TopicPartition tp : atTime.keySet()) {
            long offset = byTime.get(tp).offset();
            if (offset < 0) offset = ends.get(tp).offset(); // no record at or after the time: from the end
            OffsetAndMetadata before = committed.get(tp);
            moves.add(new Move(tp, before == null ? null : before.offset(), offset));
            target.put(tp, new OffsetAndMetadata(offset));
        }
        moves.sort(Comparator.comparing((Move m) -> m.partition().topic()).thenComparingInt(m -> m.partition().partition()));
        if (apply) admin.alterConsumerGroupOffsets(groupId, target).all().get();
        return moves;
    }
}
