package org.wardstream.detector;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.signals.HeartRateState;
import org.wardstream.signals.WearActivityState;
import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

/**
 * Everything {@link PatientDetector} keeps for one patient, as one versioned value: the three detectors' states,
 * the smoothed AF rate, when the patient's devices were last heard from and an announced backlog being held. The
 * readings held during a backlog are not in here: the caller keeps them (Flink list state in the job) and hands
 * them back to {@link PatientDetector#releaseHeld}.
 *
 * <p>Format 1 (one byte), then {@link RrAnalyserState}, {@link HeartRateState} and {@link WearActivityState} in
 * their own versioned forms, then the AF rate (float, NaN outside AF), last receipt, backlog end (longs,
 * {@link #NO_TIME} for none) and the count of held readings (int).
 */
public final class DetectorState extends CompactState {
    public static final long NO_TIME = Long.MIN_VALUE;
    static final byte FORMAT_VERSION = 1;

    public RrAnalyserState rr = new RrAnalyserState();
    public HeartRateState hr = new HeartRateState();
    public WearActivityState wear = new WearActivityState();
    /** The smoothed ventricular rate of the ongoing AF episode, bpm; NaN outside AF. */
    public float afRateBpm = Float.NaN;
    /** The latest receipt time of any of the patient's readings, or {@link #NO_TIME}. */
    public long lastReceivedMs = NO_TIME;
    /** While an announced backlog is held: the device time of the announcement; else {@link #NO_TIME}. */
    public long backlogUntilMs = NO_TIME;
    /** How many readings the caller holds for the backlog. */
    public int heldCount;

    public DetectorState() {
        super(512);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        rr.writeTo(out);
        hr.writeTo(out);
        wear.writeTo(out);
        out.writeFloat(afRateBpm);
        out.writeLong(lastReceivedMs);
        out.writeLong(backlogUntilMs);
        out.writeInt(heldCount);
    }

    public static DetectorState readFrom(DataInput in) throws IOException {
        CompactBytes.expectVersion(in, "DetectorState", FORMAT_VERSION);
        DetectorState s = new DetectorState();
        s.rr = RrAnalyserState.readFrom(in);
        s.hr = HeartRateState.readFrom(in);
        s.wear = WearActivityState.readFrom(in);
        s.afRateBpm = in.readFloat();
        s.lastReceivedMs = in.readLong();
        s.backlogUntilMs = in.readLong();
        s.heldCount = in.readInt();
        return s;
    }

    /** The state stored as {@code bytes}, or a new patient's state for {@code null}. */
    public static DetectorState fromBytes(byte[] bytes) {
        return bytes == null ? new DetectorState() : CompactBytes.read(bytes, DetectorState::readFrom);
    }
}
