package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.junit.jupiter.api.Test;
import org.wardstream.jobs.CommitOutcome.BrokerState;
import org.wardstream.jobs.CommitOutcome.Verdict;

/**
 * ops24, the 10-minute trap inside a running job: the connector reports a restored checkpoint's transaction "fenced"
 * both when it had been committed before (an ordinary recovery: no alarm) and when the broker aborted it (its records
 * are lost: alarm). The broker's description tells them apart.
 */
class CommitOutcomeTest {
    static final long PID = 4711;
    static final short EPOCH = 3;

    @Test
    void committedBeforeTheRecoveryIsNoAlarm() {
        // Kafka 4 (transactions v2) bumps the epoch when it commits; v1 keeps it
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("CompleteCommit", PID, (short) (EPOCH + 1))))
                .isEqualTo(Verdict.COMMITTED);
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("CompleteCommit", PID, EPOCH)))
                .isEqualTo(Verdict.COMMITTED);
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("PrepareCommit", PID, EPOCH)))
                .isEqualTo(Verdict.COMMITTED);
    }

    @Test
    void abortedByTheBrokerIsALoss() {
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("CompleteAbort", PID, (short) (EPOCH + 1))))
                .isEqualTo(Verdict.ABORTED);
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("PrepareAbort", PID, (short) (EPOCH + 1))))
                .isEqualTo(Verdict.ABORTED);
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("PrepareEpochFence", PID, EPOCH)))
                .isEqualTo(Verdict.ABORTED);
    }

    @Test
    void whenTheBrokerCannotSayItIsNeverTakenForCommitted() {
        // the id initialised again since (its outcome is gone), another producer, an epoch gone back, an unknown id
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("Empty", PID, (short) (EPOCH + 2))))
                .isEqualTo(Verdict.UNKNOWN);
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("Ongoing", PID, (short) (EPOCH + 2))))
                .isEqualTo(Verdict.UNKNOWN);
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("CompleteCommit", PID + 1, EPOCH)))
                .isEqualTo(Verdict.UNKNOWN);
        assertThat(CommitOutcome.of(PID, EPOCH, new BrokerState("CompleteCommit", PID, (short) (EPOCH - 1))))
                .isEqualTo(Verdict.UNKNOWN);
        assertThat(CommitOutcome.of(PID, EPOCH, null)).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void theCheckpointOfATransactionalIdAndTheBrokersStateNames() {
        assertThat(CommitOutcome.checkpointOf("wardstream-episode-detection-alerts-1-42")).isEqualTo(42);
        assertThat(CommitOutcome.checkpointOf("something-else")).isEqualTo(-1);
        assertThat(CommitOutcome.stateName("COMPLETE_ABORT")).isEqualTo("CompleteAbort");
        assertThat(CommitOutcome.stateName("PREPARE_EPOCH_FENCE")).isEqualTo("PrepareEpochFence");
    }

    @Test
    void everyExactlyOnceSinkOfTheDetectionJobIsWatched() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        EpisodeDetectionJob.build(env, PipelineConfig.defaults("127.0.0.1:9"));
        List<String> sinks = new ArrayList<>();
        List<String> unwatched = new ArrayList<>();
        env.getTransformations().stream().filter(t -> t instanceof SinkTransformation<?, ?>).forEach(t -> {
            sinks.add(t.getName());
            if (!(((SinkTransformation<?, ?>) t).getSink() instanceof LostCommitWatch<?>)) {
                unwatched.add(t.getName());
            }
        });
        assertThat(sinks).containsExactlyInAnyOrder("enrolments-dlq", "device-events-dlq", "alerts", "episodes");
        assertThat(unwatched).as("sinks whose lost commits nobody would see").isEmpty();
    }

    @Test
    void theErrorLineNamesTheCheckpointTheTransactionAndTheAction() {
        assertThat(LostCommitWatch.lostMessage("wardstream-episode-detection-alerts-0-7", 7, "alerts", 600_000))
                .startsWith("LOST COMMIT: the broker aborted Kafka transaction wardstream-episode-detection-alerts-0-7"
                        + " of checkpoint 7")
                .contains("transaction.timeout.ms (600000 ms)", "Replay from a point in time",
                        "wardstream_checkpoint_lostCommits{checkpoint=7}", "LOST ALERTS");
    }

    @Test
    void aLostCommitIsCountedPerCheckpointAndACommittedOneIsNot() {
        var metrics = new LostCommitCheckIT.Metrics("");
        var alarm = new LostCommitWatch.MetricAlarm(metrics, "alerts", 600_000);
        var fenced = new org.apache.kafka.common.errors.ProducerFencedException("fenced");
        alarm.committedBefore("wardstream-episode-detection-alerts-0-8", 8);
        alarm.lost("wardstream-episode-detection-alerts-0-7", 7, fenced);
        alarm.lost("wardstream-episode-detection-alerts-1-7", 7, fenced);
        alarm.unverified("wardstream-episode-detection-alerts-0-9", 9, fenced);
        assertThat(metrics.counters).containsOnlyKeys("wardstream.checkpoint=7.lostCommits",
                "wardstream.checkpoint=9.unverifiedCommits");
        assertThat(metrics.counters.get("wardstream.checkpoint=7.lostCommits").getCount()).isEqualTo(2);
        assertThat(metrics.counters.get("wardstream.checkpoint=9.unverifiedCommits").getCount()).isEqualTo(1);
    }
}
