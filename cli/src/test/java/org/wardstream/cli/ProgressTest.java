package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Without a terminal (as here), progress is plain lines: phase, percentage, count, rate; no carriage returns. */
class ProgressTest {
    @Test
    void plainLinesWhenNotATerminal() {
        assertThat(Progress.terminal()).as("tests run without a console").isFalse();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.start("detect", 1000, "events", err)) {
            p.update(250);
            p.expect(500);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\r");
        assertThat(out.lines().toList()).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("  detect"));
        assertThat(out.lines().reduce((a, b) -> b).orElseThrow())
                .contains("50%").contains("250/500 events").contains("events/s");
    }
}
