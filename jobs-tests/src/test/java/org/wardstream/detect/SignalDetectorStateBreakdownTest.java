package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.junit.jupiter.api.Test;
import org.wardstream.detector.DetectorState;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.Rules;
import org.wardstream.simulator.Simulator;
import org.wardstream.simulator.SimulatorConfig;

/**
 * Where the signal detector's keyed state goes, byte by byte (issue 19): simulated patients with production-length
 * (36-character) pseudonyms are run through the detection stage, a checkpoint of the signal operator is taken, and
 * every keyed entry is serialised again with the serializer the operator uses, split into its key and its value (and
 * the detector state's value into its parts). The parts must account for the checkpoint (what is left is the
 * snapshot's own framing and the timers); the breakdown is printed for {@code docs/BENCHMARKS.md}.
 */
class SignalDetectorStateBreakdownTest {
    static final int PATIENTS = 30;

    @Test
    void theBreakdownAccountsForTheSignalDetectorsCheckpoint() throws Exception {
        Simulator simulator = new Simulator(SimulatorConfig.defaults(PATIENTS, 2, 21));
        List<DeviceReading> readings = StateGrowthTest.validReadings(simulator);
        for (DeviceReading d : readings) {
            d.patientId = longKey(d.patientId);
            d.clearProvenance(); // as the ingest gate passes them on
        }
        long fixed; // the snapshot of the operator with no patient: state descriptions and serializer configurations
        try (var empty = new DetectionChain(Rules.loadClasspath())) {
            fixed = empty.signals.snapshot(1, 1).getManagedKeyedState().getStateSize();
        }
        try (var chain = new DetectionChain(Rules.loadClasspath())) {
            for (var e : simulator.enrolments()) {
                chain.enrol(new EnrolmentUpdate(longKey(e.key().getPatientId()), PatientProfile.of(e.value())));
            }
            int half = readings.size() / 2;
            Breakdown n = feedAndMeasure(chain, readings.subList(0, half), 1);
            Breakdown twoN = feedAndMeasure(chain, readings.subList(half, readings.size()), 2);
            System.out.printf("signal detector with no patient: %d bytes%n", fixed);
            for (Breakdown b : List.of(n, twoN)) {
                System.out.println(b.report());
                // the event-time timers: one per patient at most, its key and its time (as the timer handle's entry)
                Part timers = b.byState.get("detector-timer");
                long explained = fixed + b.accounted() + timers.keyBytes + timers.valueBytes;
                assertThat(b.accounted()).as("bytes the entries account for").isPositive()
                        .isLessThanOrEqualTo(b.checkpointBytes);
                // what is left is the framing of each state in each key group that holds one
                assertThat((double) Math.abs(b.checkpointBytes - explained)).as("checkpoint %d bytes, explained %d",
                        b.checkpointBytes, explained).isLessThan(0.1 * b.checkpointBytes);
            }
        }
    }

