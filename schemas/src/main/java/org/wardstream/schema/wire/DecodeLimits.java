package org.wardstream.schema.wire;

import java.io.Serializable;

/**
 * Explicit bounds on what one record may declare, checked against the bytes before Avro allocates anything
 * (see {@link BoundedBody}). Per codec, not JVM-global: Avro's own {@code org.apache.avro.limits.*} system
 * properties apply to every job sharing a TaskManager and default to about 2^31.
 *
 * @param maxRecordBytes     largest single-object record (header included) that is decoded at all
 * @param maxStringBytes     longest string field, UTF-8 bytes
 * @param maxBytesLength     longest bytes field
 * @param maxCollectionItems most items in one array or map (summed over its blocks)
 * @param maxDepth           deepest nesting of records, arrays, maps and unions
 */
public record DecodeLimits(int maxRecordBytes, int maxStringBytes, int maxBytesLength, int maxCollectionItems,
                           int maxDepth) implements Serializable {

    public DecodeLimits {
        if (maxRecordBytes <= 0 || maxStringBytes < 0 || maxBytesLength < 0 || maxCollectionItems < 0
                || maxDepth <= 0) {
            throw new IllegalArgumentException("decode limits must be positive: " + this);
        }
    }

    /**
     * 256 KiB per record (the largest legitimate record, an RR batch of 10,000 intervals, is about 30 KB),
     * 64 KiB per string or bytes field, 100,000 items per array or map, nesting 32 deep.
     */
    public static DecodeLimits defaults() {
        return new DecodeLimits(256 * 1024, 64 * 1024, 64 * 1024, 100_000, 32);
    }
}
