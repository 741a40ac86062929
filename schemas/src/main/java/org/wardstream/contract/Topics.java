package org.wardstream.contract;

/** Kafka topic names: a public contract (docs/JOBS.md, "Topics"); change only with a migration note. */
public final class Topics {
    /** Device readings, key DeviceEventKey, value DeviceEvent (single-object Avro). */
    public static final String DEVICE_EVENTS = "device-events";
    /** Records ingest could not accept: original key and value bytes, reason in headers. */
    public static final String DEVICE_EVENTS_DLQ = "device-events-dlq";
    /** Compacted. Key PatientKey, value Enrolment; a tombstone withdraws the patient. */
    public static final String ENROLMENTS = "enrolments";
    /**
     * Enrolment records the detection job refused (not decodable, or invalid: e.g. an unknown time zone, a value
     * whose patient or programme differs from its key): original key and value bytes, reason in headers.
     */
    public static final String ENROLMENTS_DLQ = "enrolments-dlq";
    /** Internal. Key PatientKey, value Episode: episode state changes for the equity job. */
    public static final String EPISODES = "episodes";
    /** Key PatientKey, value TriageEvent: what the triage team did with an alert. */
    public static final String TRIAGE_EVENTS = "triage-events";
    /** FHIR R4 transaction Bundles (JSON), key = patient pseudonym. */
    public static final String ALERTS = "alerts";
    /** Published equity aggregates. */
    public static final String EQUITY_AGGREGATES = "equity-aggregates";
    /** Internal, compacted: the equity aggregates unrounded (never published as they are). Key = row key, value JSON. */
    public static final String EQUITY_AGGREGATES_INTERNAL = "equity-aggregates-internal";

    /** Header on dead-letter records: the {@link DeadLetterReason#code()}. */
    public static final String HEADER_DLQ_REASON = "wardstream.dlq.reason";
    /** Header on dead-letter records: human-readable detail (never a payload or patient identifier). */
    public static final String HEADER_DLQ_DETAIL = "wardstream.dlq.detail";
    /** Header on dead-letter records: source topic, partition and offset of the original record. */
    public static final String HEADER_DLQ_ORIGIN = "wardstream.dlq.origin";
    /**
     * Header on dead-letter records whose original was too large to copy whole into the dead-letter topic
     * (the producer's {@code max.request.size}): which parts were cut and their original sizes, e.g.
     * {@code value 1048400 -> 1047310 bytes}. The copy is then a prefix of the original.
     */
    public static final String HEADER_DLQ_TRUNCATED = "wardstream.dlq.truncated";
    /** Header on a truncated dead-letter record: hex SHA-256 of the original value (key: {@code .key.sha256}). */
    public static final String HEADER_DLQ_VALUE_SHA256 = "wardstream.dlq.value.sha256";
    /** Header on a dead-letter record whose key was truncated: hex SHA-256 of the original key. */
    public static final String HEADER_DLQ_KEY_SHA256 = "wardstream.dlq.key.sha256";
    /** Header set by {@code wardstream replay}: the input file line a record came from. */
    public static final String HEADER_SOURCE_LINE = "wardstream.source.line";

    private Topics() {
    }
}
