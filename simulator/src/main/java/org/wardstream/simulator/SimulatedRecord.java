package org.wardstream.simulator;

import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;

/**
 * One device-event record as delivered to the platform.
 *
 * @param key           Kafka key bytes (Avro single-object {@link DeviceEventKey}); corrupt for some faults
 * @param value         Kafka value bytes (Avro single-object {@link DeviceEvent}); null, truncated, garbage or of an
 *                      unknown schema for some faults
 * @param timestampMs   delivery time (Kafka record timestamp): the value's {@code timeReceived}, except for a
 *                      duplicate, which is the time of the re-send (its bytes, and so its {@code timeReceived}, are
 *                      those of the original)
 * @param decodedKey    the key as an object, null when the key bytes are corrupt
 * @param decodedValue  the value as an object, null when the value bytes are not a decodable {@link DeviceEvent}
 * @param jsonLine      the replay-file line for this record (see the simulator README for faults)
 * @param injectedFault null for a real reading, {@link #DUPLICATE} for a re-send, or the
 *                      {@link org.wardstream.contract.DeadLetterReason#code()} the record was built to violate
 */
public record SimulatedRecord(byte[] key, byte[] value, long timestampMs, DeviceEventKey decodedKey,
                              DeviceEvent decodedValue, String jsonLine, String injectedFault) {
    public static final String DUPLICATE = "duplicate";

    /** A real reading: neither a duplicate nor an injected fault. */
    public boolean isReading() {
        return injectedFault == null;
    }

    public boolean isDuplicate() {
        return DUPLICATE.equals(injectedFault);
    }

    /** An injected malformed record (any dead-letter reason). */
    public boolean isMalformed() {
        return injectedFault != null && !DUPLICATE.equals(injectedFault);
    }
}
