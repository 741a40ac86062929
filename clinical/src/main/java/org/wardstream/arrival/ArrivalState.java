package org.wardstream.arrival;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.wardstream.state.CompactBytes;

/**
 * Per-patient state of {@link ArrivalOrder} (public fields, versioned {@link #toBytes}/{@link #fromBytes};
 * {@value #SERIALIZED_SIZE} to {@value #MAX_SERIALIZED_SIZE} bytes; format 2 added the readings of an earlier clock, format 3 the receipt of the
 * first of them, format 4 the start of the analysed run ({@link #analysedSinceMs}), format 5 the oldest held reading and
 * the extension of a hold by a backlog arriving newest first ({@link #heldOldestMs}, {@link #holdExtendedToReceivedMs}),
 * format 6 the last gap in the analysed data, format 7 the newest analysed data at an instant ({@link #newestPointMs}),
 * the gap a restarted analysis is filling ({@link #fillingGapToMs}) and the gap before the last, format 8 (session 25)
 * up to {@value #MAX_GAPS} gaps instead of two ({@link #gapCount}, {@link #gapFromMs(int)}): 106 bytes with no gap,
 * 16 more a gap (138 with two, 234 with eight; format 7 was always 137); formats 1 to 7 are still read, format 7's two gaps
 * as the first two of the list). The held readings themselves are kept by the caller.
 */
