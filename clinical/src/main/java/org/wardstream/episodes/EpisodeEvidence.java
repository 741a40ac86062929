package org.wardstream.episodes;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compact, versioned form of an episode's evidence kept in {@link EpisodeState} (the numbers that opened and
 * escalated it, and a held escalation's own), so that every later record of the episode can still show them. Keys
 * are written as an index into {@link #KEYS}: one byte and one double per value, a count byte in all. A key not in
 * {@link #KEYS} is not kept (the record that first carried it still has it).
 */
final class EpisodeEvidence {

    /** The evidence keys kept, in index order. Append only: the index is the stored form. */
    static final List<String> KEYS = List.of("meanRateBpm", "minRateBpm", "maxRateBpm", "irregularity", "pauseMs",
            "stillMinutes", "limitMinutes", "fastMinutes", "fastRateBpm", "afBurdenPercent", "onsetRateBpm", "onsetBar",
            "onsetBarWithoutRateRise", Transitions.RATE_FROM_RR_PERCENT, Transition.NO_DATA_SINCE_MONITORING_START);
    /**
     * At most this many values are kept per map of one step (opening, escalation, held escalation): an AF start has the
     * most, onsetRateBpm, irregularity and, for a patient with bars of their own, onsetBar and onsetBarWithoutRateRise;
     * a heart-rate episode's has four too: its lowest, mean and highest rate and their source (rateFromRrPercent).
     */
    static final int MAX_VALUES = 4;
    static final int MAX_SERIALIZED_SIZE = 1 + MAX_VALUES * 9;
    /** At most this many values are kept of a whole ended episode (its closing record's evidence). */
    static final int MAX_EPISODE_VALUES = 8;
    static final int MAX_EPISODE_SERIALIZED_SIZE = 1 + MAX_EPISODE_VALUES * 9;

    private EpisodeEvidence() {
    }

    /** The keepable part of {@code evidence} (at most {@link #MAX_VALUES}, in key order), never null. */
    static Map<String, Double> keep(Map<String, Double> evidence) {
        return keep(evidence, MAX_VALUES);
    }

    /** The keepable part of {@code evidence}, at most {@code max} values in key order, never null. */
    static Map<String, Double> keep(Map<String, Double> evidence, int max) {
        Map<String, Double> out = new TreeMap<>();
        if (evidence == null) return out;
        for (Map.Entry<String, Double> e : new TreeMap<>(evidence).entrySet()) {
            if (out.size() < max && KEYS.contains(e.getKey()) && e.getValue() != null) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    static void write(DataOutput out, Map<String, Double> evidence) throws IOException {
        write(out, evidence, MAX_VALUES);
    }

    static void write(DataOutput out, Map<String, Double> evidence, int max) throws IOException {
        Map<String, Double> kept = keep(evidence, max);
        out.writeByte(kept.size());
        for (Map.Entry<String, Double> e : kept.entrySet()) {
            out.writeByte(KEYS.indexOf(e.getKey()));
            out.writeDouble(e.getValue());
        }
    }

    static Map<String, Double> read(DataInput in) throws IOException {
        return read(in, MAX_VALUES);
    }

    static Map<String, Double> read(DataInput in, int max) throws IOException {
        int n = in.readUnsignedByte();
        if (n > max) throw new IOException("episode evidence with " + n + " values");
        Map<String, Double> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            int k = in.readUnsignedByte();
            if (k >= KEYS.size()) throw new IOException("unknown episode evidence key index " + k);
            out.put(KEYS.get(k), in.readDouble());
        }
        return out;
    }
}
