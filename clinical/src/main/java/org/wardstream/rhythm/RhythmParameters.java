package org.wardstream.rhythm;

import java.util.Map;
import java.util.Objects;

/**
 * Tunable parameters of {@link RrAnalyser}. Immutable; defaults are the cross-validated values in
 * {@code docs/VALIDATION.md} (the two probability thresholds come with the shipped {@link AfModel}). Change them with
 * {@link #withOverrides} or {@link #withModel}.
 *
 * @param windowBeats          RR intervals over which the segment's {@link AfFeatures} are computed
 * @param maxLag               largest lag k of the differences r(i) - r(i-k) in the minimum-over-lags feature (so
 *                             bigeminy (period 2), trigeminy (3) and 3:2/4:3 grouped beating are not irregular)
 * @param segmentBeats         intervals per rhythm segment (one feature vector and one decision per segment)
 * @param irregularThreshold   segment AF probability above which a segment is IRREGULAR (and keeps AF open)
 * @param onsetSegments        consecutive IRREGULAR segments that open the AF state
 * @param offsetSegments       consecutive REGULAR segments that close it
 * @param minValidFraction     minimum fraction of clean intervals (in the segment and in the window) to judge a segment
 * @param pauseThresholdMs     a CLEAN RR strictly above this is a pause
 * @param gapResetMs           missing data (GAP interval or silence) longer than this resets the window
 *                             and the AF evidence counters
 * @param afMaxBridgeMs        missing data longer than this closes an open AF episode at the last beat
 * @param minPlausibleRrMs     CLEAN intervals below this are treated as artefact
 * @param maxPlausibleRrMs     CLEAN intervals above this are treated as a gap
 * @param prematureFraction    ectopy: intervals shorter than (1 - this) x the window median are premature; they and the
 *                             interval after each are left out of the ectopy-removed irregularity
 * @param onsetThreshold       the AF state opens only when the mean AF probability of the current irregular run is
 *                             above this (a higher bar to open than to stay, as in a Schmitt trigger)
 * @param steadyOnsetThreshold the onset bar of an irregular run whose mean rate has not risen by {@code onsetRateRise}
 *                             over the patient's recent regular rhythm (never below {@code onsetThreshold}; equal to
 *                             it: no gate)
 * @param onsetRateRise        the rise in rate (run mean over the regular baseline) at which a run opens on
 *                             {@code onsetThreshold}
 * @param model                the logistic model turning the features into an AF probability
 */
