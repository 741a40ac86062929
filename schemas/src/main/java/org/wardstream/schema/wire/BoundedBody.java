package org.wardstream.schema.wire;

import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema without allocating anything, before the real decoder
 * runs: every declared string, bytes, fixed, array and map length must fit both the {@link DecodeLimits} and
 * the bytes that are actually there. A record that passes cannot make the decoder allocate more than a small
 * multiple of its own size (an 18-byte record declaring a 2 GB string is refused here, not by an
 * {@link OutOfMemoryError}). Plain Java; thread-safe (no state).
 */
final class BoundedBody {
    private final byte[] b;
    private final DecodeLimits limits;
    private int pos;

    private BoundedBody(byte[] bytes, int offset, DecodeLimits limits) {
        this.b = bytes;
        this.pos = offset;
        this.limits = limits;
    }

    /**
     * Checks the body starting at {@code offset}.
     *
     * @throws DecodeException {@link DecodeException.Kind#OVER_LIMIT} when a declared size exceeds a limit,
     *     {@link DecodeException.Kind#NOT_DECODABLE} when it exceeds the bytes present or is corrupt
     */
    static void check(Schema writer, byte[] bytes, int offset, DecodeLimits limits) throws DecodeException {
        new BoundedBody(bytes, offset, limits).walk(writer, 1);
    }

    private void walk(Schema s, int depth) throws DecodeException {
        if (depth > limits.maxDepth()) {
            throw over("nesting deeper than " + limits.maxDepth());
        }
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> need(1, "boolean");
            case INT, LONG, ENUM -> varint();
            case FLOAT -> need(4, "float");
            case DOUBLE -> need(8, "double");
            case FIXED -> need(s.getFixedSize(), "fixed");
            case STRING -> length(limits.maxStringBytes(), "string");
            case BYTES -> length(limits.maxBytesLength(), "bytes");
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    walk(f.schema(), depth + 1);
                }
            }
            case UNION -> {
                long index = varint();
                if (index < 0 || index >= s.getTypes().size()) {
                    throw corrupt("union branch " + index + " of " + s.getTypes().size());
                }
                walk(s.getTypes().get((int) index), depth + 1);
            }
            case ARRAY -> collection(s.getElementType(), null, depth);
            case MAP -> collection(s.getValueType(), Schema.create(Schema.Type.STRING), depth);
        }
    }

    private void collection(Schema item, Schema mapKey, int depth) throws DecodeException {
        long total = 0;
        while (true) {
            long count = varint();
            if (count == 0) {
                return;
            }
            if (count < 0) { // a block with its size in bytes
                if (count == Long.MIN_VALUE) {
                    throw corrupt("block count");
                }
                count = -count;
                long blockBytes = varint();
                if (blockBytes < 0 || blockBytes > remaining()) {
                    throw corrupt("block of " + blockBytes + " bytes with " + remaining() + " left");
                }
            }
            total += count;
            if (total > limits.maxCollectionItems()) {
                throw over("array or map of " + total + "+ items (limit " + limits.maxCollectionItems() + ")");
            }
            if (minSize(item) + (mapKey == null ? 0 : 1) > 0
                    && count > remaining()) { // every such item takes at least one byte
                throw corrupt("array or map declares " + count + " items with " + remaining() + " bytes left");
            }
            for (long i = 0; i < count; i++) {
                if (mapKey != null) {
                    walk(mapKey, depth + 1);
                }
                walk(item, depth + 1);
            }
        }
    }

    /** Bytes an item of this schema takes at least (0 only for null, empty records and the like). */
    private static int minSize(Schema s) {
        return switch (s.getType()) {
            case NULL -> 0;
            case FIXED -> Math.min(1, s.getFixedSize());
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    if (f.schema().getType() != Schema.Type.NULL) {
                        yield 1; // bounded enough: a non-null field takes a byte unless it is an empty record
                    }
                }
                yield 0;
            }
            default -> 1;
        };
    }

    private void length(int limit, String what) throws DecodeException {
        long n = varint();
        if (n < 0) {
            throw corrupt(what + " of negative length");
        }
        if (n > limit) {
            throw over(what + " of " + n + " bytes (limit " + limit + ")");
        }
        need(n, what);
    }

    private void need(long n, String what) throws DecodeException {
        if (n > remaining()) {
            throw corrupt(what + " of " + n + " bytes with " + remaining() + " left");
        }
        pos += (int) n;
    }

    private int remaining() {
        return b.length - pos;
    }

    /** Avro's zig-zag varint, at most 10 bytes. */
    private long varint() throws DecodeException {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= b.length) {
                throw corrupt("truncated number");
            }
            int x = b[pos++] & 0xff;
            raw |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw corrupt("number longer than 10 bytes");
    }

    private static DecodeException over(String detail) {
        return new DecodeException(DecodeException.Kind.OVER_LIMIT, "declares " + detail, null);
    }

    private static DecodeException corrupt(String detail) {
        return new DecodeException(DecodeException.Kind.NOT_DECODABLE, "truncated or corrupt: " + detail, null);
    }
}
