package org.wardstream.ingest;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;

/**
 * Reads the compacted {@code enrolments} topic through the {@link EnrolmentValidator} (the same checks as
 * the equity job). A record that does not decode or validate is counted ({@code enrolmentsRejected}), logged
 * with its topic, partition and offset (never its content) and never applied, so it cannot replace the
 * patient's valid enrolment. With {@link #withDeadLetters()} it is also emitted as an update carrying a
 * {@link DeadLetter} (see {@link EnrolmentUpdate#rejected}) for the job to write to {@code enrolments-dlq};
 * {@link IngestStage#splitEnrolments} separates the two.
 */
public final class EnrolmentDeserializer implements KafkaRecordDeserializationSchema<EnrolmentUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EnrolmentDeserializer.class);

    private final boolean deadLetters;
    private transient EnrolmentValidator validator;
    private transient Counter rejected;

    /** Refused records are counted and skipped. */
    public EnrolmentDeserializer() {
        this(false);
    }

    private EnrolmentDeserializer(boolean deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** Refused records are also emitted as dead letters, for {@link IngestStage#splitEnrolments}. */
    public static EnrolmentDeserializer withDeadLetters() {
        return new EnrolmentDeserializer(true);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        rejected = IngestMetrics.counter(context.getMetricGroup(), IngestMetrics.ENROLMENTS_REJECTED);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<EnrolmentUpdate> out) {
        if (validator == null) {
            validator = new EnrolmentValidator();
        }
        try {
            EnrolmentValidator.Valid v = validator.read(record.key(), record.value());
            out.collect(new EnrolmentUpdate(v.key().getProgramme(), v.key().getPatientId(),
                    v.value() == null ? null : PatientProfile.of(v.value())));
        } catch (Rejection e) {
            if (rejected != null) {
                rejected.inc();
            }
            String origin = record.topic() + "-" + record.partition() + "@" + record.offset();
            LOG.warn("Refusing enrolment record {}: {}: {}", origin, e.reason().code(), e.getMessage());
            if (deadLetters) {
                out.collect(EnrolmentUpdate.rejected(new DeadLetter(record.key(), record.value(), e.reason().code(),
                        e.getMessage(), origin, record.timestamp(), -1)));
            }
        }
    }

    @Override
    public TypeInformation<EnrolmentUpdate> getProducedType() {
        return TypeInformation.of(EnrolmentUpdate.class);
    }
}
