package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * ops23: when no detection job runs and the last one FAILED, status prints its exception and each cause, without
 * stack frames: the reason and what to do are usually in a cause, below Flink's first line, which was all an operator
 * could see without the web UI. (The fixtures are the failures of a job guard tried in session 23 and withdrawn:
 * RUNBOOK, "the 10-minute trap"; any failure's text has this shape.)
 */
class FailureReasonTest {
    @Test
    void theExceptionAndEachCauseWithoutStackFrames() {
        String root = """
                org.apache.flink.runtime.execution.SuppressRestartsException: Unrecoverable failure. This suppresses job restarts.
                \tat org.wardstream.jobs.LostCommitGuard$Watching.commit(LostCommitGuard.java:121)
                \tat org.apache.flink.streaming.runtime.operators.sink.CommitterOperator.initializeState(CommitterOperator.java:140)
                Caused by: java.lang.IllegalStateException: Kafka transaction could not be committed, the broker aborted it: wardstream-episode-detection-alerts-0-7 (...) local-cluster/submit does so
                \t... 84 more
                Caused by: org.apache.kafka.common.errors.ProducerFencedException: There is a newer producer
                """;
        assertThat(FlinkCommands.failureReason(root)).containsExactly(
                "org.apache.flink.runtime.execution.SuppressRestartsException: Unrecoverable failure. This suppresses job restarts.",
                "Caused by: java.lang.IllegalStateException: Kafka transaction could not be committed, the broker aborted it: "
                        + "wardstream-episode-detection-alerts-0-7 (...) local-cluster/submit does so",
                "Caused by: org.apache.kafka.common.errors.ProducerFencedException: There is a newer producer");
        assertThat(FlinkCommands.failureReason("")).isEmpty();
    }

    /** Flink 2.2's /jobs/:id/exceptions (as the local cluster answered for the stopped job, shortened). */
    @Test
    void theNewestEntryOfFlink22sExceptionHistory() throws Exception {
        String json = """
                {"exceptionHistory":{"entries":[
                  {"exceptionName":"org.apache.flink.runtime.JobException","stacktrace":"org.apache.flink.runtime.JobException: The failure is not recoverable\\n\\tat x\\nCaused by: java.lang.IllegalStateException: Kafka transaction could not be committed, the broker aborted it: wardstream-episode-detection-alerts-0-7\\n"},
                  {"exceptionName":"older","stacktrace":"an older failure"}],"truncated":false}}
                """;
        String trace = FlinkCommands.stacktrace(ClusterTool.JSON.readTree(json));
        assertThat(FlinkCommands.failureReason(trace)).containsExactly(
                "org.apache.flink.runtime.JobException: The failure is not recoverable",
                "Caused by: java.lang.IllegalStateException: Kafka transaction could not be committed, the broker "
                        + "aborted it: wardstream-episode-detection-alerts-0-7");
        assertThat(FlinkCommands.stacktrace(ClusterTool.JSON.readTree("{}"))).isEmpty();
    }

    /**
     * ops24: {@code flink-await-running} (and {@code flink-await-recovered}) print why a job stopped; they read Flink
     * 1.x's {@code rootException}, absent from Flink 2.2's answer, so the reason was empty.
     */
    @Test
    void theAwaitCommandsGiveTheReasonFromFlink22sExceptionHistory() throws Exception {
        String json = """
                {"exceptionHistory":{"entries":[
                  {"exceptionName":"org.apache.flink.runtime.JobException","stacktrace":"org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\\n\\tat x\\nCaused by: java.io.IOException: no space left on device\\n\\tat y\\n"}],"truncated":false}}
                """;
        assertThat(FlinkCommands.failure(ClusterTool.JSON.readTree(json))).isEqualTo(
                ": org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy"
                        + " | Caused by: java.io.IOException: no space left on device");
        assertThat(FlinkCommands.failure(ClusterTool.JSON.readTree("{\"exceptionHistory\":{\"entries\":[]}}")))
                .isEmpty();
    }
}
