package org.wardstream.detect;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.wardstream.alerting.AlertContext;
import org.wardstream.alerting.FhirAlerts;

/**
 * Writes each alert state change to {@code alerts} as one FHIR R4 transaction Bundle (JSON), keyed by
 * the patient pseudonym (the contract's key; the programme is in the message: a {@code meta.tag} of
 * {@link FhirAlerts#PROGRAMME_SYSTEM}, and in its ids). HAPI objects live only inside this call; nothing of them enters Flink state.
 */
public final class AlertBundleSerializer implements KafkaRecordSerializationSchema<StreamedAlertChange> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public AlertBundleSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(StreamedAlertChange a, KafkaSinkContext context, Long timestamp) {
        AlertContext ctx = a.delayedByMs > 0 ? AlertContext.delayed(a.delayedByMs, a.evidenceReceivedMs)
                : AlertContext.receivedAt(a.evidenceReceivedMs);
        ctx = ctx.inZone(a.timeZone).withPacemaker(a.pacemaker).inProgramme(blankToNull(a.programme));
        String bundle = FhirAlerts.toJson(a.toAlertChange(), ctx);
        return new ProducerRecord<>(topic, null, a.emittedAtMs, a.patientId.getBytes(StandardCharsets.UTF_8),
                bundle.getBytes(StandardCharsets.UTF_8));
    }

    /** A key without a programme (tests) has the empty one: no tag then. */
    private static String blankToNull(String programme) {
        return programme == null || programme.isBlank() ? null : programme;
    }
}
