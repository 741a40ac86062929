package org.wardstream.ingest;

/**
 * What the Kafka source yields for each {@code device-events} record: either an accepted
 * {@link DeviceReading} or a {@link DeadLetter}, never both, never neither.
 */
public class IngestRecord {
    public DeviceReading reading;
    public DeadLetter rejected;

    public IngestRecord() {
    }

    public static IngestRecord accepted(DeviceReading reading) {
        IngestRecord r = new IngestRecord();
        r.reading = reading;
        return r;
    }

    public static IngestRecord rejected(DeadLetter deadLetter) {
        IngestRecord r = new IngestRecord();
        r.rejected = deadLetter;
        return r;
    }

    public boolean isAccepted() {
        return reading != null;
    }
}
