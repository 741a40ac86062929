package org.wardstream.arrival;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.wardstream.state.CompactBytes;

/**
 * Per-patient state of {@link ArrivalOrder} (public fields, versioned {@link #toBytes}/{@link #fromBytes};
 * {@value #SERIALIZED_SIZE} bytes; format 2 added the readings of an earlier clock, format 3 the receipt of the first
 * of them, format 4 the start of the analysed run ({@link #analysedSinceMs}), format 5 the oldest held reading and the
 * extension of a hold by a backlog arriving newest first ({@link #heldOldestMs}, {@link #holdExtendedToReceivedMs}),
 * format 6 the last gap in the analysed data ({@link #gapFromMs}, {@link #gapToMs}), format 7 the newest analysed data at
 * an instant ({@link #newestPointMs}), the gap a restarted analysis is filling ({@link #fillingGapToMs}) and the gap
 * before the last ({@link #previousGapFromMs}, {@link #previousGapToMs}); formats 1 to 6 are still read). The held readings themselves are kept by the caller.
 */
public final class ArrivalState {
    public static final long NO_TIME = Long.MIN_VALUE;
    private static final byte FORMAT_VERSION = 7;
    private static final byte FORMAT_6 = 6;
    private static final byte FORMAT_5 = 5;
    private static final byte FORMAT_4 = 4;
    private static final byte FORMAT_3 = 3;
    private static final byte FORMAT_2 = 2;
    private static final byte FORMAT_1 = 1;
    public static final int SERIALIZED_SIZE = 1 + 8 + 8 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 8;

    /** Device time of the newest reading analysed so far, or NO_TIME. */
    public long newestAnalysedMs = NO_TIME;
    /**
     * Device time of the oldest reading of the run of analysed data that ends at {@link #newestAnalysedMs} (no gap
     * of more than the restart span, 2 min, between consecutive analysed readings), or NO_TIME (nothing analysed on the current
     * clock; or state of format 3 and earlier, until the next reading analysed): an upload lying wholly inside it
     * repeats data already analysed ({@link ArrivalOrder.Action#ALREADY_ANALYSED}).
     */
    public long analysedSinceMs = NO_TIME;
    /**
     * The last gap in the analysed data of the current clock: device times of the newest reading analysed before it and
     * of the first after it (more than {@code resumeGapMs} later), or NO_TIME (none; or state of format 5 and older,
     * until the next gap). A reading inside it that arrives after the data resumed fills the gap
     * ({@link ArrivalOrder#onArrival}: the analysis restarts there at once, nothing dead-lettered).
     */
    public long gapFromMs = NO_TIME;
    public long gapToMs = NO_TIME;
    /**
     * Device time of the newest data analysed at an instant (a beat, a sample, the start of an activity interval), or
     * NO_TIME (nothing analysed on the current clock; or state of format 6 and older, until the next reading analysed).
     * Unlike {@link #newestAnalysedMs} it does not reach to the end of a watch's activity interval: the last gap in the
     * data ({@link #gapFromMs}) starts here, so a strap's readings buffered while that interval ran are inside the gap
     * (scenario 23, seed 6321011161159751783: the gap seemed 9 min, under the 10 that make one, and its buffer was taken
     * for an earlier clock).
     */
    public long newestPointMs = NO_TIME;
    /**
     * The end (device time) of the gap in the data that the analysis restarted to fill
     * ({@link ArrivalOrder#restarted(ArrivalState, boolean, long)}), or NO_TIME (the last restart, if any, was for an earlier
     * clock; or state of format 6 and older): an episode the restarted analysis finds starting before it lies in data
     * buffered during the gap and uploaded late, not on a clock set back.
     */
    public long fillingGapToMs = NO_TIME;
    /**
     * The gap in the analysed data of the current clock before the last one ({@link #gapFromMs}), or NO_TIME (none; or
     * state of format 6 and older): a reading inside it that arrives later fills it as well. With the last gap alone
     * remembered, the buffer of the first of two gaps, uploaded before the second's, was taken for an earlier clock.
     */
    public long previousGapFromMs = NO_TIME;
    public long previousGapToMs = NO_TIME;
    /** Receipt time of the reading that started the current hold, or NO_TIME when nothing is held. */
    public long holdSinceReceivedMs = NO_TIME;
    /** Readings held now. */
    public int heldCount;
    /** Device time of the oldest reading held now, or NO_TIME (nothing held; or a hold begun in state of format 4). */
    public long heldOldestMs = NO_TIME;
    /**
     * Receipt time of the latest reading of a backlog arriving newest first that extended the current hold
     * ({@link ArrivalOrder#onArrival}), or NO_TIME: the hold is released {@code holdMs} after the later of this and
     * its start.
     */
    public long holdExtendedToReceivedMs = NO_TIME;
    /**
     * Receipt time at which the patient's device was heard again after a silence (receipt gap of at least the
     * silence limit), or NO_TIME: the end of a device-offline episode is the reconnection, not the first buffered
     * reading.
     */
    public long reconnectedAtMs = NO_TIME;
    /** Latest receipt time of any of the patient's readings, or NO_TIME. */
    public long lastReceivedMs = NO_TIME;
    /**
     * Readings so far, not analysed, of an earlier clock: each older than the newest analysed one by more than the
     * reorder bound, and each within the bound of the previous one ({@link ArrivalOrder#onArrival}); 0 for none.
     */
    public int earlierCount;
    /** Device times of the oldest and newest of those readings, or NO_TIME. */
    public long earlierOldestMs = NO_TIME;
    public long earlierNewestMs = NO_TIME;
    /**
     * Receipt time of the first of those readings, or NO_TIME (and in state of format 2, which did not keep it):
     * whether they arrive as a late upload (much device time in little receipt time) or as live data on a clock set
     * back ({@link ArrivalOrder#isUpload}).
     */
    public long earlierFirstReceivedMs = NO_TIME;

