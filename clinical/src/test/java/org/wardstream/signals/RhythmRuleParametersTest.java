package org.wardstream.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.wardstream.rhythm.RhythmParameters;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

class RhythmRuleParametersTest {

    @Test
    void thePackagedRulesAreTheOnesTheModelWasValidatedWith() {
        Rules packaged = Rules.loadClasspath();
        assertThat(RhythmRuleParameters.departuresFromValidated(packaged)).isEmpty();
        RhythmParameters p = RhythmRuleParameters.from(packaged.forPatient(Map.of()));
        assertThat(p.onsetSegments()).isEqualTo(RhythmParameters.DEFAULTS.onsetSegments());
        assertThat(p.offsetSegments()).isEqualTo(RhythmParameters.DEFAULTS.offsetSegments());
    }

    @Test
    void aSiteRuleWithAnotherPersistenceIsNamedWithTheValueTheModelWasValidatedWith() throws IOException {
        int validated = RhythmParameters.DEFAULTS.offsetSegments();
        Map<String, String> files = packagedFiles();
        String af = files.get("atrial-fibrillation.yaml");
        String line = "offsetSegments: " + validated + " ";
        assertThat(af).as("test fixture").contains(line);
        files.put("atrial-fibrillation.yaml", af.replace(line, "offsetSegments: 5 "));

        var departures = RhythmRuleParameters.departuresFromValidated(Rules.parse("site-rules", files, true));

        assertThat(departures).containsExactly("site-rules/atrial-fibrillation.yaml: offsetSegments is 5, but "
                + RhythmParameters.DEFAULTS.model().version() + " was cross-validated with " + validated
                + ": the accuracy in docs/VALIDATION.md does not describe these rules (measure them with `wardstream validate --rules`)");
    }

    private static Map<String, String> packagedFiles() throws IOException {
        Map<String, String> files = new TreeMap<>();
        for (EpisodeType t : EpisodeType.values()) {
            try (InputStream in = Rules.class.getClassLoader().getResourceAsStream(Rules.CLASSPATH_FOLDER + "/" + t.code() + ".yaml")) {
                files.put(t.code() + ".yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }
}
