package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local-cluster/upgrade --jar JAR} refuses a jar without the detection job's entry class before anything else
 * (before building, before looking at the cluster, so before stop-with-savepoint): the wrong artifact must not leave
 * the detection job stopped and alerting down until a resubmission. Probe 19b: the equity job had this guard, the
 * detection job had none (the script stopped it first and failed only at the resubmission).
 */
class UpgradeJarCheckTest {
    private static final Path UPGRADE = Path.of("..", "upgrade");

    @TempDir
    Path dir;

    private Path jar(String name, String... entries) throws IOException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String e : entries) {
                out.putNextEntry(new JarEntry(e));
                out.closeEntry();
            }
        }
        return jar;
    }

    private String upgradeErrors(Path jar) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", UPGRADE.toString(), "--job", "detection", "--jar", jar.toString());
        pb.environment().put("WARDSTREAM_CLUSTER_HOME", dir.resolve("cluster").toString());
        pb.environment().put("WARDSTREAM_NO_BUILD", "1"); // never build from a test
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit status").isEqualTo(1);
        return new String(err, StandardCharsets.UTF_8);
    }

    @Test
    void aJarWithoutTheDetectionJobIsRefusedBeforeAnythingElse() throws Exception {
        String err = upgradeErrors(jar("wardstream-triage-service.jar", "org/wardstream/triage/TriageServer.class"));
        assertThat(err).contains("wardstream-triage-service.jar has no org.wardstream.jobs.EpisodeDetectionJob: refusing "
                + "to stop the running detection job (nothing was stopped)").doesNotContain("not built", "not running");
    }

    @Test
    void aJarWithTheDetectionJobPassesTheCheck() throws Exception {
        String err = upgradeErrors(jar("jobs.jar", "org/wardstream/jobs/EpisodeDetectionJob.class"));
        assertThat(err).doesNotContain("refusing"); // and stops at the next step here (nothing built, no cluster)
    }
}
