package org.wardstream.signals;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One minute of heart-rate samples, anchored on the samples themselves: it begins at a sample and holds every later
 * sample less than {@link #LENGTH_MS} after that one; the first sample a minute or more after it completes it and
 * begins the next. The sustained-rate criteria of {@link HeartRateThresholds} judge each completed minute by its
 * {@link #rate}: the mean of its samples leaving out the highest and the lowest (with three samples or more; the
 * plain mean of one or two). One artefact (a spike to 220 or a dropout to 30) among a minute's samples is left out
 * whole, and wrist noise of a few bpm averages out over the minute's samples. Part of {@link HeartRateState} and of
 * the bench peers' feature extraction (the same code, so both judge the same minutes). Public no-arg constructor and
 * public fields (a Flink POJO); fixed size ({@value #SERIALIZED_SIZE} bytes serialised).
 */
public final class MinuteBucket {
    /** A minute. */
    public static final long LENGTH_MS = 60_000;
    static final int SERIALIZED_SIZE = 8 + RateStats.SERIALIZED_SIZE + 2 * 4;
    /** Its size in {@link HeartRateState}'s format 3 (no sample sources). */
    static final int SERIALIZED_SIZE_WITHOUT_SOURCES = 8 + RateStats.SERIALIZED_SIZE_WITHOUT_SOURCES + 2 * 4;

    /** The minute's first sample, {@link HeartRateState#NO_TIME} when no minute is open. */
    public long startMs = HeartRateState.NO_TIME;
    /** The minute's samples: lowest, highest, sum, count (routed whole into the run or episode it turns out to be in). */
    public RateStats stats = new RateStats();
    /** Samples taken at rest (tachycardia). */
    public int atRest;
    /** Samples taken while awake (sustained bradycardia). */
    public int awake;

    public MinuteBucket() {
    }

    /** Whether a minute is open. */
    public boolean isOpen() {
        return startMs != HeartRateState.NO_TIME;
    }

    /** Whether a sample at {@code timeMs} completes the open minute (is a minute or more after its first sample). */
    public boolean completedBy(long timeMs) {
        return isOpen() && timeMs - startMs >= LENGTH_MS;
    }

    /**
     * The minute's rate, bpm: the mean of its samples without the highest and the lowest one (three samples or more),
     * else their mean; NaN when it has none.
     */
    public double rate() {
        RateStats s = stats;
        if (s.count == 0) return Double.NaN;
        return s.count <= 2 ? s.sum / s.count : (s.sum - s.min - s.max) / (s.count - 2);
    }

    /** Whether more than half of the minute's samples are among {@code count}. */
    public boolean most(int count) {
        return 2L * count > stats.count;
    }

    /** Adds one of the device's own heart-rate samples. */
    public void add(double bpm, boolean atRest, boolean awake) {
        add(bpm, atRest, awake, false);
    }

    /** Adds one sample: the device's own, or ({@code rrDerived}) a rate from a minute of RR intervals. */
    public void add(double bpm, boolean atRest, boolean awake, boolean rrDerived) {
        stats.add(bpm, rrDerived);
        if (atRest) this.atRest++;
        if (awake) this.awake++;
    }

    /** Begins a new minute at the sample at {@code timeMs} (not yet counted). */
    public void begin(long timeMs) {
        clear();
        startMs = timeMs;
    }

    /** No minute open. */
    public void clear() {
        startMs = HeartRateState.NO_TIME;
        stats.reset();
        atRest = 0;
        awake = 0;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(startMs);
        stats.writeTo(out);
        out.writeInt(atRest);
        out.writeInt(awake);
    }

    static MinuteBucket readFrom(DataInput in, boolean withSources) throws IOException {
        MinuteBucket m = new MinuteBucket();
        m.startMs = in.readLong();
        m.stats = RateStats.readFrom(in, withSources);
        m.atRest = in.readInt();
        m.awake = in.readInt();
        return m;
    }
}
