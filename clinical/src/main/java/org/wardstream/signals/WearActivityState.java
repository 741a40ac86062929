package org.wardstream.signals;

import org.wardstream.state.CompactBytes;
import org.wardstream.state.CompactState;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Per-patient state of {@link WearActivityTracker}: bounded size (at most {@value #MAX_SERIALIZED_SIZE} bytes
 * serialised), public no-arg constructor and public fields (a Flink POJO), versioned {@link #writeTo}/{@link #readFrom}.
 *
 * <p>Wear is kept per device (issue: a second device on its charger made the patient "not worn"): up to
 * {@value #MAX_SOURCES} devices' newest wear reports ({@link #sourceKey}, a 32-bit hash of the device's source id;
 * {@link #sourceWear}, {@link #sourceWearMs}) with when each device last sent data ({@link #sourceDataMs}); the
 * least recently heard is forgotten when a further device reports its wear. {@link #wear} is the patient's: worn
 * if any device reports on body ({@link WearActivityTracker}).
 *
 * <p>Format 5: format 4's fields, then the number of devices (one byte) and each device's key (int), wear (byte),
 * newest wear report and last data (longs). Format 4, still read, had the patient's wear alone: it becomes the wear
 * of the device that reported it last, which is not known ({@link #LEGACY_SOURCE}); the first wear report of any
 * device replaces it, as it replaced the patient's wear in format 4.
 *
 * <p>Format 6: format 5's fields, then {@link #activityValidUntilMs} (long): the last activity interval ages out
 * (adversarial probe 17a, D8). Formats 4-5, still read, did not record it ({@link #NO_TIME}): the tracker then ages the
 * interval from its end by the shortest validity.
 *
 * <p>Format 7: format 6's fields, then {@link #silenceWatchedFromMs} (long): alerting (re)started with no data since,
 * so the silence counts from then (device-offline "no data since monitoring started"). Formats 4-6, still read, did
 * not record it ({@link #NO_TIME}: silence counts from the first data, as then).
 *
 * <p>Format 8: format 7's fields, then {@link #silenceFromMs} (long): the reconnection that ended the last outage
 * reported (its buffer uploaded after it was reported offline), from which the next silence counts (scenario 23, V2).
 * Formats 4-7, still read, did not record it ({@link #NO_TIME}: silence counts from the last data, as then).
 */
public final class WearActivityState extends CompactState {

    public static final long NO_TIME = Long.MIN_VALUE;
    public static final byte WEAR_UNKNOWN = 0, WEAR_ON = 1, WEAR_OFF = 2;
    /** At most this many devices' wear is remembered per patient. */
    public static final int MAX_SOURCES = 4;
    /** The key of the wear carried over from format 4: the last reporting device's, whichever it was. */
    public static final int LEGACY_SOURCE = 0;
    private static final byte FORMAT_VERSION = 8, FORMAT_7 = 7, FORMAT_6 = 6, FORMAT_5 = 5, FORMAT_4 = 4;
    public static final int SERIALIZED_SIZE = 1 + 1 + 8 + 8 + 1 + 1 + 8 + 1 + 8 + 8 + 4 + 8 + 8 + 1 + 8 + 8 + 8;
    public static final int MAX_SERIALIZED_SIZE = SERIALIZED_SIZE + MAX_SOURCES * (4 + 1 + 8 + 8);

    /** {@link ActivityState} ordinal; NO_DATA until the first data arrives. */
    public byte state = (byte) ActivityState.NO_DATA.ordinal();
    public long stateSinceMs = NO_TIME;
    public long lastDataMs = NO_TIME;
    public byte wear = WEAR_UNKNOWN;
    public boolean moving;
    /**
     * Cadence of the last activity interval, steps per minute; NaN until one arrives, and for an interval reported as
     * accelerometer counts only (movement not known: {@link #moving} true). Read only while {@link #moving}: once the
     * interval has aged out ({@link WearActivityTracker}) it is stale.
     */
    public float lastStepsPerMinute = Float.NaN;
    /** Device time of the newest wear report, or NO_TIME. */
    public long lastWearMs = NO_TIME;
    /** End of the newest activity interval, or NO_TIME. */
    public long lastActivityMs = NO_TIME;
    /**
     * Until when the newest activity interval says whether the patient moves ({@link WearActivityTracker}: its end plus
     * the longer of the validity and its own length), or NO_TIME (none, or not recorded by formats 4-5).
     */
    public long activityValidUntilMs = NO_TIME;
    /** Start of the counted stillness of an open inactivity episode, or NO_TIME. */
    public long inactivityStartMs = NO_TIME;
    public boolean inactivityOpen;
    /** Stillness before this time does not count again (set when an episode closes at the end of waking hours). */
    public long inactivityFloorMs = NO_TIME;
    /** Still-period start already reported as {@link WearActivityEvent.StillFor} (so it is reported once). */
    public long stillReportedSinceMs = NO_TIME;
    /**
     * When the patient's alerting (re)started (enrolled, a pause ended, enrolled again) while no data had come since, or
     * NO_TIME: the silence counts from then until the first data ({@link WearActivityTracker#watchSilenceFrom}).
     */
    public long silenceWatchedFromMs = NO_TIME;
    /**
     * Receipt time of the reconnection that ended the last device-offline episode reported, when it came after the last
     * data's device time (the outage's buffer uploaded after the device was reported offline), or NO_TIME: the next
     * silence counts from the later of this and the last data ({@link WearActivityTracker#silenceCountsFrom}), so the
     * next device-offline episode never starts before the previous one's reported end.
     */
    public long silenceFromMs = NO_TIME;
    /** How many devices' wear is remembered (the first entries of the arrays below). */
    public int sourceCount;
    /** Each device's key ({@link #sourceKey(String)}), or {@link #LEGACY_SOURCE}. */
    public int[] sourceKey = new int[MAX_SOURCES];
    /** Each device's newest wear report: {@link #WEAR_ON} or {@link #WEAR_OFF}. */
    public byte[] sourceWear = new byte[MAX_SOURCES];
    /** Device time of each device's newest wear report, or NO_TIME (forgotten at a restart). */
    public long[] sourceWearMs = new long[MAX_SOURCES];
    /** Device time of each device's newest data of any kind, or NO_TIME. */
    public long[] sourceDataMs = new long[MAX_SOURCES];

    public WearActivityState() {
        super(MAX_SERIALIZED_SIZE);
    }

    /**
     * The key a device's source id is remembered by: its 32-bit FNV-1a hash (never {@link #LEGACY_SOURCE}); a reading
     * without a source id (a single-device caller) has the key of the empty id.
     */
    public static int sourceKey(String sourceId) {
        int h = 0x811c9dc5;
        for (byte b : (sourceId == null ? "" : sourceId).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h == LEGACY_SOURCE ? 1 : h;
    }

    /** The index of the device with {@code key} among the remembered ones, or -1. */
    public int sourceIndex(int key) {
        for (int i = 0; i < sourceCount; i++) {
            if (sourceKey[i] == key) return i;
        }
        return -1;
    }

    /** Forgets the device at {@code i}. */
    void removeSource(int i) {
        for (int j = i + 1; j < sourceCount; j++) {
            sourceKey[j - 1] = sourceKey[j];
            sourceWear[j - 1] = sourceWear[j];
            sourceWearMs[j - 1] = sourceWearMs[j];
            sourceDataMs[j - 1] = sourceDataMs[j];
        }
        sourceCount--;
    }

    /**
     * The index for a device about to report its wear: its own, or a new entry (forgetting the least recently heard
     * device when {@value #MAX_SOURCES} are remembered).
     */
    int sourceSlot(int key) {
        int i = sourceIndex(key);
        if (i >= 0) return i;
        if (sourceCount == MAX_SOURCES) {
            int oldest = 0;
            for (int j = 1; j < sourceCount; j++) {
                if (heardMs(j) < heardMs(oldest)) oldest = j;
            }
            removeSource(oldest);
        }
        i = sourceCount++;
        sourceKey[i] = key;
        sourceWear[i] = WEAR_UNKNOWN;
        sourceWearMs[i] = NO_TIME;
        sourceDataMs[i] = NO_TIME;
        return i;
    }

    private long heardMs(int i) {
        return Math.max(sourceWearMs[i], sourceDataMs[i]); // NO_TIME is Long.MIN_VALUE: never heard
    }

    public ActivityState activityState() {
        return ActivityState.values()[state];
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeByte(state);
        out.writeLong(stateSinceMs);
        out.writeLong(lastDataMs);
        out.writeByte(wear);
        out.writeBoolean(moving);
        out.writeLong(inactivityStartMs);
        out.writeBoolean(inactivityOpen);
        out.writeLong(inactivityFloorMs);
        out.writeLong(stillReportedSinceMs);
        out.writeFloat(lastStepsPerMinute);
        out.writeLong(lastWearMs);
        out.writeLong(lastActivityMs);
        out.writeByte(sourceCount);
        for (int i = 0; i < sourceCount; i++) {
            out.writeInt(sourceKey[i]);
            out.writeByte(sourceWear[i]);
            out.writeLong(sourceWearMs[i]);
            out.writeLong(sourceDataMs[i]);
        }
        out.writeLong(activityValidUntilMs);
        out.writeLong(silenceWatchedFromMs);
        out.writeLong(silenceFromMs);
    }

    public static WearActivityState readFrom(DataInput in) throws IOException {
        byte v = CompactBytes.expectVersion(in, "WearActivityState", FORMAT_VERSION, FORMAT_7, FORMAT_6, FORMAT_5,
                FORMAT_4);
        WearActivityState s = new WearActivityState();
        s.state = in.readByte();
        if (s.state < 0 || s.state >= ActivityState.values().length) throw new IOException("bad activity state " + s.state);
        s.stateSinceMs = in.readLong();
        s.lastDataMs = in.readLong();
        s.wear = in.readByte();
        s.moving = in.readBoolean();
        s.inactivityStartMs = in.readLong();
        s.inactivityOpen = in.readBoolean();
        s.inactivityFloorMs = in.readLong();
        s.stillReportedSinceMs = in.readLong();
        s.lastStepsPerMinute = in.readFloat();
        s.lastWearMs = in.readLong();
        s.lastActivityMs = in.readLong();
        if (v == FORMAT_4) {
            if (s.wear != WEAR_UNKNOWN) { // the last reporting device's, which format 4 did not keep
                s.sourceCount = 1;
                s.sourceKey[0] = LEGACY_SOURCE;
                s.sourceWear[0] = s.wear;
                s.sourceWearMs[0] = s.lastWearMs;
                s.sourceDataMs[0] = s.lastDataMs;
            }
            return s;
        }
        int n = in.readByte();
        if (n < 0 || n > MAX_SOURCES) throw new IOException("bad device count " + n);
        s.sourceCount = n;
        for (int i = 0; i < n; i++) {
            s.sourceKey[i] = in.readInt();
            s.sourceWear[i] = in.readByte();
            s.sourceWearMs[i] = in.readLong();
            s.sourceDataMs[i] = in.readLong();
        }
        if (v == FORMAT_5) return s;
        s.activityValidUntilMs = in.readLong();
        if (v == FORMAT_6) return s;
        s.silenceWatchedFromMs = in.readLong();
        if (v != FORMAT_7) s.silenceFromMs = in.readLong(); // format 7: silence counts from the last data
        return s;
    }

    public static WearActivityState fromBytes(byte[] bytes) {
        return CompactBytes.read(bytes, WearActivityState::readFrom);
    }
}
