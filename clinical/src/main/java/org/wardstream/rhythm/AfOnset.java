package org.wardstream.rhythm;

/**
 * The AF state became active.
 *
 * @param onsetMs      estimated start of the AF episode in beat time: the start of the first segment
 *                     of the run of irregular segments that confirmed it (back-dated, so
 *                     {@code onsetMs <= emittedAtMs})
 * @param emittedAtMs  beat time of the beat at which the onset was confirmed; the detection delay is
 *                     {@code emittedAtMs - true onset}
 * @param irregularity mean AF probability ({@link AfModel}) of the confirming segments
 * @param meanRateBpm  mean ventricular rate over the confirming segments
 */
public record AfOnset(long onsetMs, long emittedAtMs, double irregularity, double meanRateBpm)
        implements RhythmEvent {
}