    static String longKey(String simulated) {
        return UUID.nameUUIDFromBytes(simulated.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    private static Breakdown feedAndMeasure(DetectionChain chain, List<DeviceReading> readings, long checkpointId)
            throws Exception {
        long maxTime = Long.MIN_VALUE;
        int i = 0;
        for (DeviceReading r : readings) {
            chain.send(r);
            maxTime = Math.max(maxTime, r.time);
            if (++i % 500 == 0) {
                chain.watermark(maxTime - 5 * 60_000L);
            }
        }
        long checkpoint = chain.signals.snapshot(checkpointId, checkpointId).getManagedKeyedState().getStateSize();
        return measure(chain, checkpoint, checkpointId);
    }

    /** Bytes of one part of the state: entries (keys holding it), their keys' bytes, their values' bytes. */
    static final class Part {
        long entries, keyBytes, valueBytes, elements, rrIntervals, rrBatches;
    }

    record Breakdown(long checkpointId, long checkpointBytes, int patients, Map<String, Part> byState,
                     Map<String, Long> detectorParts) {
        long accounted() {
            return byState.values().stream().mapToLong(p -> p.keyBytes + p.valueBytes).sum();
        }

        String report() {
            StringBuilder s = new StringBuilder(String.format("signal detector, checkpoint %d: %d bytes for %d patients"
                    + " (%.0f B per patient); entries account for %d, framing and timers %d%n", checkpointId,
                    checkpointBytes, patients, (double) checkpointBytes / patients, accounted(),
                    checkpointBytes - accounted()));
            byState.forEach((name, p) -> s.append(String.format("  %-24s entries %3d  elements %4d  keys %6d B  values %7d B"
                    + "  per patient %6.1f B  per element %6.1f B%n", name, p.entries, p.elements, p.keyBytes,
                    p.valueBytes, (double) (p.keyBytes + p.valueBytes) / patients,
                    p.elements == 0 ? 0.0 : (double) p.valueBytes / p.elements)));
            Part held = byState.get("backlog-held");
            s.append(String.format("  held readings: %d of %d are RR batches, %.1f intervals per batch%n", held.rrBatches,
                    held.elements, held.rrBatches == 0 ? 0.0 : (double) held.rrIntervals / held.rrBatches));
            detectorParts.forEach((name, bytes) -> s.append(String.format("  detector state part %-8s (plain, as in format 2) %7d B  per patient"
                    + " %6.1f B%n", name, bytes, (double) bytes / patients)));
            return s.toString();
        }
    }

    private static Breakdown measure(DetectionChain chain, long checkpointBytes, long checkpointId) throws Exception {
        var op = (AbstractStreamOperator<?>) chain.signals.getOperator();
        KeyedStateBackend<String> backend = op.getKeyedStateBackend();
        var config = new SerializerConfigImpl();
        var bytes = PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        List<StateDescriptor<?, ?>> states = List.of(
                new ValueStateDescriptor<>("detector-profile", TypeInformation.of(PatientProfile.class)),
                new ValueStateDescriptor<>(SignalDetector.STATE_NAME, DetectorStateSerializer.INSTANCE),
                new ValueStateDescriptor<>(SignalDetector.BYTES_STATE_NAME, bytes),
                new ListStateDescriptor<>("backlog-held", TypeInformation.of(DeviceReading.class)),
                new ValueStateDescriptor<>("detector-timer", Types.LONG));
        Map<String, Part> byState = new LinkedHashMap<>();
        Map<String, Long> parts = new LinkedHashMap<>();
        for (String part : List.of("rr", "hr", "wear", "af-rate", "arrival", "version")) parts.put(part, 0L);
        int patients = 0;
        for (StateDescriptor<?, ?> d : states) {
            Part part = new Part();
            List<String> keys;
            try (var stream = backend.getKeys(d.getName(), VoidNamespace.INSTANCE)) {
                keys = stream.toList();
            }
            for (String key : keys) {
                backend.setCurrentKey(key);
                part.entries++;
                part.keyBytes += size(StringSerializer.INSTANCE, key);
                if (d instanceof ValueStateDescriptor<?> vd) {
                    Object v = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, vd).value();
                    @SuppressWarnings("unchecked")
                    TypeSerializer<Object> ser = (TypeSerializer<Object>) serializerOf(vd, config);
                    part.valueBytes += size(ser, v);
                    part.elements++;
                    if (v instanceof DetectorState s) {
                        parts.merge("rr", (long) s.rr.toBytes().length, Long::sum);
                        parts.merge("hr", (long) s.hr.toBytes().length, Long::sum);
                        parts.merge("wear", (long) s.wear.toBytes().length, Long::sum);
                        parts.merge("af-rate", 4L, Long::sum);
                        parts.merge("arrival", (long) s.arrival.toBytes().length, Long::sum);
                        parts.merge("version", 1L + 4L, Long::sum); // format byte and the serializer's length
                    }
                } else {
                    @SuppressWarnings("unchecked")
                    var ld = (ListStateDescriptor<DeviceReading>) d;
                    TypeSerializer<DeviceReading> ser = TypeInformation.of(DeviceReading.class).createSerializer(config);
                    var out = new DataOutputSerializer(256);
                    long n = 0;
                    for (DeviceReading r : backend.getPartitionedState(VoidNamespace.INSTANCE,
                            VoidNamespaceSerializer.INSTANCE, ld).get()) {
                        ser.serialize(r, out);
                        n++;
                        if (r.rrMs != null) {
                            part.rrIntervals += r.rrMs.length;
                            part.rrBatches++;
                        }
                    }
                    part.valueBytes += out.length() + 4; // the list serializer's element count
                    part.elements += n;
                }
            }
            if (d.getName().equals(SignalDetector.STATE_NAME)) patients = (int) part.entries;
            byState.put(d.getName(), part);
        }
        return new Breakdown(checkpointId, checkpointBytes, patients, byState, parts);
    }

    private static TypeSerializer<?> serializerOf(ValueStateDescriptor<?> d, SerializerConfigImpl config) {
        d.initializeSerializerUnlessSet(new org.apache.flink.api.common.ExecutionConfig());
        return d.getSerializer();
    }

    private static <T> long size(TypeSerializer<T> serializer, T value) throws IOException {
        var out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return out.length();
    }
}
