package org.wardstream.state;

import java.io.DataInput;
import java.io.IOException;

/** Reads what {@link VarDataOutput} wrote: the same calls in the same order return the values written. */
public final class VarDataInput implements DataInput {
    private final DataInput in;
    private int previousShort;
    private long previousTime;

    public VarDataInput(DataInput in) {
        this.in = in;
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    long readVarLong() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("varint longer than 10 bytes");
    }

    @Override
    public long readLong() throws IOException {
        long code = readVarLong();
        if (code == 0) {
            return Long.MIN_VALUE;
        }
        long payload = code >>> 2;
        switch ((int) (code & 3)) {
            case VarDataOutput.TAG_SMALL:
                return unzigzag(payload);
            case VarDataOutput.TAG_TIME:
                previousTime += unzigzag(payload);
                return previousTime;
            case VarDataOutput.TAG_RAW:
                if (payload != 0) {
                    throw new IOException("malformed compact long " + code);
                }
                previousTime = in.readLong();
                return previousTime;
            default:
                throw new IOException("malformed compact long " + code);
        }
    }

    @Override
    public int readInt() throws IOException {
        long zz = readVarLong();
        if (zz >>> 32 != 0) {
            throw new IOException("compact int out of range: " + zz);
        }
        int z = (int) zz;
        return (z >>> 1) ^ -(z & 1);
    }

    @Override
    public int readUnsignedShort() throws IOException {
        long d = unzigzag(readVarLong());
        int u = (int) (previousShort + d);
        if (u < 0 || u > 0xFFFF) {
            throw new IOException("compact short out of range: " + u);
        }
        previousShort = u;
        return u;
    }

    @Override
    public short readShort() throws IOException {
        return (short) readUnsignedShort();
    }

    @Override
    public void readFully(byte[] b) throws IOException {
        in.readFully(b);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        in.readFully(b, off, len);
    }

    @Override
    public int skipBytes(int n) throws IOException {
        return in.skipBytes(n);
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public byte readByte() throws IOException {
        return in.readByte();
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return in.readUnsignedByte();
    }

    @Override
    public char readChar() throws IOException {
        return in.readChar();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public String readLine() throws IOException {
        return in.readLine();
    }

    @Override
    public String readUTF() throws IOException {
        return in.readUTF();
    }
}
