package org.wardstream.rhythm;

import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The complete per-patient state of {@link RrAnalyser}: fixed-size arrays and a few counters, so its
 * size does not grow with the number of beats (235 bytes serialised in format 6, see {@link #maxSerializedSize()};
 * 231 in format 5, 227 in formats 3 and 4; format 2 was at most 293).
 *
 * <p>It is a plain mutable class with a public no-arg constructor and public fields so that Flink can
 * treat it as a POJO; it also has an explicit, versioned binary form ({@link #writeTo}/{@link #readFrom})
 * for a custom {@code TypeSerializer} or for savepoint-stable storage. All logic lives in
 * {@link RrAnalyser}; this class only holds data.
 */
public final class RrAnalyserState extends CompactState {

    /** Capacity of the RR ring buffer (an upper bound for windowBeats + maxLag). */
    public static final int RR_CAPACITY = 64;
    /** Ring capacity and per-segment score capacity of format versions 1 and 2. */
    static final int V2_RR_CAPACITY = 32, V2_SEGMENT_CAPACITY = 32;
    /** Marker for "no beat seen yet". */
    public static final long NO_TIME = Long.MIN_VALUE;

    /**
     * 6: format 5 and {@link #batchLeadMs} (an int; a state of format 5 and earlier reads it as unknown, -1: its beat
     * clock is not re-anchored before its next batch has been fed).
     * 5: format 4 and the regular-rhythm rate baseline (a float; NaN when read from format 4 and earlier).
     * 4 (af-model-v5): the same layout as 3; the float after {@link #regularRunStartMs} is the irregular run's onset
     * evidence ({@link RrAnalyser#onsetEvidence}, a weighted mean of its probabilities) where format 3 kept their sum: a
     * format-3 state's sum is read as the run's mean (its sum over {@link #irregularRun}), so an open run carries on.
     * 3: the RR ring holds 64 intervals and there is no per-beat score buffer (the detector scores a segment once, at
     * its end, from the ring). A version 1 or 2 state (32-interval ring, per-beat irregularity scores) is read: its
     * ring is copied oldest-first into the new ring, so the window carries on; its per-beat scores are dropped (the
     * open segment is scored from the ring at its end); run sums kept from version 2 were sums of irregularity scores,
     * not probabilities, so an open irregular run restarts its sum (the AF state itself, afActive and the onset time,
     * is kept). 2: same layout as 1; {@link #irregularRunStartMs} also marks a (re)start's warm-up.
     */
    private static final byte FORMAT_VERSION = 6;
    private static final byte V5 = 5;
    private static final byte V4 = 4;
    /** The format before the onset evidence (same layout). */
    private static final byte V3 = 3;

    // --- RR window: clean RR in ms, 0 marks an excluded (artefact/gap) interval ---
    public int[] rr = new int[RR_CAPACITY];
    /** Index where the next RR is written. */
    public int rrHead;
    /** Number of valid entries (<= RR_CAPACITY) since the last reset. */
    public int rrCount;

    public long lastBeatMs = NO_TIME;
    public long lastCleanBeatMs = NO_TIME;
    public long beatsSeen;
    /**
     * How far {@link #lastBeatMs} lies after the start of the RR batch whose beats set it (ms, at most
     * {@link Integer#MAX_VALUE}), or -1 when unknown (beats fed one by one, or a state of format 5 and earlier): a later
     * batch, by its own start, whose beats all lie before {@link #lastBeatMs} shows that that batch claimed more time
     * than passed ({@link RrAnalyser#reanchor}).
     */
    public int batchLeadMs = -1;

    // --- current segment ---
    public long segStartMs = NO_TIME;
    public int segBeats;
    public int segExcluded;
    public int segClean;
    public long segSumRrMs;
    public int segMinRrMs;
    public int segMaxRrMs;

    // --- AF state machine ---
    public boolean afActive;
    public long afOnsetMs = NO_TIME;
    public int irregularRun;
    public int regularRun;
    /**
     * Start of the current irregular run while {@link #irregularRun} &gt; 0. While it is 0: the time the window's
     * history began at the latest (re)start if no segment has been judged since (a run opening with the first
     * judged segment is back-dated to it), otherwise {@link #NO_TIME}.
     */
    public long irregularRunStartMs = NO_TIME;
    public long regularRunStartMs = NO_TIME;
    /** The irregular run's onset evidence while {@link #irregularRun} &gt; 0 ({@link RrAnalyser#onsetEvidence}). */
    public float irregularRunEvidence;
    public float irregularRunRateSum;
    /**
     * The rate of the patient's recent regular rhythm, bpm: an exponentially weighted mean of the REGULAR segments' rate
     * outside AF (span {@link RrAnalyser#BASELINE_SPAN_SEGMENTS}); NaN until one is seen and after an evidence reset.
     */
    public float regularRateBaseline = Float.NaN;

    /**
     * Sorted sets over the ring that make the features incremental ({@link RrWindowIndex}); derived data, never
     * serialised (rebuilt from the ring when missing or stale).
     */
    transient RrWindowIndex index;

    public RrAnalyserState() {
        super(512);
    }

    /** Writes the state in a compact, versioned binary form. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeByte(RR_CAPACITY);
        for (int v : rr) out.writeShort(Math.min(v, 0xFFFF) & 0xFFFF);
        out.writeByte(rrHead);
        out.writeByte(rrCount);
        out.writeLong(lastBeatMs);
        out.writeLong(lastCleanBeatMs);
        out.writeLong(beatsSeen);
        out.writeLong(segStartMs);
        out.writeShort(segBeats);
        out.writeShort(segExcluded);
        out.writeShort(segClean);
        out.writeLong(segSumRrMs);
        out.writeInt(segMinRrMs);
        out.writeInt(segMaxRrMs);
        out.writeBoolean(afActive);
        out.writeLong(afOnsetMs);
        out.writeInt(irregularRun);
        out.writeInt(regularRun);
        out.writeLong(irregularRunStartMs);
        out.writeLong(regularRunStartMs);
        out.writeFloat(irregularRunEvidence);
        out.writeFloat(irregularRunRateSum);
        out.writeFloat(regularRateBaseline);
        out.writeInt(batchLeadMs);
    }

    /** Reads a state written by {@link #writeTo}. */
    public static RrAnalyserState readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        if (version != FORMAT_VERSION && version != V5 && version != V4 && version != V3 && version != 1
                && version != 2) {
            throw new IOException("unsupported RrAnalyserState format version " + version);
        }
        RrAnalyserState s = new RrAnalyserState();
        int rrCap = in.readUnsignedByte();
        boolean ring64 = version >= V3;
        int expectedCap = ring64 ? RR_CAPACITY : V2_RR_CAPACITY;
        if (rrCap != expectedCap) throw new IOException("RR capacity " + rrCap + " != " + expectedCap);
        int[] ring = new int[rrCap];
        for (int i = 0; i < rrCap; i++) ring[i] = in.readUnsignedShort();
        int head = in.readUnsignedByte();
        int count = in.readUnsignedByte();
        if (head >= rrCap || count > rrCap) throw new IOException("RR ring head " + head + " / count " + count);
        if (ring64) {
            s.rr = ring;
            s.rrHead = head;
            s.rrCount = count;
        } else {
            // oldest first into the larger ring
            for (int k = count; k >= 1; k--) s.rr[count - k] = ring[Math.floorMod(head - k, rrCap)];
            s.rrHead = count % RR_CAPACITY;
            s.rrCount = count;
        }
        s.lastBeatMs = in.readLong();
        s.lastCleanBeatMs = in.readLong();
        s.beatsSeen = in.readLong();
        s.segStartMs = in.readLong();
        s.segBeats = in.readUnsignedShort();
        s.segExcluded = in.readUnsignedShort();
        s.segClean = in.readUnsignedShort();
        s.segSumRrMs = in.readLong();
        s.segMinRrMs = in.readInt();
        s.segMaxRrMs = in.readInt();
        if (!ring64) {
            int segCap = in.readUnsignedByte();
            if (segCap != V2_SEGMENT_CAPACITY) throw new IOException("segment capacity " + segCap + " != " + V2_SEGMENT_CAPACITY);
            int scores = in.readUnsignedByte();
            for (int i = 0; i < scores; i++) in.readFloat(); // per-beat scores: not used by format 3
        }
        s.afActive = in.readBoolean();
        s.afOnsetMs = in.readLong();
        s.irregularRun = in.readInt();
        s.regularRun = in.readInt();
        s.irregularRunStartMs = in.readLong();
        s.regularRunStartMs = in.readLong();
        s.irregularRunEvidence = in.readFloat();
        if (version == V3 && s.irregularRun > 0) {
            s.irregularRunEvidence /= s.irregularRun; // format 3 kept the run's sum: its mean carries the run on
        }
        s.irregularRunRateSum = in.readFloat();
        s.regularRateBaseline = version >= V5 ? in.readFloat() : Float.NaN;
        s.batchLeadMs = version >= FORMAT_VERSION ? in.readInt() : -1;
        if (version == 1 && s.irregularRun == 0) {
            // version 1 left the start of a finished run here; version 2 reads it as a warm-up start
            s.irregularRunStartMs = NO_TIME;
        }
        if (!ring64 && s.irregularRun > 0) {
            // the run's sums were of the old irregularity score: restart the run's evidence from here
            s.irregularRun = 0;
            s.irregularRunEvidence = 0;
            s.irregularRunRateSum = 0;
            s.irregularRunStartMs = NO_TIME;
        }
        return s;
    }

    /** Size of {@link #writeTo}'s output in bytes (bounded: at most {@link #maxSerializedSize()}). */
    public int serializedSize() {
        return toBytes().length;
    }

    /** Upper bound of the serialised size (fixed since format 3: every state has the same size). */
    public static int maxSerializedSize() {
        return new RrAnalyserState().toBytes().length;
    }

    public static RrAnalyserState fromBytes(byte[] bytes) {
        return CompactBytes.read(bytes, RrAnalyserState::readFrom);
    }
}
