package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.ingest.TestEvents.T0;

import java.util.List;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.wardstream.schema.EnrolmentStatus;

/**
 * A savepoint of the ingest gate from before issue 19 (the de-duplication memory as {@code long[]} pairs of 64-bit
 * id hash and receipt time, state {@code recent-event-ids}) restores into today's gate: the ids it remembered are
 * still duplicates, new ids pass, and the memory carries on in today's format while the old handle is cleared.
 */
class IngestGateDedupUpgradeTest {
    private static final String PATIENT = "p-dedup-upgrade";
    private final EventValidator validator = new EventValidator(IngestSettings.defaults());

    /** Writes the memory as the gate before issue 19 kept it. */
    static final class OldLayout extends KeyedProcessFunction<String, String, String> {
        private final long[] pairs;

        OldLayout(long[] pairs) {
            this.pairs = pairs;
        }

        @Override
        public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
            getRuntimeContext().getState(new ValueStateDescriptor<>(IngestGate.RECENT_ID_PAIRS,
                    PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO)).update(pairs);
        }
    }

    /** Reads both handles after the upgrade: what today's memory holds, and whether the old one is gone. */
    static final class Probe extends KeyedProcessFunction<String, String, String> {
        private final String sourceId;

        Probe(String sourceId) {
            this.sourceId = sourceId;
        }

        @Override
        public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
            var c = getRuntimeContext();
            byte[] memory = c.getState(new ValueStateDescriptor<>(IngestGate.RECENT_IDS,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)).value();
            out.collect("ids " + RecentIds.size(memory));
            for (String id : new String[] {"evt-older", "evt-before-upgrade", "evt-after-upgrade", "evt-never"}) {
                out.collect(id + " " + RecentIds.contains(memory, RecentIds.fingerprint(sourceId, id)));
            }
            long[] old = c.getState(new ValueStateDescriptor<>(IngestGate.RECENT_ID_PAIRS,
                    PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO)).value();
            out.collect(old == null ? "old handle cleared" : "old handle kept");
        }
    }

    private DeviceReading reading(String eventId, long offsetSeconds) throws Exception {
        var event = TestEvents.heartRate(eventId, T0.plusSeconds(offsetSeconds), 70);
        DeviceReading r = validator.validate(TestEvents.key(PATIENT), event, 0);
        r.brokerTimestamp = T0.toEpochMilli() + offsetSeconds * 1000 + 2_000;
        return r;
    }

    @Test
    void todaysSavepointFormatRestoresAndKeepsItsDuplicates() throws Exception {
        DeviceReading seen = reading("evt-before-upgrade", 0);
        String key = PatientKeys.of(seen);
        long[] pairs = {RecentIds.hash(seen.sourceId, "evt-older"), seen.brokerTimestamp - 60_000,
                RecentIds.hash(seen.sourceId, seen.eventId), seen.brokerTimestamp};
        OperatorSubtaskState old;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new OldLayout(pairs)),
                (String s) -> s, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(key, 0));
            old = h.snapshot(1, 1);
        }

        OperatorSubtaskState upgraded;
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, DeviceReading>(
                new KeyedCoProcessOperator<>(new IngestGate(IngestSettings.defaults())),
                PatientKeys::of, PatientKeys::of, Types.STRING)) {
            h.initializeState(old);
            h.open();
            h.processElement2(new StreamRecord<>(new EnrolmentUpdate(PATIENT,
                    PatientProfile.of(TestEvents.enrolment(PATIENT, EnrolmentStatus.ACTIVE)))));
            h.processElement1(new StreamRecord<>(reading("evt-before-upgrade", 0), 0)); // re-sent: a duplicate
            h.processElement1(new StreamRecord<>(reading("evt-older", 0), 0)); // re-sent: a duplicate
            h.processElement1(new StreamRecord<>(reading("evt-after-upgrade", 60), 0)); // new
            h.processElement1(new StreamRecord<>(reading("evt-after-upgrade", 60), 0)); // its re-send
            List<String> passed = h.extractOutputValues().stream().map(r -> r.eventId).toList();
            assertThat(passed).containsExactly("evt-after-upgrade");
            upgraded = h.snapshot(2, 2);
        }

        List<String> seenAfter;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Probe(seen.sourceId)),
                (String s) -> s, Types.STRING)) {
            h.initializeState(upgraded);
            h.open();
            h.processElement(new StreamRecord<>(key, 0));
            seenAfter = h.extractOutputValues();
        }
        assertThat(seenAfter).containsExactly("ids 3", "evt-older true", "evt-before-upgrade true",
                "evt-after-upgrade true", "evt-never false", "old handle cleared");
    }
}
