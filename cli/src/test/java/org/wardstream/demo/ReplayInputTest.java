package org.wardstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The example lines that {@code replay --help} and the README show decode, and a bad line names its field. */
public class ReplayInputTest {
    static final ObjectMapper JSON = new ObjectMapper();

    public static List<String> exampleLines() throws Exception {
        try (InputStream in = Objects.requireNonNull(
                ReplayInputTest.class.getResourceAsStream("/org/wardstream/cli/replay-examples.ndjson"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }

    @Test
    void everyExampleDecodesAndEveryPayloadKindHasOne() throws Exception {
        List<String> lines = exampleLines();
        JsonNode enrolment = JSON.readTree(lines.get(0));
        AvroCodec.patientKeys().fromJson(enrolment.get("key").toString());
        AvroCodec.enrolments().fromJson(enrolment.get("value").toString());
        Set<String> kinds = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            JsonNode node = JSON.readTree(line);
            AvroCodec.deviceEventKeys().fromJson(node.get("key").toString());
            DeviceEvent event = AvroCodec.deviceEvents().fromJson(node.get("value").toString());
            kinds.add(event.getPayload().getClass().getName());
            assertThat(AvroJsonErrors.firstMismatch(AvroCodec.deviceEvents().schema(), node.get("value"))).isNull();
        }
        Set<String> all = new HashSet<>();
        for (Schema branch : DeviceEvent.getClassSchema().getField("payload").schema().getTypes()) {
            all.add(branch.getFullName());
        }
        assertThat(kinds).isEqualTo(all);
    }

    /** The heart-rate example with one change applied to its value. */
    static JsonNode heartRateValue(java.util.function.Consumer<ObjectNode> change) throws Exception {
        String line = exampleLines().stream().filter(l -> l.contains("HeartRateSample")).findFirst().orElseThrow();
        ObjectNode value = (ObjectNode) JSON.readTree(line).get("value");
        change.accept(value);
        return value;
    }

    static String mismatch(JsonNode value) {
        return AvroJsonErrors.firstMismatch(AvroCodec.deviceEvents().schema(), value);
    }

    @Test
    void aBadLineNamesTheFieldAndTheExpectedType() throws Exception {
        assertThat(mismatch(heartRateValue(v -> v.put("time", "2026-03-02T00:00:00Z"))))
                .isEqualTo("time: expected a whole number (timestamp-millis: milliseconds since 1970-01-01T00:00Z), "
                        + "got \"2026-03-02T00:00:00Z\"");
        assertThat(mismatch(heartRateValue(v -> ((ObjectNode) v.get("payload")
                .get("org.wardstream.schema.HeartRateSample")).put("bpm", "fast"))))
                .isEqualTo("payload.HeartRateSample.bpm: expected a number (float), got \"fast\"");
        assertThat(mismatch(heartRateValue(v -> ((ObjectNode) v.get("payload")
                .get("org.wardstream.schema.HeartRateSample")).put("signalQuality", 0.9))))
                .isEqualTo("payload.HeartRateSample.signalQuality: expected null or {\"float\": ...}, got 0.9");
        assertThat(mismatch(heartRateValue(v -> v.remove("eventId"))))
                .isEqualTo("eventId: missing; expected a string");
        assertThat(mismatch(heartRateValue(v -> v.set("payload", JSON.createObjectNode().set("HeartRateSample",
                JSON.createObjectNode())))))
                .startsWith("payload: expected {\"org.wardstream.schema.HeartRateSample\": ...} or ");
        assertThat(mismatch(heartRateValue(v -> v.put("colour", "red"))))
                .startsWith("colour: not a field of DeviceEvent (fields: eventId, time");
        // and Avro's own message, for comparison, does not name the field
        assertThatThrownBy(() -> AvroCodec.deviceEvents().fromJson(
                heartRateValue(v -> v.put("time", "2026-03-02T00:00:00Z")).toString()))
                .isInstanceOf(DecodeException.class).message().doesNotContain("time:");
    }
}
