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
        assertThat(features(constant)).containsExactly(0, 0, 1);
        assertThat(features(new int[64])).containsExactly(0, 0, 1);
    }
}
