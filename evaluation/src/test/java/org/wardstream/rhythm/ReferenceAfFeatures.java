package org.wardstream.rhythm;

/**
 * The straightforward computation of {@link AfFeatures} as it was before the features became incremental (main
 * 777bcc3): every segment copies the window into new arrays and copies and sorts each set of differences for its
 * median ({@link #quantile}); and, for {@link AfContextFeatures} and {@link AfShapeFeatures}, what they computed
 * otherwise before they took their medians by selection (main c5da092). Kept as the reference of the differential test ({@link IncrementalAfFeaturesTest}) and the microbenchmark
 * ({@link AfFeaturesMicrobenchmark}); not used by the product.
 */
final class ReferenceAfFeatures {
    private ReferenceAfFeatures() {
    }

    /** An analyser whose segments use this reference computation. */
    static RrAnalyser analyser(RhythmParameters p) {
        return new RrAnalyser(p, params -> (s, out) -> features(params, s, out));
    }

    /** The reference form of {@link RrAnalyser#features}. */
    static boolean features(RhythmParameters p, RrAnalyserState s, double[] out) {
        int cap = RrAnalyserState.RR_CAPACITY;
        int span = Math.min(s.rrCount, cap);
        int[] win = new int[span];
        for (int j = 0; j < span; j++) win[j] = s.rr[Math.floorMod(s.rrHead - 1 - j, cap)];
        int minClean = (int) Math.ceil(p.windowBeats() * p.minValidFraction());
        if (compute(win, Math.min(span, p.windowBeats() + p.maxLag()), p.windowBeats(), p.maxLag(),
                p.prematureFraction(), minClean, out) == 0) return false;
        context(win, span, p.windowBeats(), p.prematureFraction(), out, AfFeatures.COUNT);
        shape(win, span, p.windowBeats(), out, AfFeatures.COUNT + AfContextFeatures.COUNT);
        return true;
    }

    static int compute(int[] win, int span, int w, int maxLag, double prematureFraction, int minClean, double[] out) {
        int n = Math.min(w, span);
        int[] scratch = new int[n + 1];
        int nv = 0;
        for (int j = 0; j < n; j++) if (win[j] > 0) scratch[nv++] = win[j];
        if (nv < Math.max(minClean, 6)) return 0;
        double m = quantile(scratch, nv, 0.5);
        double lim = (1 - prematureFraction) * m;
        // ectopic: premature intervals and the one after each (j - 1 is later in time than j)
        boolean[] ectopic = new boolean[n];
        int premature = 0;
        for (int j = 0; j < n; j++) {
            if (win[j] > 0 && win[j] < lim) {
                premature++;
                ectopic[j] = true;
                if (j > 0) ectopic[j - 1] = true;
            }
        }
        int[] d = new int[n];
        // 0, 2, 5: successive differences
        int nd = 0, nf = 0, small = 0;
        int[] df = scratch; // reuse: filtered differences
        for (int j = 0; j + 1 < n; j++) {
            int a = win[j], b = win[j + 1];
            if (a <= 0 || b <= 0) continue;
            int diff = Math.abs(a - b);
            d[nd++] = diff;
            if (diff < AfFeatures.LEVEL_FRACTION * m) small++;
            if (!ectopic[j] && !ectopic[j + 1]) df[nf++] = diff;
        }
        if (nd < 4) return 0;
        double irrRaw = quantile(d, nd, 0.5) / m;
        double irrFiltered = nf >= 4 ? quantile(df, nf, 0.5) / m : 0.0;
        // 1: min over lags of the median lag-k difference (the newest w slots against up to maxLag older ones)
        double minLag = irrRaw;
        for (int k = 2; k <= maxLag; k++) {
            int c = 0;
            for (int j = 0; j < n && j + k < span; j++) {
                int a = win[j], b = win[j + k];
                if (a > 0 && b > 0) d[c++] = Math.abs(a - b);
            }
            if (c >= 4) minLag = Math.min(minLag, quantile(d, c, 0.5) / m);
        }
        // 4: turning points; 6: symbolic words
        int triples = 0, turns = 0, words = 0;
        int[] hist = new int[27];
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
        out[0] = Math.log(AfFeatures.LOG_OFFSET + irrFiltered);
        out[1] = Math.log(AfFeatures.LOG_OFFSET + minLag);
        out[2] = Math.log(AfFeatures.LOG_OFFSET + irrRaw);
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
        return diff < -AfFeatures.LEVEL_FRACTION * median ? 0 : diff > AfFeatures.LEVEL_FRACTION * median ? 2 : 1;
    }

