package org.wardstream.signals;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Running heart-rate statistics of a run of samples (lowest, highest, sum, count): part of {@link HeartRateState}
 * ({@value #SERIALIZED_SIZE} bytes serialised). Public no-arg constructor and public fields (a Flink POJO).
 */
public final class RateStats {
    static final int SERIALIZED_SIZE = 4 + 4 + 8 + 4;

    public float min = Float.POSITIVE_INFINITY;
    public float max = Float.NEGATIVE_INFINITY;
    public double sum;
    public int count;

    public RateStats() {
    }

    void add(double bpm) {
        min = (float) Math.min(min, bpm);
        max = (float) Math.max(max, bpm);
        sum += bpm;
        count++;
    }

    /** Adds the samples of {@code other}. */
    void add(RateStats other) {
        if (other.count > 0) {
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
            sum += other.sum;
            count += other.count;
        }
    }

    /** A copy of these statistics with one more sample. */
    RateStats plus(double bpm) {
        RateStats s = new RateStats();
        s.add(this);
        s.add(bpm);
        return s;
    }

    void reset() {
        min = Float.POSITIVE_INFINITY;
        max = Float.NEGATIVE_INFINITY;
        sum = 0;
        count = 0;
    }

    double mean() {
        return count == 0 ? 0 : sum / count;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeFloat(min);
        out.writeFloat(max);
        out.writeDouble(sum);
        out.writeInt(count);
    }

    static RateStats readFrom(DataInput in) throws IOException {
        RateStats s = new RateStats();
        s.min = in.readFloat();
        s.max = in.readFloat();
        s.sum = in.readDouble();
        s.count = in.readInt();
        return s;
    }
}
