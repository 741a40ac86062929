package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.episodes.AlertChange;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.contract.Topics;
import org.wardstream.demo.EmbeddedPlatform;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.jobs.PipelineConfig;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.simulator.KafkaSimulationSink;
import org.wardstream.simulator.SimulatedRecord;
import org.wardstream.simulator.SimulationSink;
import org.wardstream.simulator.Simulator;
import org.wardstream.simulator.SimulatorConfig;

/**
 * Exactly once to Kafka across a crash: the same input, once without and once with a TaskManager
 * killed mid-stream (the job restores from its last checkpoint). A read_committed reader of
 * {@code alerts} sees every alert state change of the clean run, and each exactly once.
 */
class ExactlyOnceRestartIT {
    static final SimulatorConfig INPUT = SimulatorConfig.defaults(40, 1, 4);

    record Input(List<Object[]> enrolments, List<SimulatedRecord> records) {
        static Input simulate() {
            Input in = new Input(new ArrayList<>(), new ArrayList<>());
            new Simulator(INPUT).run(new SimulationSink() {
                @Override
                public void enrolment(PatientKey key, Enrolment value) {
                    in.enrolments.add(new Object[] {key, value});
                }

                @Override
                public void deviceEvent(SimulatedRecord record) {
                    in.records.add(record);
                }
            });
            return in;
        }

        void produce(EmbeddedPlatform platform, int from, int to, boolean enrol) {
            try (KafkaSimulationSink sink = new KafkaSimulationSink(platform.bootstrapServers(), new Properties())) {
                if (enrol) {
                    enrolments.forEach(e -> sink.enrolment((PatientKey) e[0], (Enrolment) e[1]));
                }
                records.subList(from, to).forEach(sink::deviceEvent);
            }
        }
    }

    @Test
    void aCrashedTaskManagerLosesAndDuplicatesNoAlert() throws Exception {
        Input input = Input.simulate();
        List<AlertMessage> clean = run(input, false);
        List<AlertMessage> crashed = run(input, true);

        assertThat(clean).isNotEmpty();
        assertThat(ids(clean)).as("no duplicate in the clean run").hasSize(clean.size());
        assertThat(ids(crashed)).as("no duplicate after the crash").hasSize(crashed.size());
        assertThat(ids(crashed)).as("none lost, none added; clean only: %s; crashed only: %s",
                describe(clean, ids(crashed)), describe(crashed, ids(clean))).isEqualTo(ids(clean));
        // and what the team is told is the same: the priority of every notifying change (a CLOSED may differ in the
        // severity it records when an escalation reached the alert stage after the episode's end)
        assertThat(priorities(crashed)).as("priorities of OPENED, UPDATED and ESCALATED").isEqualTo(priorities(clean));
    }

    private static Map<String, String> priorities(List<AlertMessage> messages) {
        return messages.stream().filter(m -> m.kind() != AlertChange.Kind.CLOSED)
                .collect(Collectors.toMap(AlertMessage::bundleId, m -> String.valueOf(m.priority())));
    }

    /** The messages whose ids are not in {@code others}, readably (episode type, kind, start, raised, priority). */
    private static List<String> describe(List<AlertMessage> messages, Set<String> others) {
        return messages.stream().filter(m -> !others.contains(m.bundleId()))
                .map(m -> m.episodeType() + " " + m.kind() + " start " + m.start() + " raised " + m.raisedAt() + " "
                        + m.priority() + (m.closed() ? " ended " + m.end() : "")).toList();
    }

    private static Set<String> ids(List<AlertMessage> messages) {
        return messages.stream().map(AlertMessage::bundleId).collect(Collectors.toCollection(HashSet::new));
    }

    /** Runs the job over the simulated input until it has consumed everything and the alerts are stable. */
    private static List<AlertMessage> run(Input input, boolean crash) throws Exception {
        Path work = Files.createTempDirectory("restart-it-");
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(work, 2)) {
            PipelineConfig config = EmbeddedRuns.pipelineConfig(platform);
            JobID job = platform.submitEpisodeDetection(config);
            int half = input.records().size() / 2;
            input.produce(platform, 0, half, true);
            try (CommittedTopicReader alerts = new CommittedTopicReader(platform.bootstrapServers(), new Properties(),
                    Topics.ALERTS)) {
                // some alerts are committed (so checkpoints have completed) while half the input is still to come
                await().atMost(Duration.ofMinutes(2)).until(() -> alerts.poll().size() >= 3);
                if (crash) {
                    platform.crashTaskManager();
                }
                input.produce(platform, half, input.records().size(), false);
                // done: the source has committed offsets at the end of every partition, and the committed
                // alerts have not changed for two more checkpoints
                AtomicLong stableSince = new AtomicLong(System.nanoTime());
                AtomicLong lastCount = new AtomicLong(-1);
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    assertThat(platform.failure(job)).isNull();
                    int count = alerts.poll().size();
                    if (count != lastCount.getAndSet(count) || !consumedEverything(platform, config.groupId())) {
                        stableSince.set(System.nanoTime());
                        return false;
                    }
                    return System.nanoTime() - stableSince.get() > Duration.ofSeconds(6).toNanos();
                });
                platform.cancel(job);
                return alerts.records().stream()
                        .map(r -> FhirAlerts.parse(new String(r.value(), StandardCharsets.UTF_8))).toList();
            }
        } finally {
            EmbeddedRuns.deleteRecursively(work);
        }
    }

    /** Whether the job's committed source offsets have reached the end of every device-events partition. */
    private static boolean consumedEverything(EmbeddedPlatform platform, String groupId) throws Exception {
        try (Admin admin = Admin.create(platform.kafkaClientProperties())) {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            var partitions = admin.describeTopics(List.of(Topics.DEVICE_EVENTS)).allTopicNames().get()
                    .get(Topics.DEVICE_EVENTS).partitions().stream()
                    .map(p -> new TopicPartition(Topics.DEVICE_EVENTS, p.partition())).toList();
            var ends = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get();
            for (TopicPartition p : partitions) {
                var c = committed.get(p);
                if (c == null || c.offset() < ends.get(p).offset()) {
                    return false;
                }
            }
            return true;
        }
    }
}
