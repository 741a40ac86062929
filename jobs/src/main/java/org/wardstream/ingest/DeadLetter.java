package org.wardstream.ingest;

/**
 * A record ingest refused, on its way to {@code device-events-dlq}: the original key and value
 * bytes (unchanged, so the record can be repaired and re-sent), the reason code and a detail that
 * names fields and limits but never payload values or patient identifiers.
 */
public class DeadLetter {
    public byte[] key;
    public byte[] value;
    /** {@link org.wardstream.contract.DeadLetterReason#code()}. */
    public String reason;
    public String detail;
    /** topic-partition@offset of the original record. */
    public String origin;
    /** Kafka timestamp of the original record, epoch ms. */
    public long timestamp;
    /** Line in a replay input file, or -1. */
    public int sourceLine = -1;

    public DeadLetter() {
    }

    public DeadLetter(byte[] key, byte[] value, String reason, String detail, String origin, long timestamp,
                      int sourceLine) {
        this.key = key;
        this.value = value;
        this.reason = reason;
        this.detail = detail;
        this.origin = origin;
        this.timestamp = timestamp;
        this.sourceLine = sourceLine;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + ": " + detail + " @ " + origin + "}";
    }
}
