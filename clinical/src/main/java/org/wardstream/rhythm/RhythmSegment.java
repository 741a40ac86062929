package org.wardstream.rhythm;

/**
 * Summary of one segment of {@code beats} consecutive intervals (clean and excluded).
 *
 * @param startMs          beat time of the beat that opens the segment's first interval
 * @param endMs            beat time of the segment's last beat (also the emission time)
 * @param beats            intervals in the segment, including excluded ones
 * @param excludedBeats    intervals flagged ARTEFACT or GAP
 * @param meanRateBpm      60000 / mean clean RR (NaN if there is no clean RR)
 * @param minRrMs          shortest clean RR in the segment (0 if none)
 * @param maxRrMs          longest clean RR in the segment (0 if none)
 * @param irregularity     the AF probability of the segment: {@link AfModel} over the {@link AfFeatures} of the last
 *                         windowBeats intervals (see {@link RrAnalyser}); NaN when insufficient
 * @param classification   irregular / regular / insufficient
 * @param afActive         whether the AF state is active after this segment
 */
public record RhythmSegment(long startMs, long endMs, int beats, int excludedBeats, double meanRateBpm,
                            int minRrMs, int maxRrMs, double irregularity, SegmentClass classification,
                            boolean afActive) implements RhythmEvent {

    /** Fraction of the segment's intervals that were excluded (artefact or gap). */
    public double excludedFraction() {
        return beats == 0 ? 0.0 : (double) excludedBeats / beats;
    }

    @Override
    public long emittedAtMs() {
        return endMs;
    }
}
