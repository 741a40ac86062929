package org.wardstream.rhythm;

import java.util.Arrays;

/**
 * The explainable RR features that {@link RrAnalyser} computes once per segment over the last {@code windowBeats}
 * intervals, and that {@link AfModel} combines into the probability that the segment is atrial fibrillation.
 * All are scale-free (divided by the window's median RR) and respect holes (excluded intervals): no difference spans
 * a hole.
 *
 * <p>Ectopy is handled explicitly (Petrėnas et al. 2015's ectopic-beat filter, Sarkar et al. 2008's premature-beat
 * evidence): an interval shorter than {@code (1 - prematureFraction)} x the window median is <i>premature</i>, and it
 * and the interval after it (the compensatory pause or sinus reset) are <i>ectopic</i>. Irregularity is then judged
 * (1) on the successive differences between non-ectopic intervals only, so isolated and frequent PVCs/PACs do not read
 * as irregularity, and (2) as the minimum over lags 1..maxLag of the median lag-k difference, which collapses for a
 * repeating pattern (bigeminy at lag 2, trigeminy at lag 3, grouped beating), so regular alternation does not either.
 *
 * <ol start="0">
 *   <li>{@code irregularity_ectopy_removed}: ln(0.01 + median |r(i) - r(i-1)| over non-ectopic pairs / median RR);
 *       ln(0.01) when fewer than 4 such pairs remain (the window is all ectopy)</li>
 *   <li>{@code min_lag_irregularity}: ln(0.01 + min over k = 1..maxLag of median |r(i) - r(i-k)| / median RR)</li>
 *   <li>{@code irregularity_raw}: ln(0.01 + median |r(i) - r(i-1)| / median RR) (Petrėnas 2015, Tateno & Glass 2001)</li>
 *   <li>{@code premature_fraction}: fraction of intervals that are premature</li>
 *   <li>{@code turning_point_ratio}: turning points / triples (about 2/3 for independent intervals; Dash et al. 2009)</li>
 *   <li>{@code small_difference_fraction}: fraction of successive differences below 3 % of the median RR (the Lorenz
 *       plot's points near the origin; Sarkar et al. 2008)</li>
 *   <li>{@code symbolic_entropy}: Shannon entropy of 3-symbol words of the signs of the successive differences
 *       (down / level within 3 % / up), over log 27 (Zhou et al. 2014's symbolic dynamics)</li>
 *   <li>{@code rate}: ln(750 ms / median RR) (heart rate; rate-scaled irregularity for slow AF comes from the model's
 *       weights on this and the irregularity terms, as mean RR in Lake & Moorman 2011's COSEn)</li>
 *   <li>{@code rr_autocorrelation}: lag-1 autocorrelation of the non-ectopic intervals (AF's intervals are nearly
 *       independent, about 0; sinus arrhythmia's change smoothly, clearly positive; alternation is negative)</li>
 * </ol>
 */
public final class AfFeatures {
    public static final String[] NAMES = {"irregularity_ectopy_removed", "min_lag_irregularity", "irregularity_raw",
            "premature_fraction", "turning_point_ratio", "small_difference_fraction", "symbolic_entropy", "rate",
            "rr_autocorrelation"};
    public static final int COUNT = NAMES.length;
    /** Offset inside the logarithm of the irregularity features. */
    static final double LOG_OFFSET = 0.01;
    /** A successive difference below this fraction of the median RR is "level" (feature 5 and 6). */
    static final double LEVEL_FRACTION = 0.03;

    private AfFeatures() {
    }

