package org.wardstream.localcluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.EmbeddedKafka;

/**
 * The wardstream topics as the local cluster creates them: the demo's layout ({@link EmbeddedKafka.TopicLayout})
 * with explicit retention. Documented in local-cluster/README.md; keep the two in step.
 */
public final class TopicPlan {
    static final long DAY_MS = 86_400_000L;

    private TopicPlan() {
    }

    /** Retention per topic (ms); compacted topics keep the latest value per key instead. */
    public static Map<String, Long> retentionMs() {
        Map<String, Long> r = new LinkedHashMap<>();
        r.put(Topics.DEVICE_EVENTS, 35 * DAY_MS);    // a month of what-if history (RUNBOOK), and replay after a bad deployment
        r.put(Topics.DEVICE_EVENTS_DLQ, 30 * DAY_MS); // repairs take time
        r.put(Topics.ENROLMENTS_DLQ, 30 * DAY_MS);
        r.put(Topics.EPISODES, 30 * DAY_MS);          // the equity job's monthly window
        r.put(Topics.TRIAGE_EVENTS, 30 * DAY_MS);
        r.put(Topics.ALERTS, 30 * DAY_MS);            // downstream FHIR writers may be down for a while
        return r;
    }

    public static List<NewTopic> topics(int partitions) {
        Map<String, Long> retention = retentionMs();
        List<NewTopic> out = new ArrayList<>();
        for (NewTopic t : EmbeddedKafka.TopicLayout.standard(partitions, (short) 1)) {
            Map<String, String> configs = new LinkedHashMap<>();
            if (t.configs() != null) {
                configs.putAll(t.configs());
            }
            Long ms = retention.get(t.name());
            if (ms != null) {
                configs.put("retention.ms", Long.toString(ms));
            }
            out.add(new NewTopic(t.name(), t.numPartitions(), t.replicationFactor()).configs(configs));
        }
        return out;
    }
}
