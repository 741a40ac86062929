package org.wardstream.detector;

/**
 * A derived, low-rate per-patient event for the CEP patterns (the compound CEP patterns of the job), emitted by
 * {@link PatientDetector} in device-time order per patient (a Flink POJO). It carries the patient's own rule
 * values, so the patterns apply per-patient overrides without a restart. Times are device time, epoch ms.
 */
public class PatternCue {
    public enum Kind {
        /** A clean RR interval over the pause threshold: {@code sinceMs} its start, {@code timeMs} its end. */
        PAUSE,
        /** A worn-still stretch that began at {@code sinceMs} has lasted the pause rule's stillnessMinDuration at {@code timeMs}. */
        STILL_FOR,
        /** The ventricular rate of one AF segment (or of the AF onset) ending at {@code timeMs}. */
        AF_RATE,
        /** The AF episode ended at {@code timeMs}. */
        AF_END
    }

    public String patientId;
    public String programme;
    public Kind kind;
    public long timeMs;
    public long sinceMs;
    /** AF_RATE: mean ventricular rate of the segment, bpm. */
    public double rateBpm;
    /** AF_RATE: above the patient's fastRateBpm. */
    public boolean fast;
    /** AF_RATE: the first fast segment after a slower one or at AF onset (where a sustained-fast run may begin). */
    public boolean fastFrom;
    /**
     * The patient's window for a match beginning with this cue: PAUSE, stillnessWithin (stillness must begin
     * within this of the pause, either side); AF_RATE, fastRateMinDuration.
     */
    public long windowMs;
    /** PAUSE: stillnessWithin + stillnessMinDuration, after which no stillness can still qualify. */
    public long spanMs;
    /** How delayed the reading behind this cue was: receipt minus device time when over the delayed threshold, else 0; ms. */
    public long delayedByMs;
    /** When the platform received the reading behind this cue, epoch ms. */
    public long receivedMs;

    public PatternCue() {
    }

    static PatternCue of(Kind kind, String patientId, String programme, long timeMs, long delayedByMs, long receivedMs) {
        PatternCue c = new PatternCue();
        c.kind = kind;
        c.patientId = patientId;
        c.programme = programme;
        c.timeMs = timeMs;
        c.sinceMs = timeMs;
        c.delayedByMs = delayedByMs;
        c.receivedMs = receivedMs;
        return c;
    }

    /** Omits the patient id: this may reach logs. */
    @Override
    public String toString() {
        return "PatternCue{" + kind + " at " + timeMs + "}";
    }
}
