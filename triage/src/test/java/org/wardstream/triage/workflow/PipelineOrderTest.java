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
}
