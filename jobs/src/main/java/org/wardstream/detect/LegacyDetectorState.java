package org.wardstream.detect;

import java.io.IOException;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.wardstream.detector.DetectorState;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.signals.HeartRateState;
import org.wardstream.signals.WearActivityState;

/**
 * The signal operator's state as savepoints before the one-value {@link DetectorState} kept it (seven handles): read
 * once per patient into a {@link DetectorState}, then cleared, so a job upgraded from such a savepoint keeps every
 * patient's detectors.
 */
final class LegacyDetectorState {
    private final ValueState<byte[]> rr;
    private final ValueState<byte[]> hr;
    private final ValueState<byte[]> wear;
    private final ValueState<Float> afRate;
    private final ValueState<Long> lastReceived;
    private final ValueState<Long> backlogUntil;
    private final ValueState<Integer> heldCount;

    LegacyDetectorState(RuntimeContext ctx) {
        var bytes = PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        rr = ctx.getState(new ValueStateDescriptor<>("rr-analyser", bytes));
        hr = ctx.getState(new ValueStateDescriptor<>("hr-thresholds", bytes));
        wear = ctx.getState(new ValueStateDescriptor<>("wear-activity", bytes));
        afRate = ctx.getState(new ValueStateDescriptor<>("af-rate", Types.FLOAT));
        lastReceived = ctx.getState(new ValueStateDescriptor<>("last-received", Types.LONG));
        backlogUntil = ctx.getState(new ValueStateDescriptor<>("backlog-until", Types.LONG));
        heldCount = ctx.getState(new ValueStateDescriptor<>("backlog-held-count", Types.INT));
    }

    /** The current patient's state in the old handles (then cleared), or null when they hold none. */
    DetectorState takeOver() throws IOException {
        byte[] rrBytes = rr.value();
        byte[] hrBytes = hr.value();
        byte[] wearBytes = wear.value();
        Long received = lastReceived.value();
        if (rrBytes == null && hrBytes == null && wearBytes == null && received == null) {
            return null;
        }
        DetectorState s = new DetectorState();
        if (rrBytes != null) s.rr = RrAnalyserState.fromBytes(rrBytes);
        if (hrBytes != null) s.hr = HeartRateState.fromBytes(hrBytes);
        if (wearBytes != null) s.wear = WearActivityState.fromBytes(wearBytes);
        Float rate = afRate.value();
        s.afRateBpm = rate == null ? Float.NaN : rate;
        Long until = backlogUntil.value();
        Integer held = heldCount.value();
        s.arrival = DetectorState.arrivalFromFormat1(received == null ? DetectorState.NO_TIME : received,
                until == null ? DetectorState.NO_TIME : until, held == null ? 0 : held);
        clear();
        return s;
    }

    void clear() {
        rr.clear();
        hr.clear();
        wear.clear();
        afRate.clear();
        lastReceived.clear();
        backlogUntil.clear();
        heldCount.clear();
    }
}
