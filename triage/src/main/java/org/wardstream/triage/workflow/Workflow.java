package org.wardstream.triage.workflow;

import org.wardstream.schema.TriageAction;

import java.util.ArrayList;
import java.util.List;

/**
 * The clinician's side of a Task's life (FHIR workflow states): requested -> accepted -> in-progress -> completed;
 * requested or accepted -> cancelled (not in-progress -> cancelled: FHIR R4's Task state machine ends an in-progress
 * Task completed, failed or on-hold). Plain rules, no I/O. See {@code triage/INTERFACE.md}, "Actions".
 */
public final class Workflow {

    public enum Action {
        ACKNOWLEDGE, START, RESOLVE, CANCEL, NOTE;

        public static Action of(String code) {
            if (code != null) {
                for (Action a : values()) if (a.name().equalsIgnoreCase(code)) return a;
            }
            throw new IllegalArgumentException("unknown action '" + code + "' (acknowledge, start, resolve, cancel, note)");
        }
    }

    /** A change refused because of the Task's current status (HTTP 409). */
    public static final class InvalidTransition extends RuntimeException {
        public InvalidTransition(String message) {
            super(message);
        }
    }

    /**
     * The outcome of one action.
     *
     * @param status     the new Task status
     * @param triageState the triage-state code for businessStatus
     * @param outcome    the outcome kept on the Task (null if none)
     * @param events     the triage-events to write, in order
     */
    public record Result(String status, String triageState, Outcome outcome, List<TriageAction> events) {
    }

    private Workflow() {
    }

    /**
     * Applies an action to a Task in {@code status}.
     *
     * @throws InvalidTransition        if the status does not allow it
     * @throws IllegalArgumentException if the outcome or note is missing or does not fit the action
     */
    public static Result apply(String status, Action action, Outcome outcome, String note) {
        if (outcome != null && (action == Action.ACKNOWLEDGE || action == Action.START || action == Action.NOTE)) {
            throw new IllegalArgumentException(outcomeRefused(action, outcome));
        }
        boolean open = status.equals("requested") || status.equals("accepted") || status.equals("in-progress");
        List<TriageAction> events = new ArrayList<>();
        switch (action) {
            case NOTE -> {
                if (note == null || note.isBlank()) throw new IllegalArgumentException("a note action needs a note");
                return new Result(status, null, null, List.of());
            }
            case ACKNOWLEDGE -> {
                if (!status.equals("requested")) throw invalid(action, status);
                return new Result("accepted", "acknowledged", null, List.of(TriageAction.ACKNOWLEDGED));
            }
            case START -> {
                if (!status.equals("requested") && !status.equals("accepted")) throw invalid(action, status);
                if (status.equals("requested")) events.add(TriageAction.ACKNOWLEDGED);
                return new Result("in-progress", "in-progress", null, events);
            }
            case RESOLVE -> {
                if (!open) throw invalid(action, status);
                if (outcome == null) throw new IllegalArgumentException("resolve needs an outcome");
                if (status.equals("requested")) events.add(TriageAction.ACKNOWLEDGED);
                events.add(outcome.closingAction());
                return new Result("completed", "resolved", outcome, events);
            }
            case CANCEL -> {
                // FHIR R4's Task state machine has no in-progress -> cancelled: work started ends completed (resolve,
                // also with no-action-needed, false-alarm or device-problem: the same CLOSED_NO_ACTION)
                if (!status.equals("requested") && !status.equals("accepted")) throw invalid(action, status);
                Outcome o = outcome == null ? Outcome.NO_ACTION_NEEDED : outcome;
                if (o.closingAction() != TriageAction.CLOSED_NO_ACTION) {
                    throw new IllegalArgumentException("cancel means no action was taken; resolve with '" + o.code() + "'");
                }
                return new Result("cancelled", "cancelled", o, List.of(TriageAction.CLOSED_NO_ACTION));
            }
            default -> throw new IllegalStateException(action.name());
        }
    }

    /**
     * Why an outcome sent with an action that does not close the alert is refused (400, nothing changed): the outcome
     * is the resolution, recorded with {@code resolve} (or {@code cancel}); acknowledging, starting or noting an alert
     * records none, and keeping it silently would let a clinician believe the alert was resolved as that.
     */
    static String outcomeRefused(Action action, Outcome outcome) {
        String verb = action.name().toLowerCase(java.util.Locale.ROOT);
        return "an outcome ('" + outcome.code() + "') is recorded only when the alert is resolved (or cancelled): "
                + verb + " does not record one, and nothing was changed. Send " + verb + " without the outcome, or "
                + "resolve with it";
    }

    /**
     * The action that takes a Task from {@code from} to {@code to} (a FHIR update's status change).
     *
     * @throws InvalidTransition if no action does ({@link #nextStatuses}: the message names those {@code from} has)
     */
    public static Action actionFor(String from, String to) {
        if (from.equals(to)) return Action.NOTE;
        if (!nextStatuses(from).contains(to)) {
            throw new InvalidTransition("a Task cannot be changed from " + from + " to " + to + ": " + next(from));
        }
        return switch (to) {
            case "accepted" -> Action.ACKNOWLEDGE;
            case "in-progress" -> Action.START;
            case "completed" -> Action.RESOLVE;
            default -> Action.CANCEL;
        };
    }

    /**
     * The statuses a clinician can take a Task in {@code status} to, each a transition of FHIR R4's Task state machine
     * (task.html#statemachine) or, from requested, a path through it in one step (start and resolve of a requested
     * Task record its acknowledgement first): requested -> accepted, in-progress, completed, cancelled; accepted ->
     * in-progress, completed, cancelled; in-progress -> completed (R4 has no in-progress -> cancelled); completed and
     * cancelled are final (only a pipeline escalation reopens them).
     */
    public static List<String> nextStatuses(String status) {
        return switch (status) {
            case "requested" -> List.of("accepted", "in-progress", "completed", "cancelled");
            case "accepted" -> List.of("in-progress", "completed", "cancelled");
            case "in-progress" -> List.of("completed");
            default -> List.of();
        };
    }

    /** "its next status: completed", "its next statuses: ...", or that the status is final. */
    private static String next(String status) {
        List<String> next = nextStatuses(status);
        if (next.isEmpty()) return status + " is final (a clinician can only add a note)";
        return "its next status" + (next.size() == 1 ? "" : "es") + ": " + String.join(", ", next)
                + (status.equals("in-progress") ? " (FHIR R4 has no in-progress -> cancelled: resolve it, with"
                + " no-action-needed if nothing was done)" : "");
    }

    private static InvalidTransition invalid(Action action, String status) {
        return new InvalidTransition("cannot " + action.name().toLowerCase(java.util.Locale.ROOT) + " a Task that is "
                + status + ": " + next(status));
    }
}
