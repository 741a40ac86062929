package org.wardstream.schema.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonDecoder;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.Episode;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.TriageEvent;

/**
 * The wire format of every wardstream topic: Avro single-object encoding (2-byte marker
 * {@code C3 01}, 8-byte CRC-64-AVRO fingerprint of the writer schema, Avro binary body), so a reader
 * knows which writer schema produced each record. The decoder knows the current schema and every
 * released one (see {@code schemas/released/}), and resolves older writers to the current reader.
 *
 * <p>Also reads and writes Avro's standard JSON encoding, used by {@code wardstream replay} files.
 *
 * <p>Instances are thread-confined (Avro's encoders reuse buffers); they are {@link Serializable}
 * so a Flink function can hold one, and rebuild their Avro state lazily after deserialisation.
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String RELEASED = "wardstream/released-schemas/";
    /** Marker (2 bytes) and fingerprint (8 bytes) of the single-object encoding. */
    private static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final DecodeLimits limits;
    private transient Map<Long, Schema> writers;
    private transient BinaryMessageEncoder<T> encoder;
    private transient BinaryMessageDecoder<T> decoder;
    private transient SpecificDatumReader<T> jsonReader;
    private transient List<SpecificDatumReader<T>> releasedJsonReaders;
    private transient SpecificDatumWriter<T> jsonWriter;

    private AvroCodec(Class<T> type) {
        this(type, DecodeLimits.defaults());
    }

    private AvroCodec(Class<T> type, DecodeLimits limits) {
        this.type = Objects.requireNonNull(type);
        this.limits = Objects.requireNonNull(limits);
    }

    /** The same codec with other decode limits. */
    public AvroCodec<T> withLimits(DecodeLimits newLimits) {
        return new AvroCodec<>(type, newLimits);
    }

    public DecodeLimits limits() { return limits; }

    public static AvroCodec<DeviceEventKey> deviceEventKeys() { return new AvroCodec<>(DeviceEventKey.class); }
    public static AvroCodec<DeviceEvent> deviceEvents() { return new AvroCodec<>(DeviceEvent.class); }
    public static AvroCodec<PatientKey> patientKeys() { return new AvroCodec<>(PatientKey.class); }
    public static AvroCodec<Enrolment> enrolments() { return new AvroCodec<>(Enrolment.class); }
    public static AvroCodec<Episode> episodes() { return new AvroCodec<>(Episode.class); }
    public static AvroCodec<TriageEvent> triageEvents() { return new AvroCodec<>(TriageEvent.class); }

    public Class<T> type() { return type; }

    public Schema schema() { return SpecificData.get().getSchema(type); }

    /** Single-object encoding of {@code record} with the current schema. */
    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder().encode(record);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes single-object bytes written with the current or any released schema. Bounded: the record's size
     * and every length it declares are checked against {@link #limits()} and against the bytes present before
     * Avro allocates anything, and any failure of the decoder, an {@link Error} included, becomes a
     * {@link DecodeException}: one record can never fail the caller.
     *
     * @throws DecodeException with {@link DecodeException.Kind#UNKNOWN_SCHEMA} for a well-formed header
     *     whose fingerprint is not a known schema, {@link DecodeException.Kind#OVER_LIMIT} for a record or a
     *     declared length beyond the limits, {@link DecodeException.Kind#NOT_DECODABLE} for anything else that
     *     does not decode (null, truncated, corrupt, not single-object encoded)
     */
    public T decode(byte[] bytes) throws DecodeException {
        if (bytes == null) {
            throw new DecodeException(DecodeException.Kind.NOT_DECODABLE, "no bytes (null value)", null);
        }
        if (bytes.length > limits.maxRecordBytes()) {
            throw new DecodeException(DecodeException.Kind.OVER_LIMIT, type.getSimpleName() + " record of "
                    + bytes.length + " bytes (limit " + limits.maxRecordBytes() + ")", null);
        }
        try {
            Schema writer = writerOf(bytes);
            if (writer != null) {
                BoundedBody.check(writer, bytes, HEADER_LENGTH, limits);
            }
            return decoder().decode(bytes);
        } catch (DecodeException e) {
            throw e;
        } catch (MissingSchemaException e) {
            throw new DecodeException(DecodeException.Kind.UNKNOWN_SCHEMA,
                    "unknown writer schema fingerprint " + fingerprintHex(bytes), e);
        } catch (BadHeaderException e) {
            throw new DecodeException(DecodeException.Kind.NOT_DECODABLE,
                    "not Avro single-object encoded: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new DecodeException(DecodeException.Kind.NOT_DECODABLE,
                    "truncated or corrupt " + type.getSimpleName() + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (Error e) { // StackOverflowError, OutOfMemoryError, ...: still this record's failure only
            throw new DecodeException(DecodeException.Kind.NOT_DECODABLE,
                    "decoder failed on this " + type.getSimpleName() + ": " + e.getClass().getSimpleName(), null);
        }
    }

    /** The writer schema named by a well-formed single-object header, or null (the decoder then says why). */
    private Schema writerOf(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            return null;
        }
        long fingerprint = 0;
        for (int i = HEADER_LENGTH - 1; i >= 2; i--) { // little-endian CRC-64-AVRO
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xff);
        }
        if (writers == null) {
            Map<Long, Schema> m = new HashMap<>();
            m.put(SchemaNormalization.parsingFingerprint64(schema()), schema());
            for (Schema released : releasedSchemas(type.getSimpleName())) {
                m.put(SchemaNormalization.parsingFingerprint64(released), released);
            }
            writers = m;
        }
        return writers.get(fingerprint);
    }

    /** Avro standard JSON encoding (one line, no trailing newline). */
    public String toJson(T record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder json = EncoderFactory.get().jsonEncoder(schema(), out);
            jsonWriter().write(record, json);
            json.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses Avro standard JSON encoding of the current schema or, failing that, of a released one (newest first),
     * resolved to the current schema as a binary record of an older writer is: a replay file written before a field
     * was added (with a default) still reads, the field taking its default. The error reported is the current
     * schema's.
     */
    public T fromJson(String json) throws DecodeException {
        try {
            JsonDecoder decoder = DecoderFactory.get().jsonDecoder(schema(), json);
            return jsonReader().read(null, decoder);
        } catch (IOException | AvroRuntimeException | IllegalArgumentException | ClassCastException e) {
            for (SpecificDatumReader<T> older : releasedJsonReaders()) {
                try {
                    return older.read(null, DecoderFactory.get().jsonDecoder(older.getSchema(), json));
                } catch (IOException | AvroRuntimeException | IllegalArgumentException | ClassCastException ignored) {
                    // not that version either
                }
            }
            throw new DecodeException(DecodeException.Kind.NOT_DECODABLE,
                    "not a valid " + type.getSimpleName() + " in Avro JSON encoding: " + e.getMessage(), e);
        }
    }

    /** Readers of the released schemas that differ from the current one, newest first (writer: released; reader: current). */
    private List<SpecificDatumReader<T>> releasedJsonReaders() {
        if (releasedJsonReaders == null) {
            List<SpecificDatumReader<T>> readers = new ArrayList<>();
            long current = SchemaNormalization.parsingFingerprint64(schema());
            List<Schema> released = releasedSchemas(type.getSimpleName());
            for (int i = released.size() - 1; i >= 0; i--) {
                Schema writer = released.get(i);
                if (SchemaNormalization.parsingFingerprint64(writer) != current) {
                    readers.add(new SpecificDatumReader<>(writer, schema(), SpecificData.getForClass(type)));
                }
            }
            releasedJsonReaders = readers;
        }
        return releasedJsonReaders;
    }

    private BinaryMessageEncoder<T> encoder() {
        if (encoder == null) {
            encoder = new BinaryMessageEncoder<>(SpecificData.getForClass(type), schema());
        }
        return encoder;
    }

    private BinaryMessageDecoder<T> decoder() {
        if (decoder == null) {
            BinaryMessageDecoder<T> d = new BinaryMessageDecoder<>(SpecificData.getForClass(type), schema());
            for (Schema released : releasedSchemas(type.getSimpleName())) {
                d.addSchema(released);
            }
            decoder = d;
        }
        return decoder;
    }

    private SpecificDatumReader<T> jsonReader() {
        if (jsonReader == null) {
            jsonReader = new SpecificDatumReader<>(schema(), schema(), SpecificData.getForClass(type));
        }
        return jsonReader;
    }

    private SpecificDatumWriter<T> jsonWriter() {
        if (jsonWriter == null) {
            jsonWriter = new SpecificDatumWriter<>(schema(), SpecificData.getForClass(type));
        }
        return jsonWriter;
    }

    /** Every released version of the named schema, oldest first, as shipped in this jar. */
    public static List<Schema> releasedSchemas(String simpleName) {
        List<Schema> out = new ArrayList<>();
        for (String version : releasedVersions()) {
            String path = RELEASED + version + "/" + simpleName + ".avsc";
            try (InputStream in = AvroCodec.class.getClassLoader().getResourceAsStream(path)) {
                if (in != null) {
                    out.add(new Schema.Parser().parse(in));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + path, e);
            }
        }
        return out;
    }

    /** Released versions listed in {@code released/versions.txt}, oldest first. */
    public static List<String> releasedVersions() {
        try (InputStream in = AvroCodec.class.getClassLoader().getResourceAsStream(RELEASED + "versions.txt")) {
            if (in == null) {
                throw new IllegalStateException("missing " + RELEASED + "versions.txt on the classpath");
            }
            List<String> versions = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    versions.add(line.trim());
                }
            }
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fingerprintHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 2; i < Math.min(10, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i]));
        }
        return sb.toString();
    }
}
