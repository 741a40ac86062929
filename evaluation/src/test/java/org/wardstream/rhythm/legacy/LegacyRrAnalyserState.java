package org.wardstream.rhythm.legacy;

// The analyser as of main 260fb77 (state format 2), kept only to benchmark the new one beside it (AnalyserMicrobenchmark).

import org.wardstream.rhythm.*;

import org.wardstream.state.CompactBytes;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The complete per-patient state of {@link LegacyRrAnalyser}: fixed-size arrays and a few counters, so its
 * size does not grow with the number of beats (at most 293 bytes serialised, see {@link #maxSerializedSize()}).
 *
 * <p>It is a plain mutable class with a public no-arg constructor and public fields so that Flink can
 * treat it as a POJO; it also has an explicit, versioned binary form ({@link #writeTo}/{@link #readFrom})
 * for a custom {@code TypeSerializer} or for savepoint-stable storage. All logic lives in
 * {@link LegacyRrAnalyser}; this class only holds data.
 */
public final class LegacyRrAnalyserState {

    /** Capacity of the RR ring buffer (an upper bound for windowBeats + maxLag). */
    public static final int RR_CAPACITY = 32;
    /** Capacity of the per-segment score buffer (an upper bound for segmentBeats). */
    public static final int SEGMENT_CAPACITY = 32;
    /** Marker for "no beat seen yet". */
    public static final long NO_TIME = Long.MIN_VALUE;

    /**
     * 2: same layout as 1; {@link #irregularRunStartMs} also marks a (re)start's warm-up (see there). A version-1
     * state is read with {@code irregularRunStartMs = NO_TIME} when no irregular run is open (no warm-up
     * back-dating for that one state, as before).
     */
    private static final byte FORMAT_VERSION = 2;

    // --- RR window: clean RR in ms, 0 marks an excluded (artefact/gap) interval ---
    public int[] rr = new int[RR_CAPACITY];
    /** Index where the next RR is written. */
    public int rrHead;
    /** Number of valid entries (<= RR_CAPACITY) since the last reset. */
    public int rrCount;

    public long lastBeatMs = NO_TIME;
    public long lastCleanBeatMs = NO_TIME;
    public long beatsSeen;

    // --- current segment ---
    public long segStartMs = NO_TIME;
    public int segBeats;
    public int segExcluded;
    public int segClean;
    public long segSumRrMs;
    public int segMinRrMs;
    public int segMaxRrMs;
    public float[] segScores = new float[SEGMENT_CAPACITY];
    public int segScoreCount;

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
    public float irregularRunScoreSum;
    public float irregularRunRateSum;

    public LegacyRrAnalyserState() {
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
        out.writeByte(SEGMENT_CAPACITY);
        out.writeByte(segScoreCount);
        for (int i = 0; i < segScoreCount; i++) out.writeFloat(segScores[i]);
        out.writeBoolean(afActive);
        out.writeLong(afOnsetMs);
        out.writeInt(irregularRun);
        out.writeInt(regularRun);
        out.writeLong(irregularRunStartMs);
        out.writeLong(regularRunStartMs);
        out.writeFloat(irregularRunScoreSum);
        out.writeFloat(irregularRunRateSum);
    }

    /** Reads a state written by {@link #writeTo}. */
    public static LegacyRrAnalyserState readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        if (version != FORMAT_VERSION && version != 1) {
            throw new IOException("unsupported LegacyRrAnalyserState format version " + version);
        }
        LegacyRrAnalyserState s = new LegacyRrAnalyserState();
        int rrCap = in.readUnsignedByte();
        if (rrCap != RR_CAPACITY) throw new IOException("RR capacity " + rrCap + " != " + RR_CAPACITY);
        for (int i = 0; i < rrCap; i++) s.rr[i] = in.readUnsignedShort();
        s.rrHead = in.readUnsignedByte();
        s.rrCount = in.readUnsignedByte();
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
        int segCap = in.readUnsignedByte();
        if (segCap != SEGMENT_CAPACITY) throw new IOException("segment capacity " + segCap + " != " + SEGMENT_CAPACITY);
        s.segScoreCount = in.readUnsignedByte();
        for (int i = 0; i < s.segScoreCount; i++) s.segScores[i] = in.readFloat();
        s.afActive = in.readBoolean();
        s.afOnsetMs = in.readLong();
        s.irregularRun = in.readInt();
        s.regularRun = in.readInt();
        s.irregularRunStartMs = in.readLong();
        s.regularRunStartMs = in.readLong();
        s.irregularRunScoreSum = in.readFloat();
        s.irregularRunRateSum = in.readFloat();
        if (version == 1 && s.irregularRun == 0) {
            // version 1 left the start of a finished run here; version 2 reads it as a warm-up start
            s.irregularRunStartMs = NO_TIME;
        }
        return s;
    }

    /** Size of {@link #writeTo}'s output in bytes (bounded: at most {@link #maxSerializedSize()}). */
    public int serializedSize() {
        return toBytes().length;
    }

    /** Upper bound of the serialised size, reached when the segment buffer is full. */
    public static int maxSerializedSize() {
        LegacyRrAnalyserState s = new LegacyRrAnalyserState();
        s.segScoreCount = SEGMENT_CAPACITY;
        return s.toBytes().length;
    }

    public static LegacyRrAnalyserState fromBytes(byte[] bytes) {
        return CompactBytes.read(bytes, LegacyRrAnalyserState::readFrom);
    }

    public byte[] toBytes() {
        return CompactBytes.of(this::writeTo, 512);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LegacyRrAnalyserState s && Arrays.equals(toBytes(), s.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }
}
