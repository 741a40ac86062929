package org.wardstream.triage.workflow;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.triage.workflow.TaskMerge.ClinicianState;
import org.wardstream.triage.workflow.TaskMerge.Note;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskMergeTest {
    private static final Instant AT = Instant.parse("2026-03-03T11:00:00Z");

    private static Task pipelineTask(AlertChange.Kind kind, Severity severity) {
        AlertChange c = new AlertChange(kind, true, "ep-1", "p-1", EpisodeType.ATRIAL_FIBRILLATION, severity,
                AT.toEpochMilli(), null, AT.toEpochMilli() + 60_000, null, Map.of(), "wardstream-rr-analyser/2", 3, 2);
        Bundle b = FhirAlerts.fhirContext().newJsonParser().parseResource(Bundle.class, FhirAlerts.toJson(c));
        return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Task.class::isInstance)
                .map(Task.class::cast).findFirst().orElseThrow();
    }

    @Test
    void withoutAClinicianTheTaskIsThePipelines() {
        Task t = TaskMerge.compose(pipelineTask(AlertChange.Kind.OPENED, Severity.URGENT), "ep-1", ClinicianState.none(), null);
        assertThat(t.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(t.getFocus().getReference()).isEqualTo("Observation/ep-1");
        assertThat(t.getBusinessStatus().getCoding()).hasSize(1);
        assertThat(t.hasOwner()).isFalse();
        assertThat(t.getExtensionByUrl(TaskMerge.PROGRAMME_URL)).isNull();
    }

    @Test
    void theCliniciansStatusOwnerNotesAndOutcomeAreLaidOverThePipelinesContent() {
        ClinicianState s = new ClinicianState("completed", "resolved", "alice", Outcome.FALSE_ALARM,
                List.of(new Note("alice", AT.plusSeconds(600), "artefact")), false, AT.plusSeconds(600));
        Task t = TaskMerge.compose(pipelineTask(AlertChange.Kind.UPDATED, Severity.URGENT), "ep-1", s, "cardiac");
        assertThat(t.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
        assertThat(t.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
        assertThat(t.getBusinessStatus().getCoding()).extracting(c -> c.getCode()).containsExactly("updated", "resolved");
        assertThat(t.getOwner().getIdentifier().getValue()).isEqualTo("alice");
        assertThat(t.getNoteFirstRep().getAuthorStringType().getValue()).isEqualTo("alice");
        assertThat(((org.hl7.fhir.r4.model.CodeableConcept) t.getOutputFirstRep().getValue()).getCodingFirstRep().getCode()).isEqualTo("false-alarm");
        assertThat(t.getExtensionString(TaskMerge.PROGRAMME_URL)).isEqualTo("cardiac");
        String json = FhirAlerts.fhirContext().newJsonParser().encodeResourceToString(t);
        assertThat(json).contains("\"authorString\":\"alice\"").doesNotContain("\"author\":");
    }

    @Test
    void onlyAnEscalationOfAnActedOnTaskReopensItFlaggedWithANoteAndWithoutTheOutcome() {
        ClinicianState done = new ClinicianState("completed", "resolved", "alice", Outcome.NO_ACTION_NEEDED, List.of(), false,
                AT.minusSeconds(60));
        assertThat(TaskMerge.onPipelineChange(done, "updated", AT)).isSameAs(done);
        assertThat(TaskMerge.onPipelineChange(done, "closed", AT)).isSameAs(done);
        assertThat(TaskMerge.onPipelineChange(ClinicianState.none(), "escalated", AT)).isEqualTo(ClinicianState.none());

        ClinicianState reopened = TaskMerge.onPipelineChange(done, "escalated", AT);
        assertThat(reopened.status()).isEqualTo("requested");
        assertThat(reopened.flagged()).isTrue();
        assertThat(reopened.outcome()).isNull();
        assertThat(reopened.notes()).singleElement().extracting(Note::text).asString()
                .contains("completed by alice with outcome no action needed");
        Task t = TaskMerge.compose(pipelineTask(AlertChange.Kind.ESCALATED, Severity.STAT), "ep-1", reopened, "cardiac");
        assertThat(t.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(t.getPriority()).isEqualTo(Task.TaskPriority.STAT);
        assertThat(t.getExtensionByUrl(TaskMerge.FLAGGED_URL)).isNotNull();
        assertThat(t.hasOutput()).isFalse();
    }

    /**
     * FHIR R4 Task.lastModified, "the date and time of last modification to this task": the later of the pipeline's
     * change (the pipeline Task's lastModified, when the pipeline made it) and the clinician's last action, a note or
     * not (session 20: an action without a note left it at the pipeline's time).
     */
    @Test
    void lastModifiedIsTheLaterOfThePipelinesChangeAndTheCliniciansLastAction() {
        Task pipeline = pipelineTask(AlertChange.Kind.UPDATED, Severity.URGENT);
        Instant made = pipeline.getLastModified().toInstant();
        ClinicianState ackedLater = new ClinicianState("accepted", "acknowledged", "alice", null, List.of(), false,
                made.plusSeconds(90));
        assertThat(TaskMerge.compose(pipeline, "ep-1", ackedLater, null).getLastModified().toInstant())
                .isEqualTo(made.plusSeconds(90));
        ClinicianState ackedBefore = new ClinicianState("accepted", "acknowledged", "alice", null, List.of(), false,
                made.minusSeconds(90));
        assertThat(TaskMerge.compose(pipeline, "ep-1", ackedBefore, null).getLastModified().toInstant())
                .as("a pipeline change made after the action").isEqualTo(made);
        assertThat(TaskMerge.compose(pipeline, "ep-1", ClinicianState.none(), null).getLastModified().toInstant())
                .isEqualTo(made);
        ClinicianState noted = ackedBefore.withNote(new Note("bob", made.plusSeconds(30), "phoned"));
        assertThat(noted.actedAt()).isEqualTo(made.plusSeconds(30));
        assertThat(TaskMerge.compose(pipeline, "ep-1", noted, null).getLastModified().toInstant())
                .isEqualTo(made.plusSeconds(30));
    }
}
