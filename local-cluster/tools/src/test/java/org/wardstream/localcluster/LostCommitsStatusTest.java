package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * ops24, the 10-minute trap inside a running job: the detection job counts the Kafka transactions the broker aborted
 * before it could commit them (per checkpoint); status says so loudly, with the operator's action, and exits 1
 * (until then it showed nothing wrong while the job ran on without those alerts).
 */
class LostCommitsStatusTest {
    static final String SCRAPE = """
            flink_taskmanager_job_task_operator_wardstream_alertChanges{subtask_index="0",job_name="wardstream episode detection",} 26.0
            flink_taskmanager_job_task_operator_wardstream_checkpoint_lostCommits{checkpoint="7",subtask_index="0",job_name="wardstream episode detection",} 1.0
            flink_taskmanager_job_task_operator_wardstream_checkpoint_lostCommits{checkpoint="7",subtask_index="1",job_name="wardstream episode detection",} 1.0
            flink_taskmanager_job_task_operator_wardstream_checkpoint_unverifiedCommits{checkpoint="9",subtask_index="0",job_name="wardstream episode detection",} 1.0
            """;

    @Test
    void aLostCommitIsReportedWithTheCheckpointAndWhatToDo() {
        Map<String, Map<String, Double>> byJob = new TreeMap<>();
        PrometheusText.sumWardstream(SCRAPE, byJob);
        Map<String, Double> sums = byJob.get("wardstream episode detection");
        assertThat(sums).containsEntry("wardstream_checkpoint_lostCommits{checkpoint=7}", 2.0);

        assertThat(FlinkCommands.lostCommits(sums)).satisfiesExactly(
                lost -> assertThat(lost).startsWith("LOST ALERTS: the broker aborted the Kafka transactions of "
                        + "checkpoint 7 (2 transactions)").contains("local-cluster/replay --from",
                        "Replay from a point in time", "LOST COMMIT"),
                unverified -> assertThat(unverified).startsWith("COMMITS NOT VERIFIED: ").contains("checkpoint 9 "
                        + "(1 transaction)", "kafka-transactions.sh describe"));
    }

    @Test
    void nothingWhenNoCommitWasLost() {
        Map<String, Map<String, Double>> byJob = new TreeMap<>();
        PrometheusText.sumWardstream("""
                flink_taskmanager_job_task_operator_wardstream_alertChanges{subtask_index="0",job_name="d",} 26.0
                flink_taskmanager_job_task_operator_wardstream_checkpoint_lostCommits{checkpoint="7",subtask_index="0",job_name="d",} 0.0
                """, byJob);
        assertThat(FlinkCommands.lostCommits(byJob.get("d"))).isEmpty();
    }
}
