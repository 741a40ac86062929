package org.wardstream.ingest;

/**
 * What a keyed operator downstream of the {@link IngestGate} does with a patient's record (a reading, a transition),
 * given what it knows of the patient's enrolment: plain Java, the decision behind {@link EnrolmentWait}.
 *
 * <ul>
 *   <li>The operator has the patient's profile: it handles the record.</li>
 *   <li>It has no profile, and the patient was unenrolled (a tombstone) at {@code unenrolledAtMs}, the tombstone's
 *       record timestamp: a record published no later than that belongs to the ended enrolment (the gate admitted
 *       it before it read the tombstone, and it was still on its way) and is {@link Fate#UNENROLLED}: dropped and
 *       counted, never held for a re-enrolment that may come months later.</li>
 *   <li>Otherwise it waits for the enrolment: one that overtook the patient's enrolment (which reaches every
 *       operator on its own input), including a reading of a re-enrolment published after the unenrolment that
 *       overtook the re-enrolment. The wait is bounded ({@link #deadlineMs}): what still waits then is dropped and
 *       counted, and the unenrolment is forgotten.</li>
 * </ul>
 * The unenrolment is forgotten on a re-enrolment (what comes after it belongs to the new enrolment) or at the
 * deadline, so its memory is as bounded as the wait.
 */
public final class EnrolmentWaitRule {
    /** No time (no unenrolment remembered, no deadline set). */
    public static final long NO_TIME = Long.MIN_VALUE;

    /** A record's fate at the operator. */
    public enum Fate { HANDLE, WAIT, UNENROLLED }

    private EnrolmentWaitRule() {
    }

    /**
     * @param enrolled       whether the operator has the patient's profile
     * @param unenrolledAtMs when the patient was unenrolled (the tombstone's timestamp), or {@link #NO_TIME}
     * @param publishedMs    when the record was published (a reading: its broker timestamp; a transition: the receipt
     *                       of its evidence)
     */
    public static Fate fate(boolean enrolled, long unenrolledAtMs, long publishedMs) {
        if (enrolled) {
            return Fate.HANDLE;
        }
        return unenrolledAtMs != NO_TIME && publishedMs <= unenrolledAtMs ? Fate.UNENROLLED : Fate.WAIT;
    }

    /**
     * The processing time at which what waits is dropped and an unenrolment forgotten: {@code boundMs} after the
     * first of them ({@code nowMs}) unless a deadline is already set ({@code currentMs}), so nothing waits longer than
     * the bound.
     */
    public static long deadlineMs(long currentMs, long nowMs, long boundMs) {
        return currentMs != NO_TIME ? currentMs : nowMs + boundMs;
    }
}
