package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probe 21a D6: the jobs' max parallelism is 4,096 (EpisodeDetectionJob.MAX_PARALLELISM, RUNBOOK "Rescale": "any
 * parallelism from 1 to 4,096 restores"), but local-cluster/rescale refuses anything above 128 ("N must not exceed
 * the max parallelism 128"), and RUNBOOK "What runs" says max parallelism is fixed at 128.
 */
class RescaleLimitTest {
    @TempDir
    Path dir;

    @Test
    void rescaleAcceptsEveryParallelismTheJobsMaxParallelismAllows() throws Exception {
        assertThat(Files.readString(Path.of("..", "..", "jobs", "src", "main", "java", "org", "wardstream", "jobs",
                "EpisodeDetectionJob.java"))).contains("MAX_PARALLELISM = 4096;");
        ProcessBuilder pb = new ProcessBuilder("bash", Path.of("..", "rescale").toString(), "200", "--job", "detection");
        pb.environment().put("WARDSTREAM_CLUSTER_HOME", dir.resolve("cluster").toString());
        pb.environment().put("WARDSTREAM_NO_BUILD", "1");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(err).doesNotContain("max parallelism 128"); // it stops later here: no cluster
    }

    @Test
    void theRunbookGivesOneMaxParallelism() throws Exception {
        String runbook = Files.readString(Path.of("..", "..", "docs", "RUNBOOK.md"));
        assertThat(runbook).doesNotContain("parallelism is fixed at **128**");
    }
}
