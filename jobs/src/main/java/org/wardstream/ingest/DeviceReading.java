package org.wardstream.ingest;

import java.util.Arrays;
import java.util.Objects;

/**
 * One accepted device event after ingest, flattened to a Flink POJO (fast to serialise, no Avro
 * types in Flink state or on the wire between operators). Exactly one payload group is set,
 * named by {@link #kind}; the other payload fields keep their defaults.
 */
public class DeviceReading {
    /** Which payload the reading carries. */
    public enum Kind { HEART_RATE, RR_BATCH, ACTIVITY, WEAR, STATUS }

    /** Per-interval quality codes of {@link #rrQuality} (same order as the Avro BeatQuality enum). */
    public static final byte RR_CLEAN = 0;
    public static final byte RR_ARTEFACT = 1;
    public static final byte RR_GAP = 2;

    /** Connectivity codes of {@link #connectivity} (same order as the Avro Connectivity enum). */
    public static final byte CONN_ONLINE = 0;
    public static final byte CONN_OFFLINE = 1;
    public static final byte CONN_RECONNECTED = 2;
    public static final byte CONN_UNKNOWN = 3;

    public String programme;
    public String patientId;
    public String sourceId;
    public String eventId;
    /** Device time, epoch ms (event time). */
    public long time;
    /** Platform receipt time, epoch ms. */
    public long timeReceived;
    public int utcOffsetMinutes;
    public Kind kind;

    /**
     * How late the reading reached the platform: timeReceived - time when that exceeds the delayed threshold
     * ({@code ArrivalOrder.Parameters.delayedAfterMs}), else 0; ms. Set by ingest; deterministic.
     */
    public long lateByMs;

    // HEART_RATE
    public float bpm;
    /** Signal quality 0-1, or NaN when not reported. */
    public float signalQuality = Float.NaN;

    // RR_BATCH
    /** Time of the beat opening the first interval, epoch ms. */
    public long rrStart;
    public int[] rrMs;
    public byte[] rrQuality;

    // ACTIVITY
    public int intervalSeconds;
    /** Steps in the interval, or -1 when not reported. */
    public int steps = -1;
    /** Activity counts in the interval, or -1 when not reported. */
    public int activityCount = -1;

    // WEAR
    public boolean onBody;
    public String wearMethod;

    // STATUS
    /** Battery percent, or -1 when unknown. */
    public int batteryPercent = -1;
    public byte connectivity = CONN_UNKNOWN;
    /** Buffered events on the device, or -1 when unknown. */
    public int bufferedEvents = -1;

    // Provenance, carried only until the ingest gate has accepted the reading (then cleared), so that
    // a reading refused there (unknown patient) is dead-lettered with its original bytes.
    public byte[] rawKey;
    public byte[] rawValue;
    public String origin;
    public long brokerTimestamp;
    public int sourceLine = -1;

    public DeviceReading() {
    }

    /** Drops the original bytes once the reading is accepted (the origin, topic-partition@offset, stays: a
     * reading the detector cannot analyse in order is dead-lettered with it). */
    public void clearProvenance() {
        rawKey = null;
        rawValue = null;
    }

    /** The dead letter for this reading, with its original bytes. */
    public DeadLetter toDeadLetter(String reasonCode, String detail) {
        return new DeadLetter(rawKey, rawValue, reasonCode, detail, origin, brokerTimestamp, sourceLine);
    }

    /** When the reading was published: its broker timestamp, or its receipt time where it has none (tests, files). */
    public long publishedMs() {
        return brokerTimestamp > 0 ? brokerTimestamp : timeReceived;
    }

    public boolean isLate() {
        return lateByMs > 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DeviceReading)) {
            return false;
        }
        DeviceReading r = (DeviceReading) o;
        return time == r.time && timeReceived == r.timeReceived && utcOffsetMinutes == r.utcOffsetMinutes
                && lateByMs == r.lateByMs && Float.compare(bpm, r.bpm) == 0
                && Float.compare(signalQuality, r.signalQuality) == 0 && rrStart == r.rrStart
                && intervalSeconds == r.intervalSeconds && steps == r.steps && activityCount == r.activityCount
                && onBody == r.onBody && batteryPercent == r.batteryPercent && connectivity == r.connectivity
                && bufferedEvents == r.bufferedEvents && Objects.equals(programme, r.programme)
                && Objects.equals(patientId, r.patientId) && Objects.equals(sourceId, r.sourceId)
                && Objects.equals(eventId, r.eventId) && kind == r.kind && Arrays.equals(rrMs, r.rrMs)
                && Arrays.equals(rrQuality, r.rrQuality) && Objects.equals(wearMethod, r.wearMethod);
    }

    @Override
    public int hashCode() {
        return Objects.hash(patientId, eventId, time, kind);
    }

    /** Deliberately omits the patient id: this string may reach logs. */
    @Override
    public String toString() {
        return "DeviceReading{" + kind + " at " + time + ", received " + timeReceived
                + (lateByMs > 0 ? ", late by " + lateByMs + " ms" : "") + "}";
    }
}
