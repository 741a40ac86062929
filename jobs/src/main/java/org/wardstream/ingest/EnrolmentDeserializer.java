package org.wardstream.ingest;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

/**
 * Reads the compacted {@code enrolments} topic. A record that does not decode is counted
 * ({@code enrolmentsRejected}) and logged with its topic, partition and offset (never its content),
 * then skipped: the enrolment service must re-publish it.
 */
public final class EnrolmentDeserializer implements KafkaRecordDeserializationSchema<EnrolmentUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EnrolmentDeserializer.class);

    private final AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
    private final AvroCodec<Enrolment> values = AvroCodec.enrolments();
    private transient Counter rejected;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        rejected = IngestMetrics.counter(context.getMetricGroup(), IngestMetrics.ENROLMENTS_REJECTED);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<EnrolmentUpdate> out) {
        try {
            PatientKey key = keys.decode(record.key());
            if (record.value() == null) {
                out.collect(new EnrolmentUpdate(key.getProgramme(), key.getPatientId(), null));
                return;
            }
            Enrolment e = values.decode(record.value());
            if (!e.getPatientId().equals(key.getPatientId())) {
                throw new DecodeException(DecodeException.Kind.NOT_DECODABLE, "value patientId differs from key", null);
            }
            out.collect(new EnrolmentUpdate(key.getProgramme(), key.getPatientId(), PatientProfile.of(e)));
        } catch (DecodeException | RuntimeException | Error e) { // an Error too: one record's failure only
            if (rejected != null) {
                rejected.inc();
            }
            LOG.warn("Skipping enrolment record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e instanceof Error ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    @Override
    public TypeInformation<EnrolmentUpdate> getProducedType() {
        return TypeInformation.of(EnrolmentUpdate.class);
    }
}
