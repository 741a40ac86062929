package org.wardstream.simulator;

import java.time.Instant;
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
 * Replay-file lines: {@code {"key":<key>,"value":<value>}}, each part in Avro's standard JSON encoding exactly as
 * {@link AvroCodec#toJson} writes it. Avro's JSON encoder costs ~10 us per event; this writes the same text
 * directly (~1 us). On construction it checks itself against {@link AvroCodec#toJson} for every payload kind and,
 * if the schema has changed under it, uses Avro for everything; any string it cannot write verbatim also goes to
 * Avro. Thread-confined.
 */
final class ReplayJson {
    private final AvroCodec<DeviceEvent> values = AvroCodec.deviceEvents();
    private final AvroCodec<DeviceEventKey> keys = AvroCodec.deviceEventKeys();
    private final boolean fast;
    private final java.util.HashMap<Float, byte[]> floats = new java.util.HashMap<>();
    private byte[] buf = new byte[4096];
    private int n;

    /** Decimal text of 0-9999 (RR intervals, counts, offsets). */
    private static final byte[][] SMALL = new byte[10_000][];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = ascii(Integer.toString(i));
        }
    }

    private static final byte[][] QUALITY_TEXT = {ascii("\"CLEAN\""), ascii("\"ARTEFACT\""), ascii("\"GAP\"")};

    ReplayJson() {
        this.fast = selfCheck();
    }

    /** Whether the fast writer is in use (false means it disagreed with Avro and Avro is used). */
    boolean fast() {
        return fast;
    }

    String key(DeviceEventKey k) {
        if (!fast || !plain(k.getProgramme()) || !plain(k.getPatientId()) || !plain(k.getSourceId())) {
            return keys.toJson(k);
        }
        return fastKey(k);
    }

    /** The replay line of a record whose value is {@code e} and whose key JSON is {@code keyJson}. */
    String line(String keyJson, DeviceEvent e) {
        if (!fast || !plain(e.getEventId())) {
            return line(keyJson, values.toJson(e));
        }
        n = 0;
        append("{\"key\":").append(keyJson).append(",\"value\":");
        appendValue(e);
        append('}');
        return text();
    }

    static String line(String keyJson, String valueJson) {
        return "{\"key\":" + keyJson + ",\"value\":" + valueJson + "}";
    }

    private void appendValue(DeviceEvent e) {
        append("{\"eventId\":\"").append(e.getEventId())
                .append("\",\"time\":").append(e.getTime().toEpochMilli())
                .append(",\"timeReceived\":").append(e.getTimeReceived().toEpochMilli())
                .append(",\"utcOffsetMinutes\":").append(e.getUtcOffsetMinutes())
                .append(",\"payload\":{\"");
        Object p = e.getPayload();
        if (p instanceof HeartRateSample h) {
            append("org.wardstream.schema.HeartRateSample\":{\"bpm\":").appendFloat(h.getBpm())
                    .append(",\"signalQuality\":");
            if (h.getSignalQuality() == null) {
                append("null");
            } else {
                append("{\"float\":").appendFloat(h.getSignalQuality()).append('}');
            }
        } else if (p instanceof RrIntervalBatch b) {
            append("org.wardstream.schema.RrIntervalBatch\":{\"start\":").append(b.getStart().toEpochMilli())
                    .append(",\"rrMs\":[");
            List<Integer> rr = b.getRrMs();
            if (rr instanceof CompactLists.Ints ints) {
                int[] a = ints.values;
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) {
                        append(',');
                    }
                    append(a[i]);
                }
            } else {
                for (int i = 0; i < rr.size(); i++) {
                    if (i > 0) {
                        append(',');
                    }
                    append(rr.get(i).intValue());
                }
            }
            append("],\"quality\":[");
            List<BeatQuality> q = b.getQuality();
            if (q instanceof CompactLists.Qualities qs) {
                byte[] o = qs.ordinals;
                for (int i = 0; i < o.length; i++) {
                    if (i > 0) {
                        append(',');
                    }
                    append(QUALITY_TEXT[o[i]]);
                }
            } else {
                for (int i = 0; i < q.size(); i++) {
                    if (i > 0) {
                        append(',');
                    }
                    append('"').append(q.get(i).name()).append('"');
                }
            }
            append(']');
        } else if (p instanceof ActivitySample a) {
            append("org.wardstream.schema.ActivitySample\":{\"intervalSeconds\":").append(a.getIntervalSeconds())
                    .append(",\"steps\":");
            nullableInt(a.getSteps());
            append(",\"activityCount\":");
            nullableInt(a.getActivityCount());
        } else if (p instanceof WearState w) {
            append("org.wardstream.schema.WearState\":{\"onBody\":").append(w.getOnBody() ? "true" : "false")
                    .append(",\"method\":\"").append(w.getMethod().name()).append('"');
        } else if (p instanceof DeviceStatus s) {
            append("org.wardstream.schema.DeviceStatus\":{\"batteryPercent\":");
            nullableInt(s.getBatteryPercent());
            append(",\"connectivity\":\"").append(s.getConnectivity().name()).append("\",\"bufferedEvents\":");
            nullableInt(s.getBufferedEvents());
        } else {
            throw new IllegalArgumentException("unknown payload " + p);
        }
        append("}}}");
    }

    private void nullableInt(Integer v) {
        if (v == null) {
            append("null");
        } else {
            append("{\"int\":").append(v.intValue()).append('}');
        }
    }

    // ---------------------------------------------------------------- a Latin-1 byte buffer

    private ReplayJson append(String s) {
        int len = s.length();
        ensure(len);
        for (int i = 0; i < len; i++) {
            buf[n++] = (byte) s.charAt(i); // ASCII only: literals, or strings checked by plain()
        }
        return this;
    }

    private ReplayJson append(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
        return this;
    }

    private ReplayJson append(char c) {
        ensure(1);
        buf[n++] = (byte) c;
        return this;
    }

    private ReplayJson append(long v) {
        if (v >= 0 && v < SMALL.length) {
            return append(SMALL[(int) v]);
        }
        ensure(20);
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return append(Long.toString(v));
            }
            buf[n++] = '-';
            v = -v;
        }
        int start = n;
        do {
            buf[n++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = n - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return this;
    }

    /** Avro's JSON encoder writes a float as the double it widens to (and negative zero as 0.0). */
    private ReplayJson appendFloat(float f) {
        byte[] text = floats.get(f);
        if (text == null) {
            text = ascii(Double.toString(f == 0 ? 0.0 : f));
            if (floats.size() < 100_000) {
                floats.put(f, text);
            }
        }
        return append(text);
    }

    private void ensure(int more) {
        if (n + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }
    }

    private String text() {
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Printable ASCII without quote or backslash: written verbatim by Jackson too. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private boolean selfCheck() {
        Instant t = Instant.parse("2026-03-02T10:15:30.123Z");
        Instant tr = t.plusMillis(2345);
        List<Object> payloads = List.of(
                new HeartRateSample(72.4f, 0.93f), new HeartRateSample(131.7f, null),
                new RrIntervalBatch(t, List.of(812, 790, 1612), List.of(BeatQuality.CLEAN, BeatQuality.ARTEFACT,
                        BeatQuality.GAP)),
                new RrIntervalBatch(t, List.of(), List.of()),
                new RrIntervalBatch(t, new CompactLists.Ints(new int[] {640, 3900, 1000}),
                        new CompactLists.Qualities(new byte[] {0, 2, 1})),
                new HeartRateSample(64.7f, 1f), new HeartRateSample(-0.0f, 0.2f),
                new ActivitySample(300, 12, 345), new ActivitySample(300, null, null),
                new WearState(true, WearDetection.OPTICAL), new WearState(false, WearDetection.CHARGER),
                new DeviceStatus(87, Connectivity.ONLINE, 0), new DeviceStatus(null, Connectivity.RECONNECTED, null));
        DeviceEventKey k = new DeviceEventKey("virtual-ward", "p000001", "dev-0123456789ab");
        try {
            if (!keys.toJson(k).equals(fastKey(k))) {
                return false;
            }
            for (Object p : payloads) {
                DeviceEvent e = new DeviceEvent("8c0b6a8e-5f7e-4c1e-9a43-0d4b5f6e7a81", t, tr, 60, p);
                n = 0;
                appendValue(e);
                if (!values.toJson(e).equals(text())) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String fastKey(DeviceEventKey k) {
        n = 0;
        append("{\"programme\":\"").append(k.getProgramme())
                .append("\",\"patientId\":\"").append(k.getPatientId())
                .append("\",\"sourceId\":\"").append(k.getSourceId()).append("\"}");
        return text();
    }
}
