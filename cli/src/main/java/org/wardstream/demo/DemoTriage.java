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
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;
import org.wardstream.simulator.TriageTeam;

/**
 * The demo's triage team at work: reads every alert the detection job opened ({@code episodes}, read
 * committed), lets the seeded {@link TriageTeam} acknowledge each one, and writes the acknowledgements to
 * {@code triage-events}.
 *
 * <p>The team works on the simulator's clock: an alert counts as raised when its evidence reached the
 * platform ({@code evidenceReceived}), because the embedded detection job stamps {@code emittedAt} with the
 * wall clock of an accelerated replay, months after the simulated readings.
 */
public final class DemoTriage {
    private DemoTriage() {
    }

    /** Returns the number of triage events written. */
    public static int run(String bootstrapServers, TriageTeam team) throws Exception {
        return run(bootstrapServers, team, Long.MAX_VALUE);
    }

    /**
     * The same, for the alerts raised before {@code raisedBeforeMs} only (simulator time, like
     * {@code evidenceReceived}); later alerts are left for a person ({@code demo --serve}).
     */
    public static int run(String bootstrapServers, TriageTeam team, long raisedBeforeMs) throws Exception {
        List<TriageTeam.Alert> alerts = new ArrayList<>();
        AvroCodec<Episode> episodes = AvroCodec.episodes();
        try (CommittedTopicReader reader = new CommittedTopicReader(bootstrapServers, new Properties(),
                Topics.EPISODES)) {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll()) {
                Episode e = episodes.decode(r.value());
                if (e.getState() == EpisodeState.OPENED && e.getEvidenceReceived().toEpochMilli() < raisedBeforeMs) {
                    alerts.add(new TriageTeam.Alert(e.getEpisodeId(), e.getProgramme(), e.getPatientId(),
                            e.getEpisodeType(), e.getEvidenceReceived().toEpochMilli()));
                }
            }
        }
        List<TriageTeam.Acknowledgement> acks = team.acknowledge(alerts);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
        AvroCodec<TriageEvent> values = AvroCodec.triageEvents();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (TriageTeam.Acknowledgement a : acks) {
                TriageTeam.Alert alert = a.alert();
                TriageEvent ev = new TriageEvent(alert.episodeId(), alert.patientId(), alert.programme(),
                        TriageAction.ACKNOWLEDGED, java.time.Instant.ofEpochMilli(a.time()),
                        java.time.Instant.ofEpochMilli(alert.raisedAt()), null);
                sent.add(producer.send(new ProducerRecord<>(Topics.TRIAGE_EVENTS, null, a.time(),
                        keys.encode(new PatientKey(alert.programme(), alert.patientId())), values.encode(ev))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(); // a triage event that did not reach the broker fails the demo, never silently
            }
        }
        return acks.size();
    }
}
