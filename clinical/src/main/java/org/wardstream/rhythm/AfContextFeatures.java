package org.wardstream.rhythm;

/**
 * The RR features that af-model-v2 adds to {@link AfFeatures} (kept apart so that {@link AfFeatures}' own computations
 * are untouched). Computed by {@link RrAnalyser} once per segment from the same RR ring (no extra state): three over
 * the newest {@code windowBeats} intervals, one over the whole ring ({@value RrAnalyserState#RR_CAPACITY} intervals).
 * Holes (excluded intervals) are respected as in {@link AfFeatures}: no difference or template spans one.
 *
 * <ol start="9">
 *   <li>{@code cosen}: the coefficient of sample entropy (Lake &amp; Moorman 2011), SampEn(m = 1, r = 30 ms) + ln(2r) -
 *       ln(mean RR), r and RR in seconds, over the newest window; SampEn = -ln((A + 0.5) / (B + 0.5)) with B the pairs
 *       of clean intervals within r of each other and A those whose next intervals are also within r (the 0.5 keeps
 *       a window without any match finite). Designed for AF in short windows: high for AF's unpredictable intervals
 *       at any rate, low for sinus rhythm, with or without sinus arrhythmia.</li>
 *   <li>{@code nrmssd}: ln(0.01 + root mean square of the successive differences / mean RR) over the newest window (Dash
 *       et al. 2009's normalised RMSSD): the dispersion that the median-based irregularity features do not see.</li>
 *   <li>{@code compensatory_fraction}: of the premature intervals of the newest window (shorter than (1 -
 *       prematureFraction) x median), the fraction followed by a long one (longer than (1 + prematureFraction) x
 *       median): the premature-beat / compensatory-pause signature of ectopy (Sarkar et al. 2008's PAC evidence); 0 with
 *       no premature interval.</li>
 *   <li>{@code long_irregularity}: ln(0.01 + median |r(i) - r(i-1)| / median RR) over the whole ring (64 intervals):
 *       the irregularity on twice the window, steadier for steady moderately irregular AF.</li>
 * </ol>
 */
public final class AfContextFeatures {
    public static final String[] NAMES = {"cosen", "nrmssd", "compensatory_fraction", "long_irregularity"};
    public static final int COUNT = NAMES.length;
    /** Tolerance of the sample entropy (Lake &amp; Moorman 2011 use 30 ms with m = 1). */
    static final int COSEN_R_MS = 30;

    private AfContextFeatures() {
    }

    /**
     * Computes the features into {@code out[offset..offset + COUNT)}, taking the window's median itself (by
     * selection); for callers without an {@link RrWindowIndex}.
     *
     * @param win  {@code win[j]} = the interval {@code j} beats before the newest (0 = hole)
     * @param span valid entries in {@code win} (up to the ring's capacity)
     * @param w    the window of the first three features (windowBeats)
     */
    static void compute(int[] win, int span, int w, double prematureFraction, double[] out, int offset) {
        RrWindowIndex.Scratch scratch = RrWindowIndex.SCRATCH.get();
        double windowMedian = RrWindowIndex.medianOfClean(win, Math.min(w, span), scratch.select);
        compute(win, span, w, prematureFraction, windowMedian, scratch, out, offset);
    }

    /**
     * As {@link #compute(int[], int, int, double, double[], int)}, with the median of the newest window's clean
     * intervals given ({@link RrWindowIndex#windowMedian}; NaN when the window has none) and the thread's scratch
     * arrays. Allocates nothing; every value is the same double as a copy-and-sort computation's (the differential
     * test in the evaluation module compares them bit for bit).
     */
    static void compute(int[] win, int span, int w, double prematureFraction, double windowMedian,
                        RrWindowIndex.Scratch scratch, double[] out, int offset) {
        int n = Math.min(w, span);
        int nv = 0;
        long sum = 0;
        for (int j = 0; j < n; j++) {
            if (win[j] > 0) {
                nv++;
                sum += win[j];
            }
        }
        double mean = nv == 0 ? RrAnalyser.REFERENCE_RR_MS : (double) sum / nv;
        double median = nv == 0 ? mean : windowMedian;
        // 9: coefficient of sample entropy, m = 1: templates are clean intervals x(j) with a clean successor x(j - 1);
        // B counts the pairs of templates within r, A those whose successors are also within r. The templates are
        // gathered first so that the pair loop has no holes to skip (the same pairs, so the same counts).
        int[] tx = scratch.templates, ty = scratch.successors;
        int m = 0;
        for (int i = 1; i < n; i++) {
            if (win[i] > 0 && win[i - 1] > 0) {
                tx[m] = win[i];
                ty[m++] = win[i - 1];
            }
        }
        int b = 0, a = 0; // at most m(m - 1)/2 < 2,100 pairs
        for (int i = 0; i < m; i++) {
            int xi = tx[i], yi = ty[i];
            for (int k = i + 1; k < m; k++) {
                // 1 when |difference| <= r, else 0, without a branch (the sign bit of r - |difference|, flipped)
                int near = ((COSEN_R_MS - Math.abs(xi - tx[k])) >>> 31) ^ 1;
                b += near;
                a += near & (((COSEN_R_MS - Math.abs(yi - ty[k])) >>> 31) ^ 1);
            }
        }
        double sampEn = -Math.log((a + 0.5) / (b + 0.5));
        out[offset] = sampEn + Math.log(2 * COSEN_R_MS / 1000.0) - Math.log(mean / 1000.0);
        // 10: normalised RMSSD
        double ss = 0;
        int nd = 0;
        for (int j = 0; j + 1 < n; j++) {
            if (win[j] <= 0 || win[j + 1] <= 0) continue;
            double d = win[j] - win[j + 1];
            ss += d * d;
            nd++;
        }
        out[offset + 1] = Math.log(AfFeatures.LOG_OFFSET + (nd == 0 ? 0 : Math.sqrt(ss / nd) / mean));
        // 11: compensatory fraction (j - 1 is the interval after j in time)
        int premature = 0, compensated = 0;
        double shortLim = (1 - prematureFraction) * median, longLim = (1 + prematureFraction) * median;
        for (int j = 1; j < n; j++) {
            if (win[j] > 0 && win[j] < shortLim) {
                premature++;
                if (win[j - 1] > longLim) compensated++;
            }
        }
        out[offset + 2] = premature == 0 ? 0 : (double) compensated / premature;
        // 12: irregularity over the whole ring (medians by selection in the scratch arrays)
        int[] values = scratch.select, diffs = scratch.diffs;
        int c = 0;
        nv = 0;
        for (int j = 0; j < span; j++) if (win[j] > 0) values[nv++] = win[j];
        for (int j = 0; j + 1 < span; j++) {
            if (win[j] > 0 && win[j + 1] > 0) diffs[c++] = Math.abs(win[j] - win[j + 1]);
        }
        double longMedian = nv == 0 ? mean : RrWindowIndex.median(values, nv);
        out[offset + 3] = Math.log(AfFeatures.LOG_OFFSET + (c < 4 ? 0 : RrWindowIndex.median(diffs, c) / longMedian));
    }
}
