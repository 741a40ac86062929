package org.wardstream.simulator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;

/**
 * Writes the replay format read by {@code wardstream replay}: UTF-8, one record per line, LF line ends. Events file:
 * {@link SimulatedRecord#jsonLine()} ({@code {"key":<DeviceEventKey>,"value":<DeviceEvent>}} in Avro JSON, or the
 * file form of an injected fault, see the simulator README). Enrolments file:
 * {@code {"key":<PatientKey>,"value":<Enrolment or null for a tombstone>}}.
 */
public final class FileSimulationSink implements SimulationSink, AutoCloseable {
    private final AvroCodec<PatientKey> patientKeys = AvroCodec.patientKeys();
    private final AvroCodec<Enrolment> enrolmentCodec = AvroCodec.enrolments();
    private final Path eventsFile;
    private final Writer events;
    private final Writer enrolments;
    private long eventLines;
    private long enrolmentLines;

    public FileSimulationSink(Path eventsFile, Path enrolmentsFile) {
        this.eventsFile = eventsFile;
        try {
            createParent(eventsFile);
            createParent(enrolmentsFile);
            this.events = new BufferedWriter(Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8), 1 << 16);
            this.enrolments = Files.newBufferedWriter(enrolmentsFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open replay files " + eventsFile + ", " + enrolmentsFile, e);
        }
    }

    /** The enrolments-file line of one enrolment ({@code value} null: a tombstone). */
    public static String enrolmentLine(PatientKey key, Enrolment value) {
        return enrolmentLine(AvroCodec.patientKeys(), AvroCodec.enrolments(), key, value);
    }

    private static String enrolmentLine(AvroCodec<PatientKey> keys, AvroCodec<Enrolment> values, PatientKey key,
                                        Enrolment value) {
        return "{\"key\":" + keys.toJson(key) + ",\"value\":" + (value == null ? "null" : values.toJson(value)) + "}";
    }

    @Override
    public void enrolment(PatientKey key, Enrolment value) {
        write(enrolments, enrolmentLine(patientKeys, enrolmentCodec, key, value));
        enrolmentLines++;
    }

    @Override
    public void deviceEvent(SimulatedRecord record) {
        write(events, record.jsonLine());
        eventLines++;
    }

    public long eventLines() {
        return eventLines;
    }

    public long enrolmentLines() {
        return enrolmentLines;
    }

    @Override
    public void close() {
        try (Writer a = events; Writer b = enrolments) {
            a.flush();
            b.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close replay files " + eventsFile, e);
        }
    }

    private void write(Writer w, String line) {
        try {
            w.write(line);
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write replay file " + eventsFile, e);
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
