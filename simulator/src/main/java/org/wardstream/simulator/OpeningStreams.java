package org.wardstream.simulator;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.DecodeException;

/**
 * The first {@code records} device-event records of a population, in the order {@link Simulator#run} delivers them,
 * without holding the population in memory: for the scale benchmark (up to 999,999 patients with a few records
 * each), where {@link Simulator} would plan a whole period for every patient and keep every patient's next five
 * minutes of events at once.
 *
 * <p>How: each patient in turn is planned and rendered by the simulator's own code ({@link SyntheticPatient},
 * {@link PatientPlan}, {@link PatientStream}, {@link WireEncoder}), but only up to a delivery-time horizon (estimated
 * from a sample of patients so that the population delivers enough records before it, and doubled if not), and the
 * plan covers only that horizon plus {@link #PLAN_MARGIN_MS}; the patient's records go to a spill file as wire bytes
 * and the patient is dropped before the next. Then a compact index (the delivery time, patient and rank of every
 * record packed in a long) is sorted into delivery order, ties broken by patient then by the patient's own order
 * as in {@link Simulator#run}, and the simulator's {@link FaultInjector} runs over the records in that order, so
 * the injected malformed records are the same too.
 *
 * <p>Memory: the heap holds one patient's plan and stream at a time and, per record, 8 bytes of sort key while
 * sorting, then 8 bytes of spill offset and 4 of order ({@link #indexBytes()}); the records themselves are in the
 * spill file ({@link #spillBytes()}, in the page cache), so the heap does not grow with the records' size.
 *
 * <p>Same records as the full simulator: a day's plan draws sleep and off-body periods first, from the patient's
 * plan stream, day by day, so a shorter plan has the same ones for its days; the rest of a plan (connectivity loss
 * from 15 minutes into the period, rhythm episodes from 20, inactivity from 10 and only between 08:00 and 22:00
 * local) cannot touch a patient's first minutes. So in the opening minutes the records are byte-identical to
 * {@link Simulator#run}'s for the same config (OpeningStreamsTest checks it); later in a long horizon they are a
 * rendering of a shorter plan, with fewer episodes and outages than a day's.
 */
public final class OpeningStreams implements AutoCloseable {
    /** One record as delivered: wire key and value (either may be malformed), the Kafka timestamp, and null, "duplicate" or a dead-letter code. */
    public record Record(byte[] key, byte[] value, long timestampMs, String injectedFault) {
    }

    /** How far past the delivery horizon a patient's plan reaches (longer than any delivery delay but an outage's). */
    static final long PLAN_MARGIN_MS = 30 * PatientPlan.MINUTE;
    /** Patients rendered to estimate the horizon (every k-th). */
    static final int SAMPLE_PATIENTS = 512;
    private static final int RANK_BITS = 17;
    private static final int PATIENT_BITS = 20;
    private static final long MAX_SPAN_MS = (1L << (63 - RANK_BITS - PATIENT_BITS)) - 1;

    private final SimulatorConfig config;
    private final Path spill;
    private final FileChannel channel;
    private final long horizonMs;
    /** Spill offset of each generated record (file order), then the file's length. */
    private final long[] offsets;
    private final BitSet duplicates;
    /** The delivered records: a record number, or -(index into faults + 1). */
    private final int[] order;
    private final List<Record> faults;

    private OpeningStreams(SimulatorConfig config, Path spill, long horizonMs, long[] offsets, BitSet duplicates)
            throws IOException {
        this.config = config;
        this.spill = spill;
        this.channel = FileChannel.open(spill, StandardOpenOption.READ);
        this.horizonMs = horizonMs;
        this.offsets = offsets;
        this.duplicates = duplicates;
        this.order = null;
        this.faults = null;
    }

    private OpeningStreams(OpeningStreams o, int[] order, List<Record> faults) {
        this.config = o.config;
        this.spill = o.spill;
        this.channel = o.channel;
        this.horizonMs = o.horizonMs;
        this.offsets = o.offsets;
        this.duplicates = o.duplicates;
        this.order = order;
        this.faults = faults;
    }

    /**
     * The first {@code records} records of {@code config}'s delivery, with a spill file in {@code spillDir} (deleted
     * by {@link #close}).
     *
     * @throws IllegalArgumentException when the config's whole period delivers fewer records, or it would take the
     *                                  opening more than about nine hours to deliver them
     */
    public static OpeningStreams generate(SimulatorConfig config, int records, Path spillDir) throws IOException {
        Objects.requireNonNull(config, "config");
        if (records < 1 || config.patients() < 1) {
            throw new IllegalArgumentException("records and patients must be positive");
        }
        long start = config.start().toEpochMilli();
        long end = Math.min(config.end().toEpochMilli(), start + MAX_SPAN_MS);
        long horizon = Math.min(end, estimateHorizon(config, records));
        while (true) {
            OpeningStreams o = attempt(config, records, spillDir, horizon);
            if (o != null) {
                return o;
            }
            if (horizon >= end) {
                throw new IllegalArgumentException("the first " + (end - start) / 60_000 + " minutes of " + config.patients()
                        + " patients deliver fewer than " + records + " records");
            }
            horizon = Math.min(end, start + 2 * (horizon - start));
        }
    }

