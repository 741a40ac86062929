package org.wardstream.bench;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.wardstream.contract.Topics;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;
import org.wardstream.simulator.OpeningStreams;
import org.wardstream.simulator.SimulatorConfig;

/**
 * The scale curve's records for populations too large for {@link EventSet}: the same records (the simulator's first
 * 2N in delivery order, one simulated day, the default rates, pseudonyms replaced by 36-character ones as
 * {@link EventSet} does with production keys) from {@link OpeningStreams}, which renders one patient at a time up to
 * a delivery horizon and keeps the records in a spill file, not on the heap. Sent from the file, mapping each key on
 * the way.
 */
final class OpeningEventSet implements RecordSource, AutoCloseable {
    final OpeningStreams records;
    private final int n;
    private final int unknownPatientN;
    /** Wall time and process CPU time to generate, seconds. */
    final double generateSeconds;
    final double generateCpuSeconds;
    private final AvroCodec<DeviceEventKey> deviceKeys = AvroCodec.deviceEventKeys();

    private OpeningEventSet(OpeningStreams records, int n, double seconds, double cpuSeconds) {
        this.records = records;
        this.n = Math.min(n, records.size());
        this.unknownPatientN = records.injected("unknown-patient", 0, this.n);
        this.generateSeconds = seconds;
        this.generateCpuSeconds = cpuSeconds;
    }

    /** The first 2N records of {@code patients} patients' first simulated day (seed {@code seed}), spilled into {@code dir}. */
    static OpeningEventSet generate(int n, int patients, long seed, Path dir) throws IOException {
        if (n < 1 || patients < 1) {
            throw new IllegalArgumentException("events and patients must be positive");
        }
        long start = System.nanoTime();
        long cpu = Cpu.processNanos();
        OpeningStreams records = OpeningStreams.generate(SimulatorConfig.defaults(patients, 1, seed), 2 * n, dir);
        return new OpeningEventSet(records, n, (System.nanoTime() - start) / 1e9, (Cpu.processNanos() - cpu) / 1e9);
    }

    @Override
    public int patients() {
        return records.config().patients();
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public int size() {
        return records.size();
    }

    @Override
    public int unknownPatientN() {
        return unknownPatientN;
    }

    @Override
    public void sendEnrolments(Producer<byte[], byte[]> producer, Callback check) {
        AvroCodec<PatientKey> keys = AvroCodec.patientKeys();
        AvroCodec<Enrolment> values = AvroCodec.enrolments();
        records.enrolments((key, value) -> producer.send(new ProducerRecord<>(Topics.ENROLMENTS,
                keys.encode(EventSet.productionKey(key)), value == null ? null : values.encode(EventSet.productionKey(value))),
                check));
    }

    @Override
    public void sendRecords(int from, int to, Producer<byte[], byte[]> producer, Integer partition, Callback check) {
        records.forEach(from, to, r -> producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS, partition, r.timestampMs(),
                productionKey(r.key()), r.value()), check));
    }

    /** The key with a 36-character pseudonym, as {@link EventSet} makes it; a key that does not decode stays as it is. */
    byte[] productionKey(byte[] key) {
        DeviceEventKey decoded;
        try {
            decoded = deviceKeys.decode(key);
        } catch (DecodeException corrupt) {
            return key;
        }
        return decoded.getPatientId() == null ? key : deviceKeys.encode(EventSet.productionKey(decoded));
    }

    @Override
    public void close() throws IOException {
        records.close();
    }
}
