package org.wardstream.state;

import java.io.DataOutput;
import java.io.IOException;

/**
 * A {@link DataOutput} that writes the numbers of a state's existing {@code writeTo} compactly, so a state class can
 * be stored smaller without changing its field-by-field code ({@link VarDataInput} reads it back, exactly): ints as
 * zigzag varints; shorts as zigzag varints of their difference from the previous short (a ring of RR intervals
 * costs about a byte per interval); longs as {@code 0} for {@link Long#MIN_VALUE} (the states' "no time"), small
 * values (|v| &lt; 2^36) as zigzag varints, and larger ones (epoch-millisecond times) as zigzag varints of their
 * difference from the previous large one (the first as such a difference from 0), with a 2-bit tag; bytes, booleans,
 * chars, floats and doubles unchanged. Lossless for every value.
 */
public final class VarDataOutput implements DataOutput {
    static final long SMALL = 1L << 36;
    static final int TAG_SMALL = 1, TAG_TIME = 2, TAG_RAW = 3;

    private final DataOutput out;
    private int previousShort;
    private long previousTime;

    public VarDataOutput(DataOutput out) {
        this.out = out;
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    void writeVarLong(long unsigned) throws IOException {
        while ((unsigned & ~0x7FL) != 0) {
            out.writeByte((int) ((unsigned & 0x7F) | 0x80));
            unsigned >>>= 7;
        }
        out.writeByte((int) unsigned);
    }

    @Override
    public void writeLong(long v) throws IOException {
        if (v == Long.MIN_VALUE) {
            writeVarLong(0);
        } else if (v > -SMALL && v < SMALL) {
            writeVarLong(zigzag(v) << 2 | TAG_SMALL);
        } else {
            long zz = zigzag(v - previousTime);
            if (!overflows(v, previousTime) && zz >>> 61 == 0) {
                writeVarLong(zz << 2 | TAG_TIME);
            } else {
                writeVarLong(TAG_RAW);
                out.writeLong(v);
            }
            previousTime = v;
        }
    }

    /** Whether {@code v - base} overflows a long. */
    static boolean overflows(long v, long base) {
        long d = v - base;
        return ((v ^ base) & (v ^ d)) < 0;
    }

    @Override
    public void writeInt(int v) throws IOException {
        writeVarLong(((v << 1) ^ (v >> 31)) & 0xFFFFFFFFL);
    }

    @Override
    public void writeShort(int v) throws IOException {
        int u = v & 0xFFFF;
        writeVarLong(zigzag(u - previousShort));
        previousShort = u;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void writeBoolean(boolean v) throws IOException {
        out.writeBoolean(v);
    }

    @Override
    public void writeByte(int v) throws IOException {
        out.writeByte(v);
    }

    @Override
    public void writeChar(int v) throws IOException {
        out.writeChar(v);
    }

    @Override
    public void writeFloat(float v) throws IOException {
        out.writeFloat(v);
    }

    @Override
    public void writeDouble(double v) throws IOException {
        out.writeDouble(v);
    }

    @Override
    public void writeBytes(String s) throws IOException {
        out.writeBytes(s);
    }

    @Override
    public void writeChars(String s) throws IOException {
        out.writeChars(s);
    }

    @Override
    public void writeUTF(String s) throws IOException {
        out.writeUTF(s);
    }
}
