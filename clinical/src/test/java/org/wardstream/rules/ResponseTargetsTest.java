package org.wardstream.rules;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseTargetsTest {

    @Test
    void packagedDefaultsEqualTheShippedFileAndAreOrderedByUrgency() {
        ResponseTargets packaged = ResponseTargets.defaults();
        ResponseTargets shipped = ResponseTargets.load(Path.of("..", "alert-rules", "response-targets.yaml"));
        assertThat(packaged.all()).isEqualTo(shipped.all());
        assertThat(packaged.target("urgent")).isEqualTo(Duration.ofHours(1));
        assertThat(packaged.target("routine")).isEqualTo(Duration.ofHours(4));
        assertThat(packaged.target("stat")).isLessThanOrEqualTo(packaged.target("asap"));
        assertThat(packaged.target("no-such-priority")).isEqualTo(packaged.target("routine"));
        assertThat(packaged.toJson()).contains("\"urgent\":\"PT1H\"", "\"routine\":\"PT4H\"");
    }

    @Test
    void aBadFileNamesTheFieldAndTheReason() {
        String yaml = "targets:\n  stat: PT15M\n  asap: soon\n  urgent: PT2H\n  routine: PT1H\n  whenever: PT9H\n";
        assertThatThrownBy(() -> ResponseTargets.parse("mine.yaml", yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mine.yaml: targets.asap: not an ISO-8601 duration (was 'soon')")
                .hasMessageContaining("mine.yaml: targets.whenever: not a FHIR Task priority")
                .hasMessageContaining("mine.yaml: targets.urgent: longer than targets.routine");
        assertThatThrownBy(() -> ResponseTargets.parse("empty.yaml", "version: 1\n"))
                .hasMessageContaining("empty.yaml: targets: missing");
        assertThatThrownBy(() -> ResponseTargets.parse("zero.yaml",
                "targets: {stat: PT0M, asap: PT1M, urgent: PT2M, routine: PT3M}"))
                .hasMessageContaining("zero.yaml: targets.stat: must be positive");
    }

    /**
     * A priority given twice (a local {@code urgent: PT30M} added above the packaged {@code urgent: PT1H}) is refused
     * naming the file, the field and the line; the last line silently won (1 h) before (adversarial probe 18b, D9).
     */
    @Test
    void aPriorityGivenTwiceIsRefusedNotSilentlyResolved() {
        String yaml = """
                version: 1
                targets:
                  urgent: PT30M          # agreed locally (SOP v3)
                  stat: PT15M
                  asap: PT30M
                  urgent: PT1H
                  routine: PT4H
                """;
        assertThatThrownBy(() -> ResponseTargets.parse("response-targets.yaml", yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("response-targets.yaml: targets.urgent: given twice (line 6 repeats it); keep one line");
    }
}
