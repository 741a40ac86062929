package org.wardstream.detector;

import org.wardstream.episodes.Transition;

/**
 * A derived, low-rate per-patient event for the compound CEP patterns of the job, emitted by {@link PatientDetector}
 * in device-time order per patient: one record type per kind of cue, each with the fields that kind has and named for
 * what they mean. Each carries the patient's own rule values, so the patterns apply per-patient overrides without a
 * restart. Times are device time, epoch ms.
 *
 * <p>Every cue also says where it came from: the patient, the programme, how delayed the reading behind it was
 * (receipt minus device time when over the delayed threshold, else 0) and when the platform received it.
 */
public sealed interface PatternCue
        permits PatternCue.Pause, PatternCue.StillFor, PatternCue.AfRate, PatternCue.AfEnd, PatternCue.Transit {

    String patientId();

    String programme();

    /** When the cue happened (device time). */
    long timeMs();

    long delayedByMs();

    long receivedMs();

    /**
     * A clean RR interval over the pause threshold, from {@code startMs} to {@code timeMs}; with the patient's
     * pause rule: stillness must begin within {@code stillnessWithinMs} of the pause's end (either side), and after
     * {@code stillnessSpanMs} (stillnessWithin + stillnessMinDuration) none can still qualify.
     */
    record Pause(String patientId, String programme, long timeMs, long startMs, long stillnessWithinMs,
                 long stillnessSpanMs, long delayedByMs, long receivedMs) implements PatternCue {
        public long pauseMs() {
            return timeMs - startMs;
        }

        @Override
        public String toString() { // omits the patient: this may reach logs
            return "PatternCue.Pause{at " + timeMs + "}";
        }
    }

    /** A worn-still stretch that began at {@code stillSinceMs} has lasted the pause rule's stillnessMinDuration at {@code timeMs}. */
    record StillFor(String patientId, String programme, long timeMs, long stillSinceMs, long delayedByMs,
                    long receivedMs) implements PatternCue {
        public long stillMs() {
            return timeMs - stillSinceMs;
        }

        @Override
        public String toString() {
            return "PatternCue.StillFor{at " + timeMs + "}";
        }
    }

    /**
     * The smoothed ventricular rate after one AF segment (or the AF onset) ending at {@code timeMs}: {@code fast} when
     * above the patient's fastRateBpm, {@code fastFrom} when it is the first fast one after a slower one or at AF onset
     * (where a sustained-fast run may begin), which must last the patient's {@code fastRateMinDurationMs}.
     */
    record AfRate(String patientId, String programme, long timeMs, double smoothedRateBpm, boolean fast,
                  boolean fastFrom, long fastRateMinDurationMs, long delayedByMs, long receivedMs) implements PatternCue {
        @Override
        public String toString() {
            return "PatternCue.AfRate{at " + timeMs + (fast ? ", fast" : "") + "}";
        }
    }

    /**
     * Not a cue but a lifecycle {@link Transition} travelling with the cues through the pattern stage, in the order the
     * detector emitted it, so that the alert lifecycle receives the detector's transitions and the patterns'
     * escalations in one order that depends on the input alone (two paths would race). No pattern condition sees it:
     * the pattern operators pass it on untouched; their own escalations travel on as {@code Transit}s too.
     */
    record Transit(Transition transition, String programme, long delayedByMs, long receivedMs) implements PatternCue {
        @Override
        public String patientId() {
            return transition.patient();
        }

        @Override
        public long timeMs() {
            return transition.atMs();
        }

        @Override
        public String toString() {
            return "PatternCue.Transit{" + transition.type() + " " + transition.kind() + " at " + transition.atMs() + "}";
        }
    }

    /** The AF episode ended at {@code timeMs}. */
    record AfEnd(String patientId, String programme, long timeMs, long delayedByMs, long receivedMs)
            implements PatternCue {
        @Override
        public String toString() {
            return "PatternCue.AfEnd{at " + timeMs + "}";
        }
    }
}
