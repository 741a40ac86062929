package org.wardstream.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;

/**
 * An exactly-once Kafka sink that stops the job instead of running on when a checkpoint's Kafka transaction can no
 * longer be committed (ops23, the in-job case of probe 22a F1).
 *
 * <p>The sink writes the records before checkpoint N in a Kafka transaction and commits it once N has completed, and
 * again whenever the job restores N. If the commit did not happen in time (the broker unreachable, or a TaskManager
 * frozen, exactly between N completing and its commit) and the outage lasted longer than the transaction timeout, the
 * broker has aborted the transaction. Flink then restores N by itself (its own failover, no script is asked); the
 * connector's committer gets {@code ProducerFencedException} (or {@code InvalidTxnStateException}), logs "most likely
 * signals data loss", marks the commit as failed with a known reason, and the job runs on after N's input: N's alerts,
 * dead letters and episode records are lost for good, with every task running (measured on the local cluster: see
 * docs/RUNBOOK.md, "the 10-minute trap"). flink-connector-kafka 5.0.0-2.2 has no option to fail instead, and Flink's
 * restart would restore the same checkpoint again and again.
 *
 * <p>This sink is the connector's {@link KafkaSink}, unchanged (same writer, committables, serializers and post-commit
 * topology, so savepoints and uids are unaffected), with its committer watched: a commit the connector gives up with a
 * known reason fails the job with {@link SuppressRestartsException} (no restart: the job goes FAILED). The checkpoint
 * is retained; resuming from the retained checkpoint before it re-processes N's input and produces the same records
 * again (same ids): {@code local-cluster/submit} does that after asking the broker, {@code local-cluster/status}
 * prints the reason. A halt the operator sees instead of a loss nobody sees.
 */
public final class LostCommitGuard<IN> implements TwoPhaseCommittingStatefulSink<IN, KafkaWriterState, KafkaCommittable>,
        SupportsPostCommitTopology<KafkaCommittable>, LineageVertexProvider {
    private static final long serialVersionUID = 1L;

    /** The first words of the failure, for {@code local-cluster/status} and the RUNBOOK. */
    public static final String MESSAGE = "Kafka transaction could not be committed, the broker aborted it";

    private final KafkaSink<IN> sink;
    private final long transactionTimeoutMs;

    private LostCommitGuard(KafkaSink<IN> sink, long transactionTimeoutMs) {
        this.sink = sink;
        this.transactionTimeoutMs = transactionTimeoutMs;
    }

    /** {@code sink} whose lost commits stop the job ({@code transactionTimeoutMs}: its transaction timeout, for the message). */
    public static <IN> LostCommitGuard<IN> of(KafkaSink<IN> sink, long transactionTimeoutMs) {
        return new LostCommitGuard<>(sink, transactionTimeoutMs);
    }

    @Override
    public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) throws IOException {
        return new Watching(sink.createCommitter(context), transactionTimeoutMs);
    }

    @Override
    public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
        return sink.getCommittableSerializer();
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> createWriter(WriterInitContext context)
            throws IOException {
        return sink.createWriter(context);
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> restoreWriter(
            WriterInitContext context, Collection<KafkaWriterState> recoveredState) throws IOException {
        return sink.restoreWriter(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
        return sink.getWriterStateSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committables) {
        sink.addPostCommitTopology(committables);
    }

    @Override
    public LineageVertex getLineageVertex() {
        return sink.getLineageVertex();
    }

    /** The connector's committer; a request it fails with a known reason (fenced, aborted) stops the job. */
    static final class Watching implements Committer<KafkaCommittable> {
        private final Committer<KafkaCommittable> committer;
        private final long transactionTimeoutMs;

        Watching(Committer<KafkaCommittable> committer, long transactionTimeoutMs) {
            this.committer = committer;
            this.transactionTimeoutMs = transactionTimeoutMs;
        }

        @Override
        public void commit(Collection<CommitRequest<KafkaCommittable>> requests) throws IOException, InterruptedException {
            List<Request> watched = new ArrayList<>(requests.size());
            for (CommitRequest<KafkaCommittable> r : requests) {
                watched.add(new Request(r));
            }
            committer.commit(new ArrayList<Committer.CommitRequest<KafkaCommittable>>(watched));
            for (Request r : watched) {
                if (r.lost != null) {
                    throw new SuppressRestartsException(new IllegalStateException(message(
                            r.getCommittable().getTransactionalId(), transactionTimeoutMs), r.lost));
                }
            }
        }

        @Override
        public void close() throws Exception {
            committer.close();
        }
    }

    /** What the job fails with: which transaction, why, and what the operator does. */
    static String message(String transactionalId, long transactionTimeoutMs) {
        return MESSAGE + ": " + transactionalId + " (of the checkpoint its name ends with). Its records (alerts, "
                + "episodes, dead letters) were written but never committed: the job or the broker was down for longer "
                + "than transaction.timeout.ms (" + transactionTimeoutMs + " ms) after that checkpoint completed and "
                + "before its commit. The job stopped instead of running on without them (no restart: a restart would "
                + "restore the same checkpoint). Resume it from the retained checkpoint before that one: "
                + "local-cluster/submit does so after asking the broker (elsewhere: flink run -s <the checkpoint "
                + "before>); docs/RUNBOOK.md, 'the 10-minute trap'";
    }

    /** A commit request that remembers a failure with a known reason (the connector's fenced or aborted commit). */
    static final class Request implements Committer.CommitRequest<KafkaCommittable> {
        private final Committer.CommitRequest<KafkaCommittable> request;
        Throwable lost;

        Request(Committer.CommitRequest<KafkaCommittable> request) {
            this.request = request;
        }

        @Override
        public KafkaCommittable getCommittable() {
            return request.getCommittable();
        }

        @Override
        public int getNumberOfRetries() {
            return request.getNumberOfRetries();
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            lost = t;
            request.signalFailedWithKnownReason(t);
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            request.signalFailedWithUnknownReason(t);
        }

        @Override
        public void retryLater() {
            request.retryLater();
        }

        @Override
        public void updateAndRetryLater(KafkaCommittable committable) {
            request.updateAndRetryLater(committable);
        }

        @Override
        public void signalAlreadyCommitted() {
            request.signalAlreadyCommitted();
        }
    }
}
