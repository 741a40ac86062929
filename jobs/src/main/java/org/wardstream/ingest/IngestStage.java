package org.wardstream.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Wires ingest from the record and enrolment streams it is given (so tests can pass any source):
 * refused records go straight to the dead letters; accepted readings are keyed by programme and patient ({@link PatientKeys}) through
 * the {@link IngestGate}. Operator uids are stable: they name state in savepoints.
 */
public final class IngestStage {
    public static final String UID_ROUTE = "ingest-route";
    public static final String UID_GATE = "ingest-gate";

    private IngestStage() {
    }

    /** The two ways out of ingest; duplicates only leave as a count. */
    public record Output(DataStream<DeviceReading> readings, DataStream<DeadLetter> deadLetters) {
    }

    public static Output build(DataStream<IngestRecord> records, DataStream<EnrolmentUpdate> enrolments,
                               IngestSettings settings) {
        SingleOutputStreamOperator<DeviceReading> accepted = records
                .process(new RouteRefused())
                .returns(TypeInformation.of(DeviceReading.class))
                .name("ingest: route refused to dead letters")
                .uid(UID_ROUTE);

        SingleOutputStreamOperator<DeviceReading> admitted = accepted
                .keyBy(PatientKeys::of, TypeInformation.of(String.class))
                .connect(enrolments.keyBy(PatientKeys::of, TypeInformation.of(String.class)))
                .process(new IngestGate(settings))
                .returns(TypeInformation.of(DeviceReading.class))
                .name("ingest: de-duplicate, late, enrolment gate")
                .uid(UID_GATE);

        DataStream<DeadLetter> deadLetters = accepted.getSideOutput(IngestGate.DEAD_LETTERS)
                .union(admitted.getSideOutput(IngestGate.DEAD_LETTERS));
        return new Output(admitted, deadLetters);
    }

    /** Valid enrolment updates, and the refused enrolment records on their way to {@code enrolments-dlq}. */
    public record Enrolments(DataStream<EnrolmentUpdate> valid, DataStream<DeadLetter> deadLetters) {
    }

    public static final String UID_ENROLMENT_ROUTE = "enrolments-route";

    /**
     * Splits the output of {@link EnrolmentDeserializer#withDeadLetters()}: refused records never reach the
     * operators that hold enrolments, so a malformed enrolment never replaces a valid one.
     */
    public static Enrolments splitEnrolments(DataStream<EnrolmentUpdate> updates) {
        SingleOutputStreamOperator<EnrolmentUpdate> valid = updates
                .process(new RouteRefusedEnrolments())
                .returns(TypeInformation.of(EnrolmentUpdate.class))
                .name("enrolments: route refused to dead letters")
                .uid(UID_ENROLMENT_ROUTE);
        return new Enrolments(valid, valid.getSideOutput(IngestGate.DEAD_LETTERS));
    }

    static final class RouteRefusedEnrolments extends ProcessFunction<EnrolmentUpdate, EnrolmentUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(EnrolmentUpdate u, Context ctx, Collector<EnrolmentUpdate> out) {
            if (u.isRejected()) {
                ctx.output(IngestGate.DEAD_LETTERS, u.rejected);
            } else {
                out.collect(u);
            }
        }
    }

    /** Accepted readings go on; refused records go to the dead-letter side output. */
    static final class RouteRefused extends ProcessFunction<IngestRecord, DeviceReading> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(IngestRecord record, Context ctx, Collector<DeviceReading> out) {
            if (record.isAccepted()) {
                out.collect(record.reading);
            } else {
                ctx.output(IngestGate.DEAD_LETTERS, record.rejected);
            }
        }
    }
}
