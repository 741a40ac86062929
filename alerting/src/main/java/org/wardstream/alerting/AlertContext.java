package org.wardstream.alerting;

/**
 * What the Flink layer knows about an alert state change beyond the {@link org.wardstream.episodes.AlertChange}
 * itself. Both values come from the input records (device time and {@code timeReceived}), never from a wall
 * clock, so a replay of the same input encodes to the same bytes.
 *
 * @param delayedByMs  for a change raised from a delayed upload (data received
 *                     well after it was recorded): how late the evidence arrived, ms; {@code null} or {@code <= 0}
 *                     when not delayed
 * @param receivedAtMs when the evidence that caused the change was received by wardstream (epoch ms), or
 *                     {@code null} if unknown
 * @param timeZone     the patient's IANA time zone (from the enrolment), for local times in the text beside UTC;
 *                     {@code null} if unknown (then UTC only)
 * @param pacemaker    the enrolment records a device that paces the heart: an AF alert then says that pacing can
 *                     hide AF from pulse timing (text and an Observation component); other alerts are unchanged
 * @param programme    the programme that issued the patient's pseudonym (the other half of the patient's key: the same
 *                     pseudonym in two programmes is two patients): a {@code meta.tag} of
 *                     {@link FhirAlerts#PROGRAMME_SYSTEM} on the Observation, Task and Provenance; {@code null} if
 *                     unknown (then no tag)
 */
public record AlertContext(Long delayedByMs, Long receivedAtMs, String timeZone, boolean pacemaker, String programme) {

    /** Not delayed, receipt time unknown: the alert is taken as raised at the change's device time. */
    public static final AlertContext NONE = new AlertContext(null, null, null, false, null);

    public AlertContext(Long delayedByMs, Long receivedAtMs) {
        this(delayedByMs, receivedAtMs, null, false, null);
    }

    /** Evidence received at {@code receivedAtMs}, not delayed. */
    public static AlertContext receivedAt(long receivedAtMs) {
        return new AlertContext(null, receivedAtMs, null, false, null);
    }

    /** Raised from delayed data: evidence received at {@code receivedAtMs}, {@code delayedByMs} after it was recorded. */
    public static AlertContext delayed(long delayedByMs, long receivedAtMs) {
        return new AlertContext(delayedByMs, receivedAtMs, null, false, null);
    }

    /** The same, with the patient's time zone. */
    public AlertContext inZone(String zone) {
        return new AlertContext(delayedByMs, receivedAtMs, zone, pacemaker, programme);
    }

    /** The same, for a patient whose enrolment records (true) or does not record (false) a pacemaker. */
    public AlertContext withPacemaker(boolean paced) {
        return new AlertContext(delayedByMs, receivedAtMs, timeZone, paced, programme);
    }

    /** The same, for the patient of that programme (null: not known). */
    public AlertContext inProgramme(String code) {
        return new AlertContext(delayedByMs, receivedAtMs, timeZone, pacemaker, code);
    }

    /** Whether this change's alert carries the pacemaker caveat: an AF alert of a patient with a pacemaker. */
    boolean pacemakerCaveat(org.wardstream.episodes.AlertChange c) {
        return pacemaker && c.type() == org.wardstream.rules.EpisodeType.ATRIAL_FIBRILLATION;
    }

    public boolean isDelayed() {
        return delayedByMs != null && delayedByMs > 0;
    }

    /**
     * When the alert was raised (Task.authoredOn, Observation.issued, Provenance.recorded): the receipt time of
     * the evidence if known, else the change's device time plus the delay; never before the change itself.
     */
    public long raisedAtMs(long changeAtMs) {
        if (receivedAtMs != null) return Math.max(changeAtMs, receivedAtMs);
        if (isDelayed()) return changeAtMs + delayedByMs;
        return changeAtMs;
    }
}
