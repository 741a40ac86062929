package org.wardstream.rhythm;

import java.util.Arrays;

/**
 * Sorted multisets over a patient's RR ring, kept up to date with one insert and one remove per beat and set, so that
 * {@link AfFeatures} takes its medians without copying and sorting: the window's clean intervals, and for each lag
 * k = 1..maxLag the absolute differences |r(i) - r(i-k)| that {@link AfFeatures#compute} uses (lag 1 within the
 * window, lags 2..maxLag from the window to up to maxLag older slots). Holes (0) enter no set.
 *
 * <p>Not part of the state's serialised form: a freshly read {@link RrAnalyserState} has none, and the index is
 * (re)built from the ring at the next segment's features, then maintained per beat ({@link #push}). It is also rebuilt
 * when it no longer matches the ring (a different window or lag, or a ring changed other than through
 * {@link RrAnalyser}). Its outputs are the same multisets as a rebuild from the ring, so the features are identical
 * to a copy-and-sort computation (checked bit for bit by the differential test in the evaluation module).
 */
final class RrWindowIndex {
    final int w;
    final int maxLag;
    /** Sorted clean intervals of the newest w slots. */
    final int[] window;
    int windowSize;
    /** {@code lag[k - 1]}: sorted lag-k differences; {@code lagSize[k - 1]} of them. */
    final int[][] lag;
    final int[] lagSize;
    /** The ring position and fill this index describes (a guard against rings changed behind its back). */
    int head;
    int count;
    /** A remove found nothing: rebuild after this push. */
    private boolean broken;
    /** Times the index was built from the ring (for tests: the per-beat path must carry it between segments). */
    long builds;
    /** Scratch of the feature computation, one per thread (not per patient: the index stays on the heap with the state). */
    static final class Scratch {
        final int[] win = new int[RrAnalyserState.RR_CAPACITY];
        final boolean[] ectopic = new boolean[RrAnalyserState.RR_CAPACITY];
        final int[] filtered = new int[RrAnalyserState.RR_CAPACITY];
        final int[] hist = new int[27];
        /** Values whose median is taken by selection ({@link #median}; reordered). */
        final int[] select = new int[RrAnalyserState.RR_CAPACITY];
        final int[] diffs = new int[RrAnalyserState.RR_CAPACITY];
        /** {@link AfContextFeatures}' sample-entropy templates and their successors. */
        final int[] templates = new int[RrAnalyserState.RR_CAPACITY];
        final int[] successors = new int[RrAnalyserState.RR_CAPACITY];
    }

    static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    RrWindowIndex(int w, int maxLag) {
        this.w = w;
        this.maxLag = maxLag;
        this.window = new int[w];
        this.lag = new int[maxLag][w];
        this.lagSize = new int[maxLag];
    }

    /** The index of {@code s} for these parameters, rebuilt from the ring when missing or stale. */
    static RrWindowIndex of(RrAnalyserState s, int w, int maxLag) {
        RrWindowIndex ix = s.index;
        if (ix == null || ix.w != w || ix.maxLag != maxLag) {
            ix = new RrWindowIndex(w, maxLag);
            s.index = ix;
            ix.rebuild(s);
        } else if (ix.head != s.rrHead || ix.count != s.rrCount) {
            ix.rebuild(s);
        }
        return ix;
    }

    /** Interval {@code j} beats before the newest in {@code s}'s ring (valid for j < rrCount). */
    private static int at(RrAnalyserState s, int j) {
        return s.rr[Math.floorMod(s.rrHead - 1 - j, RrAnalyserState.RR_CAPACITY)];
    }

    void rebuild(RrAnalyserState s) {
        builds++;
        int span = Math.min(s.rrCount, w + maxLag);
        int n = Math.min(w, span);
        windowSize = 0;
        for (int j = 0; j < n; j++) {
            int v = at(s, j);
            if (v > 0) window[windowSize++] = v;
        }
        Arrays.sort(window, 0, windowSize);
        for (int k = 1; k <= maxLag; k++) {
            int[] d = lag[k - 1];
            int c = 0;
            int limit = k == 1 ? n : span; // lag 1 within the window; lags >= 2 reach maxLag older slots
            for (int j = 0; j < n && j + k < limit; j++) {
                int a = at(s, j), b = at(s, j + k);
                if (a > 0 && b > 0) d[c++] = Math.abs(a - b);
            }
            Arrays.sort(d, 0, c);
            lagSize[k - 1] = c;
        }
        head = s.rrHead;
        count = s.rrCount;
    }

