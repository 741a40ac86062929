package org.wardstream.jobs;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.ingest.IngestMetrics;

/**
 * An exactly-once Kafka sink whose lost commits are seen (ops24; the 10-minute trap inside a running job, RUNBOOK).
 *
 * <p>When Flink restores checkpoint N by itself and the connector's committer reports N's transaction fenced (or in an
 * invalid state, or its producer unknown), the connector only logs "most likely signals data loss" and the job runs
 * on. That is right after an ordinary recovery (N's transactions were committed before the failure and Kafka 4 bumped
 * their epoch: CI's smoke test) and a silent loss after an outage longer than {@code transaction.timeout.ms} (the
 * broker aborted them). This sink asks the broker which ({@link BrokerTransactions}, {@link CommitOutcome}):
 * committed, it carries on (one INFO line); aborted, it logs one ERROR naming the checkpoint and the transactional id
 * and counts it in {@code wardstream_lostCommits{checkpoint=N}}, which {@code local-cluster/status} reports with the
 * operator's action (replay from before the outage); the broker not telling counts in {@code
 * wardstream_unverifiedCommits{checkpoint=N}}. Nothing halts: the job keeps alerting (a guard that stopped it, session
 * 23, stopped healthy recoveries too).
 *
 * <p>Otherwise the connector's {@link KafkaSink}, unchanged (writer, committables, serializers, post-commit topology),
 * so savepoints and uids are unaffected.
 */
