package org.wardstream.rhythm;

/** Classification of one rhythm segment (a fixed number of consecutive beats). */
public enum SegmentClass {
    /** Irregular at every lag tested: evidence for AF ("irregularly irregular"). */
    IRREGULAR,
    /** Regular, or regularly irregular (bigeminy, trigeminy, grouped beating): evidence against AF. */
    REGULAR,
    /** Too many excluded (artefact/gap) beats to judge: neither evidence for nor against AF. */
    INSUFFICIENT
}
