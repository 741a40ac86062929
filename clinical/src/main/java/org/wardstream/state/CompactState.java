package org.wardstream.state;

import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A per-patient state kept in Flink as compact bytes: it writes its own versioned form ({@link #writeTo}, the first
 * byte its format version, checked on reading with {@link CompactBytes#expectVersion}), and its equality is that of
 * those bytes. Each subclass keeps a static {@code readFrom(DataInput)} that reads its current and earlier formats.
 */
public abstract class CompactState implements CompactBytes.Writer {

    /** A guess of the serialised size, for the buffer. */
    private final transient int sizeHint; // transient: not a field of the subclasses as Flink POJOs

    protected CompactState(int sizeHint) {
        this.sizeHint = sizeHint;
    }

    @Override
    public abstract void writeTo(DataOutput out) throws IOException;

    public final byte[] toBytes() {
        return CompactBytes.of(this, sizeHint);
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(toBytes(), ((CompactState) o).toBytes());
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(toBytes());
    }
}
