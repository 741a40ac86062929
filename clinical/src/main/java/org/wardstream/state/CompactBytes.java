package org.wardstream.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The byte form of the per-patient state classes (their own versioned {@code writeTo}/{@code readFrom}):
 * what Flink keeps in state, and what their equality is defined on.
 */
public final class CompactBytes {
    private CompactBytes() {
    }

    /** Writes a state's fields. */
    public interface Writer {
        void writeTo(DataOutput out) throws IOException;
    }

    /** Reads a state back. */
    public interface Reader<T> {
        T readFrom(DataInput in) throws IOException;
    }

    public static byte[] of(Writer writer, int sizeHint) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a state's format-version byte and checks that it is one this code reads.
     *
     * @param readable the versions the caller can read (the current one and any earlier ones it still reads)
     * @return the version read
     */
    public static byte expectVersion(DataInput in, String what, byte... readable) throws IOException {
        byte v = in.readByte();
        for (byte r : readable) {
            if (v == r) {
                return v;
            }
        }
        throw new IOException("unsupported " + what + " format version " + v);
    }

    public static <T> T read(byte[] bytes, Reader<T> reader) {
        try {
            return reader.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
