package org.wardstream.bench.triage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TriageBenchTest {
    private static double[] oneTo(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i + 1;
        return v;
    }

    @Test
    void percentilesAreNearestRank() {
        assertThat(TriageBench.pct(oneTo(100), 0.50)).isEqualTo(50.0);
        assertThat(TriageBench.pct(oneTo(100), 0.95)).isEqualTo(95.0);
        assertThat(TriageBench.pct(oneTo(10), 0.95)).isEqualTo(10.0);
    }

    /** Order statistics at n*q -/+ 1.96 sqrt(n q (1-q)): 100 values, the median between ranks 40 and 61, p95 90 and 100. */
    @Test
    void theIntervalOfAPercentileIsGivenByOrderStatistics() {
        assertThat(TriageBench.ci(oneTo(100), 0.50)).isEqualTo("40.0-61.0");
        assertThat(TriageBench.ci(oneTo(100), 0.95)).isEqualTo("90.0-100.0");
        assertThat(TriageBench.ci(oneTo(1000), 0.95)).isEqualTo("936.0-965.0");
    }
}
