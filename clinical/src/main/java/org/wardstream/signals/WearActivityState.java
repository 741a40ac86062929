package org.wardstream.signals;

import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Per-patient state of {@link WearActivityTracker}: fixed size ({@value #SERIALIZED_SIZE} bytes serialised),
 * public no-arg constructor and public fields (a Flink POJO), versioned {@link #writeTo}/{@link #readFrom}.
 */
public final class WearActivityState extends CompactState {

    public static final long NO_TIME = Long.MIN_VALUE;
    public static final byte WEAR_UNKNOWN = 0, WEAR_ON = 1, WEAR_OFF = 2;
    private static final byte FORMAT_VERSION = 4;
    public static final int SERIALIZED_SIZE = 1 + 1 + 8 + 8 + 1 + 1 + 8 + 1 + 8 + 8 + 4 + 8 + 8;

    /** {@link ActivityState} ordinal; NO_DATA until the first data arrives. */
    public byte state = (byte) ActivityState.NO_DATA.ordinal();
    public long stateSinceMs = NO_TIME;
    public long lastDataMs = NO_TIME;
    public byte wear = WEAR_UNKNOWN;
    public boolean moving;
    /** Cadence of the last activity interval, steps per minute; NaN until one arrives. */
    public float lastStepsPerMinute = Float.NaN;
    /** Device time of the newest wear report, or NO_TIME. */
    public long lastWearMs = NO_TIME;
    /** End of the newest activity interval, or NO_TIME. */
    public long lastActivityMs = NO_TIME;
    /** Start of the counted stillness of an open inactivity episode, or NO_TIME. */
    public long inactivityStartMs = NO_TIME;
    public boolean inactivityOpen;
    /** Stillness before this time does not count again (set when an episode closes at the end of waking hours). */
    public long inactivityFloorMs = NO_TIME;
    /** Still-period start already reported as {@link WearActivityEvent.StillFor} (so it is reported once). */
    public long stillReportedSinceMs = NO_TIME;

    public WearActivityState() {
        super(SERIALIZED_SIZE);
    }

    public ActivityState activityState() {
        return ActivityState.values()[state];
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeByte(state);
        out.writeLong(stateSinceMs);
        out.writeLong(lastDataMs);
        out.writeByte(wear);
        out.writeBoolean(moving);
        out.writeLong(inactivityStartMs);
        out.writeBoolean(inactivityOpen);
        out.writeLong(inactivityFloorMs);
        out.writeLong(stillReportedSinceMs);
        out.writeFloat(lastStepsPerMinute);
        out.writeLong(lastWearMs);
        out.writeLong(lastActivityMs);
    }

    public static WearActivityState readFrom(DataInput in) throws IOException {
        CompactBytes.expectVersion(in, "WearActivityState", FORMAT_VERSION);
        WearActivityState s = new WearActivityState();
        s.state = in.readByte();
        if (s.state < 0 || s.state >= ActivityState.values().length) throw new IOException("bad activity state " + s.state);
        s.stateSinceMs = in.readLong();
        s.lastDataMs = in.readLong();
        s.wear = in.readByte();
        s.moving = in.readBoolean();
        s.inactivityStartMs = in.readLong();
        s.inactivityOpen = in.readBoolean();
        s.inactivityFloorMs = in.readLong();
        s.stillReportedSinceMs = in.readLong();
        s.lastStepsPerMinute = in.readFloat();
        s.lastWearMs = in.readLong();
        s.lastActivityMs = in.readLong();
        return s;
    }

    public static WearActivityState fromBytes(byte[] bytes) {
        return CompactBytes.read(bytes, WearActivityState::readFrom);
    }
}
