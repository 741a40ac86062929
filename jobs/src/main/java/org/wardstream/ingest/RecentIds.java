package org.wardstream.ingest;

import java.nio.charset.StandardCharsets;

/**
 * The event ids a patient's devices sent recently, for de-duplication, as a compact array of
 * (64-bit id hash, time seen) pairs: 16 bytes per id in Flink state. Ids are forgotten once the
 * time they were seen is older than the horizon (devices re-send a batch within minutes of the first
 * upload, also for a delayed backlog, since the horizon runs on the broker's record timestamp, which
 * ingest has checked against the job's clock; never on a time the device or gateway claims), or when
 * the cap is reached (oldest first). Plain Java, no Flink types.
 */
public final class RecentIds {
    private RecentIds() {
    }

    /** FNV-1a 64-bit hash of source id and event id (collision odds ~n^2/2^65: negligible here). */
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

    /** True when {@code pairs} holds {@code idHash}. */
    public static boolean contains(long[] pairs, long idHash) {
        if (pairs == null) {
            return false;
        }
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == idHash) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the pairs after forgetting ids received before {@code receivedMs - horizonMs}, keeping at
     * most {@code cap - 1} of the newest, and appending {@code idHash}.
     */
    public static long[] add(long[] pairs, long idHash, long receivedMs, long horizonMs, int cap) {
        int n = pairs == null ? 0 : pairs.length / 2;
        long cutoff = receivedMs - horizonMs;
        int keep = 0;
        for (int i = 0; i < n; i++) {
            if (pairs[2 * i + 1] >= cutoff) {
                keep++;
            }
        }
        int skip = Math.max(0, keep - (cap - 1)); // oldest surviving entries beyond the cap
        long[] out = new long[2 * (keep - skip + 1)];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (pairs[2 * i + 1] >= cutoff) {
                if (skip > 0) {
                    skip--;
                    continue;
                }
                out[j++] = pairs[2 * i];
                out[j++] = pairs[2 * i + 1];
            }
        }
        out[j++] = idHash;
        out[j] = receivedMs;
        return out;
    }
}
