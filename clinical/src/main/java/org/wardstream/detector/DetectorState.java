package org.wardstream.detector;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.wardstream.arrival.ArrivalState;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.signals.HeartRateState;
import org.wardstream.signals.WearActivityState;
import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

/**
 * Everything {@link PatientDetector} keeps for one patient, as one versioned value: the three detectors' states,
 * the smoothed AF rate and the {@link ArrivalState} of the arrival order (last receipt, reconnection, newest
 * analysed reading, a hold in progress). The held readings are not in here: the caller keeps them (Flink list state
 * in the job) and hands them back to {@link PatientDetector#releaseHeld}.
 *
 * <p>Format 2 (one byte), then {@link RrAnalyserState}, {@link HeartRateState} and {@link WearActivityState} in
 * their own versioned forms, then the AF rate (float, NaN outside AF) and the {@link ArrivalState} (versioned).
 * Format 1, still read, had the last receipt and an announced backlog's end (longs, {@link #NO_TIME} for none) and
 * held count (int) in place of the arrival state: a backlog it held is released after a hold
 * ({@link #arrivalFromFormat1}).
 */
public final class DetectorState extends CompactState {
    public static final long NO_TIME = Long.MIN_VALUE;
    static final byte FORMAT_VERSION = 2;
    private static final byte FORMAT_1 = 1;

    public RrAnalyserState rr = new RrAnalyserState();
    public HeartRateState hr = new HeartRateState();
    public WearActivityState wear = new WearActivityState();
    /** The smoothed ventricular rate of the ongoing AF episode, bpm; NaN outside AF. */
    public float afRateBpm = Float.NaN;
    /** The arrival order's state: receipts, reconnection, newest analysed reading, the hold in progress. */
    public ArrivalState arrival = new ArrivalState();

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
        arrival.writeTo(out);
    }

    public static DetectorState readFrom(DataInput in) throws IOException {
        byte v = CompactBytes.expectVersion(in, "DetectorState", FORMAT_VERSION, FORMAT_1);
        DetectorState s = new DetectorState();
        s.rr = RrAnalyserState.readFrom(in);
        s.hr = HeartRateState.readFrom(in);
        s.wear = WearActivityState.readFrom(in);
        s.afRateBpm = in.readFloat();
        s.arrival = v == FORMAT_1 ? arrivalFromFormat1(in.readLong(), in.readLong(), in.readInt())
                : ArrivalState.readFrom(in);
        return s;
    }

    /**
     * The arrival state for what the previous formats kept (format 1, and the operator's separate handles before
     * it): the last receipt, and an announced backlog being held (its end, {@link #NO_TIME} for none, and how many
     * readings are held). A held backlog becomes a hold that began at the last receipt, so it is released after a
     * hold as the arrival order releases any other.
     */
    public static ArrivalState arrivalFromFormat1(long lastReceivedMs, long backlogUntilMs, int heldCount) {
        ArrivalState a = new ArrivalState();
        a.lastReceivedMs = lastReceivedMs;
        if (lastReceivedMs != NO_TIME && backlogUntilMs != NO_TIME && heldCount > 0) {
            a.holdSinceReceivedMs = lastReceivedMs;
            a.heldCount = heldCount;
        }
        return a;
    }

    /** The state stored as {@code bytes}, or a new patient's state for {@code null}. */
    public static DetectorState fromBytes(byte[] bytes) {
        return bytes == null ? new DetectorState() : CompactBytes.read(bytes, DetectorState::readFrom);
    }
}