    /**
     * Updates the sets for {@code v} about to be written at the ring's head (0 for a hole); call before the write,
     * then {@link #pushed}. What leaves: the interval moving out of the window and the pairs starting at it; what
     * enters: {@code v} and its pairs with the newer slots.
     */
    void push(RrAnalyserState s, int v) {
        int oldSpan = Math.min(s.rrCount, w + maxLag);
        int oldN = Math.min(w, oldSpan);
        int newCount = Math.min(s.rrCount + 1, RrAnalyserState.RR_CAPACITY);
        int newSpan = Math.min(newCount, w + maxLag);
        int newN = Math.min(w, newSpan);
        if (oldN == w) {
            int x = at(s, w - 1);
            if (x > 0) windowSize = remove(window, windowSize, x);
            // lag 1 stays inside the window: its pair (w - 2, w - 1) leaves
            int x1 = at(s, w - 2);
            if (x1 > 0 && x > 0) lagSize[0] = remove(lag[0], lagSize[0], Math.abs(x1 - x));
            // lags >= 2 start in the window: the pair starting at slot w - 1 leaves
            for (int k = 2; k <= maxLag; k++) {
                if (w - 1 + k < oldSpan) {
                    int y = at(s, w - 1 + k);
                    if (x > 0 && y > 0) lagSize[k - 1] = remove(lag[k - 1], lagSize[k - 1], Math.abs(x - y));
                }
            }
        }
        if (v > 0) {
            windowSize = insert(window, windowSize, v);
            for (int k = 1; k <= maxLag; k++) {
                int limit = k == 1 ? newN : newSpan;
                if (k < limit) {
                    int y = at(s, k - 1); // the new slot k is the old slot k - 1
                    if (y > 0) lagSize[k - 1] = insert(lag[k - 1], lagSize[k - 1], Math.abs(v - y));
                }
            }
        }
    }

    /** The ring has taken the pushed value. */
    void pushed(RrAnalyserState s) {
        if (broken) {
            broken = false;
            rebuild(s); // a remove found nothing: the ring was changed behind the index's back
            return;
        }
        head = s.rrHead;
        count = s.rrCount;
    }

    /**
     * The ring's interval {@code j} slots before the newest is about to become a hole (a missed beat or an extra
     * detection confirmed by the interval after it, {@link RrAnalyser}): takes it and its pairs with the other slots out
     * of the sets (the pairs {@link #rebuild} forms: lag 1 within the window, lags 2..maxLag from the window to older
     * slots). Call before the ring is changed, only while the index describes the ring.
     */
    void retract(RrAnalyserState s, int j) {
        slot(s, j, false);
    }

    /** The mirror of {@link #retract}: the ring's slot {@code j} has just been given back its interval. */
    void reinstate(RrAnalyserState s, int j) {
        slot(s, j, true);
    }

    private void slot(RrAnalyserState s, int j, boolean add) {
        int span = Math.min(s.rrCount, w + maxLag);
        int n = Math.min(w, span);
        int v = j < span ? at(s, j) : 0;
        if (v <= 0) return;
        if (j < n) windowSize = add ? insert(window, windowSize, v) : remove(window, windowSize, v);
        for (int k = 1; k <= maxLag; k++) {
            int limit = k == 1 ? n : span;
            if (j < n && j + k < limit) { // (j, j + k): this slot the newer of the pair
                int y = at(s, j + k);
                if (y > 0) lagSize[k - 1] = add ? insert(lag[k - 1], lagSize[k - 1], Math.abs(v - y))
                        : remove(lag[k - 1], lagSize[k - 1], Math.abs(v - y));
            }
            if (j >= k && j - k < n && j < limit) { // (j - k, j): this slot the older
                int y = at(s, j - k);
                if (y > 0) lagSize[k - 1] = add ? insert(lag[k - 1], lagSize[k - 1], Math.abs(y - v))
                        : remove(lag[k - 1], lagSize[k - 1], Math.abs(y - v));
            }
        }
        if (broken) {
            broken = false;
            head = -1; // stale: rebuilt from the ring at the next features
        }
    }

