package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

/** Checks on single records shared by the tests: decodability, plausibility, and that each fault is what it claims. */
final class RecordChecks {
    static final ObjectMapper JSON = new ObjectMapper();
    final AvroCodec<DeviceEvent> values = AvroCodec.deviceEvents();
    final AvroCodec<DeviceEventKey> keys = AvroCodec.deviceEventKeys();
    private final Set<String> enrolled;
    private final java.util.IdentityHashMap<byte[], DeviceEventKey> decodedKeys = new java.util.IdentityHashMap<>();

    RecordChecks(Set<String> enrolledPatients) {
        this.enrolled = enrolledPatients;
    }

    /** A real reading or a duplicate: decodes to what the simulator says, for an enrolled patient, plausible. */
    void checkValid(SimulatedRecord r) throws DecodeException {
        // a patient's records share one key array: decode each array once
        DeviceEventKey k = decodedKeys.get(r.key());
        if (k == null) {
            k = keys.decode(r.key());
            decodedKeys.put(r.key(), k);
        }
        DeviceEvent v = values.decode(r.value());
        check(k.equals(r.decodedKey()), "key bytes decode to the key", v);
        check(v.equals(r.decodedValue()), "value bytes decode to the value", v);
        check(enrolled.contains(k.getPatientId()), "enrolled patient", v);
        assertPlausible(v);
        check(!v.getTimeReceived().isBefore(v.getTime()), "received after recorded", v);
        check(r.isDuplicate() ? r.timestampMs() > v.getTimeReceived().toEpochMilli()
                : r.timestampMs() == v.getTimeReceived().toEpochMilli(), "delivery time", v);
    }

    private static final java.util.regex.Pattern UUID_V4 =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    /** Physiologically and technically plausible (plain checks: this runs for every record of a large run). */
    static void assertPlausible(DeviceEvent v) {
        check(UUID_V4.matcher(v.getEventId()).matches(), "event id is a UUID", v);
        check(v.getUtcOffsetMinutes() == 0 || v.getUtcOffsetMinutes() == 60, "UK offset", v);
        Object p = v.getPayload();
        if (p instanceof HeartRateSample h) {
            check(h.getBpm() >= 25 && h.getBpm() <= 200, "heart rate 25-200", v);
            check(h.getSignalQuality() != null && h.getSignalQuality() >= 0 && h.getSignalQuality() <= 1,
                    "signal quality 0-1", v);
        } else if (p instanceof RrIntervalBatch b) {
            check(!b.getRrMs().isEmpty() && b.getRrMs().size() == b.getQuality().size(), "rr and quality sizes", v);
            check(b.getStart().equals(v.getTime()), "batch starts at the event time", v);
            for (int x : b.getRrMs()) {
                // whatever the flag, so that ingest never drops a real batch
                check(x >= 200 && x <= 5000, "every RR 200-5000 ms", v);
            }
        } else if (p instanceof ActivitySample a) {
            check(a.getIntervalSeconds() == 300, "5-minute activity", v);
            check(a.getSteps() != null && a.getSteps() >= 0 && a.getSteps() <= 1000, "steps 0-1000", v);
            check(a.getActivityCount() != null && a.getActivityCount() >= 0 && a.getActivityCount() <= 5000,
                    "activity count 0-5000", v);
        } else if (p instanceof DeviceStatus s) {
            check(s.getBatteryPercent() != null && s.getBatteryPercent() >= 0 && s.getBatteryPercent() <= 100,
                    "battery 0-100", v);
            check(s.getBufferedEvents() != null && s.getBufferedEvents() >= 0, "buffered count", v);
        } else {
            check(p instanceof WearState, "known payload", v);
        }
    }

    private static void check(boolean ok, String what, DeviceEvent v) {
        if (!ok) {
            throw new AssertionError(what + ": " + v);
        }
    }

