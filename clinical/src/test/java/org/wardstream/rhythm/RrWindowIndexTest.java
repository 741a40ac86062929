package org.wardstream.rhythm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** {@link RrWindowIndex#median}: the selection gives the same double as a sort and the linear quantile. */
class RrWindowIndexTest {
    @Test
    void medianBySelectionEqualsSortedMedianBitForBit() {
        SplittableRandom r = new SplittableRandom(20261205);
        int[] a = new int[RrAnalyserState.RR_CAPACITY];
        int checked = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            int n = 1 + r.nextInt(a.length);
            int spread = switch (trial % 4) {
                case 0 -> 3;      // many ties
                case 1 -> 40;     // sinus-like
                case 2 -> 1_000;  // AF-like
                default -> 1;     // all equal
            };
            for (int i = 0; i < n; i++) a[i] = 400 + r.nextInt(spread);
            if (trial % 7 == 0) Arrays.sort(a, 0, n);               // already sorted
            if (trial % 11 == 0) for (int i = 0; i < n / 2; i++) {  // reversed
                int t = a[i];
                a[i] = a[n - 1 - i];
                a[n - 1 - i] = t;
            }
            int[] sorted = Arrays.copyOf(a, n);
            Arrays.sort(sorted);
            double expected = RrWindowIndex.quantileSorted(sorted, n, 0.5);
            double actual = RrWindowIndex.median(a, n);
            assertThat(Double.doubleToRawLongBits(actual)).as("n %d: %s vs %s", n, actual, expected)
                    .isEqualTo(Double.doubleToRawLongBits(expected));
            int[] after = Arrays.copyOf(a, n);
            Arrays.sort(after);
            assertThat(after).as("a permutation of the input").isEqualTo(sorted);
            checked++;
        }
        assertThat(checked).isEqualTo(20_000);
    }

    @Test
    void windowMedianIsNaNForAnEmptyWindow() {
        assertThat(new RrWindowIndex(32, 4).windowMedian()).isNaN();
    }
}
