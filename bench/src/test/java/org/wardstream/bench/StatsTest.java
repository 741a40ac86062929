package org.wardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfOddAndEvenSamples() {
        assertThat(Stats.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void constantSampleHasADegenerateInterval() {
        Stats.Estimate e = Stats.medianWithInterval(new double[] {7, 7, 7, 7, 7});
        assertThat(e.value()).isEqualTo(7);
        assertThat(e.low()).isEqualTo(7);
        assertThat(e.high()).isEqualTo(7);
    }

    @Test
    void intervalContainsTheMedianAndStaysWithinTheSample() {
        double[] v = {10, 12, 9, 30, 11, 10.5, 13};
        Stats.Estimate e = Stats.medianWithInterval(v);
        assertThat(e.value()).isEqualTo(11);
        assertThat(e.low()).isLessThanOrEqualTo(e.value()).isGreaterThanOrEqualTo(9);
        assertThat(e.high()).isGreaterThanOrEqualTo(e.value()).isLessThanOrEqualTo(30);
        // the outlier (30) is not the upper bound of a median's interval over 7 rounds
        assertThat(e.high()).isLessThan(30);
    }

    @Test
    void sameInputSameInterval() {
        double[] v = {3, 1, 4, 1, 5, 9, 2, 6};
        assertThat(Stats.medianWithInterval(v)).isEqualTo(Stats.medianWithInterval(v));
    }

    /** The percentile bootstrap of a median covers the true median of a normal population near the nominal 95 %. */
    @Test
    void coverageOfTheTrueMedianIsNearNominal() {
        Random r = new Random(1);
        int trials = 400, covered = 0;
        for (int t = 0; t < trials; t++) {
            double[] v = new double[31];
            for (int i = 0; i < v.length; i++) v[i] = 100 + 10 * r.nextGaussian();
            Stats.Estimate e = Stats.medianWithInterval(v, 2_000, t);
            if (e.low() <= 100 && 100 <= e.high()) covered++;
        }
        double coverage = (double) covered / trials;
        assertThat(coverage).isBetween(0.90, 0.995);
    }

    @Test
    void pairedRatioIsTheMedianOfPerRoundRatios() {
        Stats.Estimate e = Stats.pairedRatio(new double[] {2, 4, 6}, new double[] {1, 1, 2});
        assertThat(e.value()).isEqualTo(3); // ratios 2, 4, 3
        assertThat(e.low()).isGreaterThanOrEqualTo(2);
        assertThat(e.high()).isLessThanOrEqualTo(4);
        assertThatThrownBy(() -> Stats.pairedRatio(new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void goalsCountOnlyWhenTheWholeIntervalClearsThem() {
        Stats.Estimate e = new Stats.Estimate(1.6, 1.45, 1.7);
        assertThat(e.wholeIntervalAtLeast(1.5)).isFalse();
        assertThat(e.wholeIntervalAtLeast(1.4)).isTrue();
        assertThat(e.wholeIntervalAtMost(1.7)).isTrue();
        assertThat(e.wholeIntervalAtMost(1.65)).isFalse();
    }
}
