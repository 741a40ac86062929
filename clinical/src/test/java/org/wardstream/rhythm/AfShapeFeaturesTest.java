package org.wardstream.rhythm;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The af-model-v3 features of {@link AfShapeFeatures} on hand-made RR windows (newest first, 0 = hole). */
class AfShapeFeaturesTest {
    private static final int W = 32;

    private static double[] features(int[] win) {
        double[] out = new double[AfShapeFeatures.COUNT];
        AfShapeFeatures.compute(win, win.length, W, out, 0);
        return out;
    }

    private static int[] random(long seed) {
        Random r = new Random(seed);
        int[] w = new int[64];
        for (int i = 0; i < w.length; i++) w[i] = 450 + r.nextInt(600);
        return w;
    }

    @Test
    void periodicModulationIsPeriodicAndRandomIntervalsAreNot() {
        // respiratory-like sinus arrhythmia: a 4-beat cycle of +-120 ms around 900 ms
        int[] sinus = new int[64];
        for (int i = 0; i < 64; i++) sinus[i] = (int) Math.round(900 + 120 * Math.sin(2 * Math.PI * i / 4.0));
        assertThat(features(sinus)[0]).as("periodic at lag 4").isGreaterThan(0.9);
        assertThat(features(random(7))[0]).as("random intervals").isLessThan(0.35);
    }

    @Test
    void prematureBeatsSkewShortAndLongIntervalsSkewLong() {
        int[] pacs = new int[64];
        for (int i = 0; i < 64; i++) pacs[i] = i % 5 == 2 ? 520 : 1000 + (i % 3) * 10;
        int[] longTail = new int[64];
        for (int i = 0; i < 64; i++) longTail[i] = i % 5 == 2 ? 1500 : 800 + (i % 3) * 10;
        assertThat(features(pacs)[1]).as("short tail").isLessThan(-1);
        assertThat(features(longTail)[1]).as("long tail").isGreaterThan(1);
        assertThat(features(longTail)[2]).as("longest over median").isCloseTo(1500.0 / 810, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void holesAreLeftOutAndDegenerateWindowsAreNeutral() {
        int[] w = random(9);
        int[] holed = w.clone();
        holed[3] = 0;
        holed[10] = 0;
        // the window's skewness and longest-over-median are those of its clean intervals alone
        int[] kept = new int[30];
        for (int j = 0, k = 0; j < W; j++) if (holed[j] > 0) kept[k++] = holed[j];
        double[] alone = new double[AfShapeFeatures.COUNT];
        AfShapeFeatures.compute(kept, kept.length, kept.length, alone, 0);
        double[] h = features(holed);
        assertThat(h[1]).isEqualTo(alone[1]);
        assertThat(h[2]).isEqualTo(alone[2]);
        int[] constant = new int[64];
        java.util.Arrays.fill(constant, 800);
        // a constant ring: 62 Lorenz points, all in one cell
        assertThat(features(constant)).containsExactly(0, 0, 1, 1.0 / 62);
        assertThat(features(new int[64])).containsExactly(0, 0, 1, 0);
    }

    @Test
    void lorenzOccupancyCountsDistinctCellsOfSuccessiveDifferences() {
        // bigeminy (premature 600, then 1000): the differences alternate -400/+400, two cells for 62 points
        int[] bigeminy = new int[64];
        for (int i = 0; i < 64; i++) bigeminy[i] = i % 2 == 0 ? 600 : 1000;
        assertThat(features(bigeminy)[3]).isEqualTo(2.0 / 62);
        // random intervals spread over 450-1050 ms scatter over many cells
        assertThat(features(random(7))[3]).as("random").isGreaterThan(0.8);
        // by hand: 800, 850, 800, 900 newest first; mean 837.5, cell 50.25 ms; differences (later minus earlier)
        // 800-850 = -50 -> cell -1, 850-800 = +50 -> 0, 800-900 = -100 -> -2: points (-1, 0) and (0, -2): 2 of 2
        assertThat(AfShapeFeatures.lorenzOccupancy(new int[] {800, 850, 800, 900}, 4, 4, 3350)).isEqualTo(1.0);
        // a hole breaks every point that would use it
        assertThat(AfShapeFeatures.lorenzOccupancy(new int[] {800, 0, 800, 900}, 4, 3, 2500)).isZero();
    }
}
