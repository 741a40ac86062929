package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;

/**
 * ops23, the in-job case of probe 22a F1: after an outage longer than the transaction timeout between a checkpoint and
 * its commit, Flink's own failover restores that checkpoint, the connector's committer finds the transaction aborted
 * (fenced), logs "most likely signals data loss" and the job ran on without that checkpoint's alerts. Every exactly-once
 * sink of the detection job now stops the job instead (no restart), so the operator resumes from the checkpoint before.
 */
class LostCommitGuardTest {

    @Test
    void everyExactlyOnceSinkOfTheDetectionJobStopsTheJobOnALostCommit() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        EpisodeDetectionJob.build(env, PipelineConfig.defaults("127.0.0.1:9"));
        List<String> sinks = new ArrayList<>();
        List<String> unguarded = new ArrayList<>();
        env.getTransformations().stream().filter(t -> t instanceof SinkTransformation<?, ?>).forEach(t -> {
            sinks.add(t.getName());
            if (!(((SinkTransformation<?, ?>) t).getSink() instanceof LostCommitGuard<?>)) {
                unguarded.add(t.getName());
            }
        });
        assertThat(sinks).containsExactlyInAnyOrder("enrolments-dlq", "device-events-dlq", "alerts", "episodes");
        assertThat(unguarded).as("sinks whose lost commits the job would run on after").isEmpty();
    }

    /** The connector's committer (KafkaCommitter) on a transaction the broker aborted: fenced, a known reason. */
    static final class FencedCommitter implements Committer<KafkaCommittable> {
        @Override
        public void commit(java.util.Collection<CommitRequest<KafkaCommittable>> requests) {
            for (CommitRequest<KafkaCommittable> r : requests) {
                if (r.getCommittable().getTransactionalId().endsWith("-7")) {
                    r.signalFailedWithKnownReason(new ProducerFencedException("There is a newer producer with the same"
                            + " transactionalId which fences the current one."));
                }
            }
        }

        @Override
        public void close() {
        }
    }

    /** A commit request as Flink's committer operator hands it over, recording what the committer signalled. */
    static final class Recorded implements Committer.CommitRequest<KafkaCommittable> {
        final KafkaCommittable committable;
        final List<String> signals = new ArrayList<>();

        Recorded(String transactionalId) {
            committable = new KafkaCommittable(42, (short) 0, transactionalId, null);
        }

        @Override
        public KafkaCommittable getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            signals.add("known " + t.getClass().getSimpleName());
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            signals.add("unknown");
        }

        @Override
        public void retryLater() {
            signals.add("retry");
        }

        @Override
        public void updateAndRetryLater(KafkaCommittable committable) {
            signals.add("update");
        }

        @Override
        public void signalAlreadyCommitted() {
            signals.add("already");
        }
    }

    @Test
    void aCommitTheBrokerRefusedStopsTheJobWithoutARestartNamingTheTransaction() {
        var committer = new LostCommitGuard.Watching(new FencedCommitter(), 20_000);
        Recorded ok = new Recorded("wardstream-episode-detection-alerts-0-6");
        Recorded aborted = new Recorded("wardstream-episode-detection-alerts-0-7");

        assertThatThrownBy(() -> committer.commit(List.of(ok, aborted)))
                .isInstanceOf(SuppressRestartsException.class)
                .satisfies(e -> assertThat(ExecutionFailureHandler.isUnrecoverableError(e))
                        .as("Flink's failover treats it as unrecoverable (no restart from the same checkpoint)").isTrue())
                .hasRootCauseInstanceOf(ProducerFencedException.class)
                .cause().hasMessageContaining(LostCommitGuard.MESSAGE + ": wardstream-episode-detection-alerts-0-7")
                .hasMessageContaining("transaction.timeout.ms (20000 ms)")
                .hasMessageContaining("local-cluster/submit");
        assertThat(aborted.signals).as("Flink's own request still learns the outcome").containsExactly(
                "known ProducerFencedException");
        assertThat(ok.signals).isEmpty();
    }

    @Test
    void commitsThatSucceedOrAreRetriedLaterGoOn() throws Exception {
        var committer = new LostCommitGuard.Watching(new FencedCommitter(), 600_000);
        Recorded ok = new Recorded("wardstream-episode-detection-alerts-1-8");
        committer.commit(List.of(ok));
        assertThat(ok.signals).isEmpty();
    }
}
