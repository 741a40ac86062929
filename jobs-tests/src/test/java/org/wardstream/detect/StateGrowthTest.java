package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.Rejection;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.EventValidator;
import org.wardstream.ingest.IngestGate;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.Rules;
import org.wardstream.simulator.SimulatedRecord;
import org.wardstream.simulator.SimulationSink;
import org.wardstream.simulator.Simulator;
import org.wardstream.simulator.SimulatorConfig;

/**
 * Keyed state stays bounded: on a fixed set of patients, the ingest gate's and the detection stage's keyed
 * state (signal detector, CEP pattern operators, alert lifecycle) after 2N readings is at most 1.1 times the
 * state after N (measured on a checkpoint of each).
 */
class StateGrowthTest {
    static final int PATIENTS = 30;

    @Test
    void keyedStateAfter2NReadingsIsAtMost110PercentOfStateAfterN() throws Exception {
        Simulator simulator = new Simulator(SimulatorConfig.defaults(PATIENTS, 2, 21));
        List<DeviceReading> readings = validReadings(simulator);
        try (var gate = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new IngestGate(IngestSettings.defaults()),
                (DeviceReading r) -> r.patientId, (EnrolmentUpdate u) -> u.patientId, Types.STRING);
             var detector = new DetectionChain(Rules.loadClasspath())) {
            gate.open();
            for (var e : simulator.enrolments()) {
                EnrolmentUpdate u = new EnrolmentUpdate(e.key().getPatientId(), PatientProfile.of(e.value()));
                gate.processElement2(new StreamRecord<>(u));
                detector.enrol(u);
            }
            int half = readings.size() / 2;
            long[] afterN = feed(gate, detector, readings.subList(0, half), 1);
            long[] after2N = feed(gate, detector, readings.subList(half, readings.size()), 2);

            System.out.printf("keyed state for %d patients: gate %d -> %d bytes, detector %d -> %d bytes (N=%d readings)%n",
                    PATIENTS, afterN[0], after2N[0], afterN[1], after2N[1], half);
            assertThat(afterN[0]).as("gate state after N").isPositive();
            assertThat(afterN[1]).as("detector state after N").isPositive();
            assertThat((double) after2N[0]).as("gate state: %d bytes after N, %d after 2N", afterN[0], after2N[0])
                    .isLessThanOrEqualTo(1.1 * afterN[0]);
            // the readings held for a backlog at the cut are in flight, bounded per patient (maxHeld), not accumulated
            // state: they are compared apart (the rest of the detection state must stay within 1.1)
            assertThat((double) (after2N[1] - after2N[2])).as("detector state without the held backlog: %d bytes after N,"
                    + " %d after 2N", afterN[1] - afterN[2], after2N[1] - after2N[2])
                    .isLessThanOrEqualTo(1.1 * (afterN[1] - afterN[2]));
            assertThat(Math.max(afterN[3], after2N[3])).as("readings held for one patient")
                    .isLessThanOrEqualTo(org.wardstream.detector.PatientDetector.ORDER.parameters().maxHeld());
        }
    }

    /** The simulator's valid readings (no injected fault), validated as ingest validates them. */
    static List<DeviceReading> validReadings(Simulator simulator) {
        List<DeviceReading> readings = new ArrayList<>();
        EventValidator validator = new EventValidator(IngestSettings.defaults());
        simulator.run(new SimulationSink() {
            @Override
            public void enrolment(org.wardstream.schema.PatientKey key, org.wardstream.schema.Enrolment value) {
            }

            @Override
            public void deviceEvent(SimulatedRecord r) {
                if (r.decodedValue() != null && r.decodedKey() != null && r.injectedFault() == null) {
                    try {
                        readings.add(validator.validate(r.decodedKey(), r.decodedValue(), r.timestampMs()));
                    } catch (Rejection e) {
                        throw new AssertionError("the simulator's valid readings must validate", e);
                    }
                }
            }
        });

        return readings;
    }

    /** Feeds readings through gate then detector with a bounded-out-of-orderness watermark; returns state sizes. */
    private static long[] feed(KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, DeviceReading> gate,
                               DetectionChain detector, List<DeviceReading> readings, long checkpointId) throws Exception {
        long maxTime = Long.MIN_VALUE;
        int i = 0;
        for (DeviceReading r : readings) {
            gate.processElement1(new StreamRecord<>(r, r.time));
            maxTime = Math.max(maxTime, r.time);
            if (++i % 500 == 0) {
                Watermark w = new Watermark(maxTime - 5 * 60_000L);
                gate.processBothWatermarks(w);
                forward(gate, detector);
                detector.watermark(w.getTimestamp());
            }
        }
        forward(gate, detector);
        long gateBytes = gate.snapshot(checkpointId, checkpointId).getManagedKeyedState().getStateSize();
        long signalBytes = detector.signals.snapshot(checkpointId, checkpointId).getManagedKeyedState().getStateSize();
        long alerterBytes = detector.alerter.snapshot(checkpointId, checkpointId).getManagedKeyedState().getStateSize();
        long detectorBytes = signalBytes + alerterBytes;
        StringBuilder patterns = new StringBuilder();
        for (var pattern : detector.patterns) {
            var keyed = pattern.snapshot(checkpointId, checkpointId).getManagedKeyedState();
            long bytes = keyed == null ? 0 : keyed.getStateSize();
            patterns.append(' ').append(bytes);
            detectorBytes += bytes;
        }
        long[] held = held(detector);
        System.out.printf("checkpoint %d: signal detector %d (of which %d readings held for backlogs, %d bytes), patterns%s,"
                + " alerter %d bytes%n", checkpointId, signalBytes, held[1], held[0], patterns, alerterBytes);
        return new long[] {gateBytes, detectorBytes, held[0], held[2]};
    }

    /** The signal detector's held backlog readings: their serialised bytes, their number, the most for one patient. */
    private static long[] held(DetectionChain detector) throws Exception {
        var op = (org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) detector.signals.getOperator();
        org.apache.flink.runtime.state.KeyedStateBackend<String> backend = op.getKeyedStateBackend();
        var type = org.apache.flink.api.common.typeinfo.TypeInformation.of(DeviceReading.class);
        var descriptor = new org.apache.flink.api.common.state.ListStateDescriptor<>("backlog-held", type);
        var serializer = type.createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());
        List<String> keys;
        try (var stream = backend.getKeys("backlog-held", org.apache.flink.runtime.state.VoidNamespace.INSTANCE)) {
            keys = stream.toList();
        }
        long bytes = 0, count = 0, most = 0;
        for (String key : keys) {
            backend.setCurrentKey(key);
            var list = backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                    org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE, descriptor);
            long n = 0;
            for (DeviceReading r : list.get()) {
                var out = new org.apache.flink.core.memory.DataOutputSerializer(256);
                serializer.serialize(r, out);
                bytes += out.length();
                n++;
            }
            count += n;
            most = Math.max(most, n);
        }
        return new long[] {bytes, count, most};
    }

    private static void forward(KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, DeviceReading> gate,
                                DetectionChain detector)
            throws Exception {
        for (DeviceReading r : gate.extractOutputValues()) {
            detector.send(r);
        }
        gate.getOutput().clear();
    }
}
