package org.wardstream.signals;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Running heart-rate statistics of a run of samples (lowest, highest, sum, count, and how many of the samples came
 * from each source: the device's own heart-rate samples, or a rate derived from a minute of RR intervals,
 * {@link RrHeartRate}): part of {@link HeartRateState} ({@value #SERIALIZED_SIZE} bytes serialised;
 * {@value #SERIALIZED_SIZE_WITHOUT_SOURCES} in {@link HeartRateState}'s formats 1-3, which did not record the
 * source: read with both source counts 0, source not known). Public no-arg constructor and public fields (a Flink
 * POJO).
 */
public final class RateStats {
    static final int SERIALIZED_SIZE_WITHOUT_SOURCES = 4 + 4 + 8 + 4;
    static final int SERIALIZED_SIZE = SERIALIZED_SIZE_WITHOUT_SOURCES + 4 + 4;

    public float min = Float.POSITIVE_INFINITY;
    public float max = Float.NEGATIVE_INFINITY;
    public double sum;
    public int count;
    /** Samples among {@link #count} that were the device's own heart-rate samples. */
    public int fromDevice;
    /** Samples among {@link #count} derived from a minute of RR intervals ({@link RrHeartRate}). */
    public int fromRr;

    public RateStats() {
    }

    void add(double bpm, boolean rrDerived) {
        min = (float) Math.min(min, bpm);
        max = (float) Math.max(max, bpm);
        sum += bpm;
        count++;
        if (rrDerived) fromRr++;
        else fromDevice++;
    }

    /**
     * The percentage of the samples whose source is known that were derived from RR intervals (0: all the device's
     * own heart-rate samples, 100: all from RR intervals), NaN when no sample's source is known (none, or all read
     * from a format that did not record it).
     */
    public double rrPercent() {
        int known = fromDevice + fromRr;
        return known == 0 ? Double.NaN : 100.0 * fromRr / known;
    }

    /** Adds the samples of {@code other}. */
    void add(RateStats other) {
        if (other.count > 0) {
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
            sum += other.sum;
            count += other.count;
            fromDevice += other.fromDevice;
            fromRr += other.fromRr;
        }
    }

    /** A copy of these statistics with one more sample. */
    RateStats plus(double bpm, boolean rrDerived) {
        RateStats s = new RateStats();
        s.add(this);
        s.add(bpm, rrDerived);
        return s;
    }

    void reset() {
        min = Float.POSITIVE_INFINITY;
        max = Float.NEGATIVE_INFINITY;
        sum = 0;
        count = 0;
        fromDevice = 0;
        fromRr = 0;
    }

    double mean() {
        return count == 0 ? 0 : sum / count;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeFloat(min);
        out.writeFloat(max);
        out.writeDouble(sum);
        out.writeInt(count);
        out.writeInt(fromDevice);
        out.writeInt(fromRr);
    }

    /** @param withSources whether the source counts follow (written since {@link HeartRateState}'s format 4) */
    static RateStats readFrom(DataInput in, boolean withSources) throws IOException {
        RateStats s = new RateStats();
        s.min = in.readFloat();
        s.max = in.readFloat();
        s.sum = in.readDouble();
        s.count = in.readInt();
        if (withSources) {
            s.fromDevice = in.readInt();
            s.fromRr = in.readInt();
        }
        return s;
    }
}
