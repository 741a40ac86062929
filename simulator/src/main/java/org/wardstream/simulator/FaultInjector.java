package org.wardstream.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.wire.AvroCodec;

/**
 * Injects malformed records into the delivered stream: after a real reading, as extra records (never replacing
 * one), at an exact overall rate. Reasons come in shuffled rounds of all six, so every reason appears once six
 * faults have been injected; each reason cycles through its variants. A fault is delivered at the same time as the
 * reading it follows and is built from it (same patient, same times) but with its own event id.
 */
final class FaultInjector {
    static final long FUTURE_SHIFT_MS = 2 * 24 * 3_600_000L;
    static final String UNKNOWN_PATIENT_PREFIX = "x999";

    /** A schema that is not ours (an imagined legacy gateway format), for UNKNOWN_SCHEMA. */
    static final Schema FOREIGN = new Schema.Parser().parse("""
            {"type":"record","name":"Reading","namespace":"com.example.legacy.v9","fields":[
              {"name":"schemaVersion","type":"string"},
              {"name":"deviceSerial","type":"string"},
              {"name":"measuredAt","type":"long"},
              {"name":"kind","type":"string"},
              {"name":"value","type":"double"}]}""");

    /** The reasons the simulator injects, in a fixed order (new reasons do not change a seed's output). */
    static final DeadLetterReason[] REASONS = {DeadLetterReason.NOT_DECODABLE, DeadLetterReason.UNKNOWN_SCHEMA,
            DeadLetterReason.INVALID_FIELD, DeadLetterReason.IMPLAUSIBLE_VALUE, DeadLetterReason.FUTURE_TIME,
            DeadLetterReason.UNKNOWN_PATIENT};

    private final double perRecord;
    private final SplittableRandom r;
    private final AvroCodec<DeviceEvent> values;
    private final ReplayJson json;
    private final String programme;
    private final long[] counts = new long[DeadLetterReason.values().length];
    private final int[] variants = new int[DeadLetterReason.values().length];
    private final List<DeadLetterReason> round = new ArrayList<>();
    private double credit;

    FaultInjector(SimulatorConfig config, AvroCodec<DeviceEvent> values, ReplayJson json) {
        double rate = config.malformedRate();
        this.perRecord = rate / (1 - rate);
        this.r = Seeds.rng(config.seed(), -1, Seeds.FAULTS);
        this.credit = r.nextDouble();
        this.values = values;
        this.json = json;
        this.programme = config.programme();
    }

    /** Counts a delivered non-fault record towards the rate. */
    void tick() {
        credit += perRecord;
    }

    /** Faults due after the real reading {@code template}, delivered at the same time; usually none. */
    List<SimulatedRecord> after(SimulatedRecord template, PatientStream ps) {
        return after(template, ps.key, ps.keyBytes, ps.keyJson);
    }

    /** Whether the next {@link #after} call makes at least one fault. */
    boolean due() {
        return credit >= 1;
    }

    /**
     * Faults due after the real reading {@code template} of the patient with this key (as an object, its wire bytes
     * and its replay-file JSON), delivered at the same time; usually none.
     */
    List<SimulatedRecord> after(SimulatedRecord template, DeviceEventKey key, byte[] keyBytes, String keyJson) {
        if (credit < 1) {
            return List.of();
        }
        List<SimulatedRecord> out = new ArrayList<>(1);
        while (credit >= 1) {
            credit -= 1;
            DeadLetterReason reason = nextReason();
            counts[index(reason)]++;
            out.add(make(reason, template, key, keyBytes, keyJson));
        }
        return out;
    }

    long count(DeadLetterReason reason) {
        int i = index(reason);
        return i < 0 ? 0 : counts[i];
    }

    private static int index(DeadLetterReason reason) {
        for (int i = 0; i < REASONS.length; i++) {
            if (REASONS[i] == reason) {
                return i;
            }
        }
        return -1; // not injected: count() is 0
    }

    private DeadLetterReason nextReason() {
        if (round.isEmpty()) {
            round.addAll(Arrays.asList(REASONS));
            for (int i = round.size() - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                DeadLetterReason t = round.get(i);
                round.set(i, round.get(j));
                round.set(j, t);
            }
        }
        return round.remove(round.size() - 1);
    }