    /**
     * {@link AfContextFeatures} with what the product computes differently done as at main c5da092: the window's
     * median and the ring's two medians by copy and sort, the sample entropy's pairs counted over the window with its
     * holes skipped. The other two features are the product's (unchanged since they were written).
     */
    static void context(int[] win, int span, int w, double prematureFraction, double[] out, int offset) {
        int n = Math.min(w, span);
        AfContextFeatures.compute(win, span, w, prematureFraction, sortedMedianOfClean(win, n),
                RrWindowIndex.SCRATCH.get(), out, offset);
        int nv = 0;
        long sum = 0;
        for (int j = 0; j < n; j++) {
            if (win[j] > 0) {
                nv++;
                sum += win[j];
            }
        }
        double mean = nv == 0 ? RrAnalyser.REFERENCE_RR_MS : (double) sum / nv;
        // 9: coefficient of sample entropy, m = 1: templates are clean intervals x(j) with a clean successor x(j - 1)
        long b = 0, a = 0;
        for (int i = 1; i < n; i++) {
            if (win[i] <= 0 || win[i - 1] <= 0) continue;
            for (int k = i + 1; k < n; k++) {
                if (win[k] <= 0 || win[k - 1] <= 0) continue;
                if (Math.abs(win[i] - win[k]) <= AfContextFeatures.COSEN_R_MS) {
                    b++;
                    if (Math.abs(win[i - 1] - win[k - 1]) <= AfContextFeatures.COSEN_R_MS) a++;
                }
            }
        }
        double sampEn = -Math.log((a + 0.5) / (b + 0.5));
        out[offset] = sampEn + Math.log(2 * AfContextFeatures.COSEN_R_MS / 1000.0) - Math.log(mean / 1000.0);
        // 12: irregularity over the whole ring
        int c = 0;
        int[] d = new int[Math.max(span, 1)];
        for (int j = 0; j + 1 < span; j++) {
            if (win[j] > 0 && win[j + 1] > 0) d[c++] = Math.abs(win[j] - win[j + 1]);
        }
        double ringMedian = sortedMedianOfClean(win, span);
        double longMedian = Double.isNaN(ringMedian) ? mean : ringMedian;
        out[offset + 3] = Math.log(AfFeatures.LOG_OFFSET + (c < 4 ? 0 : quantile(d, c, 0.5) / longMedian));
    }

    /** {@link AfShapeFeatures} with the window's median by copy and sort (main c5da092). */
    static void shape(int[] win, int span, int w, double[] out, int offset) {
        AfShapeFeatures.compute(win, span, w, sortedMedianOfClean(win, Math.min(w, span)), out, offset);
    }

    /** The median of the clean entries of {@code win[0..n)} by copy and sort; NaN when none. */
    private static double sortedMedianOfClean(int[] win, int n) {
        int[] clean = java.util.Arrays.stream(win, 0, n).filter(v -> v > 0).toArray();
        return clean.length == 0 ? Double.NaN : quantile(clean, clean.length, 0.5);
    }

    /** Linear-interpolated quantile of the first n values (copies and sorts; does not reorder the input). */
    static double quantile(int[] v, int n, double q) {
        int[] c = java.util.Arrays.copyOf(v, n);
        java.util.Arrays.sort(c);
        return RrWindowIndex.quantileSorted(c, n, q);
    }
}
