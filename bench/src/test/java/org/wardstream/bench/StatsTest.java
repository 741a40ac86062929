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

    @Test
    void nearestRankPercentiles() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) sorted[i] = i + 1; // 1..100
        assertThat(Stats.nearestRank(sorted, 50)).isEqualTo(50);
        assertThat(Stats.nearestRank(sorted, 99)).isEqualTo(99);
        assertThat(Stats.nearestRank(sorted, 100)).isEqualTo(100);
        assertThat(Stats.nearestRank(new double[] {4}, 99)).isEqualTo(4);
    }

    @Test
    void percentileIntervalsContainThePointAndNarrowWithMoreValues() {
        Random r = new Random(5);
        double[] small = new double[200];
        double[] large = new double[5000];
        for (int i = 0; i < small.length; i++) small[i] = 100 + 50 * r.nextGaussian();
        for (int i = 0; i < large.length; i++) large[i] = 100 + 50 * r.nextGaussian();
        Stats.Estimate[] s = Stats.seededPercentilesWithIntervals(small, 2000, 1, 50, 99);
        Stats.Estimate[] l = Stats.seededPercentilesWithIntervals(large, 2000, 1, 50, 99);
        // the public form with whole-number percentiles gives one estimate per percentile
        assertThat(Stats.percentilesWithIntervals(small, 50, 99)).hasSize(2);
        for (Stats.Estimate[] e : new Stats.Estimate[][] {s, l}) {
            assertThat(e[0].low()).isLessThanOrEqualTo(e[0].value());
            assertThat(e[0].high()).isGreaterThanOrEqualTo(e[0].value());
            assertThat(e[1].low()).isLessThanOrEqualTo(e[1].value());
            assertThat(e[1].high()).isGreaterThanOrEqualTo(e[1].value());
            assertThat(e[1].value()).isGreaterThan(e[0].value());
        }
        // the true median is 100 and the true p99 about 216: both inside the large sample's intervals
        assertThat(l[0].low()).isLessThan(100);
        assertThat(l[0].high()).isGreaterThan(100);
        assertThat(l[1].low()).isLessThan(216.3);
        assertThat(l[1].high()).isGreaterThan(216.3);
        assertThat(l[1].high() - l[1].low()).isLessThan(s[1].high() - s[1].low());
    }
}
