package org.wardstream.rhythm;

/**
 * The RR features that af-model-v3 adds to {@link AfFeatures} and {@link AfContextFeatures}: the shape of the RR series
 * that tells irregular sinus rhythm and frequent atrial ectopy from AF (issue 13: normal-rhythm false AF episodes;
 * chosen by what separated the held-out false episodes' segments from AF, docs/VALIDATION.md).
 * Computed by {@link RrAnalyser} once per segment from the same RR ring (no extra state); holes (excluded intervals)
 * are respected: no product or extreme uses one.
 *
 * <ol start="14">
 *   <li>{@code rr_periodicity}: the largest autocorrelation of the RR intervals at lags 2 to 7 over the whole ring
 *       ({@value RrAnalyserState#RR_CAPACITY} intervals). AF's intervals are uncorrelated at every lag (the "irregularly
 *       irregular" rhythm); respiratory sinus arrhythmia and grouped ectopy repeat with a period of a few beats. Lag 1
 *       is left out (it is {@code rr_autocorrelation}'s).</li>
 *   <li>{@code rr_skewness}: the skewness of the intervals of the newest window. Premature atrial beats give a tail of
 *       short intervals (negative); AF's intervals have a tail of long ones (positive).</li>
 *   <li>{@code max_rr_ratio}: the longest interval of the newest window over its median: AF has occasional long
 *       intervals; sinus rhythm, even irregular, rarely goes far above its median.</li>
 *   <li>{@code lorenz_occupancy} (issue 13 experiment, weight 0 in af-model-v5: {@code CrossValidation
 *       --lorenz-occupancy} fits it): the Lorenz plot of successive RR differences (each difference against the next)
 *       over the whole ring, in square cells {@value #LORENZ_CELL} of the ring's mean clean interval wide, as the number
 *       of distinct cells occupied over the number of points (pairs of differences from three consecutive clean
 *       intervals; 0 without any). AF scatters its points over many cells; sinus rhythm, even irregular, and ectopy
 *       return to a few clusters (Sarkar, Ritscher &amp; Mehra, IEEE Trans Biomed Eng 2008, doi:10.1109/TBME.2007.910652:
 *       the irregularity evidence of the implantable monitor's AF detector, occupied bins of the same plot).</li>
 * </ol>
 */
public final class AfShapeFeatures {
    public static final String[] NAMES = {"rr_periodicity", "rr_skewness", "max_rr_ratio", "lorenz_occupancy"};
    public static final int COUNT = NAMES.length;
    /** Lags of {@code rr_periodicity}. */
    static final int FROM_LAG = 2, TO_LAG = 7;
    /** Cell width of {@code lorenz_occupancy}'s plot, as a fraction of the ring's mean clean interval. */
    static final double LORENZ_CELL = 0.06;
    /** Index of {@code lorenz_occupancy} in the model's feature vector. */
    static final int LORENZ_INDEX = AfFeatures.COUNT + AfContextFeatures.COUNT + 3;
    private static final ThreadLocal<long[]> CELLS = ThreadLocal.withInitial(() -> new long[RrAnalyserState.RR_CAPACITY]);

    private AfShapeFeatures() {
    }

    /**
     * Computes the features into {@code out[offset..offset + COUNT)}.
     *
     * @param win  {@code win[j]} = the interval {@code j} beats before the newest (0 = hole)
     * @param span valid entries in {@code win} (up to the ring's capacity)
     * @param w    the window of the last two features (windowBeats)
     */
    static void compute(int[] win, int span, int w, double[] out, int offset) {
        int[] work = RrWindowIndex.SCRATCH.get().select;
        compute(win, span, w, RrWindowIndex.medianOfClean(win, Math.min(w, span), work), out, offset);
    }

    /**
     * As {@link #compute(int[], int, int, double[], int)}, with the median of the newest window's clean intervals
     * given ({@link RrWindowIndex#windowMedian}). Allocates nothing; the same doubles as a copy-and-sort computation.
     */
    static void compute(int[] win, int span, int w, double windowMedian, double[] out, int offset) {
        compute(win, span, w, windowMedian, out, offset, true);
    }

    /** As above; {@code lorenz_occupancy} left at 0 unless {@code lorenz} (the run time skips it at weight 0). */
    static void compute(int[] win, int span, int w, double windowMedian, double[] out, int offset, boolean lorenz) {
        // 14: periodicity over the whole ring
        long sum = 0;
        int nv = 0;
        for (int j = 0; j < span; j++) {
            if (win[j] > 0) {
                sum += win[j];
                nv++;
            }
        }
        double periodicity = 0;
        if (nv > 1) {
            double mean = (double) sum / nv;
            double den = 0;
            for (int j = 0; j < span; j++) if (win[j] > 0) den += (win[j] - mean) * (win[j] - mean);
            if (den > 0) {
                double best = Double.NEGATIVE_INFINITY;
                for (int lag = FROM_LAG; lag <= TO_LAG; lag++) {
                    double num = 0;
                    int pairs = 0;
                    for (int j = 0; j + lag < span; j++) {
                        if (win[j] > 0 && win[j + lag] > 0) {
                            num += (win[j] - mean) * (win[j + lag] - mean);
                            pairs++;
                        }
                    }
                    if (pairs > 0) best = Math.max(best, num / den);
                }
                if (best != Double.NEGATIVE_INFINITY) periodicity = best;
            }
        }
        out[offset] = periodicity;
        // 15, 16: skewness and longest-over-median of the newest window
        int n = Math.min(w, span);
        int c = 0, max = 0;
        long s = 0;
        for (int j = 0; j < n; j++) {
            if (win[j] > 0) {
                c++;
                s += win[j];
                max = Math.max(max, win[j]);
            }
        }
        double skew = 0, ratio = 1;
        if (c > 2) {
            double mean = (double) s / c, m2 = 0, m3 = 0;
            for (int j = 0; j < n; j++) {
                if (win[j] <= 0) continue;
                double d = win[j] - mean;
                m2 += d * d;
                m3 += d * d * d;
            }
            m2 /= c;
            m3 /= c;
            if (m2 > 0) skew = m3 / Math.pow(m2, 1.5);
            ratio = max / windowMedian;
        }
        out[offset + 1] = skew;
        out[offset + 2] = ratio;
        out[offset + 3] = lorenz ? lorenzOccupancy(win, span, nv, sum) : 0;
    }

    /** Distinct occupied cells of the successive-difference Lorenz plot over its points (0 without any). */
    static double lorenzOccupancy(int[] win, int span, int clean, long cleanSum) {
        if (clean == 0) return 0;
        double cell = LORENZ_CELL * cleanSum / clean;
        long[] cells = CELLS.get();
        int points = 0;
        // win[j] is j beats before the newest: the differences later minus earlier are win[j] - win[j + 1]
        for (int j = 0; j + 2 < span; j++) {
            if (win[j] <= 0 || win[j + 1] <= 0 || win[j + 2] <= 0) continue;
            long a = (long) Math.floor((win[j] - win[j + 1]) / cell);
            long b = (long) Math.floor((win[j + 1] - win[j + 2]) / cell);
            cells[points++] = a * 100_000L + b;
        }
        if (points == 0) return 0;
        java.util.Arrays.sort(cells, 0, points);
        int distinct = 1;
        for (int k = 1; k < points; k++) if (cells[k] != cells[k - 1]) distinct++;
        return (double) distinct / points;
    }
}
