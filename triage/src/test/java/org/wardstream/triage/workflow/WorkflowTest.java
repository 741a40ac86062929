package org.wardstream.triage.workflow;

import org.junit.jupiter.api.Test;
import org.wardstream.schema.TriageAction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wardstream.triage.workflow.Workflow.Action.ACKNOWLEDGE;
import static org.wardstream.triage.workflow.Workflow.Action.CANCEL;
import static org.wardstream.triage.workflow.Workflow.Action.NOTE;
import static org.wardstream.triage.workflow.Workflow.Action.RESOLVE;
import static org.wardstream.triage.workflow.Workflow.Action.START;

class WorkflowTest {

    @Test
    void theHappyPathWritesAnAcknowledgementThenACloseWithTheOutcomesKind() {
        Workflow.Result ack = Workflow.apply("requested", ACKNOWLEDGE, null, null);
        assertThat(ack.status()).isEqualTo("accepted");
        assertThat(ack.events()).containsExactly(TriageAction.ACKNOWLEDGED);
        assertThat(Workflow.apply("accepted", START, null, null).events()).isEmpty();
        Workflow.Result done = Workflow.apply("in-progress", RESOLVE, Outcome.CONTACTED_PATIENT, null);
        assertThat(done.status()).isEqualTo("completed");
        assertThat(done.events()).containsExactly(TriageAction.CLOSED_WITH_ACTION);
        assertThat(Workflow.apply("accepted", RESOLVE, Outcome.DEVICE_PROBLEM, null).events())
                .containsExactly(TriageAction.CLOSED_NO_ACTION);
    }

    @Test
    void resolvingStraightFromTheWorklistAlsoCountsAsTheAcknowledgement() {
        assertThat(Workflow.apply("requested", RESOLVE, Outcome.FALSE_ALARM, null).events())
                .containsExactly(TriageAction.ACKNOWLEDGED, TriageAction.CLOSED_NO_ACTION);
        assertThat(Workflow.apply("requested", START, null, null).events()).containsExactly(TriageAction.ACKNOWLEDGED);
    }

    @Test
    void invalidTransitionsAndMissingOutcomesAreRefused() {
        assertThatThrownBy(() -> Workflow.apply("accepted", ACKNOWLEDGE, null, null)).isInstanceOf(Workflow.InvalidTransition.class);
        assertThatThrownBy(() -> Workflow.apply("completed", CANCEL, null, null)).isInstanceOf(Workflow.InvalidTransition.class);
        assertThatThrownBy(() -> Workflow.apply("cancelled", RESOLVE, Outcome.FALSE_ALARM, null))
                .isInstanceOf(Workflow.InvalidTransition.class);
        assertThatThrownBy(() -> Workflow.apply("in-progress", START, null, null)).isInstanceOf(Workflow.InvalidTransition.class);
        assertThatThrownBy(() -> Workflow.apply("accepted", RESOLVE, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Workflow.apply("accepted", CANCEL, Outcome.CONTACTED_PATIENT, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Workflow.apply("accepted", NOTE, null, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Workflow.actionFor("in-progress", "requested")).isInstanceOf(Workflow.InvalidTransition.class);
        assertThat(Workflow.apply("completed", NOTE, null, "follow-up done").status()).isEqualTo("completed");
    }

    @Test
    void anInProgressTaskIsNotCancelledAsFhirR4sTaskStateMachineHasNoSuchTransition() {
        assertThatThrownBy(() -> Workflow.apply("in-progress", CANCEL, null, null))
                .isInstanceOf(Workflow.InvalidTransition.class)
                .hasMessageContaining("in-progress").hasMessageContaining("its next status: completed");
        assertThatThrownBy(() -> Workflow.actionFor("in-progress", "cancelled"))
                .isInstanceOf(Workflow.InvalidTransition.class).hasMessageContaining("its next status: completed");
        assertThat(Workflow.apply("requested", CANCEL, null, null).status()).isEqualTo("cancelled");
        assertThat(Workflow.apply("accepted", CANCEL, null, null).status()).isEqualTo("cancelled");
        assertThat(Workflow.apply("in-progress", RESOLVE, Outcome.NO_ACTION_NEEDED, null).events())
                .containsExactly(TriageAction.CLOSED_NO_ACTION);
    }

    @Test
    void anInvalidTransitionNamesTheStatusesTheTaskCanGoTo() {
        assertThatThrownBy(() -> Workflow.actionFor("in-progress", "requested"))
                .hasMessageContaining("its next status: completed");
        assertThatThrownBy(() -> Workflow.actionFor("accepted", "on-hold"))
                .hasMessageContaining("its next statuses: in-progress, completed, cancelled");
        assertThatThrownBy(() -> Workflow.apply("completed", CANCEL, null, null))
                .hasMessageContaining("completed is final");
    }

    @Test
    void anOutcomeWithAnActionThatDoesNotResolveIsRefusedNotDropped() {
        assertThatThrownBy(() -> Workflow.apply("requested", ACKNOWLEDGE, Outcome.FALSE_ALARM, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'false-alarm'").hasMessageContaining("acknowledge does not record one");
        assertThatThrownBy(() -> Workflow.apply("accepted", START, Outcome.CONTACTED_PATIENT, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Workflow.apply("in-progress", NOTE, Outcome.NO_ACTION_NEEDED, "called"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Workflow.apply("requested", CANCEL, Outcome.FALSE_ALARM, null).outcome()).isEqualTo(Outcome.FALSE_ALARM);
    }

    @Test
    void everyOutcomeMapsToTheAvroSymbolOfTheSameName() {
        for (Outcome o : Outcome.values()) {
            assertThat(o.avro().name()).isEqualTo(o.name());
            assertThat(Outcome.of(o.code())).isSameAs(o);
        }
        assertThatThrownBy(() -> Outcome.of("maybe")).hasMessageContaining("unknown outcome");
    }
}
