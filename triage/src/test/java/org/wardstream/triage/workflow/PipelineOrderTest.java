package org.wardstream.triage.workflow;

import org.junit.jupiter.api.Test;
import org.wardstream.triage.workflow.PipelineOrder.Decision;
import org.wardstream.triage.workflow.PipelineOrder.Position;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineOrderTest {
    private static final Instant T0 = Instant.parse("2026-03-03T10:00:00Z");

    private static Position at(String lifecycle, int minute, boolean ended) {
        return new Position(lifecycle, T0.plusSeconds(60L * minute), PipelineOrder.stage(lifecycle, ended));
    }

    @Test
    void theFirstChangeIsStored() {
        Decision d = PipelineOrder.decide(null, null, at("opened", 1, false), "urgent");
        assertThat(d).isEqualTo(new Decision(true, "urgent", false, true));
    }

    @Test
    void aLaterChangeReplacesAnEarlierOneAndAnEarlierOneArrivingLateChangesNothing() {
        assertThat(PipelineOrder.decide(at("opened", 1, false), "urgent", at("updated", 20, false), "urgent"))
                .isEqualTo(new Decision(true, "urgent", false, true));
        assertThat(PipelineOrder.decide(at("updated", 20, false), "urgent", at("opened", 1, false), "urgent"))
                .isEqualTo(new Decision(false, "urgent", false, false));
    }

    @Test
    void closedIsFinalForTheLifecycleWhateverTheTimeOfAnOpenChange() {
        assertThat(PipelineOrder.decide(at("closed", 30, true), "urgent", at("opened", 1, false), "urgent").replaces()).isFalse();
        assertThat(PipelineOrder.decide(at("closed", 30, true), "urgent", at("updated", 45, false), "urgent").replaces()).isFalse();
        assertThat(PipelineOrder.decide(at("opened", 1, false), "urgent", at("closed", 30, true), "urgent").replaces()).isTrue();
    }

    /**
     * Probe 20a D1: an AF alert closed for a gap in its data (at its last evidence, minute 30), re-opened by data
     * uploaded late that fill the gap (a record-only UPDATED, minute 30) and closed again at the AF's end in them
     * (minute 50): the re-opening update is kept as a message only (the Task stays closed), the second close, later,
     * gives the Task its corrected end and reason.
     */
    @Test
    void aCloseCorrectedByDataUploadedLateReplacesTheFirstCloseAndTheReopeningUpdateChangesNothing() {
        Position firstClose = at("closed", 30, true);
        assertThat(PipelineOrder.decide(firstClose, "urgent", at("updated", 30, false), "urgent"))
                .isEqualTo(new Decision(false, "urgent", false, false));
        assertThat(PipelineOrder.decide(firstClose, "urgent", at("closed", 50, true), "urgent"))
                .isEqualTo(new Decision(true, "urgent", false, true));
    }

    @Test
    void thePriorityNeverDropsAndAnOlderUpdateAfterAnEscalationIsIgnored() {
        Decision d = PipelineOrder.decide(at("escalated", 40, false), "stat", at("updated", 20, false), "urgent");
        assertThat(d).isEqualTo(new Decision(false, "stat", false, false));
        assertThat(PipelineOrder.decide(at("updated", 20, false), "stat", at("updated", 60, false), "urgent").priority())
                .isEqualTo("stat");
    }

    @Test
    void anEscalationThatArrivesLateStillRaisesThePriorityAndReopensButLeavesTheCloseInPlace() {
        Decision d = PipelineOrder.decide(at("closed", 50, true), "urgent", at("escalated", 40, false), "stat");
        assertThat(d).isEqualTo(new Decision(false, "stat", true, true));
        // the same escalation, already reflected in the close's severity: nothing to do
        assertThat(PipelineOrder.decide(at("closed", 50, true), "stat", at("escalated", 40, false), "stat"))
                .isEqualTo(new Decision(false, "stat", false, false));
    }

    @Test
    void theEscalationOfAClosedEpisodeFollowsItsCloseEvenWithAnEarlierTime() {
        // a pattern match confirmed after the close refers to its first event's time: ESCALATED with the end
        Decision d = PipelineOrder.decide(at("closed", 50, true), "urgent", at("escalated", 45, true), "stat");
        assertThat(d).isEqualTo(new Decision(true, "stat", true, true));
        // and a CLOSED redelivered after it does not undo it
        assertThat(PipelineOrder.decide(at("escalated", 45, true), "stat", at("closed", 50, true), "urgent"))
                .isEqualTo(new Decision(false, "stat", false, false));
    }

    @Test
    void changesAtTheSameTimeGoInTheLifecyclesOrder() {
        assertThat(PipelineOrder.isLater(at("escalated", 5, false), at("opened", 5, false))).isTrue();
        assertThat(PipelineOrder.isLater(at("opened", 5, false), at("escalated", 5, false))).isFalse();
        assertThat(PipelineOrder.isLater(new Position("updated", null, 0), at("escalated", 5, false)))
                .as("no change time: the kind decides").isFalse();
    }

    // ------------------------------------------------------------------ the priority rising after a clinician acted

    /*
     * A clinician resolved (or acknowledged) the alert as the stored change showed it. Any change that arrives next
     * with a HIGHER priority means the alert became more urgent after the clinician decided at the lower one: it
     * re-opens the Task (flagged, announced), whatever the change's kind. In the pipeline's order only an ESCALATED
     * raises the priority, but later changes carry the raised priority too, so when the ESCALATED is overtaken
     * (arrives after them, or never: an offset reset past it, a reject) the first change at the higher priority to
     * arrive is the escalation as far as the clinician is concerned.
     */

    @Test
    void anUpdateThatOvertookItsEscalationAndCarriesTheHigherPriorityReopens() {
        // OPENED urgent (resolved) ... ESCALATED stat at minute 40 overtaken by the UPDATED at minute 60
        Decision d = PipelineOrder.decide(at("opened", 1, false), "urgent", at("updated", 60, false), "stat");
        assertThat(d).isEqualTo(new Decision(true, "stat", true, true));
        // the overtaken escalation, arriving afterwards: the clinician has already been told (nothing re-opens twice)
        assertThat(PipelineOrder.decide(at("updated", 60, false), "stat", at("escalated", 40, false), "stat"))
                .isEqualTo(new Decision(false, "stat", false, false));
    }

    @Test
    void aCloseThatOvertookItsEscalationAndCarriesTheHigherPriorityReopens() {
        // OPENED urgent (resolved) ... ESCALATED stat at minute 40 overtaken by the CLOSED at minute 50
        Decision d = PipelineOrder.decide(at("opened", 1, false), "urgent", at("closed", 50, true), "stat");
        assertThat(d).isEqualTo(new Decision(true, "stat", true, true));
        assertThat(PipelineOrder.decide(at("closed", 50, true), "stat", at("escalated", 40, false), "stat"))
                .isEqualTo(new Decision(false, "stat", false, false));
        // and from a stored update (the clinician resolved after an update at the lower priority)
        assertThat(PipelineOrder.decide(at("updated", 20, false), "urgent", at("closed", 50, true), "stat").escalates())
                .isTrue();
    }

    @Test
    void anOlderChangeArrivingLateWithAHigherPriorityReopensAndLeavesTheLaterContentInPlace() {
        // stored: the CLOSED at the lower priority (its escalation and the updates after it not yet received);
        // an UPDATED from inside the episode at the higher priority arrives now
        Decision d = PipelineOrder.decide(at("closed", 50, true), "urgent", at("updated", 45, false), "stat");
        assertThat(d).isEqualTo(new Decision(false, "stat", true, true));
        // likewise an OPENED (a suppressed episode promoted at the escalated priority) or a later OPENED redelivered
        assertThat(PipelineOrder.decide(at("updated", 20, false), "urgent", at("opened", 1, false), "asap").escalates())
                .isTrue();
    }

    @Test
    void aPriorityRisingStepByStepReopensAtEachStep() {
        // urgent -> asap (escalation lost, an update carries it) -> stat (its escalation in order)
        assertThat(PipelineOrder.decide(at("opened", 1, false), "urgent", at("updated", 30, false), "asap"))
                .isEqualTo(new Decision(true, "asap", true, true));
        assertThat(PipelineOrder.decide(at("updated", 30, false), "asap", at("escalated", 40, false), "stat"))
                .isEqualTo(new Decision(true, "stat", true, true));
        assertThat(PipelineOrder.decide(at("escalated", 40, false), "stat", at("closed", 50, true), "stat"))
                .isEqualTo(new Decision(true, "stat", false, true));
    }

    @Test
    void theSamePriorityNeverReopensWhateverTheKindOrOrder() {
        for (String kind : new String[]{"opened", "updated", "closed"}) {
            for (int minute : new int[]{1, 30, 60}) {
                Position incoming = at(kind, minute, "closed".equals(kind));
                assertThat(PipelineOrder.decide(at("updated", 30, false), "stat", incoming, "stat").escalates())
                        .as(kind + " at minute " + minute).isFalse();
                assertThat(PipelineOrder.decide(at("updated", 30, false), "stat", incoming, "urgent").escalates())
                        .as(kind + " at minute " + minute + ", lower").isFalse();
            }
        }
    }

    @Test
    void aStoredTaskWithoutPriorityWasShownAsRoutine() {
        assertThat(PipelineOrder.decide(at("opened", 1, false), null, at("updated", 30, false), "routine").escalates())
                .isFalse();
        assertThat(PipelineOrder.decide(at("opened", 1, false), null, at("updated", 30, false), "urgent").escalates())
                .isTrue();
    }

    /**
     * Session 25: an episode of the type in a gap's buffer, before the alert opened when the data resumed, which has
     * closed (minute 40), is recorded on it by a record-only UPDATED that keeps its end, dated when the buffer shows it
     * (minute 22): kept as a message only, the closed Task unchanged; arriving before the CLOSED, the CLOSED replaces it.
     */
    @Test
    void aFinalRecordOfAnEarlierEpisodeOnAClosedAlertChangesNothingOnItsTask() {
        assertThat(PipelineOrder.decide(at("closed", 40, true), "urgent", at("updated", 22, true), "urgent"))
                .isEqualTo(new Decision(false, "urgent", false, false));
        assertThat(PipelineOrder.decide(at("updated", 22, true), "urgent", at("closed", 40, true), "urgent"))
                .isEqualTo(new Decision(true, "urgent", false, true));
    }
}