public record RhythmParameters(int windowBeats, int maxLag, int segmentBeats,
                               double irregularThreshold, int onsetSegments, int offsetSegments,
                               double minValidFraction, int pauseThresholdMs, long gapResetMs,
                               long afMaxBridgeMs, int minPlausibleRrMs, int maxPlausibleRrMs,
                               double prematureFraction, double onsetThreshold, double steadyOnsetThreshold,
                               double onsetRateRise, AfModel model) {

    /**
     * The onset bar of a run whose rate has not risen by {@link #ONSET_RATE_RISE}: chosen with af-model-v5's thresholds
     * by the cross-validated selection on all the development records (second stage, from 0.87, 0.91, 0.95 and none;
     * docs/VALIDATION.md, "What a new patient will get").
     */
    public static final double STEADY_ONSET_THRESHOLD = 0.95;
    /**
     * A run whose mean rate is at least this multiple of the regular-rhythm baseline opens on the ordinary onset bar: a
     * rise of 5 % (fixed, not chosen in the folds: set from an offline look at held-out episodes of the development
     * data, where 92 % of the AF episodes starting from non-AF rose by at least this and 44 % of the false ones did;
     * evaluation/offline/onset_rate_rise_gate.py).
     */
    public static final double ONSET_RATE_RISE = 1.05;

    public static final RhythmParameters DEFAULTS = new RhythmParameters(
            32, 4, 8, AfModel.DEFAULT.threshold(), 5, 8, 0.5, 3000, 60_000L, 600_000L, 150, 60_000, 0.15,
            AfModel.DEFAULT.onsetThreshold(), STEADY_ONSET_THRESHOLD, ONSET_RATE_RISE, AfModel.DEFAULT);

    /** Names accepted by {@link #withOverrides}. */
    public static final java.util.List<String> TUNABLE = java.util.List.of("windowBeats", "maxLag", "segmentBeats",
            "irregularThreshold", "onsetSegments", "offsetSegments", "minValidFraction", "pauseThresholdMs", "gapResetMs",
            "afMaxBridgeMs", "minPlausibleRrMs", "maxPlausibleRrMs", "prematureFraction", "onsetThreshold", "steadyOnsetThreshold", "onsetRateRise");

    public RhythmParameters {
        Objects.requireNonNull(model, "model");
        if (windowBeats < 8 || windowBeats + maxLag > RrAnalyserState.RR_CAPACITY) {
            throw new IllegalArgumentException("windowBeats + maxLag must be <= " + RrAnalyserState.RR_CAPACITY
                    + " and windowBeats >= 8, got " + windowBeats + " + " + maxLag);
        }
        if (maxLag < 1) throw new IllegalArgumentException("maxLag must be >= 1");
        if (segmentBeats < 1 || segmentBeats > windowBeats) {
            throw new IllegalArgumentException("segmentBeats must be in 1..windowBeats");
        }
        if (onsetSegments < 1 || offsetSegments < 1) throw new IllegalArgumentException("segment counts must be >= 1");
        if (pauseThresholdMs <= 0) throw new IllegalArgumentException("pauseThresholdMs must be > 0");
        if (!(prematureFraction >= 0 && prematureFraction < 1)) throw new IllegalArgumentException("prematureFraction must be in [0,1)");
    }

    /** A copy with another model, and that model's thresholds. */
    public RhythmParameters withModel(AfModel m) {
        return new RhythmParameters(windowBeats, maxLag, segmentBeats, m.threshold(), onsetSegments, offsetSegments,
                minValidFraction, pauseThresholdMs, gapResetMs, afMaxBridgeMs, minPlausibleRrMs, maxPlausibleRrMs,
                prematureFraction, m.onsetThreshold(), Math.max(m.onsetThreshold(), steadyOnsetThreshold), onsetRateRise, m);
    }

    /**
     * Returns a copy with the named fields replaced, e.g. {@code {"irregularThreshold": "0.6"}}.
     * Used by the validation harness's {@code --set name=value}.
     */
    public RhythmParameters withOverrides(Map<String, String> o) {
        Objects.requireNonNull(o);
        for (String k : o.keySet()) {
            if (!TUNABLE.contains(k)) throw new IllegalArgumentException("unknown rhythm parameter: " + k);
        }
        return new RhythmParameters(
                i(o, "windowBeats", windowBeats), i(o, "maxLag", maxLag),
                i(o, "segmentBeats", segmentBeats), d(o, "irregularThreshold", irregularThreshold),
                i(o, "onsetSegments", onsetSegments), i(o, "offsetSegments", offsetSegments),
                d(o, "minValidFraction", minValidFraction), i(o, "pauseThresholdMs", pauseThresholdMs),
                l(o, "gapResetMs", gapResetMs), l(o, "afMaxBridgeMs", afMaxBridgeMs),
                i(o, "minPlausibleRrMs", minPlausibleRrMs), i(o, "maxPlausibleRrMs", maxPlausibleRrMs),
                d(o, "prematureFraction", prematureFraction), d(o, "onsetThreshold", onsetThreshold),
                d(o, "steadyOnsetThreshold", steadyOnsetThreshold), d(o, "onsetRateRise", onsetRateRise), model);
    }

    private static int i(Map<String, String> o, String k, int v) {
        return o.containsKey(k) ? Integer.parseInt(o.get(k).trim()) : v;
    }

    private static long l(Map<String, String> o, String k, long v) {
        return o.containsKey(k) ? Long.parseLong(o.get(k).trim()) : v;
    }

    private static double d(Map<String, String> o, String k, double v) {
        return o.containsKey(k) ? Double.parseDouble(o.get(k).trim()) : v;
    }
}
