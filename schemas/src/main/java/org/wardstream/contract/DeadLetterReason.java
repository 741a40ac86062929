package org.wardstream.contract;

/**
 * Why ingest (or, for {@link #OUT_OF_ORDER} and {@link #ALREADY_ANALYSED}, the detector) refused a device event. The {@link #code()} is written to the dead-letter record's
 * {@value Topics#HEADER_DLQ_REASON} header and to {@code summary.json}: a public contract.
 */
public enum DeadLetterReason {
    /** Null, truncated, corrupt, or not Avro single-object encoded (key or value). */
    NOT_DECODABLE("not-decodable"),
    /** A well-formed single-object header whose writer-schema fingerprint is unknown. */
    UNKNOWN_SCHEMA("unknown-schema"),
    /** A required field is missing, blank or structurally invalid (e.g. RR and quality arrays differ in length). */
    INVALID_FIELD("invalid-field"),
    /**
     * A physiologically impossible value (heart rate outside 20-300 bpm, an RR batch mostly of clean RR outside
     * 200-60000 ms, an RR batch spanning more than an hour, ...).
     */
    IMPLAUSIBLE_VALUE("implausible-value"),
    /**
     * Device or receipt time further in the future than the configured tolerance, relative to timeReceived,
     * the broker's record timestamp or the job's own clock.
     */
    FUTURE_TIME("future-time"),
    /** No enrolment for the patient arrived within the grace period (or the patient was withdrawn). */
    UNKNOWN_PATIENT("unknown-patient"),
    /**
     * The record, or a string, bytes, array or map it declares, is larger than the configured decode limits
     * (refused before decoding: such a record could exhaust memory).
     */
    TOO_LARGE("too-large"),
    /** Device time or receipt time older than the configured window before the broker's record timestamp. */
    STALE_TIME("stale-time"),
    /** The reading's programme differs from the programme of the patient's enrolment. */
    PROGRAMME_MISMATCH("programme-mismatch"),
    /**
     * Accepted, but older (device time) than the patient's newest analysed reading by more than the reorder bound:
     * it can no longer be analysed in device-time order. Decided by the detector, after ingest.
     */
    OUT_OF_ORDER("out-of-order"),
    /**
     * Accepted, but part of an upload that repeats readings the detector has already analysed (lying wholly inside
     * the patient's analysed data, received as an upload: a retried or re-sent request with new event ids, or after
     * ingest's de-duplication horizon): analysing it again would restart the analysis and alert its episodes twice.
     * Decided by the detector, after ingest.
     */
    ALREADY_ANALYSED("already-analysed");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static DeadLetterReason fromCode(String code) {
        for (DeadLetterReason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown dead-letter reason: " + code);
    }
}
