package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    @Test
    void sumsWardstreamMetricsPerJobOverSubtasksAndKeepsTheReason() {
        String text = """
                # HELP flink_taskmanager_job_task_operator_wardstream_ingestConsumed ingestConsumed
                # TYPE flink_taskmanager_job_task_operator_wardstream_ingestConsumed gauge
                flink_taskmanager_job_task_operator_wardstream_ingestConsumed{subtask_index="0",job_name="x",} 10.0
                flink_taskmanager_job_task_operator_wardstream_ingestConsumed{subtask_index="1",job_name="x",} 5.0
                flink_taskmanager_job_task_operator_wardstream_ingestConsumed{subtask_index="0",job_name="y",} 15.0
                flink_taskmanager_job_task_operator_wardstream_reason_ingestDeadLetter{reason="future_time",subtask_index="0",job_name="x",} 2.0
                flink_taskmanager_job_task_operator_wardstream_reason_ingestDeadLetter{reason="future_time",subtask_index="1",job_name="x",} 1.0
                flink_taskmanager_job_task_operator_wardstream_reason_ingestDeadLetter{reason="not_decodable",subtask_index="1",job_name="x",} 4.0
                flink_taskmanager_Status_JVM_CPU_Load{tm_id="tm-1",} 0.5
                """;
        Map<String, Map<String, Double>> byJob = new TreeMap<>();
        PrometheusText.sumWardstream(text, byJob);
        PrometheusText.sumWardstream(text, byJob); // a second endpoint adds up
        assertThat(byJob).containsOnlyKeys("x", "y");
        assertThat(byJob.get("x")).containsOnly(
                Map.entry("wardstream_ingestConsumed", 30.0),
                Map.entry("wardstream_reason_ingestDeadLetter{reason=future_time}", 6.0),
                Map.entry("wardstream_reason_ingestDeadLetter{reason=not_decodable}", 8.0));
        // the other job's counter of the same name stays its own (summing both would double the count)
        assertThat(byJob.get("y")).containsOnly(Map.entry("wardstream_ingestConsumed", 30.0));
    }
}