    /**
     * Computes the features of the newest {@code w} ring slots into {@code out}, taking the medians from the
     * maintained sorted sets of {@code ix} ({@link RrWindowIndex}) instead of copying and sorting: the same multisets,
     * the same arithmetic, so the same bits as a copy-and-sort computation of the same definitions (the reference kept
     * in the evaluation module's tests, {@code ReferenceAfFeatures}).
     *
     * @param win   {@code win[j]} = the interval {@code j} beats before the newest (0 = hole), length {@code >= w + maxLag}
     * @param span  valid entries in {@code win}
     * @param ix    the sorted sets of exactly this window (built by {@link RrWindowIndex#of})
     * @param scratch this thread's work arrays
     * @return the number of clean intervals in the newest {@code w} slots, or 0 if too few to compute (then {@code out}
     *         is untouched)
     */
    static int compute(int[] win, int span, int w, int maxLag, double prematureFraction, int minClean,
                       RrWindowIndex ix, RrWindowIndex.Scratch scratch, double[] out) {
        int n = Math.min(w, span);
        int nv = ix.windowSize;
        if (nv < Math.max(minClean, 6)) return 0;
        double m = ix.windowMedian();
        double lim = (1 - prematureFraction) * m;
        // ectopic: premature intervals and the one after each (j - 1 is later in time than j)
        boolean[] ectopic = scratch.ectopic;
        Arrays.fill(ectopic, 0, n, false);
        int premature = 0;
        for (int j = 0; j < n; j++) {
            if (win[j] > 0 && win[j] < lim) {
                premature++;
                ectopic[j] = true;
                if (j > 0) ectopic[j - 1] = true;
            }
        }
        // 0, 2, 5: successive differences (lag 1 within the window)
        int[] d = ix.lag[0];
        int nd = ix.lagSize[0];
        if (nd < 4) return 0;
        int small = 0;
        double level = LEVEL_FRACTION * m;
        while (small < nd && d[small] < level) small++;
        double irrRaw = RrWindowIndex.quantileSorted(d, nd, 0.5) / m;
        // the filtered differences: the sorted lag-1 set less the pairs touching an ectopic interval
        int nf = nd;
        int[] df = d;
        if (premature > 0) {
            df = scratch.filtered;
            System.arraycopy(d, 0, df, 0, nd);
            for (int j = 0; j + 1 < n; j++) {
                int a = win[j], b = win[j + 1];
                if (a > 0 && b > 0 && (ectopic[j] || ectopic[j + 1])) {
                    int i = Arrays.binarySearch(df, 0, nf, Math.abs(a - b));
                    System.arraycopy(df, i + 1, df, i, nf - i - 1);
                    nf--;
                }
            }
        }
        double irrFiltered = nf >= 4 ? RrWindowIndex.quantileSorted(df, nf, 0.5) / m : 0.0;
        // 1: min over lags of the median lag-k difference (the newest w slots against up to maxLag older ones)
        double minLag = irrRaw;
        for (int k = 2; k <= maxLag; k++) {
            int c = ix.lagSize[k - 1];
            if (c >= 4) minLag = Math.min(minLag, RrWindowIndex.quantileSorted(ix.lag[k - 1], c, 0.5) / m);
        }
        // 4: turning points; 6: symbolic words
        int triples = 0, turns = 0, words = 0;
        int[] hist = scratch.hist;
        Arrays.fill(hist, 0);
        for (int j = 0; j + 2 < n; j++) {
            int a = win[j], b = win[j + 1], c = win[j + 2];
            if (a <= 0 || b <= 0 || c <= 0) continue;
            triples++;
            if ((b > a && b > c) || (b < a && b < c)) turns++;
            if (j + 3 < n && win[j + 3] > 0) {
                int s1 = symbol(b - a, m), s2 = symbol(c - b, m), s3 = symbol(win[j + 3] - c, m);
                hist[s1 * 9 + s2 * 3 + s3]++;
                words++;
            }
        }
        double entropy = 0;
        for (int h : hist) {
            if (h > 0) {
                double p = (double) h / words;
                entropy -= p * Math.log(p);
            }
        }
        out[0] = Math.log(LOG_OFFSET + irrFiltered);
        out[1] = Math.log(LOG_OFFSET + minLag);
        out[2] = Math.log(LOG_OFFSET + irrRaw);
        out[3] = (double) premature / nv;
        out[4] = triples == 0 ? 0 : (double) turns / triples;
        out[5] = (double) small / nd;
        out[6] = words == 0 ? 0 : entropy / Math.log(27);
        out[7] = Math.log(RrAnalyser.REFERENCE_RR_MS / m);
        // 8: lag-1 autocorrelation of the non-ectopic intervals (pairs of adjacent clean, non-ectopic intervals)
        double sx = 0, sxx = 0, sxy = 0;
        int na = 0, npairs = 0;
        for (int j = 0; j < n; j++) {
            if (win[j] <= 0 || ectopic[j]) continue;
            double x = win[j] - m;
            sx += x;
            sxx += x * x;
            na++;
            if (j + 1 < n && win[j + 1] > 0 && !ectopic[j + 1]) {
                sxy += x * (win[j + 1] - m);
                npairs++;
            }
        }
        double ac = 0;
        if (na >= 4 && npairs >= 3) {
            double mu = sx / na;
            double var = sxx / na - mu * mu;
            // covariance of adjacent pairs about the mean (approximation: pairs share the window mean)
            ac = var > 1e-9 ? Math.max(-1, Math.min(1, (sxy / npairs - mu * mu) / var)) : 0;
        }
        out[8] = ac;
        return nv;
    }

    private static int symbol(int diff, double median) {
        return diff < -LEVEL_FRACTION * median ? 0 : diff > LEVEL_FRACTION * median ? 2 : 1;
    }
}
