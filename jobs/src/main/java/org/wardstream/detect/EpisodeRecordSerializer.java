package org.wardstream.detect;

import java.time.Instant;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.wardstream.schema.Episode;
import org.wardstream.schema.EpisodeState;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Severity;
import org.wardstream.schema.wire.AvroCodec;

/** Writes each alert state change to the internal {@code episodes} topic (Avro) for the equity job. */
public final class EpisodeRecordSerializer implements KafkaRecordSerializationSchema<StreamedAlertChange> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
    private final AvroCodec<Episode> values = AvroCodec.episodes();

    public EpisodeRecordSerializer(String topic) {
        this.topic = topic;
    }

    static Episode toEpisode(StreamedAlertChange a) {
        return Episode.newBuilder()
                .setEpisodeId(a.episodeId)
                .setPatientId(a.patientId)
                .setProgramme(a.programme == null ? "" : a.programme)
                .setEpisodeType(a.episodeType)
                .setState(EpisodeState.valueOf(a.kind))
                .setSeverity(Severity.valueOf(a.severity.toUpperCase(java.util.Locale.ROOT)))
                .setStart(Instant.ofEpochMilli(a.episodeStartMs))
                .setEnd(a.episodeEndMs < 0 ? null : Instant.ofEpochMilli(a.episodeEndMs))
                .setEvidenceTime(Instant.ofEpochMilli(a.atMs))
                .setEvidenceReceived(Instant.ofEpochMilli(a.evidenceReceivedMs))
                .setEmittedAt(Instant.ofEpochMilli(a.emittedAtMs))
                .setDelayedByMs(a.delayedByMs)
                .setDetector(a.detectorVersion)
                .build();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(StreamedAlertChange a, KafkaSinkContext context, Long timestamp) {
        PatientKey key = new PatientKey(a.programme == null ? "" : a.programme, a.patientId);
        return new ProducerRecord<>(topic, null, a.atMs, keys.encode(key), values.encode(toEpisode(a)));
    }
}
