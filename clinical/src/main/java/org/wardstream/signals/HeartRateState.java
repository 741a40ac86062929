package org.wardstream.signals;

import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Per-patient state of {@link HeartRateThresholds}: a few times, flags, the minute in progress and running
 * statistics, fixed size ({@value #SERIALIZED_SIZE} bytes serialised). Public no-arg constructor and public fields (a
 * Flink POJO), plus a versioned {@link #writeTo}/{@link #readFrom}. All logic lives in {@link HeartRateThresholds}.
 *
 * <p>Format 3 (the criteria judged minute by minute): the minute in progress ({@link MinuteBucket}) follows the last
 * sample's time; the runs' "since" times are the first samples of runs of completed minutes. Formats 1 and 2 (judged
 * sample by sample) are still read: their runs were runs of samples that each met the criterion, which are read as
 * runs of completed minutes that did (a run in progress across the upgrade keeps its start and its count goes on;
 * no minute is open, so the first sample after the upgrade begins one), and an open episode stays open with its
 * statistics.
 *
 * <p>Format 4 adds to each of the statistics (and the minute's) how many of their samples were the device's own and how
 * many were derived from RR intervals ({@link RateStats#fromDevice}, {@link RateStats#fromRr}), so an alert can say
 * where its rate came from. Format 3 is read with both counts 0 (not known): an episode open across the upgrade says
 * the source of its samples after it.
 */
public final class HeartRateState extends CompactState {

    public static final long NO_TIME = Long.MIN_VALUE;
    private static final byte FORMAT_VERSION = 4;
    /** Minute by minute, without the sample sources; still read. */
    private static final byte FORMAT_VERSION_3 = 3;
    /** Sample by sample, with the recovery and criterion-run statistics; still read. */
    private static final byte FORMAT_VERSION_2 = 2;
    /** Sample by sample, without the recovery and criterion-run statistics; still read. */
    private static final byte FORMAT_VERSION_1 = 1;
    private static final int STATS = RateStats.SERIALIZED_SIZE;
    /** Size of {@link #writeTo}'s output. */
    public static final int SERIALIZED_SIZE = 1 + 8 + MinuteBucket.SERIALIZED_SIZE + (8 * 3 + 1 + STATS)
            + (8 * 4 + 3 + STATS) + 4 * STATS;

    public long lastSampleMs = NO_TIME;
    /** The minute in progress (its samples are not yet in any run or episode statistics below). */
    public MinuteBucket minute = new MinuteBucket();

    // tachycardia: candidate run (completed minutes above the rate at rest) or open episode
    public long tachySinceMs = NO_TIME;
    public long tachyStartMs = NO_TIME;
    public long tachyRecoverSinceMs = NO_TIME;
    public boolean tachyOpen;
    /** The candidate run's completed minutes, or the open episode's (those of a recovery in progress apart). */
    public RateStats tachy = new RateStats();

    // bradycardia: the two criteria's candidate runs of completed minutes, or the open episode
    public long bradySevereSinceMs = NO_TIME;
    public long bradySustainedSinceMs = NO_TIME;
    public long bradyStartMs = NO_TIME;
    public long bradyRecoverSinceMs = NO_TIME;
    public boolean bradyOpen;
    public boolean bradySevere;
    public boolean bradyOpenedSevere;
    /** The open episode's completed minutes (those of a recovery in progress apart). */
    public RateStats brady = new RateStats();

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
        minute.writeTo(out);
        out.writeLong(tachySinceMs);
        out.writeLong(tachyStartMs);
        out.writeLong(tachyRecoverSinceMs);
        out.writeBoolean(tachyOpen);
        tachy.writeTo(out);
        out.writeLong(bradySevereSinceMs);
        out.writeLong(bradySustainedSinceMs);
        out.writeLong(bradyStartMs);
        out.writeLong(bradyRecoverSinceMs);
        out.writeBoolean(bradyOpen);
        out.writeBoolean(bradySevere);
        out.writeBoolean(bradyOpenedSevere);
        brady.writeTo(out);
        tachyRecovery.writeTo(out);
        bradyRecovery.writeTo(out);
        severeRun.writeTo(out);
        sustainedRun.writeTo(out);
    }

    public static HeartRateState readFrom(DataInput in) throws IOException {
        byte v = CompactBytes.expectVersion(in, "HeartRateState", FORMAT_VERSION, FORMAT_VERSION_3, FORMAT_VERSION_2,
                FORMAT_VERSION_1);
        boolean sources = v >= FORMAT_VERSION;
        HeartRateState s = new HeartRateState();
        s.lastSampleMs = in.readLong();
        if (v >= FORMAT_VERSION_3) {
            s.minute = MinuteBucket.readFrom(in, sources);
        }
        s.tachySinceMs = in.readLong();
        s.tachyStartMs = in.readLong();
        s.tachyRecoverSinceMs = in.readLong();
        s.tachyOpen = in.readBoolean();
        s.tachy = RateStats.readFrom(in, sources); // the same four fields formats 1 and 2 wrote one by one
        if (v < FORMAT_VERSION_3) {
            in.readLong(); // the start of the run below the sustained rate (only ever reset the runs when it began)
        }
        s.bradySevereSinceMs = in.readLong();
        s.bradySustainedSinceMs = in.readLong();
        s.bradyStartMs = in.readLong();
        s.bradyRecoverSinceMs = in.readLong();
        s.bradyOpen = in.readBoolean();
        s.bradySevere = in.readBoolean();
        s.bradyOpenedSevere = in.readBoolean();
        s.brady = RateStats.readFrom(in, sources);
        if (v >= FORMAT_VERSION_2) {
            s.tachyRecovery = RateStats.readFrom(in, sources);
            s.bradyRecovery = RateStats.readFrom(in, sources);
            s.severeRun = RateStats.readFrom(in, sources);
            s.sustainedRun = RateStats.readFrom(in, sources);
        } // version 1: these start empty (an episode open across the upgrade keeps its earlier statistics)
        return s;
    }

    public static HeartRateState fromBytes(byte[] bytes) {
        return CompactBytes.read(bytes, HeartRateState::readFrom);
    }
}
