package org.wardstream.jobs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a Kafka transaction that the connector could not commit (it reported it fenced) was committed before or
 * aborted by the broker (ops24, the 10-minute trap inside a running job): plain Java, no Kafka or Flink types.
 *
 * <p>On Flink's own restore of checkpoint N, the connector's committer commits N's transactions again with the
 * producer id and epoch recorded in the checkpoint. It reports the same {@code ProducerFencedException} in two cases
 * it cannot tell apart: the transaction had been committed already (an ordinary recovery; Kafka 4's transactions bump
 * the producer epoch on every commit, measured: CI's smoke test, checkpoint 8's {@code -dlq-0-8}), or the broker
 * aborted it after a longer outage than {@code transaction.timeout.ms} (its records are lost). The broker still knows
 * which: its description of the transactional id.
 */
public final class CommitOutcome {
    private CommitOutcome() {
    }

    /** What the broker says happened to the transaction. */
    public enum Verdict {
        /** Committed (before this attempt): its records are readable, nothing is lost. */
        COMMITTED,
        /** Aborted by the broker: its records are lost unless the input is replayed. */
        ABORTED,
        /** The broker no longer tells (unknown id, reused or re-initialised since, or not reachable). */
        UNKNOWN
    }

    /**
     * The broker's description of a transactional id now ({@code describeTransactions}): its state (the broker's
     * names: {@code CompleteCommit}, {@code CompleteAbort}, {@code Ongoing}, {@code Empty}, ...) and current producer id
     * and epoch.
     */
    public record BrokerState(String state, long producerId, short producerEpoch) {
    }

    /**
     * The verdict for the transaction written by producer {@code producerId} with {@code epoch} (the checkpoint's
     * committable), given what the broker says now ({@code null}: it does not know the id).
     *
     * <p>The broker's state is about the id's latest transaction; it is this one only if the producer id is the same
     * and the epoch has not gone back (the broker bumps it when it commits (Kafka 4) or aborts on timeout, and when a
     * producer initialises the id again). {@code Empty} or {@code Ongoing} mean the id was initialised again since:
     * the outcome is gone, so unknown (not "committed": a lost commit must never pass as a good one).
     */
    public static Verdict of(long producerId, short epoch, BrokerState broker) {
        if (broker == null || broker.state() == null || broker.producerId() != producerId
                || broker.producerEpoch() < epoch) {
            return Verdict.UNKNOWN;
        }
        return switch (broker.state()) {
            case "CompleteCommit", "PrepareCommit" -> Verdict.COMMITTED;
            case "CompleteAbort", "PrepareAbort", "PrepareEpochFence" -> Verdict.ABORTED;
            default -> Verdict.UNKNOWN;
        };
    }

    /** Ids end in {@code -<subtask>-<checkpoint>} (the connector's default, incrementing, naming). */
    private static final Pattern ID = Pattern.compile("^.+-(\\d+)-(\\d+)$");

    /** The checkpoint a transactional id belongs to ({@code <prefix>-<sink>-<subtask>-<checkpoint>}), or -1. */
    public static long checkpointOf(String transactionalId) {
        Matcher m = ID.matcher(transactionalId);
        return m.matches() ? Long.parseLong(m.group(2)) : -1;
    }

    /** The broker's state name for the admin client's enum name ({@code COMPLETE_ABORT} to {@code CompleteAbort}). */
    public static String stateName(String enumName) {
        StringBuilder b = new StringBuilder();
        for (String part : enumName.toLowerCase(java.util.Locale.ROOT).split("_")) {
            if (!part.isEmpty()) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return b.toString();
    }
}
