package org.wardstream.rhythm;

/**
 * A derived, low-rate event emitted by {@link RrAnalyser} for one patient. All times are beat
 * times in epoch milliseconds (event time of the device), never processing time.
 */
public sealed interface RhythmEvent permits RhythmSegment, AfOnset, AfOffset, PauseEvent {

    /** The beat time at which the analyser emitted this event (the last beat it had seen). */
    long emittedAtMs();
}
