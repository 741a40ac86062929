package org.wardstream.contract;

/** Kafka topic names: a public contract (docs/JOBS.md, "Topics"); change only with a migration note. */
public final class Topics {
    /** Device readings, key DeviceEventKey, value DeviceEvent (single-object Avro). */
    public static final String DEVICE_EVENTS = "device-events";
    /** Records ingest could not accept: original key and value bytes, reason in headers. */
    public static final String DEVICE_EVENTS_DLQ = "device-events-dlq";
    /** Compacted. Key PatientKey, value Enrolment; a tombstone withdraws the patient. */
    public static final String ENROLMENTS = "enrolments";
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
    /** Header set by {@code wardstream replay}: the input file line a record came from. */
    public static final String HEADER_SOURCE_LINE = "wardstream.source.line";

    private Topics() {
    }
}
