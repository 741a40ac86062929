package org.wardstream.episodes;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The stored form of kept evidence: a key's index is its stored form, so keys are only ever appended. */
class EpisodeEvidenceTest {

    /** The keys, in index order, as released state has them (a key added since is appended at the end). */
    private static final List<String> STORED = List.of("meanRateBpm", "minRateBpm", "maxRateBpm", "irregularity",
            "pauseMs", "stillMinutes", "limitMinutes", "fastMinutes", "fastRateBpm", "afBurdenPercent", "onsetRateBpm",
            "onsetBar");

    @Test
    void keysAreOnlyAppended() {
        assertThat(EpisodeEvidence.KEYS.subList(0, STORED.size())).isEqualTo(STORED);
        assertThat(EpisodeEvidence.KEYS.indexOf("onsetBarWithoutRateRise")).isEqualTo(12);
        assertThat(EpisodeEvidence.KEYS).doesNotHaveDuplicates();
    }

    @Test
    void evidenceStoredBeforeTheKeyWasAppendedStillReads() throws IOException {
        // an AF opening as the last release stored it: irregularity (3), onsetBar (11), onsetRateBpm (10)
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(3);
        out.writeByte(3);
        out.writeDouble(0.93);
        out.writeByte(11);
        out.writeDouble(0.91);
        out.writeByte(10);
        out.writeDouble(84);
        Map<String, Double> old = EpisodeEvidence.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(old).isEqualTo(Map.of("irregularity", 0.93, "onsetBar", 0.91, "onsetRateBpm", 84.0));
        // and written again it is the same bytes
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        EpisodeEvidence.write(new DataOutputStream(again), old);
        assertThat(again.toByteArray()).isEqualTo(bytes.toByteArray());
    }

    @Test
    void anAfStartWithBothOfThePatientsOwnBarsIsKeptWhole() throws IOException {
        // the most an AF start carries: the rate and irregularity at onset and both bars of the patient's own
        Map<String, Double> start = Transitions.fromRhythm("patient-0001", new org.wardstream.rhythm.AfOnset(0, 40_000, 0.93, 84),
                new org.wardstream.signals.RhythmRuleParameters.OwnOnsetBars(0.91, 0.87)).get(0).evidence();
        assertThat(start).hasSize(EpisodeEvidence.MAX_VALUES);
        assertThat(EpisodeEvidence.keep(start)).isEqualTo(start);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EpisodeEvidence.write(new DataOutputStream(bytes), start);
        byte[] b = bytes.toByteArray();
        assertThat(b).hasSize(EpisodeEvidence.MAX_SERIALIZED_SIZE);
        assertThat(b[1 + 2 * 9]).as("onsetBarWithoutRateRise's stored index").isEqualTo((byte) 12);
        assertThat(EpisodeEvidence.read(new DataInputStream(new ByteArrayInputStream(b)))).isEqualTo(start);
    }
}
