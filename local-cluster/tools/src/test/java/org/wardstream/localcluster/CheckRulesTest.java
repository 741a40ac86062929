package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check-rules}, which local-cluster/upgrade runs before it stops a job (an invalid rule file stops nothing). */
class CheckRulesTest {
    private static final Path REPO_RULES = Path.of("..", "..", "alert-rules");

    @TempDir
    Path dir;

    @Test
    void theProjectsRulesPassAndEveryTypeIsListed() throws IOException {
        copyRules();
        Result r = run(dir);
        assertThat(r.exit).isZero();
        assertThat(r.out).contains("atrial-fibrillation version", "pause version", "device-offline version");
    }

    @Test
    void aRuleFileWithAnUnknownFieldFailsNamingTheFile() throws IOException {
        copyRules();
        Files.writeString(dir.resolve("tachycardia.yaml"), "\nnotARuleField: 1\n",
                java.nio.file.StandardOpenOption.APPEND);
        Result r = run(dir);
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("tachycardia.yaml").contains("notARuleField");
        assertThat(r.out).isEmpty();
    }

    @Test
    void aMissingDirectoryFails() {
        Result r = run(dir.resolve("nowhere"));
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("rule directory not found");
    }

    private void copyRules() throws IOException {
        try (Stream<Path> s = Files.list(REPO_RULES)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(Path rules) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = ClusterTool.run("check-rules", "--rules", rules.toString());
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
