package org.wardstream.simulator;

import java.util.AbstractList;
import java.util.RandomAccess;

import org.wardstream.schema.BeatQuality;

/**
 * Read-only {@code List} views over primitive arrays for the RR batches the simulator builds (a minute's beats
 * without boxing every interval). Equal to any list with the same elements; modifying them throws.
 */
final class CompactLists {
    private static final BeatQuality[] QUALITY = BeatQuality.values();

    private CompactLists() {
    }

    static final class Ints extends AbstractList<Integer> implements RandomAccess {
        final int[] values;

        Ints(int[] values) {
            this.values = values;
        }

        @Override
        public Integer get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    /** Beat-quality flags stored as ordinals of {@link BeatQuality}. */
    static final class Qualities extends AbstractList<BeatQuality> implements RandomAccess {
        final byte[] ordinals;

        Qualities(byte[] ordinals) {
            this.ordinals = ordinals;
        }

        @Override
        public BeatQuality get(int index) {
            return QUALITY[ordinals[index]];
        }

        @Override
        public int size() {
            return ordinals.length;
        }
    }
}
