package org.wardstream.rhythm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Incremental, per-patient RR-interval analyser: rhythm segments, atrial fibrillation (AF) state with
 * hysteresis, and pauses. Stateless itself (holds only {@link RhythmParameters}); all per-patient
 * data lives in an {@link RrAnalyserState} that the caller keeps (a Flink {@code ValueState}, a map in
 * the validation harness). Not thread-safe per state object; one analyser may serve many states.
 *
 * <h2>Method (since state format 3 and af-model-v1)</h2>
 * RR-only, built to generalise to patients it was not tuned on (every choice below was made inside record-grouped and
 * cross-database cross-validation, {@code docs/VALIDATION.md}):
 * <ol>
 *   <li><b>Exclusion.</b> ARTEFACT and GAP intervals (and physiologically implausible "clean" ones) enter the RR
 *       window as holes; no difference spanning a hole is computed, so missing data is never irregularity. Since
 *       detector wardstream-rr-analyser/8 so does a clean interval that reads as beats the sensor missed (2 or 3 times
 *       a regular rhythm before it, {@link #regularMedianBefore}); since /9 only once the interval after it is that
 *       rhythm again ({@link #confirmMissedBeat}, one beat of look-ahead).</li>
 *   <li><b>Segments.</b> Every {@code segmentBeats} [8] intervals form a segment; at its end the {@link AfFeatures}
 *       are computed once over the last {@code windowBeats} [32] intervals: irregularity after explicit ectopy removal
 *       (premature beats and their compensatory intervals, Petrėnas et al. 2015's ectopic-beat filter), the minimum
 *       over lags of the successive-difference dispersion (bigeminy/trigeminy/grouped beating are regular at their
 *       period), raw irregularity, the premature-beat fraction, the turning-point ratio (Dash et al. 2009), the
 *       Lorenz-plot fraction of near-zero differences (Sarkar et al. 2008), the entropy of symbolic difference words
 *       (Zhou et al. 2014) and the heart rate (rate-scaled irregularity for slow AF, as mean RR in Lake &amp; Moorman
 *       2011). Since af-model-v2 also the {@link AfContextFeatures}: the coefficient of sample entropy (Lake &amp;
 *       Moorman 2011), the normalised RMSSD (Dash et al. 2009), the fraction of premature intervals followed by a
 *       compensatory pause, and the irregularity over the whole 64-interval ring. Since af-model-v3 also the
 *       {@link AfShapeFeatures}: the RR periodicity (largest autocorrelation at lags 2-7 over the ring), the skewness
 *       and the longest-over-median interval of the window (irregular sinus rhythm and frequent atrial ectopy against
 *       AF). A segment is INSUFFICIENT if fewer than {@code minValidFraction} [0.5] of its intervals, or of the
 *       window's, are clean.</li>
 *   <li><b>Model.</b> A logistic regression ({@link AfModel}, a versioned resource trained by one command) turns the
 *       features into the probability p that the segment is AF: IRREGULAR if p &gt; {@code irregularThreshold},
 *       REGULAR otherwise. The segment's {@link RhythmSegment#irregularity()} is p.</li>
 *   <li><b>Hysteresis and persistence.</b> AF opens after {@code onsetSegments} [5] consecutive IRREGULAR segments
 *       whose recent p (an exponentially weighted mean with span {@code onsetSegments}, {@link #onsetEvidence}; since
 *       af-model-v5) is above {@code onsetThreshold} (a higher bar to open than to stay), and closes after
 *       {@code offsetSegments} [5] consecutive REGULAR ones; INSUFFICIENT segments neither add nor remove evidence.
 *       <b>Rate-rise gate</b> (since state format 5, detector wardstream-rr-analyser/7): a run whose mean rate is below
 *       {@code onsetRateRise} [1.05] times the patient's regular-rhythm baseline (an exponentially weighted mean of the
 *       REGULAR segments' rate outside AF, span {@link #BASELINE_SPAN_SEGMENTS}) opens only above
 *       {@code steadyOnsetThreshold} [0.95] ({@link #onsetBar}): AF usually raises the ventricular rate at its onset,
 *       irregular sinus rhythm and atrial ectopy usually do not.
 *       Missing data longer than {@code gapResetMs} [60 s] resets the evidence; longer than {@code afMaxBridgeMs}
 *       [10 min] closes an open episode at the last clean beat.</li>
 *   <li><b>Timing.</b> Onset and offset times are back-dated to the start of the confirming run (the run's first
 *       segment). Back-dating further, to the centre of the first segment's 32-interval window, was measured in
 *       cross-validation and not adopted (AF beat Se/Sp changed by at most 0.004) so the bench peers' onset rule stays
 *       the same. <b>Warm-up</b>: when the analyser (re)starts, if the first segment judged is IRREGULAR and opens the run that
 *       confirms AF, the onset is the (re)start itself. The emission time is reported separately (detection
 *       delay).</li>
 * </ol>
 * Pauses are CLEAN intervals longer than {@code pauseThresholdMs} [3000 ms]; excluded intervals never are, nor is an
 * interval that reads as beats the sensor missed ({@link #regularMedianBefore}: 2 or 3 times a regular rhythm faster than
 * 50/min before it).
 * Per-beat cost: a ring-buffer write, a few counters, and one insert and one remove in each of the sorted sets of
 * {@link RrWindowIndex} (the window and its lag-1..maxLag differences); per segment (every 8 beats) the medians are
 * read from those sets and the remaining features are O(windowBeats) passes, with no sorting and no allocation.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>Petrėnas A, Marozas V, Sörnmo L. Low-complexity detection of atrial fibrillation in continuous
 *       long-term monitoring. Comput Biol Med 65:184-191 (2015).</li>
 *   <li>Sarkar S, Ritscher D, Mehra R. A detector for a chronic implantable atrial tachyarrhythmia monitor.
 *       IEEE Trans Biomed Eng 55(3):1219-1224 (2008).</li>
 *   <li>Dash S, Chon KH, Lu S, Raeder EA. Automatic real time detection of atrial fibrillation. Ann Biomed Eng
 *       37(9):1701-1709 (2009).</li>
 *   <li>Zhou X, Ding H, Ung B, Pickwell-MacPherson E, Zhang Y. Automatic online detection of atrial fibrillation
 *       based on symbolic dynamics and Shannon entropy. Biomed Eng Online 13:18 (2014).</li>
 *   <li>Lake DE, Moorman JR. Accurate estimation of entropy in very short physiological time series: the
 *       problem of atrial fibrillation detection in implanted ventricular devices. Am J Physiol Heart Circ
 *       Physiol 300(1):H319-H325 (2011).</li>
 * </ul>
 * Validation on the PhysioNet development split: {@code docs/VALIDATION.md} ({@code wardstream validate}).
 */
public final class RrAnalyser {

    /** Reference interval (80 bpm) for the heart-rate weighting of the irregularity score. */
    static final double REFERENCE_RR_MS = 750.0;
    /** Span, in segments, of the regular-rhythm rate baseline (about 5 min at 60/min: 8 beats a segment). */
    public static final int BASELINE_SPAN_SEGMENTS = 37;

    private final RhythmParameters p;
    /** How a segment's features are computed (the incremental {@link #features}; tests substitute a reference). */
    private final FeatureFunction featureFunction;

    /** Computes the features of a state's newest window; false if it holds too few clean intervals. */
    @FunctionalInterface
    interface FeatureFunction {
        boolean compute(RrAnalyserState s, double[] out);
    }

    public RrAnalyser() {
        this(RhythmParameters.DEFAULTS);
    }

    public RrAnalyser(RhythmParameters parameters) {
        this.p = Objects.requireNonNull(parameters);
        // a model that gives lorenz_occupancy no weight (af-model-v5) is not made to pay for it: held at 0 instead
        boolean lorenz = p.model().coef()[AfShapeFeatures.LORENZ_INDEX] != 0;
        this.featureFunction = (s, out) -> features(s, out, lorenz);
    }

    /** An analyser whose segment features come from {@code features} (for differential tests and benchmarks). */
    RrAnalyser(RhythmParameters parameters, java.util.function.Function<RhythmParameters, FeatureFunction> features) {
        this.p = Objects.requireNonNull(parameters);
        this.featureFunction = features.apply(parameters);
    }

    public RhythmParameters parameters() {
        return p;
    }

    /** Convenience form of {@link #onBeat(RrAnalyserState, long, int, BeatQuality, Consumer)}. */
    public List<RhythmEvent> onBeat(RrAnalyserState s, long beatTimeMs, int rrMs, BeatQuality quality) {
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
    public boolean onBeat(RrAnalyserState s, long beatTimeMs, int rrMs, BeatQuality quality,
                          Consumer<? super RhythmEvent> sink) {
        Objects.requireNonNull(quality, "quality");
        if (s.lastBeatMs != RrAnalyserState.NO_TIME && beatTimeMs <= s.lastBeatMs) {
            return false;
        }
        BeatQuality q = quality;
        if (q == BeatQuality.CLEAN && rrMs < p.minPlausibleRrMs()) q = BeatQuality.ARTEFACT;
        if (q == BeatQuality.CLEAN && rrMs > p.maxPlausibleRrMs()) q = BeatQuality.GAP;
        boolean clean = q == BeatQuality.CLEAN;

        // Missing data: an excluded interval, or silence between beats not explained by the RR.
        long missingMs = 0;
        if (!clean) {
            missingMs = s.lastCleanBeatMs != RrAnalyserState.NO_TIME ? beatTimeMs - s.lastCleanBeatMs : Math.max(rrMs, 0);
        } else if (s.lastBeatMs != RrAnalyserState.NO_TIME) {
            missingMs = beatTimeMs - s.lastBeatMs - rrMs;
        }
        if (missingMs > p.afMaxBridgeMs() && s.afActive) {
            long end = s.lastCleanBeatMs != RrAnalyserState.NO_TIME ? s.lastCleanBeatMs : s.afOnsetMs;
            closeAf(s, end, beatTimeMs, AfOffset.Reason.DATA_GAP, sink); // confirmed by the beat that ended the gap
        }
        if (missingMs > p.gapResetMs()) {
            resetEvidence(s);
        }

        s.beatsSeen++;
        if (s.segBeats == 0) {
            s.segStartMs = s.lastBeatMs != RrAnalyserState.NO_TIME && missingMs <= p.gapResetMs()
                    ? s.lastBeatMs : beatTimeMs - Math.max(rrMs, 0);
        }
        s.lastBeatMs = beatTimeMs;
        if (s.rrCount == 0) {
            // (Re)start (first beat, or after an evidence reset): the window's history begins here, at the start
            // of this interval if it is clean, at this beat if the interval is missing data. Until a segment is
            // judged, irregularRunStartMs holds that time (warm-up back-dating, Javadoc step 6).
            s.irregularRunStartMs = clean ? beatTimeMs - rrMs : beatTimeMs;
        }
        // The interval before this one, if it was 2 or 3 times the regular rhythm before it and this one is that rhythm
        // again, was beats the sensor missed: it becomes a hole in the AF window, like an artefact (its length says
        // nothing about the rhythm), counted as excluded (confirmMissedBeat; since wardstream-rr-analyser/9).
        // Likewise two intervals before this one that sum to the rhythm were one interval split by an extra detection.
        if (clean && !confirmExtraDetection(s, rrMs)) confirmMissedBeat(s, rrMs);
        push(s, clean ? rrMs : 0);
        s.segBeats++;
        if (clean) {
            s.lastCleanBeatMs = beatTimeMs;
            s.segClean++;
            s.segSumRrMs += rrMs;
            s.segMinRrMs = s.segMinRrMs == 0 ? rrMs : Math.min(s.segMinRrMs, rrMs);
            s.segMaxRrMs = Math.max(s.segMaxRrMs, rrMs);
            if (rrMs > p.pauseThresholdMs() && !looksLikeMissedBeats(s, rrMs)) {
                sink.accept(new PauseEvent(beatTimeMs - rrMs, beatTimeMs, rrMs));
            }
        } else {
            s.segExcluded++;
        }
        if (s.segBeats >= p.segmentBeats()) {
            // A segment that ends on an interval not yet decided (the newest, or the two newest, read as missed beats
            // or as an extra detection and only the next interval can confirm it) is judged with it as a hole, as /8
            // did; the ring keeps it until the next interval decides.
            int undecided = clean ? undecidedHoles(s) : 0;
            if (undecided == 0) {
                closeSegment(s, beatTimeMs, sink);
            } else {
                int cap = RrAnalyserState.RR_CAPACITY;
                int newest = Math.floorMod(s.rrHead - 1, cap), older = Math.floorMod(s.rrHead - 2, cap);
                int v0 = s.rr[newest], v1 = s.rr[older];
                if (undecided == 2) makeHole(s, 1);
                makeHole(s, 0);
                closeSegment(s, beatTimeMs, sink);
                reinstate(s, newest, 0, v0);
                if (undecided == 2) reinstate(s, older, 1, v1);
            }
        }
        return true;
    }

    /** How many intervals before a long one are read to judge whether it is missed beats. */
    static final int MISSED_BEAT_CONTEXT = 8;
    /** At least this many of them must be clean and close to their median (a regular rhythm). */
    static final int MISSED_BEAT_REGULAR = 6;
    /** "Close to their median": within this fraction of it. */
    static final double MISSED_BEAT_NEAR = 0.15;
    /** The long interval is 2 or 3 times that median within this fraction. */
    static final double MISSED_BEAT_MULTIPLE_TOLERANCE = 0.10;
    /**
     * Only in a rhythm faster than 50/min (the bradycardia rule's awake threshold): in a slower one every pause over
     * 3 s is alerted, whatever its shape (a slow heart's pauses matter most, and 2:1 or 3:1 block there is as likely
     * as a missed beat).
     */
    static final double MISSED_BEAT_MAX_MEDIAN_MS = 1200;

    /**
     * The median of the regular rhythm before an interval, or NaN when the rhythm before it is not regular: at least
     * {@value #MISSED_BEAT_REGULAR} of the {@value #MISSED_BEAT_CONTEXT} intervals before it are clean and within 15 % of
     * their median. The interval is the one about to be pushed ({@code skip} 0) or the ring's newest ({@code skip} 1),
     * or the pair of the two newest ({@code skip} 2, {@link #confirmExtraDetection}); the context starts {@code skip}
     * entries back in the ring. Allocates (callers first rule out most beats by a comparison). An optical
     * (PPG) sensor that misses a beat reports the two intervals around it as one clean interval, 2 (or, for two misses
     * in a row, 3) times the rhythm ({@link #isMissedBeatMultiple}; Lipponen &amp; Tarvainen 2019 classify such
     * intervals as missed beats). Such an interval, once the interval after it shows the rhythm again
     * ({@link #confirmMissedBeat}), becomes a hole in the AF window (with jitter on the pulse times it
     * otherwise reads as AF-like irregularity: adversarial probe 18a, D1), and over 3 s it is not a pause when the
     * rhythm is faster than 50/min ({@link #MISSED_BEAT_MAX_MEDIAN_MS}; slower, every pause over 3 s is alerted,
     * whatever its shape: a slow heart's pauses matter most, and 2:1 or 3:1 block there is as likely as a missed beat).
     * In AF the rhythm before an interval is seldom regular, so the rule seldom fires there (0.33 % of the development
     * records' AF intervals). The constants were set by hand from the sensor's failure shape, not chosen in
     * cross-validation, and not changed after the AF scores were seen. For the pause, measured in-sample
     * (2026-12-06, the data they were set on): of the 114 clean pauses over 3 s in the development records (mitdb 33,
     * ltafdb 81, every one a pause by the cardiologists' beat annotations) none has this shape; of the 304 intervals
     * over 3 s made by dropping 1 % and 3 % of the beats of the 27 nsr2db day-long recordings at random, 211 have it
     * (233 without the 50/min bound). For the AF window: docs/VALIDATION.md. Sinoatrial exit block also makes pauses at
     * exact multiples of the sinus interval: such a pause is not alerted either (docs/TRIAGE.md,
     * alert-rules/pause.yaml).
     */
    static double regularMedianBefore(RrAnalyserState s, int skip) {
        int cap = RrAnalyserState.RR_CAPACITY;
        int before = Math.min(s.rrCount - skip, MISSED_BEAT_CONTEXT);
        if (before < MISSED_BEAT_REGULAR) return Double.NaN;
        int[] prev = new int[before];
        int n = 0;
        for (int j = 0; j < before; j++) {
            int v = s.rr[Math.floorMod(s.rrHead - 1 - skip - j, cap)];
            if (v > 0) prev[n++] = v; // 0: an excluded interval
        }
        if (n < MISSED_BEAT_REGULAR) return Double.NaN;
        int[] sorted = java.util.Arrays.copyOf(prev, n);
        java.util.Arrays.sort(sorted);
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        int regular = 0;
        for (int i = 0; i < n; i++) if (Math.abs(prev[i] - median) <= MISSED_BEAT_NEAR * median) regular++;
        return regular < MISSED_BEAT_REGULAR ? Double.NaN : median;
    }

    /**
     * Whether the clean interval of {@code rrMs} about to be pushed reads as one or two beats the sensor missed rather
     * than a pause ({@link #regularMedianBefore}, decided on arrival: a pause is alerted at its end): 2 or 3 times a
     * regular rhythm faster than 50/min before it.
     */
    static boolean looksLikeMissedBeats(RrAnalyserState s, int rrMs) {
        double median = regularMedianBefore(s, 0);
        return isMissedBeatMultiple(rrMs, median) && median < MISSED_BEAT_MAX_MEDIAN_MS;
    }

    /**
     * Decides the interval pushed just before a clean interval of {@code rrMs} (the ring's newest): if it is 2 or 3
     * times the regular rhythm before it ({@link #regularMedianBefore} of the 8 intervals before it,
     * {@link #isMissedBeatMultiple}) and {@code rrMs} is that rhythm again (within {@value #MISSED_BEAT_NEAR} of its
     * median, the tolerance the context's own intervals have), it was beats the sensor missed: it becomes a hole in the
     * ring, and, while its segment is open, moves from the segment's clean intervals to its excluded ones. One beat of
     * look-ahead (since wardstream-rr-analyser/9; /8 decided on arrival): a missed beat in a regular rhythm is followed
     * by the rhythm again, an interval of AF or of a real block usually is not. Until it is decided the interval is a
     * clean interval of the window (a segment that ends on it is judged with it as a hole, {@link #undecidedHoles}).
     * Two missed beats one interval apart (the first followed by a multiple, not by the rhythm) are both holes once the
     * second is confirmed. Returns whether it became a hole.
     * Cost for most beats: one comparison (the candidate is under 1.8 / 1.15 times {@code rrMs}).
     */
    static boolean confirmMissedBeat(RrAnalyserState s, int rrMs) {
        int cap = RrAnalyserState.RR_CAPACITY;
        if (s.rrCount <= MISSED_BEAT_REGULAR) return false;
        int newest = Math.floorMod(s.rrHead - 1, cap);
        int candidate = s.rr[newest];
        // at least 1.8 times a median that rrMs is within 15 % of (also false for a hole, 0)
        if (candidate < (2 - 2 * MISSED_BEAT_MULTIPLE_TOLERANCE) / (1 + MISSED_BEAT_NEAR) * rrMs) return false;
        double median = regularMedianBefore(s, 1);
        if (!isMissedBeatMultiple(candidate, median) || !(Math.abs(rrMs - median) <= MISSED_BEAT_NEAR * median)) {
            return false;
        }
        makeHole(s, 0);
        // two missed beats one beat apart: the interval before it was a multiple of the same rhythm, undecided because
        // the interval after it (this one) was a multiple too
        int older = s.rr[Math.floorMod(s.rrHead - 2, cap)];
        if (older > 0 && isMissedBeatMultiple(older, regularMedianBefore(s, 2))) makeHole(s, 1);
        return true;
    }

    /**
     * Decides the two intervals pushed just before a clean interval of {@code rrMs} (the ring's two newest): if their sum
     * is within 10 % ({@value #MISSED_BEAT_MULTIPLE_TOLERANCE}) of the regular rhythm before them
     * ({@link #regularMedianBefore} of the 8 intervals before the pair) and {@code rrMs} is that rhythm again (within
     * {@value #MISSED_BEAT_NEAR} of its median), the pair is one interval split by an extra detection (a wrist optical
     * sensor's double-counted pulse: the dicrotic notch or a motion spike read as a beat; the symmetric artefact of a
     * missed beat, Lipponen &amp; Tarvainen 2019's "extra beat"): both become holes in the AF window, as artefacts. An
     * interpolated premature beat (between two sinus beats, the rhythm undisturbed) has the same shape and is left out
     * too; it is ectopy, not AF. The same constants as the missed beat, nothing tuned; one beat of look-ahead as
     * {@link #confirmMissedBeat} (since wardstream-rr-analyser/9). Returns whether the pair became holes. Cost for most
     * beats: one comparison (the pair's sum is not near {@code rrMs}).
     */
    static boolean confirmExtraDetection(RrAnalyserState s, int rrMs) {
        int cap = RrAnalyserState.RR_CAPACITY;
        if (s.rrCount < MISSED_BEAT_REGULAR + 2) return false;
        int b = s.rr[Math.floorMod(s.rrHead - 1, cap)], a = s.rr[Math.floorMod(s.rrHead - 2, cap)];
        int sum = a + b;
        // the sum within 10 % of a median that rrMs is within 15 % of (also false when either is a hole)
        // (the median lies within [rrMs / 1.15, rrMs / 0.85])
        if (a <= 0 || b <= 0 || sum > (1 + MISSED_BEAT_MULTIPLE_TOLERANCE) / (1 - MISSED_BEAT_NEAR) * rrMs
                || sum < (1 - MISSED_BEAT_MULTIPLE_TOLERANCE) / (1 + MISSED_BEAT_NEAR) * rrMs) return false;
        double median = regularMedianBefore(s, 2);
        if (!(Math.abs(sum - median) <= MISSED_BEAT_MULTIPLE_TOLERANCE * median)
                || !(Math.abs(rrMs - median) <= MISSED_BEAT_NEAR * median)) return false;
        makeHole(s, 1); // the older first: its pair with the newer leaves the sets with it
        makeHole(s, 0);
        return true;
    }

    /** Gives ring slot {@code j} before the newest (at {@code pos}) back its interval {@code v} after a {@link #makeHole}. */
    private static void reinstate(RrAnalyserState s, int pos, int j, int v) {
        s.rr[pos] = v;
        RrWindowIndex ix = s.index;
        if (ix != null && ix.head == s.rrHead && ix.count == s.rrCount) ix.reinstate(s, j);
    }

    /**
     * How many of the ring's newest intervals are undecided holes: 2 if the two newest sum to the regular rhythm before
     * them ({@link #confirmExtraDetection}'s shape), 1 if the newest is 2 or 3 times the regular rhythm before it
     * ({@link #confirmMissedBeat}'s), else 0; the interval after them, which decides, has not arrived.
     */
    static int undecidedHoles(RrAnalyserState s) {
        int cap = RrAnalyserState.RR_CAPACITY;
        if (s.rrCount <= MISSED_BEAT_REGULAR) return 0;
        int b = s.rr[Math.floorMod(s.rrHead - 1, cap)], a = s.rr[Math.floorMod(s.rrHead - 2, cap)];
        if (b <= 0) return 0;
        // the context's median lies between its shortest and longest clean intervals: rule out most segments without
        // taking it (the newest is no multiple of it, nor is the pair's sum near it)
        int min = Integer.MAX_VALUE, max = 0;
        for (int j = 1; j <= Math.min(s.rrCount - 1, MISSED_BEAT_CONTEXT + 1); j++) {
            int v = s.rr[Math.floorMod(s.rrHead - 1 - j, cap)];
            if (v > 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        boolean multiple = b >= (2 - 2 * MISSED_BEAT_MULTIPLE_TOLERANCE) * min;
        boolean split = a > 0 && a + b <= (1 + MISSED_BEAT_MULTIPLE_TOLERANCE) * max
                && a + b >= (1 - MISSED_BEAT_MULTIPLE_TOLERANCE) * min;
        if (!multiple && !split) return 0;
        if (split && s.rrCount >= MISSED_BEAT_REGULAR + 2) {
            double median = regularMedianBefore(s, 2);
            if (Math.abs(a + b - median) <= MISSED_BEAT_MULTIPLE_TOLERANCE * median) return 2;
        }
        return isMissedBeatMultiple(b, regularMedianBefore(s, 1)) ? 1 : 0;
    }

    /**
     * Turns the clean interval {@code j} entries before the ring's newest into a hole: out of the incremental sets, 0 in
     * the ring, and, while its segment is open, moved from the segment's clean intervals to its excluded ones (rate,
     * shortest and longest recomputed from the ring).
     */
    private static void makeHole(RrAnalyserState s, int j) {
        int cap = RrAnalyserState.RR_CAPACITY;
        int pos = Math.floorMod(s.rrHead - 1 - j, cap);
        int v = s.rr[pos];
        if (v <= 0) return;
        RrWindowIndex ix = s.index;
        if (ix != null && ix.head == s.rrHead && ix.count == s.rrCount) ix.retract(s, j);
        s.rr[pos] = 0;
        if (j < s.segBeats) { // in the open segment (its intervals are the ring's newest segBeats)
            s.segClean--;
            s.segExcluded++;
            s.segSumRrMs -= v;
            int min = 0, max = 0;
            for (int i = 0; i < s.segBeats; i++) {
                int x = s.rr[Math.floorMod(s.rrHead - 1 - i, cap)];
                if (x > 0) {
                    min = min == 0 ? x : Math.min(min, x);
                    max = Math.max(max, x);
                }
            }
            s.segMinRrMs = min;
            s.segMaxRrMs = max;
        }
    }

    /** Whether {@code rrMs} is 2 or 3 times {@code regularMedian} within 10 % (false when the median is NaN). */
    static boolean isMissedBeatMultiple(int rrMs, double regularMedian) {
        double ratio = rrMs / regularMedian;
        return Math.abs(ratio - 2) <= 2 * MISSED_BEAT_MULTIPLE_TOLERANCE
                || Math.abs(ratio - 3) <= 3 * MISSED_BEAT_MULTIPLE_TOLERANCE;
    }

    /**
     * Before an RR batch (a tachogram whose first interval opens at {@code startMs} and whose last beat is at
     * {@code batchLastBeatMs}) is fed beat by beat: re-anchors the beat clock when the batch, later by its own start
     * than the batch whose beats set the clock ({@link RrAnalyserState#batchLeadMs}), lies wholly before the clock's
     * last beat. Its device time then shows that the earlier batch claimed more time than passed (a glitched interval,
     * such as a GAP of 90 min encoded in a minute's tachogram: adversarial probe 16a, D7), and each of its beats, and
     * those of every batch after it until real time caught up with the false clock, would be ignored as out of order.
     * The clock moves back to {@code startMs} (the beat opening the batch) and the evidence is reset, as after missing
     * data (the beats since the false interval are not continuous with these); an open AF episode stays open, its
     * offset found from the beats that follow. A batch older by its start than the one that set the clock (an
     * out-of-order or repeated batch) is not re-anchored on: its beats are ignored and counted, as before.
     *
     * @return whether the clock was re-anchored
     */
    public boolean reanchor(RrAnalyserState s, long startMs, long batchLastBeatMs) {
        if (s.lastBeatMs == RrAnalyserState.NO_TIME || s.batchLeadMs < 0 || batchLastBeatMs > s.lastBeatMs
                || startMs <= s.lastBeatMs - s.batchLeadMs) {
            return false;
        }
        resetEvidence(s);
        s.lastBeatMs = startMs;
        if (s.lastCleanBeatMs != RrAnalyserState.NO_TIME && s.lastCleanBeatMs > startMs) {
            s.lastCleanBeatMs = startMs;
        }
        s.batchLeadMs = 0;
        return true;
    }

    /**
     * After an RR batch opening at {@code startMs} was fed: if its beats moved the beat clock (the clock was
     * {@code lastBeatBeforeMs} before it), notes how far the clock now lies after the batch's start
     * ({@link RrAnalyserState#batchLeadMs}, for {@link #reanchor}).
     */
    public static void batchFed(RrAnalyserState s, long startMs, long lastBeatBeforeMs) {
        if (s.lastBeatMs != lastBeatBeforeMs && s.lastBeatMs != RrAnalyserState.NO_TIME) {
            s.batchLeadMs = (int) Math.min(Integer.MAX_VALUE, Math.max(0, s.lastBeatMs - startMs));
        }
    }

    /**
     * Closes an open AF episode because the stream ended (end of a record, unenrolment, or a
     * processing-time timer in the job deciding the device has gone silent). The episode ends at the
     * last clean beat.
     */
    public void endOfData(RrAnalyserState s, Consumer<? super RhythmEvent> sink) {
        if (s.afActive) {
            long end = s.lastCleanBeatMs != RrAnalyserState.NO_TIME ? s.lastCleanBeatMs : s.afOnsetMs;
            closeAf(s, end, s.lastBeatMs, AfOffset.Reason.END_OF_DATA, sink);
        }
    }

    /** Start of the AF episode open now, or {@link RrAnalyserState#NO_TIME} when none is. */
    public static long openEpisodeStartMs(RrAnalyserState s) {
        return s.afActive ? s.afOnsetMs : RrAnalyserState.NO_TIME;
    }

    /**
     * The patient's beats continue on an earlier clock (the device's clock was set back, or the older part of a
     * backlog arrived after its newer part): an open AF episode closes at its last clean beat ({@code END_OF_DATA}),
     * the evidence is reset as after a data gap, and the clock is forgotten, so that earlier beats are used again.
     */
    public void restart(RrAnalyserState s, Consumer<? super RhythmEvent> sink) {
        endOfData(s, sink);
        resetEvidence(s);
        s.lastBeatMs = RrAnalyserState.NO_TIME;
        s.lastCleanBeatMs = RrAnalyserState.NO_TIME;
        s.batchLeadMs = -1;
    }

    /**
     * The features of the newest window ({@link AfFeatures}) into {@code out}; false if the window holds too few
     * clean intervals. Exposed for the model's training and for tests.
     */
    public boolean features(RrAnalyserState s, double[] out) {
        return features(s, out, true);
    }

    /** As {@link #features(RrAnalyserState, double[])}; {@code lorenz_occupancy} computed only if asked (else 0). */
    boolean features(RrAnalyserState s, double[] out, boolean lorenz) {
        RrWindowIndex ix = RrWindowIndex.of(s, p.windowBeats(), p.maxLag());
        RrWindowIndex.Scratch scratch = RrWindowIndex.SCRATCH.get();
        int[] win = scratch.win;
        int cap = RrAnalyserState.RR_CAPACITY;
        int span = Math.min(s.rrCount, cap); // the whole ring: AfContextFeatures' long_irregularity reads all of it
        for (int j = 0; j < span; j++) win[j] = s.rr[Math.floorMod(s.rrHead - 1 - j, cap)];
        int minClean = (int) Math.ceil(p.windowBeats() * p.minValidFraction());
        // AfFeatures reads only the newest windowBeats + maxLag entries of win, whatever its span
        if (AfFeatures.compute(win, Math.min(span, p.windowBeats() + p.maxLag()), p.windowBeats(), p.maxLag(),
                p.prematureFraction(), minClean, ix, scratch, out) == 0) return false;
        double windowMedian = ix.windowMedian();
        AfContextFeatures.compute(win, span, p.windowBeats(), p.prematureFraction(), windowMedian, scratch, out,
                AfFeatures.COUNT);
        AfShapeFeatures.compute(win, span, p.windowBeats(), windowMedian, out, AfFeatures.COUNT + AfContextFeatures.COUNT, lorenz);
        return true;
    }

    private void closeSegment(RrAnalyserState s, long endMs, Consumer<? super RhythmEvent> sink) {
        SegmentClass cls;
        double score = Double.NaN;
        double[] f = new double[AfModel.FEATURE_COUNT];
        if (s.segClean < Math.ceil(p.segmentBeats() * p.minValidFraction()) || !featureFunction.compute(s, f)) {
            cls = SegmentClass.INSUFFICIENT;
        } else {
            score = p.model().probability(f);
            cls = score > p.irregularThreshold() ? SegmentClass.IRREGULAR : SegmentClass.REGULAR;
        }
        double rate = s.segClean == 0 ? Double.NaN : 60000.0 * s.segClean / s.segSumRrMs;
        switch (cls) {
            case IRREGULAR -> {
                if (s.irregularRun == 0) {
                    // A run that opens with the first segment judged since a (re)start also covers the warm-up
                    // beats before it (they only filled the window); otherwise it starts with this segment.
                    s.irregularRunStartMs = s.irregularRunStartMs != RrAnalyserState.NO_TIME
                            ? s.irregularRunStartMs : s.segStartMs;
                    s.irregularRunRateSum = 0;
                }
                s.irregularRunEvidence = onsetEvidence(s.irregularRunEvidence, score, s.irregularRun, p.onsetSegments());
                s.irregularRun++;
                s.irregularRunRateSum += (float) rate;
                s.regularRun = 0;
                if (!s.afActive && s.irregularRun >= p.onsetSegments()
                        && s.irregularRunEvidence > onsetBar(p, s)) {
                    s.afActive = true;
                    s.afOnsetMs = s.irregularRunStartMs;
                    sink.accept(new AfOnset(s.afOnsetMs, endMs, s.irregularRunEvidence,
                            s.irregularRunRateSum / s.irregularRun));
                }
            }
            case REGULAR -> {
                if (!s.afActive && !Double.isNaN(rate)) s.regularRateBaseline = baseline(s.regularRateBaseline, rate);
                if (s.regularRun == 0) s.regularRunStartMs = s.segStartMs;
                s.regularRun++;
                s.irregularRun = 0;
                s.irregularRunStartMs = RrAnalyserState.NO_TIME;
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

    /**
     * The onset evidence of an irregular run after one more IRREGULAR segment of probability {@code p}, the run having
     * {@code runBefore} segments before it: the segment's p for a run's first segment, then an exponentially weighted
     * mean of the run's p with span {@code onsetSegments} (weight 2 / (onsetSegments + 1) on the newest segment).
     * AF opens when the run has at least {@code onsetSegments} segments and this evidence is above the onset bar
     * (since af-model-v5; before, the mean p of the whole run): a run is judged on its recent segments, so a long run
     * whose first segments read weakly (the 32-interval window still holding the rhythm before the run, or a stretch
     * of moderately irregular AF) opens once its recent segments are clearly AF, and a run whose evidence fades does
     * not open on its early strength. Float arithmetic: the state stores the evidence as a float, and
     * cross-validation's simulation of this state machine calls this method, so both compute the same value.
     */
    public static float onsetEvidence(float evidence, double p, int runBefore, int onsetSegments) {
        if (runBefore == 0) return (float) p;
        float weight = 2f / (onsetSegments + 1);
        return evidence + weight * ((float) p - evidence);
    }

    /**
     * The onset bar of a run of mean rate {@code runRateBpm}: {@code onsetThreshold} if it is at least
     * {@code onsetRateRise} times the regular-rhythm baseline or no baseline is known, else {@code steadyOnsetThreshold}
     * (AF usually opens with a rise in ventricular rate; irregular sinus rhythm does not).
     */
    public static double onsetBar(RhythmParameters p, float baselineBpm, double runRateBpm) {
        return onsetBar(p.onsetThreshold(), p.steadyOnsetThreshold(), p.onsetRateRise(), baselineBpm, runRateBpm);
    }

    /** {@link #onsetBar(RhythmParameters, float, double)} of the irregular run in {@code s} (while it has segments). */
    public static double onsetBar(RhythmParameters p, RrAnalyserState s) {
        return onsetBar(p, s.regularRateBaseline, s.irregularRunRateSum / s.irregularRun);
    }

    /** {@link #onsetBar(RhythmParameters, float, double)} with the three parameters given (cross-validation's simulation). */
    public static double onsetBar(double onset, double steadyOnset, double rise, float baselineBpm, double runRateBpm) {
        if (Float.isNaN(baselineBpm) || !(runRateBpm < baselineBpm * rise)) return onset;
        return Math.max(onset, steadyOnset);
    }

    /** The regular-rhythm baseline after one more REGULAR segment of {@code rateBpm} (float, as stored). */
    public static float baseline(float baselineBpm, double rateBpm) {
        if (Float.isNaN(baselineBpm)) return (float) rateBpm;
        return baselineBpm + (2f / (BASELINE_SPAN_SEGMENTS + 1)) * ((float) rateBpm - baselineBpm);
    }

    private static void closeAf(RrAnalyserState s, long offsetMs, long emittedAtMs, AfOffset.Reason reason,
                                Consumer<? super RhythmEvent> sink) {
        sink.accept(new AfOffset(s.afOnsetMs, Math.max(offsetMs, s.afOnsetMs), emittedAtMs, reason));
        s.afActive = false;
        s.afOnsetMs = RrAnalyserState.NO_TIME;
        s.irregularRun = 0;
        s.irregularRunStartMs = RrAnalyserState.NO_TIME;
        s.regularRun = 0;
    }

    private static void resetEvidence(RrAnalyserState s) {
        Arrays.fill(s.rr, 0);
        s.rrHead = 0;
        s.rrCount = 0;
        if (s.index != null) s.index.clear(s);
        s.irregularRun = 0;
        s.regularRun = 0;
        s.regularRateBaseline = Float.NaN;
        clearSegment(s);
    }

    private static void clearSegment(RrAnalyserState s) {
        s.segBeats = 0;
        s.segExcluded = 0;
        s.segClean = 0;
        s.segSumRrMs = 0;
        s.segMinRrMs = 0;
        s.segMaxRrMs = 0;
        s.segStartMs = RrAnalyserState.NO_TIME;
    }

    private static void push(RrAnalyserState s, int v) {
        // the sorted sets follow the ring while they describe it; otherwise they are rebuilt at the next features
        RrWindowIndex ix = s.index;
        boolean follow = ix != null && ix.head == s.rrHead && ix.count == s.rrCount;
        if (follow) ix.push(s, v);
        s.rr[s.rrHead] = v;
        s.rrHead = (s.rrHead + 1) % RrAnalyserState.RR_CAPACITY;
        if (s.rrCount < RrAnalyserState.RR_CAPACITY) s.rrCount++;
        if (follow) ix.pushed(s);
    }
}