    /** An injected fault violates exactly what its reason claims, in bytes and in its file line. */
    void checkFault(SimulatedRecord r) throws Exception {
        DeadLetterReason reason = DeadLetterReason.fromCode(r.injectedFault());
        switch (reason) {
            case NOT_DECODABLE -> {
                boolean keyBad = r.decodedKey() == null;
                DecodeException e = keyBad
                        ? catchThrowableOfType(DecodeException.class, () -> keys.decode(r.key()))
                        : catchThrowableOfType(DecodeException.class, () -> values.decode(r.value()));
                assertThat(e).as("not-decodable must fail to decode").isNotNull();
                assertThat(e.kind()).isEqualTo(DecodeException.Kind.NOT_DECODABLE);
                if (keyBad) {
                    assertThat(r.decodedValue()).isNotNull();
                } else {
                    assertThat(r.decodedValue()).isNull();
                    keys.decode(r.key());
                }
                if (r.value() == null) {
                    JsonNode line = JSON.readTree(r.jsonLine());
                    assertThat(line.get("value").isNull()).isTrue();
                    assertThatThrownBy(() -> values.fromJson("null")).isInstanceOf(DecodeException.class);
                } else {
                    assertThatThrownBy(() -> JSON.readTree(r.jsonLine())).as(r.jsonLine())
                            .isInstanceOf(Exception.class);
                }
            }
            case UNKNOWN_SCHEMA -> {
                assertThat(r.value()[0]).isEqualTo((byte) 0xC3);
                assertThat(r.value()[1]).isEqualTo((byte) 0x01);
                DecodeException e = catchThrowableOfType(DecodeException.class, () -> values.decode(r.value()));
                assertThat(e).isNotNull();
                assertThat(e.kind()).isEqualTo(DecodeException.Kind.UNKNOWN_SCHEMA);
                JsonNode line = JSON.readTree(r.jsonLine());
                assertThat(keys.fromJson(line.get("key").toString())).isEqualTo(r.decodedKey());
                assertThat(line.get("value").has("schemaVersion")).isTrue();
                assertThatThrownBy(() -> values.fromJson(line.get("value").toString()))
                        .isInstanceOf(DecodeException.class);
            }
            default -> {
                DeviceEvent v = values.decode(r.value());
                assertThat(v).isEqualTo(r.decodedValue());
                assertThat(keys.decode(r.key())).isEqualTo(r.decodedKey());
                assertThat(valueOfLine(r.jsonLine())).isEqualTo(v);
                switch (reason) {
                    case INVALID_FIELD -> assertThat(invalidField(v)).as(v.toString()).isTrue();
                    case IMPLAUSIBLE_VALUE -> assertThat(implausible(v)).as(v.toString()).isTrue();
                    case FUTURE_TIME -> assertThat(v.getTime().toEpochMilli() - v.getTimeReceived().toEpochMilli())
                            .isEqualTo(2 * 86_400_000L);
                    default -> {
                        assertThat(enrolled).doesNotContain(r.decodedKey().getPatientId());
                        assertPlausible(v);
                    }
                }
                if (reason != DeadLetterReason.FUTURE_TIME) {
                    assertThat(v.getTime()).isBeforeOrEqualTo(v.getTimeReceived());
                }
            }
        }
    }

    /** The value part of a replay line, decoded with the current schema. */
    DeviceEvent valueOfLine(String line) throws DecodeException {
        String prefix = "{\"key\":";
        int at = line.indexOf(",\"value\":");
        assertThat(line).startsWith(prefix).endsWith("}");
        assertThat(keys.fromJson(line.substring(prefix.length(), at))).isNotNull();
        return values.fromJson(line.substring(at + ",\"value\":".length(), line.length() - 1));
    }

    static boolean invalidField(DeviceEvent v) {
        if (v.getEventId().isBlank()) {
            return true;
        }
        if (v.getPayload() instanceof RrIntervalBatch b) {
            return b.getRrMs().size() != b.getQuality().size();
        }
        if (v.getPayload() instanceof ActivitySample a) {
            return a.getIntervalSeconds() <= 0 || (a.getSteps() == null && a.getActivityCount() == null);
        }
        return false;
    }

    static boolean implausible(DeviceEvent v) {
        if (v.getPayload() instanceof HeartRateSample h) {
            return h.getBpm() < 20 || h.getBpm() > 300;
        }
        if (v.getPayload() instanceof RrIntervalBatch b) {
            // ingest refuses a batch more than half of whose intervals are clean and outside 200-60,000 ms
            List<Integer> rr = b.getRrMs();
            int implausible = 0;
            for (int i = 0; i < rr.size(); i++) {
                if (b.getQuality().get(i) == BeatQuality.CLEAN && (rr.get(i) < 200 || rr.get(i) > 60_000)) {
                    implausible++;
                }
            }
            return 2 * implausible > rr.size();
        }
        return false;
    }
}
