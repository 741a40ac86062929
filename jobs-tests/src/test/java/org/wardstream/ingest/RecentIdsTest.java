package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RecentIdsTest {
    private static final long HORIZON = 40_000; // buckets of 10 s
    private static final long T = 1_772_000_000_000L; // a bucket boundary (divisible by 10,000)

    private static long fp(String id) {
        return RecentIds.fingerprint("dev", id);
    }

    @Test
    void remembersIdsForAtLeastTheHorizonAndAtMostAQuarterMore() {
        byte[] m = RecentIds.add(null, fp("a"), T + 9_999, HORIZON, 100); // the end of its bucket
        assertThat(RecentIds.contains(m, fp("a"))).isTrue();
        assertThat(RecentIds.contains(m, fp("b"))).isFalse();
        m = RecentIds.add(m, fp("b"), T + 9_999 + HORIZON, HORIZON, 100); // exactly the horizon later
        assertThat(RecentIds.contains(m, fp("a"))).isTrue();
        m = RecentIds.add(m, fp("c"), T + 49_999, HORIZON, 100);
        assertThat(RecentIds.contains(m, fp("a"))).isTrue();
        m = RecentIds.add(m, fp("d"), T + 50_000, HORIZON, 100); // a's bucket is now 5 buckets old
        assertThat(RecentIds.contains(m, fp("a"))).isFalse();
        assertThat(RecentIds.contains(m, fp("b"))).isTrue();
        assertThat(RecentIds.size(m)).isEqualTo(3);
        // every id seen within the horizon of the newest receipt is remembered, whatever the order of arrival
        byte[] r = null;
        for (int i = 0; i < 200; i++) r = RecentIds.add(r, fp("e" + i), T + i * 1_000L, HORIZON, 10_000);
        for (int i = 0; i < 200; i++) {
            boolean withinHorizon = T + 199_000L - (T + i * 1_000L) <= HORIZON;
            if (withinHorizon) assertThat(RecentIds.contains(r, fp("e" + i))).as("e%d", i).isTrue();
        }
        assertThat(RecentIds.size(r)).isLessThanOrEqualTo(50); // horizon + a quarter
    }

    @Test
    void aReceiptOlderThanTheNewestBucketJoinsItsOwnBucketOrTheOldestKept() {
        byte[] m = RecentIds.add(null, fp("new"), T + 100_000, HORIZON, 100);
        m = RecentIds.add(m, fp("late"), T + 75_000, HORIZON, 100); // two buckets back
        m = RecentIds.add(m, fp("ancient"), T, HORIZON, 100); // older than the horizon: kept in the oldest bucket
        assertThat(RecentIds.contains(m, fp("late"))).isTrue();
        assertThat(RecentIds.contains(m, fp("ancient"))).isTrue();
        m = RecentIds.add(m, fp("next"), T + 110_000, HORIZON, 100);
        assertThat(RecentIds.contains(m, fp("ancient"))).isFalse(); // its bucket (T + 60 s) has gone
        assertThat(RecentIds.contains(m, fp("late"))).isTrue();
    }

    @Test
    void theCapEvictsTheOldestFirst() {
        byte[] m = null;
        for (int i = 0; i < 10; i++) m = RecentIds.add(m, fp("e" + i), T + i, 1_000_000, 4);
        assertThat(RecentIds.size(m)).isEqualTo(4);
        assertThat(RecentIds.contains(m, fp("e5"))).isFalse();
        for (int i = 6; i < 10; i++) assertThat(RecentIds.contains(m, fp("e" + i))).isTrue();
    }

    @Test
    void sixBytesPerIdAndTenPerBucket() {
        byte[] m = null;
        long aligned = T + 100_000; // a multiple of the 7.5-min bucket width
        for (int i = 0; i < 75; i++) m = RecentIds.add(m, fp("e" + i), aligned + i * 24_000L, 1_800_000, 8192);
        // 75 ids over 30 min in 7.5-min buckets: 4 buckets, 1 + 4 + 1 header bytes
        assertThat(m).hasSize(6 + 4 * 10 + 75 * 6);
    }

    @Test
    void theSameEventIdFromAnotherDeviceIsNotADuplicate() {
        assertThat(RecentIds.hash("dev-1", "e")).isNotEqualTo(RecentIds.hash("dev-2", "e"));
        assertThat(RecentIds.hash("ab", "c")).isNotEqualTo(RecentIds.hash("a", "bc"));
        assertThat(RecentIds.fingerprint("dev-1", "e")).isNotEqualTo(RecentIds.fingerprint("dev-2", "e"));
        assertThat(RecentIds.fingerprint("dev", "e")).isLessThan(1L << RecentIds.FINGERPRINT_BITS).isNotNegative();
    }

    /**
     * The false-drop probability n / 2^bits, checked with the top 12 bits of the fingerprints of realistic ids (so
     * that it is measurable): the rate at which fresh ids match one of n remembered ones, within 5 binomial standard
     * deviations. The product's 48 bits give n / 2^48.
     */
    @Test
    void falseDropRateIsTheNumberRememberedOverTwoToTheBits() {
        int bits = 12;
        Set<Long> remembered = new HashSet<>();
        for (int i = 0; i < 64; i++) remembered.add(RecentIds.fingerprint("watch-17", "evt-" + i) >>> (48 - bits));
        int trials = 200_000, drops = 0;
        for (int i = 0; i < trials; i++) {
            if (remembered.contains(RecentIds.fingerprint("watch-17", "evt-" + (1_000_000 + i)) >>> (48 - bits))) drops++;
        }
        double expected = RecentIds.falseDropProbability(remembered.size(), bits);
        double sd = Math.sqrt(expected * (1 - expected) / trials);
        assertThat((double) drops / trials).isCloseTo(expected, org.assertj.core.data.Offset.offset(5 * sd));
        assertThat(RecentIds.falseDropProbability(75)).isLessThan(3e-13);
    }

    @Test
    void thePreviousFormatIsConverted() {
        long a = RecentIds.hash("dev", "a"), b = RecentIds.hash("dev", "b");
        long[] pairs = {a, T + 1_000, b, T + 2_000};
        byte[] m = RecentIds.fromPairs(pairs, HORIZON, 100);
        assertThat(RecentIds.contains(m, RecentIds.fingerprint(a))).isTrue();
        assertThat(RecentIds.contains(m, RecentIds.fingerprint(b))).isTrue();
        assertThat(RecentIds.contains(m, fp("c"))).isFalse();
        assertThat(RecentIds.fromPairs(new long[0], HORIZON, 100)).isNull();
    }

    @Test
    void aChangedHorizonKeepsTheIdsByTheirTime() {
        byte[] m = RecentIds.add(null, fp("a"), T + 5_000, HORIZON, 100);
        m = RecentIds.add(m, fp("b"), T + 15_000, HORIZON * 2, 100); // 20 s buckets now
        assertThat(RecentIds.contains(m, fp("a"))).isTrue();
        assertThat(RecentIds.contains(m, fp("b"))).isTrue();
        assertThat(RecentIds.size(m)).isEqualTo(2);
    }

    @Test
    void anUnknownFormatIsAClearError() {
        assertThatThrownBy(() -> RecentIds.contains(new byte[] {9, 0, 0, 0, 1, 0}, 1))
                .hasMessageContaining("format 9");
    }
}