    /**
     * A delivery time before which the population delivers {@code records} records or more, estimated from every
     * k-th patient (generous: 5 % more records, then 30 s and a tenth more time).
     */
    static long estimateHorizon(SimulatorConfig config, int records) {
        int patients = config.patients();
        int stride = Math.max(1, patients / SAMPLE_PATIENTS);
        long start = config.start().toEpochMilli();
        long cap = Math.min(config.end().toEpochMilli(), start + 6 * PatientPlan.HOUR);
        int perPatientLimit = (int) Math.min(100_000, 3L * records / patients + 20);
        List<Long> deliveries = new ArrayList<>();
        int sampled = 0;
        for (int i = 0; i < patients; i += stride) {
            sampled++;
            PatientStream s = stream(config, i, cap);
            for (int c = 0; s != null && c < perPatientLimit && s.advance() && s.headDelivery() < cap; c++) {
                deliveries.add(s.poll().delivery);
            }
        }
        deliveries.sort(null);
        double scale = (double) patients / sampled;
        int needed = (int) Math.ceil(records * 1.05 / scale);
        if (needed > deliveries.size() || needed < 1) {
            return needed < 1 ? start + 60_000 : cap;
        }
        long t = deliveries.get(needed - 1);
        return t + 30_000 + (t - start) / 10;
    }

    /** Patient {@code i}'s stream with a plan up to {@code horizon} plus the margin, or null when it starts later. */
    private static PatientStream stream(SimulatorConfig config, int i, long horizon) {
        SyntheticPatient profile = new SyntheticPatient(config, i);
        if (profile.dataStartMs >= horizon) {
            return null;
        }
        long planEnd = Math.min(config.end().toEpochMilli(), horizon + PLAN_MARGIN_MS);
        return new PatientStream(new PatientPlan(profile, config, planEnd), config);
    }

    /** Every record delivered before {@code horizon}, spilled and ordered; null (spill deleted) when too few. */
    private static OpeningStreams attempt(SimulatorConfig config, int records, Path spillDir, long horizon)
            throws IOException {
        int patients = config.patients();
        long start = config.start().toEpochMilli();
        Path file = Files.createTempFile(spillDir, "opening-", ".bin");
        LongList keys = new LongList();
        LongList offsets = new LongList();
        BitSet duplicates = new BitSet();
        int[] first = new int[patients + 1];
        WireEncoder wire = new WireEncoder();
        int n = 0;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
            long pos = 0;
            for (int i = 0; i < patients; i++) {
                first[i] = n;
                PatientStream s = stream(config, i, horizon);
                if (s == null) {
                    continue;
                }
                byte[] key = wire.key(s.key);
                int rank = 0;
                while (s.advance() && s.headDelivery() < horizon) {
                    PatientStream.Pending p = s.poll();
                    byte[] value;
                    if (p.original != null) { // a re-send: the original's bytes, as Simulator.run sends it
                        value = p.original.bytes;
                        p.original.bytes = null;
                        duplicates.set(n);
                    } else {
                        value = wire.value(p.event);
                        if (p.hasDuplicate) {
                            p.bytes = value;
                        }
                    }
                    if (rank >= 1 << RANK_BITS || n == Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("too many records per patient or in all for the index");
                    }
                    keys.add(((p.delivery - start) << (RANK_BITS + PATIENT_BITS)) | ((long) i << RANK_BITS) | rank);
                    offsets.add(pos);
                    out.writeLong(p.delivery);
                    out.writeInt(key.length);
                    out.write(key);
                    out.write(value);
                    pos += 12 + key.length + value.length;
                    rank++;
                    n++;
                }
            }
            first[patients] = n;
            offsets.add(pos);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        long[] sorted = keys.toArray();
        keys = null;
        Arrays.sort(sorted);
        OpeningStreams spilled = new OpeningStreams(config, file, horizon, offsets.toArray(), duplicates);
        try {
            OpeningStreams o = spilled.inOrder(sorted, first, records);
            if (o == null) {
                spilled.close();
            }
            return o;
        } catch (IOException | RuntimeException e) {
            spilled.close();
            throw e;
        }
    }

