package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code local-cluster/submit} resumes a job from when it is given no savepoint (common.sh {@code resume_point}),
 * for the cases that need no cluster. Probe 22a F3: a job resumed from a savepoint and cancelled or crashed before its
 * own first checkpoint has no retained checkpoint; it committed nothing, so its state is the savepoint it started
 * from, but the next submit started it without state (every open alert forgotten).
 */
class ResumePointTest {
    private static final Path COMMON = Path.of("..", "common.sh").toAbsolutePath().normalize();

    @TempDir
    Path home;

    String resumePoint(String kind) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source \"$0\"; resume_point \"$1\"", COMMON.toString(), kind);
        pb.environment().put("WARDSTREAM_CLUSTER_HOME", home.toString());
        pb.environment().put("WARDSTREAM_NO_BUILD", "1");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }

    @Test
    void aJobWithoutACheckpointOfItsOwnResumesFromWhereItStarted() throws Exception {
        Path jobs = Files.createDirectories(home.resolve("jobs"));
        Files.writeString(jobs.resolve("detection.id"), "0123456789abcdef0123456789abcdef\n");
        Files.writeString(jobs.resolve("detection.from"), "file:///site/flink/savepoints/savepoint-0a1b2c-d3e4f5\n");
        Files.createDirectories(home.resolve("flink/checkpoints/0123456789abcdef0123456789abcdef/shared"));

        assertThat(resumePoint("detection")).isEqualTo("file:///site/flink/savepoints/savepoint-0a1b2c-d3e4f5");
    }

    @Test
    void aJobStartedWithoutStateAndGoneBeforeItsFirstCheckpointStartsWithoutState() throws Exception {
        Path jobs = Files.createDirectories(home.resolve("jobs"));
        Files.writeString(jobs.resolve("equity.id"), "0123456789abcdef0123456789abcdef\n");

        assertThat(resumePoint("equity")).isEmpty();
    }

    @Test
    void aJobWithCheckpointsOfItsOwnResumesFromTheNewestWhateverItStartedFrom() throws Exception {
        Path jobs = Files.createDirectories(home.resolve("jobs"));
        Files.writeString(jobs.resolve("equity.id"), "fedcba9876543210fedcba9876543210\n");
        Files.writeString(jobs.resolve("equity.from"), "file:///old/savepoint\n");
        for (int n : new int[] {7, 8}) {
            Path chk = Files.createDirectories(home.resolve("flink/checkpoints/fedcba9876543210fedcba9876543210/chk-" + n));
            Files.writeString(chk.resolve("_metadata"), "x");
        }

        assertThat(resumePoint("equity"))
                .isEqualTo("file://" + home.resolve("flink/checkpoints/fedcba9876543210fedcba9876543210/chk-8"));
    }
}
