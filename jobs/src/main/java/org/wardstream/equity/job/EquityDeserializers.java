package org.wardstream.equity.job;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.equity.model.Strata;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.Episode;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

/**
 * Kafka deserializers of the equity job's patient-keyed inputs ({@code enrolments}, {@code episodes},
 * {@code triage-events}) into {@link EquityInput}. A record that does not decode is counted and logged with
 * its topic, partition and offset (never its content) and skipped; the detection job owns the dead-letter topic.
 */
public final class EquityDeserializers {
    private EquityDeserializers() {
    }

    public static KafkaRecordDeserializationSchema<EquityInput> enrolments() {
        return new Patient(Kind.ENROLMENT);
    }

    public static KafkaRecordDeserializationSchema<EquityInput> episodes() {
        return new Patient(Kind.EPISODE);
    }

    public static KafkaRecordDeserializationSchema<EquityInput> triage() {
        return new Patient(Kind.TRIAGE);
    }

    enum Kind { ENROLMENT, EPISODE, TRIAGE }

    /** The enrolment as an equity input: status, dates, zone, the patient's strata and pacemaker record. */
    public static EquityInput fromEnrolment(PatientKey key, Enrolment e) {
        EquityInput i = new EquityInput();
        i.kind = EquityInput.Kind.ENROLMENT;
        i.programme = key.getProgramme();
        i.patientId = key.getPatientId();
        if (e == null) {
            i.tombstone = true;
            return i;
        }
        i.status = e.getStatus().name();
        i.enrolledOnEpochDay = e.getEnrolledOn().toEpochDay();
        i.endedOnEpochDay = e.getEndedOn() == null ? Long.MIN_VALUE : e.getEndedOn().toEpochDay();
        i.timeZone = e.getTimeZone();
        i.updatedAt = e.getUpdatedAt().toEpochMilli();
        Strata s = Strata.from(e.getStratifiers());
        i.imdQuintile = s.imdQuintile();
        i.imdEdition = s.imdEdition();
        i.ethnicGroup = s.ethnicGroup();
        i.ageBand = s.ageBand();
        i.sex = s.sex();
        i.icb = s.icb();
        i.pacemaker = e.getPacemaker(); // null (not recorded) stays null: never read as no pacemaker
        return i;
    }

    public static EquityInput fromEpisode(Episode e) {
        return EquityInput.episode(e.getProgramme(), e.getPatientId(), e.getEpisodeId(), e.getEpisodeType(),
                e.getState().name(), e.getEvidenceTime().toEpochMilli(), e.getEvidenceReceived().toEpochMilli(),
                e.getEmittedAt().toEpochMilli(),
                e.getSeverity() == null ? null : e.getSeverity().name().toLowerCase(java.util.Locale.ROOT));
    }

    public static EquityInput fromTriage(TriageEvent t) {
        return EquityInput.triage(t.getProgramme(), t.getPatientId(), t.getEpisodeId(), t.getAction().name(),
                t.getTime().toEpochMilli(),
                t.getAlertRaisedAt() == null ? Long.MIN_VALUE : t.getAlertRaisedAt().toEpochMilli(),
                t.getOutcome() == null ? null : t.getOutcome().name());
    }

    static final class Patient implements KafkaRecordDeserializationSchema<EquityInput> {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(EquityDeserializers.class);

        private final Kind kind;
        private final AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
        private final AvroCodec<Episode> episodes = AvroCodec.episodes();
        private final AvroCodec<TriageEvent> triage = AvroCodec.triageEvents();
        private transient Counter undecodable;
        private transient Counter enrolmentsRejected;
        private transient EnrolmentValidator validator;

        Patient(Kind kind) {
            this.kind = kind;
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            undecodable = EquityMetrics.counter(context.getMetricGroup(), EquityMetrics.UNDECODABLE);
            enrolmentsRejected = EquityMetrics.counter(context.getMetricGroup(), EquityMetrics.ENROLMENTS_REJECTED);
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<EquityInput> out) {
            if (kind == Kind.ENROLMENT) {
                enrolment(record, out);
                return;
            }
            try {
                PatientKey key = keys.decode(record.key());
                EquityInput in = switch (kind) {
                    case ENROLMENT -> throw new IllegalStateException("enrolments are read by enrolment()");
                    case EPISODE -> fromEpisode(episodes.decode(record.value()));
                    case TRIAGE -> fromTriage(triage.decode(record.value()));
                };
                if (!key.getPatientId().equals(in.patientId)) {
                    throw new DecodeException(DecodeException.Kind.NOT_DECODABLE, "value patientId differs from key",
                            null);
                }
                out.collect(in);
            } catch (DecodeException | RuntimeException | Error e) { // an Error too: one record's failure only
                if (undecodable != null) {
                    undecodable.inc();
                }
                LOG.warn("Skipping {} record {}-{}@{}: {}", kind, record.topic(), record.partition(), record.offset(),
                        e instanceof Error ? e.getClass().getSimpleName() : e.getMessage());
            }
        }

        /** Enrolments through the detection job's {@link EnrolmentValidator}: both jobs refuse the same records. */
        private void enrolment(ConsumerRecord<byte[], byte[]> record, Collector<EquityInput> out) {
            if (validator == null) {
                validator = new EnrolmentValidator();
            }
            try {
                EnrolmentValidator.Valid v = validator.read(record.key(), record.value());
                out.collect(fromEnrolment(v.key(), v.value()));
            } catch (Rejection e) {
                if (enrolmentsRejected != null) {
                    enrolmentsRejected.inc();
                }
                LOG.warn("Refusing enrolment record {}-{}@{}: {}: {}", record.topic(), record.partition(),
                        record.offset(), e.reason().code(), e.getMessage());
            } catch (RuntimeException | Error e) { // a bug in turning it into strata: this record's failure only
                if (undecodable != null) {
                    undecodable.inc();
                }
                LOG.warn("Skipping enrolment record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        e.getClass().getSimpleName());
            }
        }

        @Override
        public TypeInformation<EquityInput> getProducedType() {
            return TypeInformation.of(EquityInput.class);
        }
    }
}
