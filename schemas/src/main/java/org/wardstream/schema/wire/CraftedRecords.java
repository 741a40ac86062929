package org.wardstream.schema.wire;

import java.io.ByteArrayOutputStream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.wardstream.schema.DeviceEvent;

/**
 * Hostile records as an attacker or a broken device would send them, for the tests, the fuzzer and the
 * local-cluster robustness check: each declares far more than it carries.
 */
public final class CraftedRecords {
    private CraftedRecords() {
    }

    /**
     * 18 bytes: a valid {@code DeviceEvent} single-object header, then an event id declaring a string of about
     * 2e9 bytes (without bounded decoding, Avro allocates it and the TaskManager throws OutOfMemoryError).
     */
    public static byte[] hugeString() {
        return hugeString(DeviceEvent.getClassSchema());
    }

    /** The same for any schema whose first field is a string (every wardstream key and value). */
    public static byte[] hugeString(Schema writer) {
        ByteArrayOutputStream out = header(writer);
        varint(out, 2_000_000_000L);
        out.writeBytes(new byte[] {'e', 'v', 't'});
        return out.toByteArray();
    }

    /**
     * 40 bytes: a valid {@code DeviceEvent} header and fields up to an RR batch whose interval array declares
     * 2,147,483,000 items (without bounded decoding, Avro sizes a list for them).
     */
    public static byte[] hugeArray() {
        ByteArrayOutputStream out = header(DeviceEvent.getClassSchema());
        varint(out, 1);                  // eventId: 1 byte
        out.write('e');
        varint(out, 1_772_442_000_000L); // time
        varint(out, 1_772_442_003_000L); // timeReceived
        varint(out, 0);                  // utcOffsetMinutes
        varint(out, 1);                  // payload: RrIntervalBatch
        varint(out, 1_772_442_000_000L); // start
        varint(out, 2_147_483_000L);     // rrMs: array block count
        while (out.size() < 40) {
            out.write(2);                // a few intervals of 1 ms (zig-zag 1)
        }
        return out.toByteArray();
    }

    private static ByteArrayOutputStream header(Schema writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fp = SchemaNormalization.parsingFingerprint64(writer);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fp >>> (8 * i)) & 0xff);
        }
        return out;
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7f) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
    }
}
