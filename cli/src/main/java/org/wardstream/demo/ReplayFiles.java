package org.wardstream.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.wardstream.contract.Topics;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Feeds replay files into Kafka. Each line is {@code {"key": ..., "value": ...}} with both parts in
 * Avro's standard JSON encoding. A well-formed line is produced in the wire format (single-object
 * Avro); a malformed events line is reported with its line number on stderr and produced as its raw
 * text, with the line number in a header, so the job dead-letters it like any undecodable record
 * and every line is accounted for.
 */
public final class ReplayFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReplayFiles() {
    }

    /** What a file gave: lines produced and lines that were malformed. */
    public record Fed(long produced, long malformed) {
    }

    public static Fed produceEvents(Path file, KafkaProducer<byte[], byte[]> producer, PrintStream err)
            throws IOException {
        AvroCodec<DeviceEventKey> keys = AvroCodec.deviceEventKeys();
        AvroCodec<DeviceEvent> values = AvroCodec.deviceEvents();
        Fed fed = forEachLine(file, (lineNo, line) -> {
            byte[] keyBytes;
            byte[] valueBytes;
            long timestamp = System.currentTimeMillis();
            boolean ok = true;
            try {
                JsonNode[] kv = keyAndValue(line);
                DeviceEventKey key = fromJson(keys, "key", kv[0]);
                DeviceEvent value = fromJson(values, "value", kv[1]);
                keyBytes = keys.encode(key);
                valueBytes = values.encode(value);
                timestamp = value.getTimeReceived().toEpochMilli();
            } catch (IOException | DecodeException e) {
                ok = false;
                err.printf("  %s line %d: %s (dead-lettered)%n", file.getFileName(), lineNo, firstLine(e));
                keyBytes = null;
                valueBytes = line.getBytes(StandardCharsets.UTF_8);
            }
            RecordHeaders headers = new RecordHeaders();
            headers.add(Topics.HEADER_SOURCE_LINE, Integer.toString(lineNo).getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS, null, timestamp, keyBytes, valueBytes, headers));
            return ok;
        }, true);
        producer.flush();
        return fed;
    }

    /** Enrolments; a malformed line is reported with its number and skipped (there is no enrolment DLQ). */
    public static Fed produceEnrolments(Path file, KafkaProducer<byte[], byte[]> producer, PrintStream err)
            throws IOException {
        AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
        AvroCodec<Enrolment> values = AvroCodec.enrolments();
        Fed fed = forEachLine(file, (lineNo, line) -> {
            try {
                byte[][] kv = enrolmentRecord(line, keys, values);
                producer.send(new ProducerRecord<>(Topics.ENROLMENTS, kv[0], kv[1]));
                return true;
            } catch (IOException | DecodeException e) {
                err.printf("  %s line %d: %s (skipped)%n", file.getFileName(), lineNo, firstLine(e));
                return false;
            }
        }, false);
        producer.flush();
        return fed;
    }

    /**
     * One line of an enrolments file as the record's key and value bytes (the value null for a tombstone), as they
     * go on the topic.
     */
    public static byte[][] enrolmentRecord(String line, AvroCodec<PatientKey> keys, AvroCodec<Enrolment> values)
            throws IOException, DecodeException {
        JsonNode[] kv = keyAndValue(line);
        byte[] value = kv[1].isNull() ? null : values.encode(fromJson(values, "value", kv[1]));
        return new byte[][] {keys.encode(fromJson(keys, "key", kv[0])), value};
    }

    /** Handles one non-blank line; returns whether it was well-formed. */
    private interface LineHandler {
        boolean handle(int lineNo, String line) throws IOException;
    }

    /**
     * Feeds every non-blank line to {@code handler}; counts malformed lines, and produced lines as all of them
     * ({@code malformedProduced}) or only the well-formed ones.
     */
    private static Fed forEachLine(Path file, LineHandler handler, boolean malformedProduced) throws IOException {
        long lines = 0;
        long malformed = 0;
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                if (!handler.handle(lineNo, line)) {
                    malformed++;
                }
            }
        }
        return new Fed(malformedProduced ? lines : lines - malformed, malformed);
    }

    /** The "key" and "value" members of a replay line (value may be JSON null). */
    private static JsonNode[] keyAndValue(String line) throws IOException, DecodeException {
        JsonNode node = MAPPER.readTree(line);
        if (node == null || !node.isObject() || node.get("key") == null || !node.has("value")) {
            throw new DecodeException(DecodeException.Kind.NOT_DECODABLE,
                    "a line must be an object with \"key\" and \"value\"", null);
        }
        return new JsonNode[] {node.get("key"), node.get("value")};
    }

    /**
     * Decodes one part of a line; when it does not fit the schema, the error names the first field that does not
     * and the type expected there ({@link AvroJsonErrors}), not just Avro's "Expected long. Got VALUE_STRING".
     */
    private static <T extends org.apache.avro.specific.SpecificRecord> T fromJson(AvroCodec<T> codec, String part,
                                                                               JsonNode node) throws DecodeException {
        try {
            return codec.fromJson(node.toString());
        } catch (DecodeException e) {
            String field = AvroJsonErrors.firstMismatch(codec.schema(), node);
            if (field == null) {
                throw e;
            }
            throw new DecodeException(DecodeException.Kind.NOT_DECODABLE, part + "." + field + " (not a valid "
                    + codec.schema().getName() + "; see wardstream replay --help for an example line)", e);
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
