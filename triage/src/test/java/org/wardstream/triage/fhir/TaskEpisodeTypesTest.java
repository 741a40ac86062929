package org.wardstream.triage.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.EpisodeType;

/**
 * A Task search by {@code code} ({@code technical-check} or {@code clinical-review}) is a search by the episode types
 * of that kind: the two lists, built once, split every episode type between them.
 */
class TaskEpisodeTypesTest {

    @Test
    void technicalAndClinicalEpisodeTypesSplitEveryType() {
        assertThat(TaskProvider.TECHNICAL_EPISODE_TYPES).containsExactly("device-offline", "beat-to-beat-offline");
        assertThat(TaskProvider.CLINICAL_EPISODE_TYPES).contains("atrial-fibrillation", "bradycardia")
                .doesNotContainAnyElementsOf(TaskProvider.TECHNICAL_EPISODE_TYPES);
        List<String> both = new ArrayList<>(TaskProvider.CLINICAL_EPISODE_TYPES);
        both.addAll(TaskProvider.TECHNICAL_EPISODE_TYPES);
        assertThat(both).containsExactlyInAnyOrderElementsOf(Arrays.stream(EpisodeType.values()).map(EpisodeType::code).toList());
    }
}
