package org.wardstream.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.schema.Episode;
import org.wardstream.schema.EpisodeState;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.TriageOutcome;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;
import org.wardstream.simulator.GroundTruthEpisode;
import org.wardstream.simulator.TriageTeam;

/**
 * The demo's triage team at work: reads every alert the detection job opened ({@code episodes}, read
 * committed), lets the seeded {@link TriageTeam} acknowledge and close each one (the outcome coded from the
 * simulator's injected episodes), and writes an ACKNOWLEDGED then a CLOSED_WITH_ACTION or CLOSED_NO_ACTION event
 * with its {@link TriageOutcome} per alert to {@code triage-events}.
 *
 * <p>The team works on the simulator's clock: an alert counts as raised when its evidence reached the
 * platform ({@code evidenceReceived}), because the embedded detection job stamps {@code emittedAt} with the
 * wall clock of an accelerated replay, months after the simulated readings.
 */
public final class DemoTriage {
    private DemoTriage() {
    }

    /** The team that did the work and the number of alerts it triaged (each one: two triage events). */
    public record Result(TriageTeam team, int alerts) {
    }

    /**
     * Staffs a {@link TriageTeam#sizedFor} team for {@code patients} over {@code days} days and the alerts found,
     * and lets it triage the alerts raised before {@code raisedBeforeMs} (simulator time, like
     * {@code evidenceReceived}; {@code Long.MAX_VALUE} for all); later alerts are left for a person
     * ({@code demo --serve}).
     */
    public static Result run(String bootstrapServers, long seed, int patients, int days,
                             List<GroundTruthEpisode> truth, long raisedBeforeMs) throws Exception {
        List<TriageTeam.Alert> alerts = new ArrayList<>();
        AvroCodec<Episode> episodes = AvroCodec.episodes();
        try (CommittedTopicReader reader = new CommittedTopicReader(bootstrapServers, new Properties(),
                Topics.EPISODES)) {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll()) {
                Episode e = episodes.decode(r.value());
                if (e.getState() == EpisodeState.OPENED && e.getEvidenceReceived().toEpochMilli() < raisedBeforeMs) {
                    alerts.add(new TriageTeam.Alert(e.getEpisodeId(), e.getProgramme(), e.getPatientId(),
                            e.getEpisodeType(), e.getEvidenceReceived().toEpochMilli(), e.getStart().toEpochMilli()));
                }
            }
        }
        TriageTeam team = TriageTeam.sizedFor(seed, patients, alerts.size() / (double) Math.max(1, days));
        List<TriageTeam.Closure> closures = team.triage(alerts, truth);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
        AvroCodec<TriageEvent> values = AvroCodec.triageEvents();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (TriageTeam.Closure c : closures) {
                TriageTeam.Acknowledgement a = c.acknowledgement();
                TriageTeam.Alert alert = a.alert();
                byte[] key = keys.encode(new PatientKey(alert.programme(), alert.patientId()));
                java.time.Instant raised = java.time.Instant.ofEpochMilli(alert.raisedAt());
                TriageEvent ack = new TriageEvent(alert.episodeId(), alert.patientId(), alert.programme(),
                        TriageAction.ACKNOWLEDGED, java.time.Instant.ofEpochMilli(a.time()), raised, null);
                TriageEvent closed = new TriageEvent(alert.episodeId(), alert.patientId(), alert.programme(),
                        c.withAction() ? TriageAction.CLOSED_WITH_ACTION : TriageAction.CLOSED_NO_ACTION,
                        java.time.Instant.ofEpochMilli(c.closedAt()), raised, c.outcome());
                // same key, so the acknowledgement precedes the closure in the partition
                sent.add(producer.send(new ProducerRecord<>(Topics.TRIAGE_EVENTS, null, a.time(), key,
                        values.encode(ack))));
                sent.add(producer.send(new ProducerRecord<>(Topics.TRIAGE_EVENTS, null, c.closedAt(), key,
                        values.encode(closed))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(); // a triage event that did not reach the broker fails the demo, never silently
            }
        }
        return new Result(team, closures.size());
    }
}
