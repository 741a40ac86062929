package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Runs {@code local-cluster/smoke-test} as an operator would, against the jars this build packaged: a real Kafka
 * broker, a Flink JobManager and two TaskManagers as separate processes, a TaskManager killed with SIGKILL
 * mid-stream, an upgrade with a savepoint. Ports are picked free so it never collides with a running cluster.
 */
class SmokeTestIT {
    static final Path LOCAL_CLUSTER = Path.of("..").toAbsolutePath().normalize();

    @Test
    void smokeTestPassesAndShowsTheRecoveryAndZeroLostAndDuplicatedAlerts() throws Exception {
        Path home = Path.of("target", "smoke-test-it").toAbsolutePath();
        Path out = Path.of("target", "smoke-test-it.out").toAbsolutePath();
        Path err = Path.of("target", "smoke-test-it.err").toAbsolutePath();
        Files.createDirectories(home.getParent());
        // --rate 1000 (default 2000): the 113,353 events of the default 40 patients x 1 day take about 2 min instead
        // of 1, so the TaskManager is still killed while the simulator produces when this class shares the 2 cores
        // with OperatorProceduresIT (they run at the same time, see the failsafe configuration in pom.xml; measured
        // alone on a loaded machine at 2000/s the kill came when 110,812 of the events were in Kafka). The checks are
        // the same; the longer simulation overlaps OperatorProceduresIT, which takes longer.
        ProcessBuilder pb = new ProcessBuilder(LOCAL_CLUSTER.resolve("smoke-test").toString(), "--rate", "1000")
                .directory(LOCAL_CLUSTER.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.put("WARDSTREAM_SMOKE_HOME", home.toString());
        env.put("WARDSTREAM_NO_BUILD", "1"); // the reactor has just packaged everything: no nested Maven build
        List<Integer> ports = freePorts(5);
        env.put("WARDSTREAM_KAFKA_PORT", ports.get(0).toString());
        env.put("WARDSTREAM_KAFKA_CONTROLLER_PORT", ports.get(1).toString());
        env.put("WARDSTREAM_FLINK_REST_PORT", ports.get(2).toString());
        env.put("WARDSTREAM_FLINK_RPC_PORT", ports.get(3).toString());
        env.put("WARDSTREAM_PROMETHEUS_PORT", ports.get(4).toString()); // and the next two

        Process p = pb.start();
        boolean done = p.waitFor(15, TimeUnit.MINUTES);
        if (!done) {
            p.destroy(); // the script's trap stops the cluster
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(done).as("smoke-test finished within 15 minutes; stderr:%n%s", tail(stderr)).isTrue();
        assertThat(p.exitValue()).as("exit code; stdout: %s%nstderr:%n%s", stdout, tail(stderr)).isZero();
        String summary = stdout.strip();
        assertThat(summary.lines().count()).as("one summary line").isEqualTo(1);
        assertThat(summary).startsWith("smoke-test PASSED")
                .containsPattern("killed taskmanager-[12] \\(pid \\d+\\) mid-stream")
                .containsPattern("restored checkpoint \\d+")
                .contains("upgrade restored savepoint")
                .containsPattern("expected [1-9]\\d* alert state changes")
                .contains("lost 0, duplicated 0, unexpected 0");
        assertThat(leftOverProcesses(home)).as("no process of the smoke-test cluster is left").isEmpty();
    }

    static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            while (ports.size() < n) {
                ServerSocket s = new ServerSocket(0);
                sockets.add(s);
                int port = s.getLocalPort();
                // Prometheus uses the port and the next two; keep the picks apart
                if (port < 65000 && ports.stream().noneMatch(q -> Math.abs(q - port) < 3)) {
                    ports.add(port);
                }
            }
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
        return ports;
    }

    /** Processes whose command line carries the cluster's marker (see local-cluster/common.sh). */
    static List<String> leftOverProcesses(Path home) throws IOException {
        String marker = "-Dwardstream.cluster.home=" + home + " ";
        List<String> left = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path d : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = Files.readString(d.resolve("cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (cmd.contains(marker)) {
                        left.add(d.getFileName() + ": " + cmd);
                    }
                } catch (IOException ignored) {
                    // the process ended while we looked
                }
            }
        }
        return left;
    }
}
