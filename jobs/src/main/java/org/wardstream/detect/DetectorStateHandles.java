package org.wardstream.detect;

import java.util.List;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.wardstream.detector.DetectorState;
import org.wardstream.detector.Reading;
import org.wardstream.ingest.DeviceReading;

/**
 * The signal operator's per-patient detector state in Flink keyed state: the {@link DetectorState} object (heap
 * backend: the same object every reading; RocksDB: decoded per access), the readings the detector holds for a
 * backlog (list state), and the older forms a savepoint may still have (the byte array before issue 19, the seven
 * handles before the one-value state), each taken over once per patient and cleared.
 */
final class DetectorStateHandles {
    private final ValueState<DetectorState> detectorState;
    private final ValueState<byte[]> detectorBytes;
    private final ListState<DeviceReading> held;
    private final LegacyDetectorState legacy;

    DetectorStateHandles(RuntimeContext ctx) {
        detectorState = ctx.getState(new ValueStateDescriptor<>(SignalDetector.STATE_NAME,
                DetectorStateSerializer.INSTANCE));
        detectorBytes = ctx.getState(new ValueStateDescriptor<>(SignalDetector.BYTES_STATE_NAME,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        held = ctx.getListState(new ListStateDescriptor<>("backlog-held", TypeInformation.of(DeviceReading.class)));
        legacy = new LegacyDetectorState(ctx);
    }

    /** The current patient's state (a new one when there is none); {@link #save} it after changing it. */
    DetectorState load() throws Exception {
        DetectorState s = detectorState.value();
        if (s != null) {
            return s;
        }
        byte[] bytes = detectorBytes.value();
        if (bytes != null) {
            detectorBytes.clear();
            return DetectorState.fromBytes(bytes);
        }
        DetectorState old = legacy.takeOver(); // a savepoint from before the one-value state
        return old != null ? old : new DetectorState();
    }

    void save(DetectorState s) throws Exception {
        detectorState.update(s);
    }

    void hold(DeviceReading r) throws Exception {
        held.add(r);
    }

    /** The held readings, taken out of list state. */
    List<Reading> takeHeld() throws Exception {
        List<Reading> readings = Readings.all(held.get());
        held.clear();
        return readings;
    }

    /** The held readings as they arrived, taken out of list state (to dead-letter them). */
    List<DeviceReading> takeHeldReadings() throws Exception {
        List<DeviceReading> readings = new java.util.ArrayList<>();
        Iterable<DeviceReading> all = held.get();
        if (all != null) {
            all.forEach(readings::add);
        }
        held.clear();
        return readings;
    }

    /** Forgets the current patient (a withdrawal). */
    void clear() throws Exception {
        detectorState.clear();
        detectorBytes.clear();
        legacy.clear();
        held.clear();
    }
}
