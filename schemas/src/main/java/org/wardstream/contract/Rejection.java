package org.wardstream.contract;

/**
 * A decoded record that must be refused, with its {@link DeadLetterReason} and a detail naming the field, never its
 * value: thrown by the jobs' device-event validation and by {@link EnrolmentValidator}, which the triage service
 * applies too. Without a stack trace (refusals are expected input, not bugs).
 */
public final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;
    private final DeadLetterReason reason;

    public Rejection(DeadLetterReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
