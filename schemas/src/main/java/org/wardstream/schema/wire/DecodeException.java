package org.wardstream.schema.wire;

/** A record that cannot be decoded, with the kind of failure that decides its dead-letter reason. */
public final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why decoding failed. */
    public enum Kind {
        /** Null, truncated, corrupt or not single-object encoded. */
        NOT_DECODABLE,
        /** A well-formed single-object header whose schema fingerprint no known schema has. */
        UNKNOWN_SCHEMA,
        /** Larger than a {@link DecodeLimits} bound: the record, or a string, bytes, array or map it declares. */
        OVER_LIMIT
    }

    private final Kind kind;

    public DecodeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