public final class ArrivalState {
    public static final long NO_TIME = Long.MIN_VALUE;
    private static final byte FORMAT_VERSION = 8;
    private static final byte FORMAT_7 = 7;
    private static final byte FORMAT_6 = 6;
    private static final byte FORMAT_5 = 5;
    private static final byte FORMAT_4 = 4;
    private static final byte FORMAT_3 = 3;
    private static final byte FORMAT_2 = 2;
    private static final byte FORMAT_1 = 1;
    /**
     * How many gaps in the analysed data are remembered ({@link #addGap}): a device on poor connectivity drops out again
     * and again, and each gap's buffer may be uploaded after the later gaps', in any order (session 24 remembered two;
     * the third's buffer was taken for a clock set back). Eight gaps of more than 10 min each are at least 80 min of
     * outages whose buffers have not all come; beyond that the two oldest are merged into one gap spanning both, never
     * forgotten (see {@link #addGap}), so the bound costs precision, not safety. 16 bytes of state a gap.
     */
    public static final int MAX_GAPS = 8;
    /** The size of a state with no gap remembered; 16 bytes more a gap. */
    public static final int SERIALIZED_SIZE = 1 + 8 + 8 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 1;
    /** The size of the largest state: {@value #MAX_GAPS} gaps. */
    public static final int MAX_SERIALIZED_SIZE = SERIALIZED_SIZE + MAX_GAPS * 16;

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
     * The gaps in the analysed data of the current clock, newest first ({@link #gapCount} of them, at most
     * {@value #MAX_GAPS}): device times of the newest data analysed at an instant before each and of the first reading
     * after it (more than {@code resumeGapMs} later). A reading inside one that arrives after the data resumed fills that
     * gap ({@link ArrivalOrder#onArrival}: the analysis restarts there at once, nothing dead-lettered). Empty: none; or
     * state of format 5 and older, until the next gap.
     */
    private final long[] gapsFromMs = new long[MAX_GAPS];
    private final long[] gapsToMs = new long[MAX_GAPS];
    private int gapCount;
    /**
     * Device time of the newest data analysed at an instant (a beat, a sample, the start of an activity interval), or
     * NO_TIME (nothing analysed on the current clock; or state of format 6 and older, until the next reading analysed).
     * Unlike {@link #newestAnalysedMs} it does not reach to the end of a watch's activity interval: a gap in the
     * data ({@link #gapFromMs(int)}) starts here, so a strap's readings buffered while that interval ran are inside the gap
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

    /** How many gaps in the analysed data are remembered (0 to {@value #MAX_GAPS}). */
    public int gapCount() {
        return gapCount;
    }

    /** Start (device time) of the {@code i}-th gap remembered, newest first: 0 is the last gap. */
    public long gapFromMs(int i) {
        return gapsFromMs[checkGap(i)];
    }

    /** End (device time) of the {@code i}-th gap remembered, newest first. */
    public long gapToMs(int i) {
        return gapsToMs[checkGap(i)];
    }

    private int checkGap(int i) {
        if (i < 0 || i >= gapCount) {
            throw new IndexOutOfBoundsException("gap " + i + " of " + gapCount);
        }
        return i;
    }

    /**
     * The index of the remembered gap with {@code deviceMs} strictly inside it, or -1. Gaps do not overlap (each starts
     * after the one before it ended), except where the analysis, restarted to fill one gap, found a new gap over others
     * still remembered (from the end of the buffer to the live data), or two merged ({@link #addGap}): the newest is
     * returned.
     */
    public int gapContaining(long deviceMs) {
        for (int i = 0; i < gapCount; i++) {
            if (deviceMs > gapsFromMs[i] && deviceMs < gapsToMs[i]) {
                return i;
            }
        }
        return -1;
    }

    /** The latest end of a remembered gap, or NO_TIME when none is remembered. */
    public long latestGapToMs() {
        long to = NO_TIME;
        for (int i = 0; i < gapCount; i++) {
            to = Math.max(to, gapsToMs[i]);
        }
        return to;
    }

    /**
     * The data resumed after a gap from {@code fromMs} to {@code toMs}: remembered as the last gap, the others kept.
     * With {@value #MAX_GAPS} remembered already, the two oldest are <b>merged</b> into one gap from the older's start
     * to the newer's end, so that the buffer of every gap still fills it. Merging is the safe side: a reading of the
     * analysed data between the two merged gaps, re-sent late, restarts the analysis as a gap fill and is analysed again
     * (an episode in it may be alerted a second time: an extra alert); forgetting the oldest gap instead would take its
     * buffer for an earlier clock, which is dead-lettered while an episode that started before it is open (an episode in
     * the buffer lost), or restarts the analysis as for a clock set back (the open alert closed "analysis restarted",
     * a second alert for the same condition).
     */
    public void addGap(long fromMs, long toMs) {
        if (gapCount == MAX_GAPS) {
            gapsToMs[MAX_GAPS - 2] = Math.max(gapsToMs[MAX_GAPS - 2], gapsToMs[MAX_GAPS - 1]);
            gapsFromMs[MAX_GAPS - 2] = Math.min(gapsFromMs[MAX_GAPS - 2], gapsFromMs[MAX_GAPS - 1]);
            gapCount--;
        }
        System.arraycopy(gapsFromMs, 0, gapsFromMs, 1, gapCount);
        System.arraycopy(gapsToMs, 0, gapsToMs, 1, gapCount);
        gapsFromMs[0] = fromMs;
        gapsToMs[0] = toMs;
        gapCount++;
    }

    /** Forgets the {@code i}-th gap remembered (filled), keeping the order of the others. */
    public void removeGap(int i) {
        checkGap(i);
        System.arraycopy(gapsFromMs, i + 1, gapsFromMs, i, gapCount - i - 1);
        System.arraycopy(gapsToMs, i + 1, gapsToMs, i, gapCount - i - 1);
        gapCount--;
    }

    /** Forgets every gap remembered (the analysis left their clock). */
    public void clearGaps() {
        gapCount = 0;
    }

    public byte[] toBytes() {
        return CompactBytes.of(this::writeTo, MAX_SERIALIZED_SIZE);
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
        out.writeLong(newestPointMs);
        out.writeLong(fillingGapToMs);
        out.writeByte(gapCount);
        for (int i = 0; i < gapCount; i++) {
            out.writeLong(gapsFromMs[i]);
            out.writeLong(gapsToMs[i]);
        }
    }

    public static ArrivalState readFrom(DataInput in) throws IOException {
        byte v = in.readByte();
        if (v < FORMAT_1 || v > FORMAT_VERSION) {
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
        if (v >= FORMAT_VERSION) {
            s.newestPointMs = in.readLong();
            s.fillingGapToMs = in.readLong();
            int n = in.readUnsignedByte();
            if (n > MAX_GAPS) {
                throw new IOException("ArrivalState with " + n + " gaps (at most " + MAX_GAPS + ")");
            }
            for (int i = 0; i < n; i++) {
                s.gapsFromMs[i] = in.readLong();
                s.gapsToMs[i] = in.readLong();
            }
            s.gapCount = n;
        } else if (v >= FORMAT_6) { // before format 6: no gap known until the next one
            long gapFrom = in.readLong();
            long gapTo = in.readLong();
            long previousFrom = NO_TIME;
            long previousTo = NO_TIME;
            if (v == FORMAT_7) { // format 6: the newest analysed reading's end until the next reading, one gap
                s.newestPointMs = in.readLong();
                s.fillingGapToMs = in.readLong();
                previousFrom = in.readLong();
                previousTo = in.readLong();
            }
            if (previousFrom != NO_TIME) { // format 7: the gap before the last, then the last
                s.addGap(previousFrom, previousTo);
            }
            if (gapFrom != NO_TIME) {
                s.addGap(gapFrom, gapTo);
            }
        }
        return s;
    }
}