    private SimulatedRecord make(DeadLetterReason reason, SimulatedRecord t, DeviceEventKey key, byte[] keyBytes,
                                 String keyJson) {
        DeviceEvent tv = t.decodedValue();
        int variant = variants[index(reason)]++ % 4;
        String code = reason.code();
        long ts = t.timestampMs();
        switch (reason) {
            case NOT_DECODABLE -> {
                DeviceEvent fresh = copy(tv, newId(), tv.getPayload());
                byte[] bytes = values.encode(fresh);
                String line = json.line(keyJson, fresh);
                int valueAt = keyJson.length() + "{\"key\":,\"value\":".length();
                switch (variant) {
                    case 0 -> { // truncated value bytes; in a file, the line cut inside the value
                        byte[] cut = Arrays.copyOf(bytes, 10 + r.nextInt(bytes.length - 11));
                        String l = line.substring(0, valueAt + 1 + r.nextInt(line.length() - valueAt - 2));
                        return new SimulatedRecord(keyBytes, cut, ts, key, null, l, code);
                    }
                    case 1 -> { // random garbage; in a file, a line that is not JSON
                        byte[] g = new byte[16 + r.nextInt(185)];
                        for (int i = 0; i < g.length; i++) {
                            g[i] = (byte) r.nextInt(256);
                        }
                        g[0] = (byte) r.nextInt(0xC3); // never the single-object marker
                        String l = "~" + Base64.getEncoder().withoutPadding().encodeToString(g);
                        return new SimulatedRecord(keyBytes, g, ts, key, null, l, code);
                    }
                    case 2 -> { // null value
                        return new SimulatedRecord(keyBytes, null, ts, key, null,
                                ReplayJson.line(keyJson, "null"), code);
                    }
                    default -> { // truncated key bytes (value intact); in a file, the line cut inside the key
                        byte[] k = Arrays.copyOf(keyBytes, 3 + r.nextInt(keyBytes.length - 4));
                        String l = line.substring(0, 8 + r.nextInt(keyJson.length() - 2));
                        return new SimulatedRecord(k, bytes, ts, null, fresh, l, code);
                    }
                }
            }
            case UNKNOWN_SCHEMA -> {
                GenericRecord foreign = new GenericData.Record(FOREIGN);
                foreign.put("schemaVersion", "9.9");
                foreign.put("deviceSerial", key.getSourceId());
                foreign.put("measuredAt", tv.getTime().toEpochMilli());
                foreign.put("kind", "heart-rate");
                foreign.put("value", 60.0 + r.nextInt(40));
                return new SimulatedRecord(keyBytes, foreignBytes(foreign), ts, key, null,
                        ReplayJson.line(keyJson, foreignJson(foreign)), code);
            }
            case INVALID_FIELD -> {
                DeviceEvent e = switch (variant) {
                    case 0 -> copy(tv, "", tv.getPayload()); // blank event id
                    case 1 -> { // rrMs and quality of different lengths
                        RrIntervalBatch b = rrBatch(tv.getTime(), 3 + r.nextInt(40), -1);
                        b.setQuality(new ArrayList<>(b.getQuality().subList(0, b.getQuality().size() - 1)));
                        yield copy(tv, newId(), b);
                    }
                    case 2 -> copy(tv, newId(), new ActivitySample(r.nextBoolean() ? 0 : -300, 12, 40));
                    default -> copy(tv, newId(), new ActivitySample(300, null, null));
                };
                return valid(e, key, keyBytes, keyJson, ts, code);
            }
            case IMPLAUSIBLE_VALUE -> {
                Object payload = switch (variant) {
                    case 0 -> new HeartRateSample(400f, 0.9f);
                    case 1 -> new HeartRateSample(10f, 0.9f);
                    case 2 -> rrBatch(tv.getTime(), 20 + r.nextInt(40), 100);
                    default -> rrBatch(tv.getTime(), 5 + r.nextInt(10), 90_000);
                };
                return valid(copy(tv, newId(), payload), key, keyBytes, keyJson, ts, code);
            }
            case FUTURE_TIME -> {
                Instant future = tv.getTimeReceived().plusMillis(FUTURE_SHIFT_MS);
                Object payload = tv.getPayload();
                if (payload instanceof RrIntervalBatch b) {
                    payload = new RrIntervalBatch(future, b.getRrMs(), b.getQuality());
                }
                DeviceEvent e = new DeviceEvent(newId(), future, tv.getTimeReceived(), tv.getUtcOffsetMinutes(), payload);
                return valid(e, key, keyBytes, keyJson, ts, code);
            }
            default -> { // UNKNOWN_PATIENT: a valid reading for a patient who is never enrolled
                int n = variants[index(reason)] % 5 + 1;
                DeviceEventKey k = new DeviceEventKey(programme, String.format("%s%03d", UNKNOWN_PATIENT_PREFIX, n),
                        String.format("dev-unknown%03d", n));
                byte[] kb = AvroCodec.deviceEventKeys().encode(k);
                return valid(copy(tv, newId(), tv.getPayload()), k, kb, json.key(k), ts, code);
            }
        }
    }

    private SimulatedRecord valid(DeviceEvent e, DeviceEventKey k, byte[] kb, String keyJson, long ts, String code) {
        return new SimulatedRecord(kb, values.encode(e), ts, k, e, json.line(keyJson, e), code);
    }

    private String newId() {
        return Seeds.uuid(r).toString();
    }

    private static DeviceEvent copy(DeviceEvent e, String id, Object payload) {
        return new DeviceEvent(id, e.getTime(), e.getTimeReceived(), e.getUtcOffsetMinutes(), payload);
    }

    /**
     * A plausible sinus batch; when {@code bad > 0} more than half of its CLEAN intervals (the first n/2 + 1) have that
     * value: ingest refuses a batch only when most of it is implausible (a few such intervals are analysed as excluded).
     */
    private RrIntervalBatch rrBatch(Instant start, int n, int bad) {
        List<Integer> rr = new ArrayList<>(n);
        List<BeatQuality> q = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rr.add(780 + r.nextInt(60));
            q.add(BeatQuality.CLEAN);
        }
        for (int i = 0; bad > 0 && i <= n / 2; i++) {
            rr.set(i, bad);
        }
        return new RrIntervalBatch(start, rr, q);
    }

    static byte[] foreignBytes(GenericRecord rec) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0xC3);
            out.write(0x01);
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(SchemaNormalization.parsingFingerprint64(FOREIGN)).array());
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(FOREIGN).write(rec, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String foreignJson(GenericRecord rec) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder enc = EncoderFactory.get().jsonEncoder(FOREIGN, out);
            new GenericDatumWriter<GenericRecord>(FOREIGN).write(rec, enc);
            enc.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