public final class LostCommitWatch<IN> implements TwoPhaseCommittingStatefulSink<IN, KafkaWriterState, KafkaCommittable>,
        SupportsPostCommitTopology<KafkaCommittable>, LineageVertexProvider {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LostCommitWatch.class);

    /** Metric names (user group {@value IngestMetrics#GROUP}, label {@code checkpoint}). */
    public static final String LOST_COMMITS = "lostCommits";
    public static final String UNVERIFIED_COMMITS = "unverifiedCommits";
    /** The first words of the ERROR line, for the RUNBOOK and log searches. */
    public static final String LOST = "LOST COMMIT";

    private final KafkaSink<IN> sink;
    private final String name;
    private final Properties clientProperties;
    private final long transactionTimeoutMs;

    private LostCommitWatch(KafkaSink<IN> sink, String name, Properties clientProperties, long transactionTimeoutMs) {
        this.sink = sink;
        this.name = name;
        this.clientProperties = clientProperties;
        this.transactionTimeoutMs = transactionTimeoutMs;
    }

    /**
     * {@code sink} (named {@code name}: alerts, episodes, dlq, ...) whose lost commits are reported; {@code
     * clientProperties}: the job's Kafka client settings including {@code bootstrap.servers}, to ask the broker.
     */
    public static <IN> LostCommitWatch<IN> of(KafkaSink<IN> sink, String name, Properties clientProperties,
            long transactionTimeoutMs) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        return new LostCommitWatch<>(sink, name, p, transactionTimeoutMs);
    }

    @Override
    public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) throws IOException {
        Properties p = clientProperties;
        return new Watching(sink.createCommitter(context),
                () -> BrokerTransactions.connect(p, Duration.ofSeconds(20)),
                new MetricAlarm(context.metricGroup(), name, transactionTimeoutMs));
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

    /** What is done with a commit the connector could not make, once the broker was asked. */
    public interface Alarm {
        void committedBefore(String transactionalId, long checkpoint);

        void lost(String transactionalId, long checkpoint, Throwable reported);

        void unverified(String transactionalId, long checkpoint, Throwable reported);
    }

    /** Opens the connection to the broker, on the first refused commit only. */
    public interface Lookup {
        BrokerTransactions open();
    }

    /** The connector's committer; each commit it gives up with a known reason is checked with the broker. */
    public static final class Watching implements Committer<KafkaCommittable> {
        private final Committer<KafkaCommittable> committer;
        private final Lookup lookup;
        private final Alarm alarm;
        private BrokerTransactions broker;

        public Watching(Committer<KafkaCommittable> committer, Lookup lookup, Alarm alarm) {
            this.committer = committer;
            this.lookup = lookup;
            this.alarm = alarm;
        }

        @Override
        public void commit(Collection<CommitRequest<KafkaCommittable>> requests) throws IOException, InterruptedException {
            List<Request> watched = new ArrayList<>(requests.size());
            for (CommitRequest<KafkaCommittable> r : requests) {
                watched.add(new Request(r));
            }
            committer.commit(new ArrayList<CommitRequest<KafkaCommittable>>(watched));
            for (Request r : watched) {
                if (r.refused != null) {
                    check(r.getCommittable(), r.refused);
                }
            }
        }

        private void check(KafkaCommittable c, Throwable refused) throws InterruptedException {
            long checkpoint = CommitOutcome.checkpointOf(c.getTransactionalId());
            CommitOutcome.Verdict verdict;
            try {
                if (broker == null) {
                    broker = lookup.open();
                }
                verdict = broker.verdict(c.getTransactionalId(), c.getProducerId(), c.getEpoch());
            } catch (RuntimeException e) {
                LOG.warn("Could not ask the broker about Kafka transaction {}", c.getTransactionalId(), e);
                verdict = CommitOutcome.Verdict.UNKNOWN;
            }
            switch (verdict) {
                case COMMITTED -> alarm.committedBefore(c.getTransactionalId(), checkpoint);
                case ABORTED -> alarm.lost(c.getTransactionalId(), checkpoint, refused);
                default -> alarm.unverified(c.getTransactionalId(), checkpoint, refused);
            }
        }

        @Override
        public void close() throws Exception {
            try {
                committer.close();
            } finally {
                if (broker != null) {
                    broker.close();
                }
            }
        }
    }

    /** A commit request that remembers a failure with a known reason (fenced, invalid state, unknown producer). */
    static final class Request implements Committer.CommitRequest<KafkaCommittable> {
        private final Committer.CommitRequest<KafkaCommittable> request;
        Throwable refused;

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
            refused = t;
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

        /** The connector's log lines name the request: Flink's own text (with the committable). */
        @Override
        public String toString() {
            return request.toString();
        }
    }

    /** The job's alarm: a log line and a counter per checkpoint ({@code local-cluster/status} reads the counters). */
    static final class MetricAlarm implements Alarm {
        private final MetricGroup group;
        private final String sink;
        private final long transactionTimeoutMs;
        private final Map<String, Counter> counters = new HashMap<>();

        MetricAlarm(MetricGroup group, String sink, long transactionTimeoutMs) {
            this.group = group;
            this.sink = sink;
            this.transactionTimeoutMs = transactionTimeoutMs;
        }

        @Override
        public void committedBefore(String transactionalId, long checkpoint) {
            LOG.info("Kafka transaction {} of checkpoint {} was reported fenced, but the broker had committed it "
                    + "before this recovery: nothing lost (the connector's 'most likely signals data loss' above does not "
                    + "apply)", transactionalId, checkpoint);
        }

        @Override
        public void lost(String transactionalId, long checkpoint, Throwable reported) {
            LOG.error(lostMessage(transactionalId, checkpoint, sink, transactionTimeoutMs));
            counter(LOST_COMMITS, checkpoint).inc();
        }

        @Override
        public void unverified(String transactionalId, long checkpoint, Throwable reported) {
            LOG.warn("Kafka transaction " + transactionalId + " of checkpoint " + checkpoint + " (sink '" + sink
                    + "') could not be committed (" + reported.getClass().getSimpleName() + ") and the broker does not"
                    + " say whether it was committed before or aborted: its records may be lost. Check with"
                    + " kafka-transactions.sh describe --transactional-id " + transactionalId + " (CompleteAbort: replay"
                    + " from before the outage; docs/RUNBOOK.md, 'the 10-minute trap'). Counted in"
                    + " wardstream_checkpoint_" + UNVERIFIED_COMMITS + "{checkpoint=" + checkpoint + "} (local-cluster/"
                    + "status: COMMITS NOT VERIFIED)");
            counter(UNVERIFIED_COMMITS, checkpoint).inc();
        }

        private Counter counter(String metric, long checkpoint) {
            return counters.computeIfAbsent(metric + "/" + checkpoint, k -> group.addGroup(IngestMetrics.GROUP)
                    .addGroup("checkpoint", Long.toString(checkpoint)).counter(metric));
        }
    }

    /** The ERROR line of a lost commit: which checkpoint and transaction, what is lost, what to do. */
    static String lostMessage(String transactionalId, long checkpoint, String sink, long transactionTimeoutMs) {
        return LOST + ": the broker aborted Kafka transaction " + transactionalId + " of checkpoint " + checkpoint
                + " before it could be committed: the records of sink '" + sink + "' (alerts, episode records or dead "
                + "letters) produced before that checkpoint are lost, and the job runs on after them. The job or the "
                + "broker was down for longer than transaction.timeout.ms (" + transactionTimeoutMs + " ms) between the "
                + "checkpoint and its commit. Do: replay the input from before the outage (docs/RUNBOOK.md, 'Replay "
                + "from a point in time'; 'the 10-minute trap'). Counted in wardstream_checkpoint_" + LOST_COMMITS
                + "{checkpoint=" + checkpoint + "} (local-cluster/status: LOST ALERTS)";
    }
}
