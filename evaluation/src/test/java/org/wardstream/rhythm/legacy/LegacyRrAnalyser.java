package org.wardstream.rhythm.legacy;

// The analyser as of main 260fb77 (state format 2), kept only to benchmark the new one beside it (AnalyserMicrobenchmark).

import org.wardstream.rhythm.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Incremental, per-patient RR-interval analyser: rhythm segments, atrial fibrillation (AF) state with
 * hysteresis, and pauses. Stateless itself (holds only {@link LegacyRhythmParameters}); all per-patient
 * data lives in an {@link LegacyRrAnalyserState} that the caller keeps (a Flink {@code ValueState}, a map in
 * the validation harness). Not thread-safe per state object; one analyser may serve many states.
 *
 * <h2>Method</h2>
 * The AF detector is RR-only and follows the structure of the low-complexity detector of
 * Petrėnas et al. (2015): a short sliding window of RR intervals, ectopic-beat filtering, bigeminy
 * suppression, a robust (order-statistic) measure of successive-difference irregularity, a heart-rate
 * term, and a decision made over several consecutive windows. It is an adaptation, not a
 * re-implementation; the steps are (parameters in {@link LegacyRhythmParameters}, defaults in brackets):
 * <ol>
 *   <li><b>Exclusion.</b> ARTEFACT and GAP intervals (and physiologically implausible "clean" ones) enter
 *       the window as holes; no difference spanning a hole is computed, so missing data is never
 *       irregularity.</li>
 *   <li><b>Premature-beat filter.</b> In the last {@code windowBeats} [16] intervals, an interval shorter
 *       than {@code (1 - prematureFraction)} [0.8] x the window median, and the interval after it
 *       (compensatory pause or sinus reset), are left out of the differences, so isolated and frequent
 *       random APCs/PVCs do not read as irregularity (the role of Petrėnas's ectopic-beat filter).</li>
 *   <li><b>Irregularity at every lag.</b> For each lag {@code k = 1..maxLag} [4], the {@code quantile}
 *       [median] of {@code |r(i) - r(i-k)|} over the remaining intervals; the score is the minimum over
 *       the lags. AF is irregularly irregular: its intervals are nearly independent, so every lag is
 *       irregular, whereas bigeminy (period 2), trigeminy (3) and 3:2/4:3 grouped beating collapse at
 *       their period. This generalises Petrėnas's bigeminy suppression to any short period; the lack of
 *       short-range RR structure in AF is also what symbolic-dynamics detectors exploit (Zhou et al. 2015).
 *       If premature beats dominate the window so that too few differences survive the filter, the raw
 *       sequence is used only as evidence <i>against</i> AF (when it shows a repeating pattern);
 *       otherwise the beat gives no evidence, because RR alone cannot tell dense random ectopy from AF.</li>
 *   <li><b>Normalisation and heart rate.</b> The score is divided by the window median RR (scale-free
 *       irregularity) and weighted by {@code (750 ms / median RR)^rateExponent} [1]: at low rates the
 *       same relative irregularity is less likely to be AF (sinus arrhythmia is larger at low rates).
 *       Mean RR is likewise one of the two terms of the COSEn AF detector (Lake and Moorman 2011), and
 *       Petrėnas 2015 fuses irregularity with heart rate.</li>
 *   <li><b>Segments.</b> Every {@code segmentBeats} [8] intervals form a segment whose score is the median
 *       of its per-beat scores: IRREGULAR above {@code irregularThreshold} [0.065], REGULAR otherwise,
 *       INSUFFICIENT if fewer than {@code minValidFraction} [0.5] of its beats could be scored.</li>
 *   <li><b>Hysteresis.</b> AF opens after {@code onsetSegments} [5] consecutive IRREGULAR segments (about
 *       40 beats, so at least ~30 s of AF as in the ESC definition) and closes after {@code offsetSegments}
 *       [5] consecutive REGULAR ones; INSUFFICIENT segments neither add nor remove evidence. Missing data
 *       longer than {@code gapResetMs} [60 s] resets the evidence; longer than {@code afMaxBridgeMs}
 *       [10 min] closes an open episode at the last clean beat. Onset and offset times are back-dated to
 *       the start of the confirming run; the emission time is reported separately (detection delay).
 *       <b>Warm-up.</b> When the analyser (re)starts (the first beat, or the first beat after missing data
 *       reset the evidence), its first beats only fill the window: the first segment has too few scored beats
 *       to be judged (INSUFFICIENT), so those beats belong to no run. If the first segment judged after a
 *       (re)start is IRREGULAR and opens the run that confirms AF, the onset is back-dated to the (re)start
 *       itself (the start of its first clean interval, or the end of the missing data) rather than to the
 *       start of that segment: the warm-up beats are part of the same run, only unscored. If that first
 *       judged segment is REGULAR, nothing changes. This only moves an onset earlier by the warm-up (about
 *       one to two segments); it never opens an episode that would not otherwise open.</li>
 *   <li><b>A higher bar to open than to stay (two thresholds).</b> A segment is IRREGULAR above
 *       {@code irregularThreshold} [0.05], but AF opens only when the mean score of the current irregular run
 *       is also above {@code onsetThreshold} [0.11]; once open, segments above the lower threshold keep it open.
 *       This is the two-threshold hysteresis of a Schmitt trigger (Schmitt 1938) applied to the irregularity
 *       evidence, on top of the run-length hysteresis of Petrėnas et al. (2015). Why: on the development split,
 *       the beat-to-beat irregularity of sinus rhythm with marked sinus arrhythmia (nsr2db nsr014: RR swinging
 *       15-20 % beat to beat at 60-80 bpm, labelled normal) reaches the level of slow AF segment by segment
 *       (99th percentile 0.10) but rarely above it, whereas 62 % of AF segments score above 0.10 (median 0.12).
 *       One threshold cannot separate them (the former single threshold 0.065 gave 48 false episodes in 639 h
 *       of normal rhythm; raising it loses the AF segments that keep an episode open). Opening at 0.11 and
 *       staying above 0.05 gave no false episode and beat sensitivity 0.947 (staying above 0.065: 0.90; 0.953
 *       with the warm-up rule of step 6), see docs/VALIDATION.md; the lower stay threshold tolerates the
 *       quieter stretches inside AF. Both values were chosen on the development split. Judging the onset on the
 *       mean of only the last {@code onsetSegments} segments instead of the whole run was measured and not
 *       adopted (no gain in sensitivity, lower specificity, worse leave-one-record-out; docs/VALIDATION.md).</li>
 * </ol>
 * Pauses are CLEAN intervals longer than {@code pauseThresholdMs} [3000 ms]; excluded intervals never are.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>Petrėnas A, Marozas V, Sörnmo L. Low-complexity detection of atrial fibrillation in continuous
 *       long-term monitoring. Comput Biol Med 65:184-191 (2015).</li>
 *   <li>Lake DE, Moorman JR. Accurate estimation of entropy in very short physiological time series: the
 *       problem of atrial fibrillation detection in implanted ventricular devices. Am J Physiol Heart Circ
 *       Physiol 300(1):H319-H325 (2011). doi:10.1152/ajpheart.00561.2010</li>
 *   <li>Zhou X, Ding H, Wu W, Zhang Y. A real-time atrial fibrillation detection algorithm based on the
 *       instantaneous state of heart rate. PLoS ONE 10(9):e0136544 (2015).</li>
 *   <li>Schmitt OH. A thermionic trigger. J Sci Instrum 15(1):24-26 (1938). doi:10.1088/0950-7671/15/1/305</li>
 * </ul>
 * Validation on the PhysioNet development split: {@code docs/VALIDATION.md} ({@code wardstream validate}).
 */
public final class LegacyRrAnalyser {

    /** Reference interval (80 bpm) for the heart-rate weighting of the irregularity score. */
    static final double REFERENCE_RR_MS = 750.0;

    private final LegacyRhythmParameters p;

    public LegacyRrAnalyser() {
        this(LegacyRhythmParameters.DEFAULTS);
    }

    public LegacyRrAnalyser(LegacyRhythmParameters parameters) {
        this.p = Objects.requireNonNull(parameters);
    }

    public LegacyRhythmParameters parameters() {
        return p;
    }

    /** Convenience form of {@link #onBeat(LegacyRrAnalyserState, long, int, BeatQuality, Consumer)}. */
    public List<RhythmEvent> onBeat(LegacyRrAnalyserState s, long beatTimeMs, int rrMs, BeatQuality quality) {
        List<RhythmEvent> out = new ArrayList<>(2);
        onBeat(s, beatTimeMs, rrMs, quality, out::add);
        return out;
    }

    /**
     * Feeds one interval: the beat at {@code beatTimeMs} (epoch ms, device time) ended an interval of
     * {@code rrMs}. Beats must arrive in beat-time order per patient; an out-of-order beat (earlier than
     * the last one) is ignored and {@code false} is returned.
     *
     * @return whether the beat was used
     */
    public boolean onBeat(LegacyRrAnalyserState s, long beatTimeMs, int rrMs, BeatQuality quality,
                          Consumer<? super RhythmEvent> sink) {
        Objects.requireNonNull(quality, "quality");
        if (s.lastBeatMs != LegacyRrAnalyserState.NO_TIME && beatTimeMs <= s.lastBeatMs) {
            return false;
        }
        BeatQuality q = quality;
        if (q == BeatQuality.CLEAN && rrMs < p.minPlausibleRrMs()) q = BeatQuality.ARTEFACT;
        if (q == BeatQuality.CLEAN && rrMs > p.maxPlausibleRrMs()) q = BeatQuality.GAP;
        boolean clean = q == BeatQuality.CLEAN;

        // Missing data: an excluded interval, or silence between beats not explained by the RR.
        long missingMs = 0;
        if (!clean) {
            missingMs = s.lastCleanBeatMs != LegacyRrAnalyserState.NO_TIME ? beatTimeMs - s.lastCleanBeatMs : Math.max(rrMs, 0);
        } else if (s.lastBeatMs != LegacyRrAnalyserState.NO_TIME) {
            missingMs = beatTimeMs - s.lastBeatMs - rrMs;
        }
        if (missingMs > p.afMaxBridgeMs() && s.afActive) {
            long end = s.lastCleanBeatMs != LegacyRrAnalyserState.NO_TIME ? s.lastCleanBeatMs : s.afOnsetMs;
            closeAf(s, end, s.lastBeatMs, AfOffset.Reason.DATA_GAP, sink);
        }
        if (missingMs > p.gapResetMs()) {
            resetEvidence(s);
        }

        s.beatsSeen++;
        if (s.segBeats == 0) {
            s.segStartMs = s.lastBeatMs != LegacyRrAnalyserState.NO_TIME && missingMs <= p.gapResetMs()
                    ? s.lastBeatMs : beatTimeMs - Math.max(rrMs, 0);
        }
        s.lastBeatMs = beatTimeMs;
        if (s.rrCount == 0) {
            // (Re)start (first beat, or after an evidence reset): the window's history begins here, at the start
            // of this interval if it is clean, at this beat if the interval is missing data. Until a segment is
            // judged, irregularRunStartMs holds that time (warm-up back-dating, Javadoc step 6).
            s.irregularRunStartMs = clean ? beatTimeMs - rrMs : beatTimeMs;
        }
        push(s, clean ? rrMs : 0);
        s.segBeats++;
        if (clean) {
            s.lastCleanBeatMs = beatTimeMs;
            s.segClean++;
            s.segSumRrMs += rrMs;
            s.segMinRrMs = s.segMinRrMs == 0 ? rrMs : Math.min(s.segMinRrMs, rrMs);
            s.segMaxRrMs = Math.max(s.segMaxRrMs, rrMs);
            float score = beatScore(s);
            if (!Float.isNaN(score)) s.segScores[s.segScoreCount++] = score;
            if (rrMs > p.pauseThresholdMs()) {
                sink.accept(new PauseEvent(beatTimeMs - rrMs, beatTimeMs, rrMs));
            }
        } else {
            s.segExcluded++;
        }
        if (s.segBeats >= p.segmentBeats()) {
            closeSegment(s, beatTimeMs, sink);
        }
        return true;
    }

    /**
     * Closes an open AF episode because the stream ended (end of a record, unenrolment, or a
     * processing-time timer in the job deciding the device has gone silent). The episode ends at the
     * last clean beat.
     */
    public void endOfData(LegacyRrAnalyserState s, Consumer<? super RhythmEvent> sink) {
        if (s.afActive) {
            long end = s.lastCleanBeatMs != LegacyRrAnalyserState.NO_TIME ? s.lastCleanBeatMs : s.afOnsetMs;
            closeAf(s, end, s.lastBeatMs, AfOffset.Reason.END_OF_DATA, sink);
        }
    }

    /**
     * The per-beat irregularity score of the newest interval in the window: min over lags of the
     * quantile of absolute lag-k differences, over the window's median RR. NaN when the window holds
     * too few clean intervals. Exposed for tests.
     */
    float beatScore(LegacyRrAnalyserState s) {
        int w = Math.min(p.windowBeats(), s.rrCount);
        if (w < Math.max(4, p.windowBeats() / 2)) return Float.NaN;
        int cap = LegacyRrAnalyserState.RR_CAPACITY;
        int newest = Math.floorMod(s.rrHead - 1, cap);
        int[] vals = new int[w];
        int nv = 0;
        for (int j = 0; j < w; j++) {
            int v = s.rr[Math.floorMod(newest - j, cap)];
            if (v > 0) vals[nv++] = v;
        }
        if (nv < Math.max(4, (int) Math.ceil(p.windowBeats() * p.minValidFraction()))) return Float.NaN;
        double median = quantile(vals, nv, 0.5);
        int span = Math.min(s.rrCount, w + p.maxLag());
        int[] win = new int[span]; // win[j] = interval j beats before the newest, 0 = hole
        for (int j = 0; j < span; j++) win[j] = s.rr[Math.floorMod(newest - j, cap)];
        double weight = Math.pow(REFERENCE_RR_MS / median, p.rateExponent()) / median;
        if (p.prematureFraction() > 0) {
            // Premature-beat filter: an interval shorter than (1 - prematureFraction) x the window median,
            // and the interval after it (compensatory or reset), are left out of the differences.
            int[] filtered = win.clone();
            double lim = (1 - p.prematureFraction()) * median;
            for (int j = 0; j < span; j++) {
                if (win[j] > 0 && win[j] < lim) {
                    filtered[j] = 0;
                    if (j > 0) filtered[j - 1] = 0;
                }
            }
            double best = minLagQuantile(filtered, span, w);
            if (!Double.isNaN(best)) return (float) (best * weight);
            // Premature beats dominate the window. RR alone cannot tell dense random ectopy from AF, so
            // such a beat only counts as evidence against AF when the raw sequence shows a repeating
            // pattern (bigeminy, trigeminy: a small score at some lag); otherwise it gives no evidence.
            double raw = minLagQuantile(win, span, w) * weight;
            return !Double.isNaN(raw) && raw <= p.irregularThreshold() ? (float) raw : Float.NaN;
        }
        double best = minLagQuantile(win, span, w);
        return Double.isNaN(best) ? Float.NaN : (float) (best * weight);
    }

    /** min over k = 1..maxLag of the quantile of |win[j] - win[j+k]|, j < w, skipping holes; NaN if too few. */
    private double minLagQuantile(int[] win, int span, int w) {
        int[] diffs = new int[w];
        double best = Double.POSITIVE_INFINITY;
        int minDiffs = Math.max(3, p.windowBeats() / 4);
        for (int k = 1; k <= p.maxLag(); k++) {
            int m = 0;
            for (int j = 0; j < w && j + k < span; j++) {
                int a = win[j];
                int b = win[j + k];
                if (a > 0 && b > 0) diffs[m++] = Math.abs(a - b);
            }
            if (m >= minDiffs) best = Math.min(best, quantile(diffs, m, p.quantile()));
        }
        return best == Double.POSITIVE_INFINITY ? Double.NaN : best;
    }

    private void closeSegment(LegacyRrAnalyserState s, long endMs, Consumer<? super RhythmEvent> sink) {
        SegmentClass cls;
        double score = Double.NaN;
        if (s.segScoreCount < Math.ceil(p.segmentBeats() * p.minValidFraction())) {
            cls = SegmentClass.INSUFFICIENT;
        } else {
            score = quantile(s.segScores, s.segScoreCount, 0.5);
            cls = score > p.irregularThreshold() ? SegmentClass.IRREGULAR : SegmentClass.REGULAR;
        }
        double rate = s.segClean == 0 ? Double.NaN : 60000.0 * s.segClean / s.segSumRrMs;
        switch (cls) {
            case IRREGULAR -> {
                if (s.irregularRun == 0) {
                    // A run that opens with the first segment judged since a (re)start also covers the warm-up
                    // beats before it (they only filled the window); otherwise it starts with this segment.
                    s.irregularRunStartMs = s.irregularRunStartMs != LegacyRrAnalyserState.NO_TIME
                            ? s.irregularRunStartMs : s.segStartMs;
                    s.irregularRunScoreSum = 0;
                    s.irregularRunRateSum = 0;
                }
                s.irregularRun++;
                s.irregularRunScoreSum += (float) score;
                s.irregularRunRateSum += (float) rate;
                s.regularRun = 0;
                if (!s.afActive && s.irregularRun >= p.onsetSegments()
                        && s.irregularRunScoreSum / s.irregularRun > p.onsetThreshold()) {
                    s.afActive = true;
                    s.afOnsetMs = s.irregularRunStartMs;
                    sink.accept(new AfOnset(s.afOnsetMs, endMs, s.irregularRunScoreSum / s.irregularRun,
                            s.irregularRunRateSum / s.irregularRun));
                }
            }
            case REGULAR -> {
                if (s.regularRun == 0) s.regularRunStartMs = s.segStartMs;
                s.regularRun++;
                s.irregularRun = 0;
                s.irregularRunStartMs = LegacyRrAnalyserState.NO_TIME;
                if (s.afActive && s.regularRun >= p.offsetSegments()) {
                    closeAf(s, Math.max(s.regularRunStartMs, s.afOnsetMs), endMs, AfOffset.Reason.REGULAR_RHYTHM, sink);
                }
            }
            case INSUFFICIENT -> { }
        }
        sink.accept(new RhythmSegment(s.segStartMs, endMs, s.segBeats, s.segExcluded, rate,
                s.segMinRrMs, s.segMaxRrMs, score, cls, s.afActive));
        clearSegment(s);
    }

    private static void closeAf(LegacyRrAnalyserState s, long offsetMs, long emittedAtMs, AfOffset.Reason reason,
                                Consumer<? super RhythmEvent> sink) {
        sink.accept(new AfOffset(s.afOnsetMs, Math.max(offsetMs, s.afOnsetMs), emittedAtMs, reason));
        s.afActive = false;
        s.afOnsetMs = LegacyRrAnalyserState.NO_TIME;
        s.irregularRun = 0;
        s.irregularRunStartMs = LegacyRrAnalyserState.NO_TIME;
        s.regularRun = 0;
    }

    private static void resetEvidence(LegacyRrAnalyserState s) {
        Arrays.fill(s.rr, 0);
        s.rrHead = 0;
        s.rrCount = 0;
        s.irregularRun = 0;
        s.regularRun = 0;
        clearSegment(s);
    }

    private static void clearSegment(LegacyRrAnalyserState s) {
        s.segBeats = 0;
        s.segExcluded = 0;
        s.segClean = 0;
        s.segSumRrMs = 0;
        s.segMinRrMs = 0;
        s.segMaxRrMs = 0;
        s.segScoreCount = 0;
        s.segStartMs = LegacyRrAnalyserState.NO_TIME;
    }

    private static void push(LegacyRrAnalyserState s, int v) {
        s.rr[s.rrHead] = v;
        s.rrHead = (s.rrHead + 1) % LegacyRrAnalyserState.RR_CAPACITY;
        if (s.rrCount < LegacyRrAnalyserState.RR_CAPACITY) s.rrCount++;
    }

    /** Linear-interpolated quantile of the first n values (copies; does not reorder the input). */
    static double quantile(int[] v, int n, double q) {
        int[] c = Arrays.copyOf(v, n);
        Arrays.sort(c);
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, n - 1);
        return c[lo] + (pos - lo) * (c[hi] - c[lo]);
    }

    static double quantile(float[] v, int n, double q) {
        float[] c = Arrays.copyOf(v, n);
        Arrays.sort(c);
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, n - 1);
        return c[lo] + (pos - lo) * (c[hi] - c[lo]);
    }
}
