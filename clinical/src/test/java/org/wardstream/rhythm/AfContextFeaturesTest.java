package org.wardstream.rhythm;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The af-model-v2 features of {@link AfContextFeatures} on hand-made RR windows (newest first, 0 = hole). */
class AfContextFeaturesTest {
    private static final int W = 32;

    private static double[] features(int[] win) {
        double[] out = new double[AfContextFeatures.COUNT];
        AfContextFeatures.compute(win, win.length, W, 0.15, out, 0);
        return out;
    }

    private static int[] sinus(long seed, int n) {
        Random r = new Random(seed);
        int[] w = new int[n];
        for (int i = 0; i < n; i++) w[i] = 800 + r.nextInt(11) - 5;
        return w;
    }

    @Test
    void randomIntervalsHaveHigherSampleEntropyAndDispersionThanSinus() {
        Random r = new Random(11);
        int[] af = new int[64];
        for (int i = 0; i < af.length; i++) af[i] = 450 + r.nextInt(600);
        double[] a = features(af), s = features(sinus(1, 64));
        assertThat(a[0]).as("cosen").isGreaterThan(s[0] + 1);
        assertThat(a[1]).as("nrmssd").isGreaterThan(s[1] + 1);
        assertThat(a[3]).as("long irregularity").isGreaterThan(s[3] + 1);
    }

    @Test
    void prematureBeatsWithCompensatoryPausesAreCounted() {
        int[] w = sinus(2, 64);
        // PVCs every 8th beat: a short coupling interval, then (later in time, index - 1) a compensatory pause
        for (int j = 4; j < 64; j += 8) {
            w[j] = 480;
            w[j - 1] = 1120;
        }
        assertThat(features(w)[2]).isEqualTo(1.0);
        // premature beats followed by an ordinary interval (sinus reset without a pause): none compensated
        int[] reset = sinus(3, 64);
        for (int j = 4; j < 64; j += 8) reset[j] = 560;
        assertThat(features(reset)[2]).isZero();
        assertThat(features(sinus(4, 64))[2]).as("no premature interval").isZero();
    }

    @Test
    void holesAreNeitherIrregularityNorMatches() {
        int[] w = sinus(5, 64);
        int[] holed = w.clone();
        for (int j = 0; j < 64; j += 5) holed[j] = 0;
        double[] a = features(w), b = features(holed);
        assertThat(b[1]).as("nrmssd with holes").isCloseTo(a[1], org.assertj.core.data.Offset.offset(0.7));
        assertThat(b[3]).as("long irregularity with holes").isLessThan(Math.log(0.02));
    }
}
