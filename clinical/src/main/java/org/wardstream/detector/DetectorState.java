package org.wardstream.detector;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.wardstream.arrival.ArrivalState;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.signals.BeatToBeatState;
import org.wardstream.signals.HeartRateState;
import org.wardstream.signals.RrHeartRateState;
import org.wardstream.signals.WearActivityState;
import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;
import org.wardstream.state.VarDataInput;
import org.wardstream.state.VarDataOutput;

/**
 * Everything {@link PatientDetector} keeps for one patient, as one versioned value: the three detectors' states,
 * the smoothed AF rate and the {@link ArrivalState} of the arrival order (last receipt, reconnection, newest
 * analysed reading, a hold in progress). The held readings are not in here: the caller keeps them (Flink list state
 * in the job) and hands them back to {@link PatientDetector#releaseHeld}.
 *
 * <p>Format 4 (one byte), then {@link RrAnalyserState}, {@link HeartRateState} and {@link WearActivityState} in
 * their own versioned forms, then the AF rate (float, NaN outside AF), the {@link ArrivalState} (versioned) and the
 * {@link RrHeartRateState} (versioned: the heart rate from RR intervals and the newest device heart-rate sample), all
 * written through {@link VarDataOutput} (varints, times as differences, "no time" in one byte: about half the bytes
 * of format 2; issue 19). Format 3, still read, is format 4 without the heart rate from RR intervals: no minute of
 * intervals in progress, and the newest device heart-rate sample is the heart-rate detector's last sample (until
 * then every sample it took was a device's). Format 2, still read, is format 3's fields written plainly
 * (fixed-width numbers).
 * Format 5 is format 4 followed by the {@link BeatToBeatState} (versioned: when the patient's devices last sent
 * beat-to-beat intervals, and an open beat-to-beat-offline episode). Format 4, still read, did not keep it: the last
 * beat-to-beat data is taken as the RR analyser's last beat (a patient whose strap fell silent before the upgrade is
 * then still watched), no episode open.
 * Format 1, still read, had the last receipt and an announced backlog's end (longs, {@link #NO_TIME} for none) and
 * held count (int) in place of the arrival state: a backlog it held is released after a hold
 * ({@link #arrivalFromFormat1}).
 */
public final class DetectorState extends CompactState {
    public static final long NO_TIME = Long.MIN_VALUE;
    static final byte FORMAT_VERSION = 5;
    private static final byte FORMAT_1 = 1, FORMAT_2 = 2, FORMAT_3 = 3, FORMAT_4 = 4;

    public RrAnalyserState rr = new RrAnalyserState();
    public HeartRateState hr = new HeartRateState();
    public WearActivityState wear = new WearActivityState();
    /** The smoothed ventricular rate of the ongoing AF episode, bpm; NaN outside AF. */
    public float afRateBpm = Float.NaN;
    /** The arrival order's state: receipts, reconnection, newest analysed reading, the hold in progress. */
    public ArrivalState arrival = new ArrivalState();
    /** The heart rate from RR intervals: the minute in progress, and the newest heart-rate sample a device sent. */
    public RrHeartRateState rrRate = new RrHeartRateState();
    /** When beat-to-beat data last came, and an open beat-to-beat-offline episode. */
    public BeatToBeatState beats = new BeatToBeatState();

    public DetectorState() {
        super(512);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        VarDataOutput compact = new VarDataOutput(out);
        rr.writeTo(compact);
        hr.writeTo(compact);
        wear.writeTo(compact);
        compact.writeFloat(afRateBpm);
        arrival.writeTo(compact);
        rrRate.writeTo(compact);
        beats.writeTo(compact);
    }

    public static DetectorState readFrom(DataInput in) throws IOException {
        byte v = CompactBytes.expectVersion(in, "DetectorState", FORMAT_VERSION, FORMAT_4, FORMAT_3, FORMAT_2, FORMAT_1);
        if (v >= FORMAT_3) {
            in = new VarDataInput(in);
        }
        DetectorState s = new DetectorState();
        s.rr = RrAnalyserState.readFrom(in);
        s.hr = HeartRateState.readFrom(in);
        s.wear = WearActivityState.readFrom(in);
        s.afRateBpm = in.readFloat();
        s.arrival = v == FORMAT_1 ? arrivalFromFormat1(in.readLong(), in.readLong(), in.readInt())
                : ArrivalState.readFrom(in);
        if (v >= FORMAT_4) {
            s.rrRate = RrHeartRateState.readFrom(in);
        } else {
            s.rrRate.lastDeviceSampleMs = s.hr.lastSampleMs; // every sample the heart-rate detector took was a device's
        }
        if (v >= FORMAT_VERSION) {
            s.beats = BeatToBeatState.readFrom(in);
        } else {
            s.beats.lastBeatsMs = s.rr.lastBeatMs; // the RR analyser's last beat: beat-to-beat data came then
        }
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
