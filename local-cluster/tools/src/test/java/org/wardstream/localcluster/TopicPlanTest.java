package org.wardstream.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.Topics;

class TopicPlanTest {
    @Test
    void compactedTopicsKeepTheirPolicyAndTheOthersGetExplicitRetention() {
        Map<String, NewTopic> byName = TopicPlan.topics(3).stream()
                .collect(Collectors.toMap(NewTopic::name, t -> t));
        assertThat(byName).containsKeys(Topics.DEVICE_EVENTS, Topics.DEVICE_EVENTS_DLQ, Topics.ENROLMENTS,
                Topics.EPISODES, Topics.TRIAGE_EVENTS, Topics.ALERTS, Topics.EQUITY_AGGREGATES);
        assertThat(byName.values()).allSatisfy(t -> assertThat(t.numPartitions()).isEqualTo(3));
        assertThat(byName.get(Topics.ENROLMENTS).configs()).containsEntry("cleanup.policy", "compact")
                .doesNotContainKey("retention.ms");
        assertThat(byName.get(Topics.EQUITY_AGGREGATES).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(byName.get(Topics.DEVICE_EVENTS).configs()).containsEntry("retention.ms", "3024000000");
        assertThat(byName.get(Topics.ALERTS).configs()).containsEntry("retention.ms", "2592000000");
    }
}
