package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.contract.Topics;
import org.wardstream.schema.wire.AvroCodec;

class CraftedSetTest {
    @Test
    void everyCaseOfTheIssueIsSentWithTheReasonTheJobsMustGiveIt() throws Exception {
        List<CraftedSet.Crafted> set = CraftedSet.of("virtual-ward", "crafted-x", Instant.parse("2026-12-04T22:00:00Z"));
        assertThat(set).extracting(CraftedSet.Crafted::expectedReason).containsExactly(null, "too-large", "too-large",
                "too-large", "unknown-patient", "stale-time", "future-time", "invalid-field", null);
        assertThat(set.get(1).value()).hasSize(18);
        assertThat(set.get(2).value()).hasSize(40);
        assertThat(set.get(3).value()).hasSize(1_048_400);
        assertThat(set.get(0).topic()).isEqualTo(Topics.ENROLMENTS);
        assertThat(set.get(7).topic()).isEqualTo(Topics.ENROLMENTS);
        assertThat(CraftedSet.deadLetterTopic(set.get(7).topic())).isEqualTo(Topics.ENROLMENTS_DLQ);
        assertThat(AvroCodec.enrolments().decode(set.get(7).value()).getTimeZone()).isEqualTo("Mars/Olympus_Mons");
        assertThat(set.get(6).timestampMs()).isEqualTo(Instant.parse("2026-12-04T22:59:00Z").toEpochMilli());
        assertThat(AvroCodec.deviceEventKeys().decode(set.get(4).key()).getProgramme()).isEqualTo("virtual-ward-other");
    }
}
