package org.wardstream.triage.workflow;

import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.wardstream.alerting.FhirAlerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Merge, never overwrite: a served Task is the pipeline's latest Task (clinical content: description, priority,
 * lifecycle, focus, extensions) with the clinician's state laid over it (status, owner, notes, outcome).
 *
 * <p>When the pipeline escalates an alert a clinician has already acted on (status accepted, in-progress,
 * completed or cancelled by the clinician), {@link #onPipelineChange} puts it back to {@code requested}, sets the
 * {@link #FLAGGED_URL} flag, clears the outcome and adds a note saying what was undone. Any other pipeline change
 * (reminder, close) leaves the clinician's state alone.
 *
 * <p>Times (FHIR R4): {@code Task.lastModified} is "the date and time of last modification to this task", "used along
 * with history to track task activity and time in a particular task state" (task-definitions, Task.lastModified): the
 * latest change of the Task by anyone, at the time it was made: the pipeline's latest change (when the pipeline made
 * it) or a clinician's latest action (acknowledge, start, resolve, cancel, note: when the service took it), whichever
 * is later. {@code meta.lastUpdated} is when the service stored the version (the server's, like HTTP Last-Modified).
 * When the pipeline made a change is its Provenance's {@code occurredDateTime}, never lastModified: a change that
 * reaches the service after a clinician's action keeps the action's lastModified. Until session 20 only a note
 * raised lastModified, so an acknowledgement or a resolution without a note left it at the pipeline's time.
 */
public final class TaskMerge {
    public static final String TRIAGE_STATE_SYSTEM = "https://wardstream.org/fhir/CodeSystem/triage-state";
    public static final String OUTCOME_SYSTEM = "https://wardstream.org/fhir/CodeSystem/triage-outcome";
    public static final String OUTPUT_SYSTEM = "https://wardstream.org/fhir/CodeSystem/triage-output";
    public static final String USER_SYSTEM = "https://wardstream.org/fhir/Id/triage-user";
    public static final String PROGRAMME_URL = "https://wardstream.org/fhir/StructureDefinition/programme";
    public static final String FLAGGED_URL = "https://wardstream.org/fhir/StructureDefinition/escalated-after-triage";
    /** The server's own name on notes it adds. */
    public static final String SYSTEM_AUTHOR = "wardstream";

    /** One note on a Task. */
    public record Note(String author, Instant time, String text) {
    }

    /**
     * What the clinician owns.
     *
     * @param status      the clinician-set status, or null while no clinician has acted (the pipeline's then)
     * @param triageState the triage-state code (acknowledged, in-progress, resolved, cancelled, reopened) or null
     * @param owner       the last acting user, or null
     * @param outcome     the resolution's outcome, or null
     * @param notes       notes, oldest first
     * @param flagged     re-opened by an escalation after a clinician action
     * @param actedAt     when a clinician last acted on the Task (any action, a note included), or null
     */
    public record ClinicianState(String status, String triageState, String owner, Outcome outcome, List<Note> notes,
                                 boolean flagged, Instant actedAt) {
        public ClinicianState {
            notes = List.copyOf(notes);
        }

        public static ClinicianState none() {
            return new ClinicianState(null, null, null, null, List.of(), false, null);
        }

        /** Whether a clinician has taken the Task off the worklist (acknowledged, started, resolved or cancelled). */
        public boolean acted() {
            return status != null && !status.equals("requested");
        }

        public ClinicianState withNote(Note note) {
            List<Note> n = new ArrayList<>(notes);
            n.add(note);
            return new ClinicianState(status, triageState, owner, outcome, n, flagged, later(actedAt, note.time()));
        }
    }

    private TaskMerge() {
    }

    /** The clinician's state after a pipeline change of the given lifecycle kind (see the class comment). */
    public static ClinicianState onPipelineChange(ClinicianState s, String lifecycle, Instant at) {
        if (!"escalated".equals(lifecycle) || !s.acted()) return s;
        String undone = s.status() + (s.owner() == null ? "" : " by " + s.owner())
                + (s.outcome() == null ? "" : " with outcome " + s.outcome().display().toLowerCase(java.util.Locale.ROOT));
        List<Note> notes = new ArrayList<>(s.notes());
        notes.add(new Note(SYSTEM_AUTHOR, at, "Escalated by the monitoring pipeline after the alert was " + undone
                + ": back on the worklist."));
        return new ClinicianState("requested", "reopened", s.owner(), null, notes, true, s.actedAt());
    }

    /** The Task to serve: the pipeline's Task with the clinician's state and the programme laid over it. */
    public static Task compose(Task pipeline, String id, ClinicianState s, String programme) {
        Task t = pipeline.copy();
        t.setId(id);
        t.setMeta(null);
        t.setFocus(new Reference("Observation/" + id).setType("Observation"));
        if (s.status() != null) {
            t.setStatus(Task.TaskStatus.fromCode(s.status()));
            t.setStatusReason(null);
        }
        if (s.triageState() != null) {
            CodeableConcept bs = t.getBusinessStatus();
            bs.addCoding(new Coding(TRIAGE_STATE_SYSTEM, s.triageState(), triageStateDisplay(s.triageState())));
            bs.setText(bs.getCodingFirstRep().getDisplay() + "; " + triageStateDisplay(s.triageState()).toLowerCase(java.util.Locale.ROOT));
        }
        if (s.owner() != null) {
            t.setOwner(new Reference().setIdentifier(new Identifier().setSystem(USER_SYSTEM).setValue(s.owner()))
                    .setDisplay(s.owner()));
        }
        for (Note n : s.notes()) {
            Annotation a = t.addNote();
            a.setAuthor(new StringType(n.author()));
            a.setTimeElement(utc(n.time()));
            a.setText(n.text());
        }
        if (s.outcome() != null) {
            Task.TaskOutputComponent out = t.addOutput();
            out.setType(new CodeableConcept().addCoding(new Coding(OUTPUT_SYSTEM, "outcome", "Triage outcome")));
            out.setValue(new CodeableConcept().addCoding(new Coding(OUTCOME_SYSTEM, s.outcome().code(), s.outcome().display()))
                    .setText(s.outcome().display()));
        }
        if (programme != null) t.addExtension(PROGRAMME_URL, new StringType(programme));
        if (s.flagged()) t.addExtension(FLAGGED_URL, new BooleanType(true));
        // the latest change by anyone (class comment): a state stored before session 20 has the last note's time as
        // its actedAt, as the column held; the notes are looked at too, so a pipeline's reopening note counts
        Instant last = later(s.actedAt(), s.notes().isEmpty() ? null : s.notes().get(s.notes().size() - 1).time());
        if (last != null && (t.getLastModified() == null || last.isAfter(t.getLastModified().toInstant()))) {
            t.setLastModifiedElement(utc(last));
        }
        return t;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || !b.isAfter(a) ? a : b;
    }

    static String triageStateDisplay(String code) {
        return switch (code) {
            case "acknowledged" -> "Acknowledged by a clinician";
            case "in-progress" -> "Clinician working on it";
            case "resolved" -> "Resolved by a clinician";
            case "cancelled" -> "Cancelled by a clinician";
            case "reopened" -> "Re-opened by an escalation";
            default -> code;
        };
    }

    /** The lifecycle code of a pipeline Task (its businessStatus in the alert-lifecycle system), or null. */
    public static String lifecycle(Task pipeline) {
        return pipeline.getBusinessStatus().getCoding().stream()
                .filter(c -> FhirAlerts.LIFECYCLE_SYSTEM.equals(c.getSystem())).map(Coding::getCode).findFirst().orElse(null);
    }

    private static DateTimeType utc(Instant at) {
        DateTimeType d = new DateTimeType(Date.from(at), ca.uhn.fhir.model.api.TemporalPrecisionEnum.MILLI,
                java.util.TimeZone.getTimeZone("UTC"));
        d.setTimeZoneZulu(true);
        return d;
    }
}