    /** The delivered order with the injected faults, as {@link Simulator#run} makes it; null when too few records. */
    private OpeningStreams inOrder(long[] sorted, int[] first, int records) throws IOException {
        FaultInjector injector = new FaultInjector(config, AvroCodec.deviceEvents(), new ReplayJson());
        AvroCodec<DeviceEvent> values = AvroCodec.deviceEvents();
        AvroCodec<DeviceEventKey> keys = AvroCodec.deviceEventKeys();
        ReplayJson json = new ReplayJson();
        int[] out = new int[records];
        List<Record> injected = new ArrayList<>();
        int m = 0;
        for (int j = 0; j < sorted.length && m < records; j++) {
            int patient = (int) ((sorted[j] >>> RANK_BITS) & ((1 << PATIENT_BITS) - 1));
            int rec = first[patient] + (int) (sorted[j] & ((1 << RANK_BITS) - 1));
            out[m++] = rec;
            injector.tick();
            if (m < records && !duplicates.get(rec) && injector.due()) {
                Record r = read(rec);
                SimulatedRecord template;
                DeviceEventKey key;
                try {
                    key = keys.decode(r.key());
                    template = new SimulatedRecord(r.key(), r.value(), r.timestampMs(), key, values.decode(r.value()), null, null);
                } catch (DecodeException e) {
                    throw new IllegalStateException("a generated record does not decode: " + e.getMessage(), e);
                }
                for (SimulatedRecord f : injector.after(template, key, r.key(), json.key(key))) {
                    if (m < records) {
                        injected.add(new Record(f.key(), f.value(), f.timestampMs(), f.injectedFault()));
                        out[m++] = -injected.size();
                    }
                }
            }
        }
        return m < records ? null : new OpeningStreams(this, out, List.copyOf(injected));
    }

    private Record read(int rec) throws IOException {
        long from = offsets[rec];
        ByteBuffer b = ByteBuffer.allocate((int) (offsets[rec + 1] - from));
        while (b.hasRemaining()) {
            if (channel.read(b, from + b.position()) < 0) {
                throw new EOFException("spill file " + spill + " ends early");
            }
        }
        b.flip();
        long delivery = b.getLong();
        byte[] key = new byte[b.getInt()];
        b.get(key);
        byte[] value = new byte[b.remaining()];
        b.get(value);
        return new Record(key, value, delivery, duplicates.get(rec) ? SimulatedRecord.DUPLICATE : null);
    }

    public SimulatorConfig config() {
        return config;
    }

    /** Records delivered (the {@code records} asked for). */
    public int size() {
        return order.length;
    }

    /** The delivery-time horizon the patients were rendered to (epoch ms): every record here is delivered before it. */
    public long horizonMs() {
        return horizonMs;
    }

    /** Records rendered and spilled (everything delivered before the horizon; at least {@link #size()} less the faults). */
    public int renderedRecords() {
        return offsets.length - 1;
    }

    /** Size of the spill file, bytes. */
    public long spillBytes() {
        return offsets[offsets.length - 1];
    }

    /** Heap held for the records after generation: spill offsets, order and duplicate flags (faults aside), bytes. */
    public long indexBytes() {
        return 8L * offsets.length + 4L * order.length + duplicates.size() / 8;
    }

    /** Injected malformed records with this dead-letter code among records {@code from} to {@code to} (exclusive). */
    public int injected(String code, int from, int to) {
        Objects.checkFromToIndex(from, to, order.length);
        int count = 0;
        for (int i = from; i < to; i++) {
            if (order[i] < 0 && code.equals(faults.get(-order[i] - 1).injectedFault())) {
                count++;
            }
        }
        return count;
    }

    /** Every patient's enrolment, in patient order, as {@link Simulator#enrolments()} has them (made one at a time). */
    public void enrolments(BiConsumer<PatientKey, Enrolment> sink) {
        String programme = config.programme();
        for (int i = 0; i < config.patients(); i++) {
            SyntheticPatient p = new SyntheticPatient(config, i);
            sink.accept(p.key(programme), p.enrolment(programme));
        }
    }

    /** Records {@code from} (inclusive) to {@code to} (exclusive) in delivery order, read from the spill file. */
    public void forEach(int from, int to, Consumer<Record> sink) {
        Objects.checkFromToIndex(from, to, order.length);
        try {
            for (int i = from; i < to; i++) {
                int o = order[i];
                sink.accept(o >= 0 ? read(o) : faults.get(-o - 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes and deletes the spill file. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(spill);
        }
    }

    /** A growable list of longs (no boxing: tens of millions of entries). */
    private static final class LongList {
        private long[] a = new long[1024];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, Math.addExact(n, n >> 1));
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
