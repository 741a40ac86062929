package org.wardstream.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.Connectivity;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;

/**
 * Avro single-object encoding of device events and keys, byte-identical to {@link AvroCodec#encode} but without
 * Avro's generic writer (which costs most of the simulator's time). The header (marker and schema fingerprint) is
 * taken from {@link AvroCodec} itself; on construction the writer checks itself against {@link AvroCodec} for every
 * payload kind and, if the schema has changed under it, uses {@link AvroCodec} for everything. Thread-confined.
 */
final class WireEncoder {
    private final AvroCodec<DeviceEvent> values = AvroCodec.deviceEvents();
    private final AvroCodec<DeviceEventKey> keys = AvroCodec.deviceEventKeys();
    private final byte[] valueHeader;
    private final byte[] keyHeader;
    private final boolean fast;
    private byte[] buf = new byte[4096];
    private int n;

    WireEncoder() {
        Instant t = Instant.parse("2026-03-02T10:15:30.123Z");
        DeviceEventKey k = new DeviceEventKey("virtual-ward", "p000001", "dev-0123456789ab");
        this.keyHeader = Arrays.copyOf(keys.encode(k), 10);
        this.valueHeader = Arrays.copyOf(values.encode(new DeviceEvent("x", t, t, 0, new HeartRateSample(60f, null))), 10);
        this.fast = selfCheck(t, k);
    }

    boolean fast() {
        return fast;
    }

    byte[] key(DeviceEventKey k) {
        return fast ? fastKey(k) : keys.encode(k);
    }

    byte[] value(DeviceEvent e) {
        if (!fast) {
            return values.encode(e);
        }
        return fastValue(e);
    }

    private byte[] fastValue(DeviceEvent e) {
        start(valueHeader);
        string(e.getEventId());
        varLong(e.getTime().toEpochMilli());
        varLong(e.getTimeReceived().toEpochMilli());
        varLong(e.getUtcOffsetMinutes());
        Object p = e.getPayload();
        if (p instanceof HeartRateSample h) {
            varLong(0);
            floatLe(h.getBpm());
            Float q = h.getSignalQuality();
            if (q == null) {
                varLong(0);
            } else {
                varLong(1);
                floatLe(q);
            }
        } else if (p instanceof RrIntervalBatch b) {
            varLong(1);
            varLong(b.getStart().toEpochMilli());
            List<Integer> rr = b.getRrMs();
            if (!rr.isEmpty()) {
                varLong(rr.size());
                if (rr instanceof CompactLists.Ints ints) {
                    for (int v : ints.values) {
                        varLong(v);
                    }
                } else {
                    for (Integer v : rr) {
                        varLong(v);
                    }
                }
            }
            varLong(0);
            List<BeatQuality> q = b.getQuality();
            if (!q.isEmpty()) {
                varLong(q.size());
                if (q instanceof CompactLists.Qualities qs) {
                    for (byte o : qs.ordinals) {
                        varLong(o);
                    }
                } else {
                    for (BeatQuality v : q) {
                        varLong(v.ordinal());
                    }
                }
            }
            varLong(0);
        } else if (p instanceof ActivitySample a) {
            varLong(2);
            varLong(a.getIntervalSeconds());
            nullableInt(a.getSteps());
            nullableInt(a.getActivityCount());
        } else if (p instanceof WearState w) {
            varLong(3);
            ensure(1);
            buf[n++] = (byte) (w.getOnBody() ? 1 : 0);
            varLong(w.getMethod().ordinal());
        } else if (p instanceof DeviceStatus s) {
            varLong(4);
            nullableInt(s.getBatteryPercent());
            varLong(s.getConnectivity().ordinal());
            nullableInt(s.getBufferedEvents());
        } else {
            throw new IllegalArgumentException("unknown payload " + p);
        }
        return Arrays.copyOf(buf, n);
    }

    private void start(byte[] header) {
        n = 0;
        ensure(header.length);
        System.arraycopy(header, 0, buf, 0, header.length);
        n = header.length;
    }

    private void ensure(int more) {
        if (n + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }
    }

    private void nullableInt(Integer v) {
        if (v == null) {
            varLong(0);
        } else {
            varLong(1);
            varLong(v);
        }
    }

    /** Avro int and long: zig-zag, then base-128 varint. */
    private void varLong(long v) {
        ensure(10);
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            buf[n++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        buf[n++] = (byte) z;
    }

    private void floatLe(float f) {
        ensure(4);
        int bits = Float.floatToRawIntBits(f);
        buf[n++] = (byte) bits;
        buf[n++] = (byte) (bits >>> 8);
        buf[n++] = (byte) (bits >>> 16);
        buf[n++] = (byte) (bits >>> 24);
    }

    private void string(String s) {
        int len = s.length();
        boolean ascii = true;
        for (int i = 0; i < len && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        if (ascii) {
            varLong(len);
            ensure(len);
            for (int i = 0; i < len; i++) {
                buf[n++] = (byte) s.charAt(i);
            }
        } else {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varLong(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
        }
    }

    private boolean selfCheck(Instant t, DeviceEventKey k) {
        List<Object> payloads = List.of(
                new HeartRateSample(72.4f, 0.93f), new HeartRateSample(131.7f, null),
                new RrIntervalBatch(t, List.of(812, 790, 1612, 100000), List.of(BeatQuality.CLEAN, BeatQuality.ARTEFACT,
                        BeatQuality.GAP, BeatQuality.CLEAN)),
                new RrIntervalBatch(t, new CompactLists.Ints(new int[] {640, 3900}),
                        new CompactLists.Qualities(new byte[] {0, 2})),
                new RrIntervalBatch(t, List.of(), List.of()),
                new ActivitySample(300, 12, 345), new ActivitySample(-300, null, null),
                new WearState(true, WearDetection.OPTICAL), new WearState(false, WearDetection.CHARGER),
                new DeviceStatus(87, Connectivity.ONLINE, 0), new DeviceStatus(null, Connectivity.RECONNECTED, null));
        try {
            if (!Arrays.equals(keys.encode(k), fastKey(k))) {
                return false;
            }
            for (Object p : payloads) {
                for (String id : new String[] {"8c0b6a8e-5f7e-4c1e-9a43-0d4b5f6e7a81", "", "é\u20ac"}) {
                    DeviceEvent e = new DeviceEvent(id, t, t.plusMillis(-123_456_789_000L), -60, p);
                    if (!Arrays.equals(values.encode(e), fastValue(e))) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private byte[] fastKey(DeviceEventKey k) {
        start(keyHeader);
        string(k.getProgramme());
        string(k.getPatientId());
        string(k.getSourceId());
        return Arrays.copyOf(buf, n);
    }
}
