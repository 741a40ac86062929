package org.wardstream.signals;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

/**
 * Per-patient state of {@link RrHeartRate}: the minute of RR intervals in progress and the newest heart-rate sample the
 * patient's devices sent. Public no-arg constructor and public fields (a Flink POJO), plus a versioned
 * {@link #writeTo}/{@link #readFrom} (format 1, {@value #SERIALIZED_SIZE} bytes). All logic lives in
 * {@link RrHeartRate}.
 */
public final class RrHeartRateState extends CompactState {
    public static final long NO_TIME = Long.MIN_VALUE;
    private static final byte FORMAT_VERSION = 1;
    public static final int SERIALIZED_SIZE = 1 + 8 + 8 + 8 + 4 + 4 + 8;

    /** Start of the clock minute in progress (its intervals' end beats lie in it), or NO_TIME when none is open. */
    public long minuteStartMs = NO_TIME;
    /** The newest beat fed, or NO_TIME. */
    public long lastBeatMs = NO_TIME;
    /** Sum of the minute's clean intervals, ms. */
    public long cleanMs;
    /** The minute's clean intervals. */
    public int clean;
    /** The minute's intervals, clean or not. */
    public int intervals;
    /**
     * Device time of the newest heart-rate sample a device of the patient sent that the detector would use (finite,
     * positive, at or above the quality floor), whether or not the heart-rate detector took it; NO_TIME when none.
     */
    public long lastDeviceSampleMs = NO_TIME;

    public RrHeartRateState() {
        super(SERIALIZED_SIZE);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(minuteStartMs);
        out.writeLong(lastBeatMs);
        out.writeLong(cleanMs);
        out.writeInt(clean);
        out.writeInt(intervals);
        out.writeLong(lastDeviceSampleMs);
    }

    public static RrHeartRateState readFrom(DataInput in) throws IOException {
        CompactBytes.expectVersion(in, "RrHeartRateState", FORMAT_VERSION);
        RrHeartRateState s = new RrHeartRateState();
        s.minuteStartMs = in.readLong();
        s.lastBeatMs = in.readLong();
        s.cleanMs = in.readLong();
        s.clean = in.readInt();
        s.intervals = in.readInt();
        s.lastDeviceSampleMs = in.readLong();
        return s;
    }

    public static RrHeartRateState fromBytes(byte[] bytes) {
        return CompactBytes.read(bytes, RrHeartRateState::readFrom);
    }
}
