package org.wardstream.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.wardstream.contract.Topics;

/**
 * A real Kafka broker in this JVM: one combined KRaft broker+controller started with Kafka's own
 * {@code KafkaClusterTestKit} (the same server code as a standalone broker, on a loopback port).
 * Used by {@code wardstream demo}/{@code replay} and by the tests; never a mock.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a one-node KRaft cluster whose data lives under {@code baseDir} (deleted on close). */
    public static EmbeddedKafka start(Path baseDir) throws Exception {
        Files.createDirectories(baseDir);
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(Files.createTempDirectory(baseDir, "kraft-"))
                .build();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                // single node: internal topics and transactions must work with one replica
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "4")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("num.partitions", "2")
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))
                // Simulated and replayed records carry their original (often months old) timestamps:
                // time-based retention would delete them as soon as a segment rolls, before they are read.
                .setConfigProp("log.retention.ms", "-1")
                .setConfigProp("log.retention.bytes", "-1")
                .setDeleteOnClose(true)
                .build();
        try {
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new EmbeddedKafka(cluster);
    }

    /** Kafka's storage formatter prints to System.out; keep it for the error message only. */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        synchronized (EmbeddedKafka.class) {
            System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                cluster.format();
            } catch (Exception e) {
                e.addSuppressed(new IllegalStateException("formatter output: " + captured));
                throw e;
            } finally {
                System.setOut(stdout);
            }
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Admin/producer/consumer base properties pointing at this broker. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** Creates the wardstream topics (see {@link TopicLayout}); existing topics are left as they are. */
    public void createTopics(int partitions) throws InterruptedException, ExecutionException {
        createTopics(TopicLayout.standard(partitions, (short) 1));
    }

    public void createTopics(List<NewTopic> topics) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(clientProperties())) {
            List<NewTopic> missing = new ArrayList<>();
            var existing = admin.listTopics().names().get();
            for (NewTopic t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(t);
                }
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }

    /** Topic set-up shared by the demo, the tests and (as documentation) local-cluster. */
    public static final class TopicLayout {
        private TopicLayout() {
        }

        public static List<NewTopic> standard(int partitions, short replication) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(Topics.DEVICE_EVENTS, partitions, replication));
            topics.add(new NewTopic(Topics.DEVICE_EVENTS_DLQ, partitions, replication));
            topics.add(new NewTopic(Topics.ENROLMENTS, partitions, replication)
                    .configs(Map.of("cleanup.policy", "compact")));
            topics.add(new NewTopic(Topics.EPISODES, partitions, replication));
            topics.add(new NewTopic(Topics.TRIAGE_EVENTS, partitions, replication));
            topics.add(new NewTopic(Topics.ALERTS, partitions, replication));
            topics.add(new NewTopic(Topics.EQUITY_AGGREGATES, partitions, replication)
                    .configs(Map.of("cleanup.policy", "compact")));
            topics.add(new NewTopic(Topics.EQUITY_AGGREGATES_INTERNAL, partitions, replication)
                    .configs(Map.of("cleanup.policy", "compact")));
            topics.add(new NewTopic(Topics.ENROLMENTS_DLQ, partitions, replication));
            return topics;
        }
    }
}