    /** The ring was emptied (evidence reset). */
    void clear(RrAnalyserState s) {
        windowSize = 0;
        Arrays.fill(lagSize, 0);
        head = s.rrHead;
        count = s.rrCount;
    }

    private int insert(int[] a, int size, int v) {
        if (size == a.length) {
            broken = true; // more than the window holds: the ring was changed behind the index's back
            return size;
        }
        int i = Arrays.binarySearch(a, 0, size, v);
        if (i < 0) i = -i - 1;
        System.arraycopy(a, i, a, i + 1, size - i);
        a[i] = v;
        return size + 1;
    }

    /** Removes one {@code v}; returns the new size (unchanged, and the index marked broken, when it is not there). */
    private int remove(int[] a, int size, int v) {
        int i = Arrays.binarySearch(a, 0, size, v);
        if (i < 0) {
            broken = true;
            return size;
        }
        System.arraycopy(a, i + 1, a, i, size - i - 1);
        return size - 1;
    }

    /** The median of the window's clean intervals (NaN when it has none), read from the sorted set. */
    double windowMedian() {
        return windowSize == 0 ? Double.NaN : quantileSorted(window, windowSize, 0.5);
    }

    /** The median of the clean (positive) entries of {@code win[0..n)} by selection in {@code work}; NaN when none. */
    static double medianOfClean(int[] win, int n, int[] work) {
        int nv = 0;
        for (int j = 0; j < n; j++) if (win[j] > 0) work[nv++] = win[j];
        return nv == 0 ? Double.NaN : median(work, nv);
    }

    /**
     * The median of {@code a[0..n)} (n > 0) by selection, with the arithmetic of {@link #quantileSorted}{@code (c, n,
     * 0.5)} on the sorted values, so the same double; reorders {@code a}. Expected linear time (Hoare's FIND, median-of-
     * three pivots), against the n log n of a copy and a sort.
     */
    static double median(int[] a, int n) {
        double pos = 0.5 * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, n - 1);
        int vLo = select(a, n, lo);
        int vHi = vLo;
        if (hi != lo) {
            // after the selection every value right of lo is >= a[lo]: the next order statistic is their minimum
            vHi = a[lo + 1];
            for (int i = lo + 2; i < n; i++) vHi = Math.min(vHi, a[i]);
        }
        return vLo + (pos - lo) * (vHi - vLo);
    }

    /** Places the k-th smallest of {@code a[0..n)} at {@code a[k]}, smaller-or-equal values left of it, greater-or-equal right. */
    private static int select(int[] a, int n, int k) {
        int left = 0, right = n - 1;
        while (right > left) {
            if (right - left < 12) {
                for (int i = left + 1; i <= right; i++) { // insertion sort of a short range
                    int v = a[i], j = i - 1;
                    while (j >= left && a[j] > v) {
                        a[j + 1] = a[j];
                        j--;
                    }
                    a[j + 1] = v;
                }
                return a[k];
            }
            int mid = (left + right) >>> 1;
            if (a[mid] < a[left]) swap(a, mid, left);
            if (a[right] < a[left]) swap(a, right, left);
            if (a[right] < a[mid]) swap(a, right, mid);
            int pivot = a[mid];
            int i = left, j = right;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) swap(a, i++, j--);
            }
            // a[left..j] <= pivot <= a[i..right], and any a[j+1..i-1] == pivot
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else return a[k];
        }
        return a[k];
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Linear-interpolated quantile of sorted {@code c[0..n)} (the arithmetic of numpy's default, linear, quantile). */
    static double quantileSorted(int[] c, int n, double q) {
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, n - 1);
        return c[lo] + (pos - lo) * (c[hi] - c[lo]);
    }
}
