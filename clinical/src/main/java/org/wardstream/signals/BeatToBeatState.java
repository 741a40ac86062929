package org.wardstream.signals;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

/**
 * Per-patient state of {@link BeatToBeatWatch}: when the patient's devices last sent beat-to-beat (RR) intervals and
 * whether a beat-to-beat-offline episode is open, and since when heart rate has been arriving without a break. Public
 * no-arg constructor and public fields (a Flink POJO), plus a versioned {@link #writeTo}/{@link #readFrom} (format 2,
 * {@value #SERIALIZED_SIZE} bytes: + the heart rate's run; format 1 read with it not known). All logic lives in
 * {@link BeatToBeatWatch}.
 */
public final class BeatToBeatState extends CompactState {
    public static final long NO_TIME = Long.MIN_VALUE;
    private static final byte FORMAT_VERSION = 2;
    private static final byte FORMAT_1 = 1;
    public static final int SERIALIZED_SIZE = 1 + 8 + 8 + 8 + 8 + 8;

    /**
     * Device time of the newest beat-to-beat data (an RR batch's last beat), or of the patient's alerting resuming if
     * later ({@link BeatToBeatWatch#watchFrom}); NO_TIME while the patient's devices have never sent any.
     */
    public long lastBeatsMs = NO_TIME;
    /** Start of the open beat-to-beat-offline episode (the last beat-to-beat data then), or NO_TIME when none is open. */
    public long silentSinceMs = NO_TIME;
    /** When the open episode was found (the heart-rate reading that showed it), or NO_TIME. */
    public long reportedAtMs = NO_TIME;
    /** Device time of the newest heart-rate reading, or NO_TIME (none yet, or read from format 1). */
    public long lastHeartRateMs = NO_TIME;
    /**
     * Start of the current run of heart-rate readings (none {@link BeatToBeatWatch#HEART_RATE_BREAK_MS} or more
     * apart), or NO_TIME (none yet, or read from format 1).
     */
    public long heartRateSinceMs = NO_TIME;

    public BeatToBeatState() {
        super(SERIALIZED_SIZE);
    }

    public boolean open() {
        return silentSinceMs != NO_TIME;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(lastBeatsMs);
        out.writeLong(silentSinceMs);
        out.writeLong(reportedAtMs);
        out.writeLong(lastHeartRateMs);
        out.writeLong(heartRateSinceMs);
    }

    public static BeatToBeatState readFrom(DataInput in) throws IOException {
        byte v = CompactBytes.expectVersion(in, "BeatToBeatState", FORMAT_VERSION, FORMAT_1);
        BeatToBeatState s = new BeatToBeatState();
        s.lastBeatsMs = in.readLong();
        s.silentSinceMs = in.readLong();
        s.reportedAtMs = in.readLong();
        if (v == FORMAT_VERSION) {
            s.lastHeartRateMs = in.readLong();
            s.heartRateSinceMs = in.readLong();
        }
        return s;
    }

    public static BeatToBeatState fromBytes(byte[] bytes) {
        return CompactBytes.read(bytes, BeatToBeatState::readFrom);
    }
}
