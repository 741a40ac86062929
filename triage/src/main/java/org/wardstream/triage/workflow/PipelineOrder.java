package org.wardstream.triage.workflow;

import java.time.Instant;
import java.util.Map;

/**
 * Which of two alert changes of one episode is the later in the pipeline's own order, whatever order they arrived
 * in (Kafka redelivery, a replay, a producer that retried): the stored pipeline state only ever moves forward.
 *
 * <p>The detection job emits an episode's changes as OPENED, (UPDATED | ESCALATED)*, CLOSED and, when a pattern
 * match confirmed after the close escalates the closed episode, an ESCALATED that carries the episode's end (the
 * closed episode's latest version). A change's place in that order is its <b>stage</b> (0: the episode is open;
 * 1: CLOSED; 2: an escalation of the closed episode, i.e. an ESCALATED with the end), then its change time
 * (Provenance.occurred, the change's own device time), then its kind (OPENED, UPDATED, ESCALATED, CLOSED) for
 * changes at the same time. The later change gives the Task's clinical content and the Observation; an earlier one
 * arriving late changes neither, so CLOSED stays final for the lifecycle (only the closed episode's escalation
 * follows it). The priority is the highest of every change received (the lifecycle only ever raises the
 * severity), so an older change never lowers it.
 *
 * <p><b>A priority that rises re-opens</b> a Task a clinician acted on (acknowledged, started, resolved, cancelled),
 * whatever the kind of the change that raises it. In the pipeline's order only an ESCALATED raises the priority, but
 * every change after it carries the raised priority, so when the ESCALATED is overtaken (it arrives after an UPDATED or
 * the CLOSED that followed it, or never: an offset reset past it, a rejected record) the first change at the higher
 * priority to arrive is, for the clinician who decided at the lower one, the escalation. Until session 21 only an
 * ESCALATED re-opened: an UPDATED or CLOSED that overtook it raised the priority of the resolved Task silently, and the
 * ESCALATED arriving after it then raised nothing, so the alert stayed off the worklist. An ESCALATED that comes later
 * in the order still re-opens even when the priority is already as high (as an escalation in order would).
 */
public final class PipelineOrder {
    private static final Map<String, Integer> KIND_RANK = Map.of("opened", 0, "updated", 1, "escalated", 2, "closed", 3);
    private static final Map<String, Integer> PRIORITY_RANK = Map.of("routine", 1, "urgent", 2, "asap", 3, "stat", 4);

    private PipelineOrder() {
    }

    /**
     * Where one change stands in the episode's order.
     *
     * @param lifecycle the change's kind as its lifecycle code ({@code opened|updated|escalated|closed}), or null
     * @param changedAt the change's own time, or null if the message did not say (then it counts as the latest)
     * @param stage     {@link #stage}
     */
    public record Position(String lifecycle, Instant changedAt, int stage) {
    }

    /**
     * What to do with an incoming change given the stored one.
     *
     * @param replaces  the incoming change is the later one: its Task content and Observation become the stored ones
     * @param priority  the priority to serve (the higher of the stored and the incoming), or null if neither has one
     * @param escalates the change raises the priority the Task showed (whatever its kind), or is an ESCALATED that
     *                  replaces the stored content: it re-opens a Task a clinician has acted on
     * @param changes   anything the served Task shows changes (false: keep the record of the message only)
     */
    public record Decision(boolean replaces, String priority, boolean escalates, boolean changes) {
    }

    /** 0 while the episode is open, 1 for its CLOSED, 2 for an escalation of the closed episode (ESCALATED with the end). */
    public static int stage(String lifecycle, boolean ended) {
        if ("closed".equals(lifecycle)) return 1;
        if ("escalated".equals(lifecycle) && ended) return 2;
        return 0;
    }

    /** Whether {@code incoming} comes after (or is level with) {@code stored} in the episode's order. */
    public static boolean isLater(Position incoming, Position stored) {
        if (incoming.stage() != stored.stage()) return incoming.stage() > stored.stage();
        if (incoming.changedAt() != null && stored.changedAt() != null && !incoming.changedAt().equals(stored.changedAt())) {
            return incoming.changedAt().isAfter(stored.changedAt());
        }
        return KIND_RANK.getOrDefault(incoming.lifecycle(), -1) >= KIND_RANK.getOrDefault(stored.lifecycle(), -1);
    }

    /**
     * The decision for an incoming change of priority {@code incomingPriority} at {@code incoming}, the stored
     * state being at {@code stored} with priority {@code storedPriority} ({@code stored} null: the first change).
     */
    public static Decision decide(Position stored, String storedPriority, Position incoming, String incomingPriority) {
        boolean escalation = "escalated".equals(incoming.lifecycle());
        if (stored == null) return new Decision(true, incomingPriority, escalation, true);
        boolean later = isLater(incoming, stored);
        int storedRank = rank(storedPriority);
        int incomingRank = rank(incomingPriority);
        boolean raises = incomingRank > storedRank;
        String priority = raises ? incomingPriority : storedPriority;
        // the priority the clinician saw: a Task without one is shown (and acted on) as routine
        boolean raisesShown = incomingRank > Math.max(storedRank, rank("routine"));
        return new Decision(later, priority, raisesShown || escalation && (later || raises), later || raises);
    }

    /** routine 1, urgent 2, asap 3, stat 4; unknown or null 0. */
    public static int rank(String priority) {
        return priority == null ? 0 : PRIORITY_RANK.getOrDefault(priority, 0);
    }
}