    public boolean holding() {
        return holdSinceReceivedMs != NO_TIME;
    }

    public byte[] toBytes() {
        return CompactBytes.of(this::writeTo, SERIALIZED_SIZE);
    }

    public static ArrivalState fromBytes(byte[] bytes) {
        return bytes == null ? new ArrivalState() : CompactBytes.read(bytes, ArrivalState::readFrom);
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(newestAnalysedMs);
        out.writeLong(holdSinceReceivedMs);
        out.writeInt(heldCount);
        out.writeLong(reconnectedAtMs);
        out.writeLong(lastReceivedMs);
        out.writeInt(earlierCount);
        out.writeLong(earlierOldestMs);
        out.writeLong(earlierNewestMs);
        out.writeLong(earlierFirstReceivedMs);
        out.writeLong(analysedSinceMs);
        out.writeLong(heldOldestMs);
        out.writeLong(holdExtendedToReceivedMs);
        out.writeLong(gapFromMs);
        out.writeLong(gapToMs);
        out.writeLong(newestPointMs);
        out.writeLong(fillingGapToMs);
        out.writeLong(previousGapFromMs);
        out.writeLong(previousGapToMs);
    }

    public static ArrivalState readFrom(DataInput in) throws IOException {
        byte v = in.readByte();
        if (v != FORMAT_VERSION && v != FORMAT_6 && v != FORMAT_5 && v != FORMAT_4 && v != FORMAT_3 && v != FORMAT_2 && v != FORMAT_1) {
            throw new IOException("unsupported ArrivalState format version " + v);
        }
        ArrivalState s = new ArrivalState();
        s.newestAnalysedMs = in.readLong();
        s.holdSinceReceivedMs = in.readLong();
        s.heldCount = in.readInt();
        s.reconnectedAtMs = in.readLong();
        s.lastReceivedMs = in.readLong();
        if (v != FORMAT_1) { // format 1 (before the earlier clock): none seen
            s.earlierCount = in.readInt();
            s.earlierOldestMs = in.readLong();
            s.earlierNewestMs = in.readLong();
        }
        if (v >= FORMAT_3) { // format 2 did not keep it: arriving live
            s.earlierFirstReceivedMs = in.readLong();
        }
        if (v >= FORMAT_4) { // before format 4: the analysed run starts at the next reading analysed
            s.analysedSinceMs = in.readLong();
        }
        if (v >= FORMAT_5) { // before format 5: a hold in progress is not extended (released holdMs after its start)
            s.heldOldestMs = in.readLong();
            s.holdExtendedToReceivedMs = in.readLong();
        }
        if (v >= FORMAT_6) { // before format 6: no gap known until the next one
            s.gapFromMs = in.readLong();
            s.gapToMs = in.readLong();
        }
        if (v >= FORMAT_VERSION) { // before format 7: the newest analysed reading's end until the next reading
            s.newestPointMs = in.readLong();
            s.fillingGapToMs = in.readLong();
            s.previousGapFromMs = in.readLong();
            s.previousGapToMs = in.readLong();
        }
        return s;
    }
}
