package org.wardstream.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The event ids a patient's devices sent recently, for de-duplication: 48-bit fingerprints of the ids in rotating
 * buckets of receipt time, as one compact byte array in Flink state (6 bytes per id, 10 per bucket).
 *
 * <p><b>Horizon.</b> Receipt time is the broker's record timestamp (ingest has checked it against the job's clock; never
 * a time the device or gateway claims). Time is cut into buckets of a quarter of the horizon; an id is remembered
 * while its bucket is among the {@link #BUCKETS_PER_HORIZON} + 1 newest, so for at least the horizon and at most the
 * horizon plus a quarter (devices re-send a batch within minutes of the first upload, also for a delayed backlog).
 * The cap on ids per patient evicts the oldest first.
 *
 * <p><b>False drops.</b> A new id is taken for a duplicate, and its reading dropped, exactly when its fingerprint
 * equals one of the n fingerprints remembered for that patient: with fingerprints from a 64-bit hash, probability at
 * most n / 2^48 per reading ({@link #falseDropProbability}; about 2.7e-13 for the ~75 ids a patient has in 30 min at
 * the simulated rate, so at a million patients and ~2,500 readings per patient-day about one false drop every 4
 * years). {@code RecentIdsTest} checks the formula empirically with narrow fingerprints.
 *
 * <p><b>Format</b> (version 1): version byte; bucket width, ms (int); bucket count (byte); per bucket, oldest first:
 * bucket number (long: receipt time / width), id count (unsigned short), then the fingerprints (6 bytes each, oldest
 * first). The format before it ("recent-event-ids", a {@code long[]} of 64-bit id hash and receipt time pairs,
 * 16 bytes per id) is converted by {@link #fromPairs}. Plain Java, no Flink types.
 */
public final class RecentIds {
    /** Fingerprint width. */
    public static final int FINGERPRINT_BITS = 48;
    /** Buckets per horizon: the bucket width is the horizon divided by this. */
    public static final int BUCKETS_PER_HORIZON = 4;
    static final byte FORMAT_VERSION = 1;
    private static final int HEADER = 1 + 4 + 1;
    private static final int BUCKET_HEADER = 8 + 2;
    private static final int FP_BYTES = FINGERPRINT_BITS / 8;

    private RecentIds() {
    }

    /** FNV-1a 64-bit hash of source id and event id. */
    public static long hash(String sourceId, String eventId) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, sourceId.getBytes(StandardCharsets.UTF_8));
        h ^= 0x1f;
        h *= 0x100000001b3L;
        return mix(h, eventId.getBytes(StandardCharsets.UTF_8));
    }

    private static long mix(long h, byte[] bytes) {
        for (byte b : bytes) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * The 48-bit fingerprint of an id hash: the high bits after a full-avalanche finaliser (MurmurHash3's fmix64, a
     * bijection, so distinct hashes stay distinct). FNV-1a's own high bits are not fit to be truncated: ids that differ
     * in their last characters ("evt-1", "evt-2") differ there only by a small multiple of the FNV prime.
     */
    public static long fingerprint(long hash) {
        long h = hash;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h >>> (64 - FINGERPRINT_BITS);
    }

    /** The fingerprint of an id. */
    public static long fingerprint(String sourceId, String eventId) {
        return fingerprint(hash(sourceId, eventId));
    }

    /** Probability that a new id is taken for one of {@code remembered} others: n / 2^48. */
    public static double falseDropProbability(int remembered) {
        return falseDropProbability(remembered, FINGERPRINT_BITS);
    }

    static double falseDropProbability(int remembered, int bits) {
        return remembered / Math.pow(2, bits);
    }

    /** True when {@code memory} holds {@code fingerprint}. */
    public static boolean contains(byte[] memory, long fingerprint) {
        if (memory == null) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(memory);
        checkVersion(b);
        b.getInt();
        int buckets = b.get() & 0xff;
        for (int k = 0; k < buckets; k++) {
            b.getLong();
            int n = b.getShort() & 0xffff;
            for (int i = 0; i < n; i++) {
                if (readFp(b) == fingerprint) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Ids remembered. */
    public static int size(byte[] memory) {
        return memory == null ? 0 : Decoded.of(memory).n;
    }

    /**
     * Returns the memory after adding {@code fingerprint} received at {@code receivedMs}: buckets older than the
     * horizon allows are forgotten, and the oldest ids beyond {@code cap}.
     */
    public static byte[] add(byte[] memory, long fingerprint, long receivedMs, long horizonMs, int cap) {
        long width = bucketWidthMs(horizonMs);
        Decoded d = memory == null ? new Decoded((int) width, 0, 0) : Decoded.of(memory).rebucketed((int) width);
        long bucket = Math.floorDiv(receivedMs, width);
        int keep = (int) ((horizonMs + width - 1) / width); // buckets besides the newest
        long newest = d.buckets == 0 ? bucket : Math.max(bucket, d.bucketNo[d.buckets - 1]);
        long target = Math.max(bucket, newest - keep);
        return d.with(fingerprint, target, newest - keep, cap).encode();
    }

    /** The previous format (pairs of 64-bit id hash and receipt time, oldest first) as today's. */
    public static byte[] fromPairs(long[] pairs, long horizonMs, int cap) {
        byte[] m = null;
        for (int i = 0; pairs != null && i + 1 < pairs.length; i += 2) {
            m = add(m, fingerprint(pairs[i]), pairs[i + 1], horizonMs, cap);
        }
        return m;
    }

    static long bucketWidthMs(long horizonMs) {
        long w = Math.max(1, horizonMs / BUCKETS_PER_HORIZON);
        if (w > Integer.MAX_VALUE) throw new IllegalArgumentException("de-duplication horizon too long: " + horizonMs);
        return w;
    }

    private static void checkVersion(ByteBuffer b) {
        byte v = b.get();
        if (v != FORMAT_VERSION) {
            throw new IllegalStateException("unknown de-duplication memory format " + v + " (this version reads "
                    + FORMAT_VERSION + ")");
        }
    }

    private static long readFp(ByteBuffer b) {
        return ((long) (b.getShort() & 0xffff) << 32) | (b.getInt() & 0xffffffffL);
    }

    /** The memory decoded: buckets oldest first, fingerprints oldest first. */
    private static final class Decoded {
        final int widthMs;
        final long[] bucketNo;
        final int[] count;
        final long[] fps;
        int buckets;
        int n;

        Decoded(int widthMs, int buckets, int n) {
            this.widthMs = widthMs;
            this.bucketNo = new long[buckets + 1];
            this.count = new int[buckets + 1];
            this.fps = new long[n + 1];
        }

        static Decoded of(byte[] memory) {
            ByteBuffer b = ByteBuffer.wrap(memory);
            checkVersion(b);
            int width = b.getInt();
            int buckets = b.get() & 0xff;
            int n = (memory.length - HEADER - buckets * BUCKET_HEADER) / FP_BYTES;
            Decoded d = new Decoded(width, buckets, n);
            for (int k = 0; k < buckets; k++) {
                d.bucketNo[k] = b.getLong();
                d.count[k] = b.getShort() & 0xffff;
                for (int i = 0; i < d.count[k]; i++) d.fps[d.n++] = readFp(b);
            }
            d.buckets = buckets;
            return d;
        }

        /** The same ids in buckets of another width (the horizon setting changed): by each bucket's start time. */
        Decoded rebucketed(int width) {
            if (width == widthMs || buckets == 0) {
                return width == widthMs ? this : new Decoded(width, 0, 0);
            }
            Decoded d = new Decoded(width, buckets, n);
            int i = 0;
            for (int k = 0; k < buckets; k++) {
                long nb = Math.floorDiv(bucketNo[k] * widthMs, width);
                for (int j = 0; j < count[k]; j++) d.append(nb, fps[i++]);
            }
            return d;
        }

        /** A new memory: buckets before {@code oldest} dropped, {@code fp} appended to {@code bucket}, capped. */
        Decoded with(long fp, long bucket, long oldest, int cap) {
            Decoded d = new Decoded(widthMs, buckets + 1, n + 1);
            int i = 0;
            boolean placed = false;
            for (int k = 0; k < buckets; k++) {
                if (!placed && bucketNo[k] > bucket) {
                    d.append(bucket, fp);
                    placed = true;
                }
                if (bucketNo[k] >= oldest) {
                    copyBucket(d, k, i);
                    if (!placed && bucketNo[k] == bucket) {
                        d.append(bucket, fp);
                        placed = true;
                    }
                }
                i += count[k];
            }
            if (!placed) d.append(bucket, fp);
            // the cap: the oldest ids go first; at most 255 buckets (a horizon setting shrunk a lot)
            int excess = d.n - Math.max(1, cap);
            if (excess > 0) d.dropOldest(excess);
            if (d.buckets > 255) d.dropOldestBuckets(d.buckets - 255);
            return d;
        }

        /** Appends {@code fp} to the newest bucket if it is {@code bucket}, else to a new bucket after it. */
        private void append(long bucket, long fp) {
            if (buckets == 0 || bucketNo[buckets - 1] != bucket) {
                bucketNo[buckets] = bucket;
                count[buckets++] = 0;
            }
            fps[n++] = fp;
            count[buckets - 1]++;
        }

        private void copyBucket(Decoded d, int k, int from) {
            d.bucketNo[d.buckets] = bucketNo[k];
            d.count[d.buckets] = count[k];
            System.arraycopy(fps, from, d.fps, d.n, count[k]);
            d.n += count[k];
            d.buckets++;
        }

        private void dropOldest(int ids) {
            int k = 0, dropped = 0;
            while (dropped < ids) {
                int take = Math.min(count[k], ids - dropped);
                count[k] -= take;
                dropped += take;
                if (count[k] == 0) k++;
            }
            System.arraycopy(fps, ids, fps, 0, n - ids);
            n -= ids;
            System.arraycopy(bucketNo, k, bucketNo, 0, buckets - k);
            System.arraycopy(count, k, count, 0, buckets - k);
            buckets -= k;
        }

        private void dropOldestBuckets(int k) {
            int ids = 0;
            for (int j = 0; j < k; j++) ids += count[j];
            dropOldest(ids);
        }

        byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(HEADER + buckets * BUCKET_HEADER + n * FP_BYTES);
            b.put(FORMAT_VERSION).putInt(widthMs).put((byte) buckets);
            int i = 0;
            for (int k = 0; k < buckets; k++) {
                b.putLong(bucketNo[k]).putShort((short) count[k]);
                for (int j = 0; j < count[k]; j++) {
                    long fp = fps[i++];
                    b.putShort((short) (fp >>> 32)).putInt((int) fp);
                }
            }
            return b.array();
        }
    }
}
