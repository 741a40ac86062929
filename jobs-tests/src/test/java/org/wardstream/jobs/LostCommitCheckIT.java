package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.internal.FlinkKafkaInternalProducer;
import org.apache.flink.connector.kafka.sink.internal.KafkaCommitter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.embedded.EmbeddedKafka;

/**
 * ops24, the 10-minute trap inside a running job, against a real broker: a checkpoint's transaction that the broker
 * aborted on its timeout and one that was committed before the "recovery" are both committed again by the connector's
 * own committer (as Flink does when it restores their checkpoint); the connector reports both refused, and only the
 * aborted one may raise the alarm (an ERROR line and {@code wardstream_lostCommits{checkpoint=N}}). The committed one
 * is what CI's smoke test saw after its TaskManager kill (already-committed transactions reported fenced).
 */
class LostCommitCheckIT {
    static final String TOPIC = "lost-commit-check";
    static final String PREFIX = "ops24-it-alerts";
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(Path.of("target", "kafka-LostCommitCheckIT"));
        kafka.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    Properties producerProperties() {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "2000");
        return p;
    }

    /** Writes one record in a transaction of {@code id}, as the sink's writer does before a checkpoint. */
    FlinkKafkaInternalProducer<byte[], byte[]> written(String id) throws Exception {
        FlinkKafkaInternalProducer<byte[], byte[]> p = new FlinkKafkaInternalProducer<>(producerProperties(), id);
        p.initTransactions();
        p.beginTransaction();
        p.send(new ProducerRecord<>(TOPIC, id.getBytes(), "an alert".getBytes())).get();
        p.flush();
        return p;
    }

    @Test
    void onlyTheTransactionTheBrokerAbortedRaisesTheAlarm() throws Exception {
        // checkpoint 7: written, and the TaskManager "frozen" before the commit: the broker aborts it after 2 s
        FlinkKafkaInternalProducer<byte[], byte[]> frozen = written(PREFIX + "-0-7");
        KafkaCommittable aborted = new KafkaCommittable(frozen.getProducerId(), frozen.getEpoch(), PREFIX + "-0-7", null);
        // checkpoint 8: written and committed when it completed, before the failure
        FlinkKafkaInternalProducer<byte[], byte[]> done = written(PREFIX + "-0-8");
        KafkaCommittable committed = new KafkaCommittable(done.getProducerId(), done.getEpoch(), PREFIX + "-0-8", null);
        done.commitTransaction();
        done.close(Duration.ofSeconds(5));

        try (BrokerTransactions broker = BrokerTransactions.connect(kafka.clientProperties(), Duration.ofSeconds(20))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(
                    () -> "CompleteAbort".equals(broker.describe(PREFIX + "-0-7").state()));
            System.out.println("broker: -0-7 " + broker.describe(PREFIX + "-0-7") + " (written with producer "
                    + aborted.getProducerId() + " epoch " + aborted.getEpoch() + "); -0-8 "
                    + broker.describe(PREFIX + "-0-8") + " (" + committed.getProducerId() + "/" + committed.getEpoch() + ")");
        }
        frozen.close();

        // the recovery: the connector's own committer commits both again, from the checkpoint's committables
        Recording alarm = new Recording();
        KafkaCommitter connector = new KafkaCommitter(producerProperties(), PREFIX, 0, 1, false,
                (props, id) -> new FlinkKafkaInternalProducer<byte[], byte[]>(props, id));
        Signals r7 = new Signals(aborted);
        Signals r8 = new Signals(committed);
        try (var watching = new LostCommitWatch.Watching(connector,
                () -> BrokerTransactions.connect(kafka.clientProperties(), Duration.ofSeconds(20)), alarm)) {
            watching.commit(List.of(r8, r7));
        }

        assertThat(r7.signals).as("the connector refuses the aborted one").hasSize(1)
                .allMatch(s -> s.startsWith("known "));
        assertThat(r8.signals).as("and, like CI's smoke test, the one committed before").hasSize(1)
                .allMatch(s -> s.startsWith("known "));
        assertThat(alarm.calls).containsExactly(
                "committed before " + PREFIX + "-0-8 checkpoint 8",
                "lost " + PREFIX + "-0-7 checkpoint 7");
        assertThat(alarm.metrics.counters).as("the job's metric, per checkpoint").containsOnlyKeys(
                "wardstream.checkpoint=7.lostCommits");
        assertThat(alarm.metrics.counters.get("wardstream.checkpoint=7.lostCommits").getCount()).isEqualTo(1);
        // what a reader of the topic sees agrees: checkpoint 8's record, not checkpoint 7's
        try (var reader = new org.wardstream.embedded.CommittedTopicReader(kafka.bootstrapServers(), new Properties(),
                TOPIC)) {
            assertThat(reader.poll()).extracting(r -> new String(r.key())).containsExactly(PREFIX + "-0-8");
        }
    }

    /** The job's alarm (log line and metric), recording what it was told. */
    static final class Recording implements LostCommitWatch.Alarm {
        final List<String> calls = new ArrayList<>();
        final Metrics metrics = new Metrics("");
        final LostCommitWatch.MetricAlarm job = new LostCommitWatch.MetricAlarm(metrics, "alerts", 2000);

        @Override
        public void committedBefore(String transactionalId, long checkpoint) {
            calls.add("committed before " + transactionalId + " checkpoint " + checkpoint);
            job.committedBefore(transactionalId, checkpoint);
        }

        @Override
        public void lost(String transactionalId, long checkpoint, Throwable reported) {
            calls.add("lost " + transactionalId + " checkpoint " + checkpoint);
            job.lost(transactionalId, checkpoint, reported);
        }

        @Override
        public void unverified(String transactionalId, long checkpoint, Throwable reported) {
            calls.add("unverified " + transactionalId + " checkpoint " + checkpoint);
            job.unverified(transactionalId, checkpoint, reported);
        }
    }

    /** A metric group that keeps its counters by their path (group names and key=value). */
    static final class Metrics extends UnregisteredMetricsGroup {
        final String path;
        final Map<String, Counter> counters;

        Metrics(String path) {
            this(path, new HashMap<>());
        }

        private Metrics(String path, Map<String, Counter> counters) {
            this.path = path;
            this.counters = counters;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new Metrics(path + name + ".", counters);
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new Metrics(path + key + "=" + value + ".", counters);
        }

        @Override
        public Counter counter(String name) {
            return counter(name, new org.apache.flink.metrics.SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            counters.put(path + name, counter);
            return counter;
        }
    }

    /** A commit request as Flink's committer operator hands it over, recording what the committer signalled. */
    static final class Signals implements Committer.CommitRequest<KafkaCommittable> {
        final KafkaCommittable committable;
        final List<String> signals = new ArrayList<>();

        Signals(KafkaCommittable committable) {
            this.committable = committable;
        }

        @Override
        public KafkaCommittable getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            signals.add("known " + t.getClass().getSimpleName());
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            signals.add("unknown " + t.getClass().getSimpleName());
        }

        @Override
        public void retryLater() {
            signals.add("retry");
        }

        @Override
        public void updateAndRetryLater(KafkaCommittable c) {
            signals.add("update");
        }

        @Override
        public void signalAlreadyCommitted() {
            signals.add("already");
        }
    }
}
