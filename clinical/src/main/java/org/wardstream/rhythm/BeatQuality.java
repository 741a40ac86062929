package org.wardstream.rhythm;

/**
 * Quality of one RR interval as delivered by the device (or, for PhysioNet replays, derived from
 * the annotation's gap note).
 *
 * <ul>
 *   <li>{@link #CLEAN}: a trustworthy interval between two detected beats.</li>
 *   <li>{@link #ARTEFACT}: the device flagged the interval as unreliable (motion, poor contact).
 *       It is excluded: never irregularity evidence, never a pause.</li>
 *   <li>{@link #GAP}: unreadable or missing signal lies inside the interval, so its length is not a
 *       heart-rate measurement. Excluded like an artefact; a long gap also resets the AF evidence
 *       (missing data is not irregularity, and not regularity either).</li>
 * </ul>
 */
public enum BeatQuality {
    CLEAN,
    ARTEFACT,
    GAP;

    /** Stable one-byte code used by {@link RrAnalyserState#writeTo}. */
    public byte code() {
        return (byte) ordinal();
    }
}
