package org.wardstream.detect;

import java.util.ArrayList;
import java.util.List;

import org.wardstream.detector.Reading;
import org.wardstream.ingest.DeviceReading;

/** The {@link Reading} a {@link DeviceReading} carries: the Flink POJO of ingest, as the patient detector reads it. */
public final class Readings {
    private Readings() {
    }

    /** The readings of {@code readings}, in their order. */
    public static List<Reading> all(Iterable<DeviceReading> readings) {
        List<Reading> all = new ArrayList<>();
        readings.forEach(r -> all.add(of(r)));
        return all;
    }

    /** The reading, with its device (the event key's source id: wear is judged per device). */
    public static Reading of(DeviceReading r) {
        return switch (r.kind) {
            case HEART_RATE -> new Reading.HeartRate(r.time, r.timeReceived, r.lateByMs, r.programme, r.bpm,
                    r.sourceId, r.signalQuality);
            case RR_BATCH -> new Reading.RrBatch(r.time, r.timeReceived, r.lateByMs, r.programme, r.rrStart, r.rrMs,
                    r.rrQuality, r.sourceId);
            case ACTIVITY -> new Reading.Activity(r.time, r.timeReceived, r.lateByMs, r.programme, r.intervalSeconds,
                    r.steps, r.sourceId, r.activityCount);
            case WEAR -> new Reading.Wear(r.time, r.timeReceived, r.lateByMs, r.programme, r.onBody, r.wearMethod,
                    r.sourceId);
            case STATUS -> new Reading.Status(r.time, r.timeReceived, r.lateByMs, r.programme,
                    r.connectivity == DeviceReading.CONN_RECONNECTED, r.bufferedEvents, r.sourceId);
        };
    }
}
