package org.wardstream.rhythm.legacy;

// The analyser as of main 260fb77 (state format 2), kept only to benchmark the new one beside it (AnalyserMicrobenchmark).

import org.wardstream.rhythm.*;

import java.util.Map;
import java.util.Objects;

/**
 * Tunable parameters of {@link LegacyRrAnalyser}. Immutable; defaults are the values validated in
 * {@code clinical/README.md}. Change them with the {@code with...} methods or {@link #withOverrides}.
 *
 * @param windowBeats          RR intervals in the sliding window for the per-beat irregularity score
 * @param maxLag               largest lag k of the successive differences r(i) - r(i-k) tested; a rhythm
 *                             is irregular only if it is irregular at every lag 1..maxLag (so bigeminy
 *                             (period 2), trigeminy (3) and 3:2/4:3 grouped beating are not)
 * @param quantile             quantile of the absolute lag-k differences used as the score (0.5 = median
 *                             as in Petrenas 2015; lower values tolerate denser ectopy)
 * @param segmentBeats         intervals per rhythm segment
 * @param irregularThreshold   segment score above which a segment is IRREGULAR
 * @param onsetSegments        consecutive IRREGULAR segments that open the AF state
 * @param offsetSegments       consecutive REGULAR segments that close it
 * @param minValidFraction     minimum fraction of clean intervals for a segment to be judged
 * @param pauseThresholdMs     a CLEAN RR strictly above this is a pause
 * @param gapResetMs           missing data (GAP interval or silence) longer than this resets the window
 *                             and the AF evidence counters
 * @param afMaxBridgeMs        missing data longer than this closes an open AF episode at the last beat
 * @param minPlausibleRrMs     CLEAN intervals below this are treated as artefact
 * @param maxPlausibleRrMs     CLEAN intervals above this are treated as a gap
 * @param prematureFraction    premature-beat filter: intervals shorter than (1 - this) x the window median,
 *                             and the interval after each, are left out of the differences (0 = off)
 * @param rateExponent         heart-rate weighting of the score: x (750 ms / median RR)^rateExponent (0 = off)
 * @param onsetThreshold       the AF state opens only when the mean score of the current irregular run is above this
 *                             (a higher bar to open than to stay, as in a Schmitt trigger); a value at or below
 *                             {@code irregularThreshold} turns it off
 */
public record LegacyRhythmParameters(int windowBeats, int maxLag, double quantile, int segmentBeats,
                               double irregularThreshold, int onsetSegments, int offsetSegments,
                               double minValidFraction, int pauseThresholdMs, long gapResetMs,
                               long afMaxBridgeMs, int minPlausibleRrMs, int maxPlausibleRrMs,
                               double prematureFraction, double rateExponent, double onsetThreshold) {

    public static final LegacyRhythmParameters DEFAULTS = new LegacyRhythmParameters(
            16, 4, 0.5, 8, 0.05, 5, 5, 0.5, 3000, 60_000L, 600_000L, 150, 60_000, 0.2, 1.0, 0.11);

    public LegacyRhythmParameters {
        if (windowBeats < 4 || windowBeats + maxLag > LegacyRrAnalyserState.RR_CAPACITY) {
            throw new IllegalArgumentException("windowBeats + maxLag must be <= " + LegacyRrAnalyserState.RR_CAPACITY
                    + " and windowBeats >= 4, got " + windowBeats + " + " + maxLag);
        }
        if (maxLag < 1) throw new IllegalArgumentException("maxLag must be >= 1");
        if (!(quantile > 0 && quantile < 1)) throw new IllegalArgumentException("quantile must be in (0,1)");
        if (segmentBeats < 1 || segmentBeats > LegacyRrAnalyserState.SEGMENT_CAPACITY) {
            throw new IllegalArgumentException("segmentBeats must be in 1.." + LegacyRrAnalyserState.SEGMENT_CAPACITY);
        }
        if (onsetSegments < 1 || offsetSegments < 1) throw new IllegalArgumentException("segment counts must be >= 1");
        if (pauseThresholdMs <= 0) throw new IllegalArgumentException("pauseThresholdMs must be > 0");
    }

    /**
     * Returns a copy with the named fields replaced, e.g. {@code {"irregularThreshold": "0.1"}}.
     * Used by the validation harness's {@code --set name=value}.
     */
    public LegacyRhythmParameters withOverrides(Map<String, String> o) {
        Objects.requireNonNull(o);
        for (String k : o.keySet()) {
            switch (k) {
                case "windowBeats", "maxLag", "quantile", "segmentBeats", "irregularThreshold", "onsetSegments",
                     "offsetSegments", "minValidFraction", "pauseThresholdMs", "gapResetMs", "afMaxBridgeMs",
                     "minPlausibleRrMs", "maxPlausibleRrMs", "prematureFraction", "rateExponent", "onsetThreshold" -> { }
                default -> throw new IllegalArgumentException("unknown rhythm parameter: " + k);
            }
        }
        return new LegacyRhythmParameters(
                i(o, "windowBeats", windowBeats), i(o, "maxLag", maxLag), d(o, "quantile", quantile),
                i(o, "segmentBeats", segmentBeats), d(o, "irregularThreshold", irregularThreshold),
                i(o, "onsetSegments", onsetSegments), i(o, "offsetSegments", offsetSegments),
                d(o, "minValidFraction", minValidFraction), i(o, "pauseThresholdMs", pauseThresholdMs),
                l(o, "gapResetMs", gapResetMs), l(o, "afMaxBridgeMs", afMaxBridgeMs),
                i(o, "minPlausibleRrMs", minPlausibleRrMs), i(o, "maxPlausibleRrMs", maxPlausibleRrMs),
                d(o, "prematureFraction", prematureFraction), d(o, "rateExponent", rateExponent),
                d(o, "onsetThreshold", onsetThreshold));
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
