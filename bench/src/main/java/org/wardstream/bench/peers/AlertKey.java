package org.wardstream.bench.peers;

import java.time.Instant;

/**
 * What the peer-equivalence check compares: an alert opened for one episode, as (episode type, patient pseudonym,
 * episode start in device time). Ordered so that diffs print in a stable order.
 */
public record AlertKey(String type, String patient, long startMs) implements Comparable<AlertKey> {
    public static final String TACHYCARDIA = "tachycardia";
    public static final String ATRIAL_FIBRILLATION = "atrial-fibrillation";

    @Override
    public int compareTo(AlertKey o) {
        int c = type.compareTo(o.type);
        if (c == 0) c = patient.compareTo(o.patient);
        return c != 0 ? c : Long.compare(startMs, o.startMs);
    }

    @Override
    public String toString() {
        return type + " " + patient + " " + Instant.ofEpochMilli(startMs);
    }
}
