package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Probe 21c D1: status's rule for a running job whose checkpoints fail (REST /jobs/:id/checkpoints, as Flink 2.2
 * answers it). The end-to-end check on a real cluster is OperatorProceduresIT#statusFailsWhileEveryCheckpointFails.
 */
class CheckpointsFailingTest {
    static final long NOW = 1_800_000_000_000L;

    static JsonNode checkpoints(Long completedAckAt, Long failedAt) throws Exception {
        String completed = completedAckAt == null ? "null" : "{\"id\":2,\"latest_ack_timestamp\":" + completedAckAt
                + ",\"external_path\":\"file:/c/chk-2\"}";
        String failed = failedAt == null ? "null" : "{\"id\":9,\"failure_timestamp\":" + failedAt
                + ",\"failure_message\":\"Asynchronous task checkpoint failed.\\nmore\"}";
        return new ObjectMapper().readTree("{\"counts\":{\"failed\":7},\"latest\":{\"completed\":" + completed
                + ",\"failed\":" + failed + "}}");
    }

    @Test
    void aFailureAfterTheLastCompletedCheckpointMoreThanAMinuteAgoIsReported() throws Exception {
        String said = FlinkCommands.checkpointsFailing(checkpoints(NOW - 70_000, NOW - 5_000), NOW - 600_000, NOW);
        assertThat(said).contains("no checkpoint completed for 70 s", "chk-2", "7 failed",
                "Asynchronous task checkpoint failed. Alerts wait", "Recover from a failed checkpoint")
                .doesNotContain("more").doesNotContain("..");
    }

    @Test
    void aJobThatNeverCompletedACheckpointIsReportedAMinuteAfterItStarted() throws Exception {
        assertThat(FlinkCommands.checkpointsFailing(checkpoints(null, NOW - 1_000), NOW - 90_000, NOW))
                .contains("no checkpoint completed since the job started 90 s ago");
        assertThat(FlinkCommands.checkpointsFailing(checkpoints(null, NOW - 1_000), NOW - 30_000, NOW)).isNull();
    }

    @Test
    void aRecentCompletionOrARecoveredJobIsNotReported() throws Exception {
        // one failure 20 s after a completed checkpoint: within the minute
        assertThat(FlinkCommands.checkpointsFailing(checkpoints(NOW - 20_000, NOW - 5_000), NOW - 600_000, NOW)).isNull();
        // failures long ago, a checkpoint completed since: recovered
        assertThat(FlinkCommands.checkpointsFailing(checkpoints(NOW - 5_000, NOW - 300_000), NOW - 600_000, NOW)).isNull();
        // no failure at all, however old the last checkpoint
        assertThat(FlinkCommands.checkpointsFailing(checkpoints(NOW - 300_000, null), NOW - 600_000, NOW)).isNull();
    }
}
