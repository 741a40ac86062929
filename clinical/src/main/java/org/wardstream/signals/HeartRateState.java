package org.wardstream.signals;

import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Per-patient state of {@link HeartRateThresholds}: a few times, flags and running statistics, fixed size
 * ({@value #SERIALIZED_SIZE} bytes serialised). Public no-arg constructor and public fields (a Flink POJO),
 * plus a versioned {@link #writeTo}/{@link #readFrom}. All logic lives in {@link HeartRateThresholds}.
 */
public final class HeartRateState extends CompactState {

    public static final long NO_TIME = Long.MIN_VALUE;
    private static final byte FORMAT_VERSION = 2;
    /** The previous format (without the recovery and criterion-run statistics), still read. */
    private static final byte FORMAT_VERSION_1 = 1;
    private static final int STATS = RateStats.SERIALIZED_SIZE;
    /** Size of {@link #writeTo}'s output. */
    public static final int SERIALIZED_SIZE = 1 + 8 + (8 * 3 + 1 + STATS) + (8 * 5 + 3 + STATS) + 4 * STATS;

    public long lastSampleMs = NO_TIME;

    // tachycardia: candidate run (above rate at rest) or open episode
    public long tachySinceMs = NO_TIME;
    public long tachyStartMs = NO_TIME;
    public long tachyRecoverSinceMs = NO_TIME;
    public boolean tachyOpen;
    public float tachyMin;
    public float tachyMax;
    public double tachySum;
    public int tachyCount;

    // bradycardia: run below the sustained rate, the two criteria's candidate runs, or the open episode
    public long bradyRunStartMs = NO_TIME;
    public long bradySevereSinceMs = NO_TIME;
    public long bradySustainedSinceMs = NO_TIME;
    public long bradyStartMs = NO_TIME;
    public long bradyRecoverSinceMs = NO_TIME;
    public boolean bradyOpen;
    public boolean bradySevere;
    public boolean bradyOpenedSevere;
    public float bradyMin;
    public float bradyMax;
    public double bradySum;
    public int bradyCount;

    // statistics kept apart until it is known where they belong: the recovery run of an open episode (after its end
    // if the recovery completes, merged back if it breaks) and the two bradycardia criteria's candidate runs (the
    // episode's statistics start from the run that opened it; the severe run's are the escalation's evidence)
    public RateStats tachyRecovery = new RateStats();
    public RateStats bradyRecovery = new RateStats();
    public RateStats severeRun = new RateStats();
    public RateStats sustainedRun = new RateStats();

    public HeartRateState() {
        super(SERIALIZED_SIZE);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(lastSampleMs);
        out.writeLong(tachySinceMs);
        out.writeLong(tachyStartMs);
        out.writeLong(tachyRecoverSinceMs);
        out.writeBoolean(tachyOpen);
        out.writeFloat(tachyMin);
        out.writeFloat(tachyMax);
        out.writeDouble(tachySum);
        out.writeInt(tachyCount);
        out.writeLong(bradyRunStartMs);
        out.writeLong(bradySevereSinceMs);
        out.writeLong(bradySustainedSinceMs);
        out.writeLong(bradyStartMs);
        out.writeLong(bradyRecoverSinceMs);
        out.writeBoolean(bradyOpen);
        out.writeBoolean(bradySevere);
        out.writeBoolean(bradyOpenedSevere);
        out.writeFloat(bradyMin);
        out.writeFloat(bradyMax);
        out.writeDouble(bradySum);
        out.writeInt(bradyCount);
        tachyRecovery.writeTo(out);
        bradyRecovery.writeTo(out);
        severeRun.writeTo(out);
        sustainedRun.writeTo(out);
    }

    public static HeartRateState readFrom(DataInput in) throws IOException {
        byte v = CompactBytes.expectVersion(in, "HeartRateState", FORMAT_VERSION, FORMAT_VERSION_1);
        HeartRateState s = new HeartRateState();
        s.lastSampleMs = in.readLong();
        s.tachySinceMs = in.readLong();
        s.tachyStartMs = in.readLong();
        s.tachyRecoverSinceMs = in.readLong();
        s.tachyOpen = in.readBoolean();
        s.tachyMin = in.readFloat();
        s.tachyMax = in.readFloat();
        s.tachySum = in.readDouble();
        s.tachyCount = in.readInt();
        s.bradyRunStartMs = in.readLong();
        s.bradySevereSinceMs = in.readLong();
        s.bradySustainedSinceMs = in.readLong();
        s.bradyStartMs = in.readLong();
        s.bradyRecoverSinceMs = in.readLong();
        s.bradyOpen = in.readBoolean();
        s.bradySevere = in.readBoolean();
        s.bradyOpenedSevere = in.readBoolean();
        s.bradyMin = in.readFloat();
        s.bradyMax = in.readFloat();
        s.bradySum = in.readDouble();
        s.bradyCount = in.readInt();
        if (v >= FORMAT_VERSION) {
            s.tachyRecovery = RateStats.readFrom(in);
            s.bradyRecovery = RateStats.readFrom(in);
            s.severeRun = RateStats.readFrom(in);
            s.sustainedRun = RateStats.readFrom(in);
        } // version 1: these start empty (an episode open across the upgrade keeps its earlier statistics)
        return s;
    }

    public static HeartRateState fromBytes(byte[] bytes) {
        return CompactBytes.read(bytes, HeartRateState::readFrom);
    }
}
