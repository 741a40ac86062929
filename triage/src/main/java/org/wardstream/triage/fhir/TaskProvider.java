package org.wardstream.triage.fhir;

import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.At;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Task;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.store.Audit;
import org.wardstream.triage.store.SearchQuery;
import org.wardstream.triage.store.TaskStore;
import org.wardstream.triage.workflow.Outcome;
import org.wardstream.triage.workflow.TaskMerge;
import org.wardstream.triage.workflow.Workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Task: read, vread, history, search, and update through the workflow states (see INTERFACE.md). */
public final class TaskProvider extends StoredResourceProvider<Task> {
    /** What a Task search sorts by ({@code _sort}, each ascending or, with "-", descending; told in the metadata). */
    static final List<String> SORT_KEYS = List.of("priority", "authored-on", "_lastUpdated", "status");
    /** The codes of the technical episode types (device-offline, beat-to-beat-offline): {@code code=technical-check}. */
    static final List<String> TECHNICAL_EPISODE_TYPES = episodeTypes(true);
    /** The codes of the clinical episode types: {@code code=clinical-review}. */
    static final List<String> CLINICAL_EPISODE_TYPES = episodeTypes(false);
    private final Consumer<TaskStore.TaskChange> onChange;

    public TaskProvider(TaskStore store, Audit audit, Consumer<TaskStore.TaskChange> onChange) {
        super(store, audit, Task.class);
        this.onChange = onChange;
    }

    @Read(version = true)
    public Task read(@IdParam IdType id, RequestDetails rd) {
        return doRead(id, rd);
    }

    @History
    public IBundleProvider history(@IdParam IdType id, @Since InstantType since, @At DateRangeParam at, RequestDetails rd) {
        return doHistory(id, since, at, rd);
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = "_id") TokenOrListParam ids,
            @OptionalParam(name = Task.SP_STATUS) TokenOrListParam status,
            @OptionalParam(name = Task.SP_PRIORITY) TokenOrListParam priority,
            @OptionalParam(name = Task.SP_CODE) TokenOrListParam code,
            @OptionalParam(name = "episode-type") TokenOrListParam episodeType,
            @OptionalParam(name = "programme") TokenOrListParam programme,
            @OptionalParam(name = "flagged") TokenOrListParam flagged,
            @OptionalParam(name = Task.SP_PATIENT, chainWhitelist = {"identifier"}) ReferenceParam patient,
            @Description(SEARCH_DATES) @OptionalParam(name = Task.SP_AUTHORED_ON) DateRangeParam authoredOn,
            @Description(SEARCH_DATES) @OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
            @Sort SortSpec sort,
            @Count Integer count,
            RequestDetails rd) {
        checkSearch(rd, count);
        SearchQuery q = new SearchQuery("Task");
        tokens(q, "id", ids, null);
        tokens(q, "status", status, "http://hl7.org/fhir/task-status");
        if (priority != null && !priority.getValuesAsQueryTokens().isEmpty()) {
            List<String> codes = codes(priority, "http://hl7.org/fhir/request-priority");
            if (codes.isEmpty()) q.none("priority: no code of http://hl7.org/fhir/request-priority");
            else q.priorities(codes); // on priority_rank: read from V2's indexes (SearchQuery.priorities)
        }
        tokens(q, "episode_type", episodeType, FhirAlerts.EPISODE_TYPE_SYSTEM);
        if (code != null && !code.getValuesAsQueryTokens().isEmpty()) {
            List<String> taskCodes = codes(code, FhirAlerts.TASK_TYPE_SYSTEM);
            boolean technical = taskCodes.contains("technical-check");
            boolean clinical = taskCodes.contains("clinical-review");
            if (technical && !clinical) q.anyOf("episode_type", TECHNICAL_EPISODE_TYPES);
            else if (clinical && !technical) q.anyOf("episode_type", CLINICAL_EPISODE_TYPES);
            else if (!technical) q.none("code: neither clinical-review nor technical-check");
        }
        tokens(q, "programme", programme, null);
        q.anyOf("flagged", flags(flagged));
        byPatient(q, patient);
        dateRange(q, "authored_on", authoredOn);
        dateRange(q, "last_updated", lastUpdated);
        for (SortSpec s = sort; s != null; s = s.getChain()) {
            boolean desc = s.getOrder() == SortOrderEnum.DESC;
            switch (s.getParamName()) {
                case "priority" -> q.orderBy("priority_rank", desc);
                case "authored-on" -> q.orderBy("authored_on", desc);
                case "_lastUpdated" -> q.orderBy("last_updated", desc);
                case "status" -> q.orderBy("status", desc);
                default -> throw new InvalidRequestException("cannot sort Task by " + s.getParamName()
                        + " (" + String.join(", ", SORT_KEYS) + ")");
            }
        }
        return results(q, rd);
    }

    /**
     * A clinician's change through FHIR: the body's status decides the action ({@link Workflow#actionFor}); a new
     * note (beyond those stored) and an output with an outcome code are taken; pipeline-owned elements are ignored.
     */
    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam Task body, RequestDetails rd) {
        TriageUser u = user(rd);
        TaskStore.Stored cur = store.read(u, "Task", id.getIdPart(), null)
                .orElseThrow(() -> new ResourceNotFoundException(id));
        Task current = parse(cur);
        if (body.getStatus() == null) throw new InvalidRequestException("Task.status is required");
        Integer expected = expectedVersion(rd.getHeader("If-Match"), id, body);
        String note = newNote(current.getNote(), body.getNote());
        Outcome outcome = outcome(body);
        // the outcome already stored, sent back with the Task as read (a note added to a resolved Task), is no new one
        if (outcome != null && outcome == outcome(current)) outcome = null;
        TaskStore.ActionDone done;
        try {
            Workflow.Action action = Workflow.actionFor(current.getStatus().toCode(), body.getStatus().toCode());
            if (action == Workflow.Action.NOTE && note == null) {
                throw new InvalidRequestException("nothing to change: only status, a new note and the outcome output"
                        + " can be changed by a clinician");
            }
            done = store.act(u, id.getIdPart(), action, outcome, note, expected, "fhir");
        } catch (TaskStore.NotFound e) {
            throw new ResourceNotFoundException(id);
        } catch (TaskStore.Forbidden e) {
            audit.record(u.username(), "update", "Task", id.getIdPart(), e.getMessage(), "denied");
            throw new ForbiddenOperationException(e.getMessage());
        } catch (TaskStore.VersionConflict e) {
            throw new PreconditionFailedException(e.getMessage());
        } catch (Workflow.InvalidTransition e) {
            audit.record(u.username(), "update", "Task", id.getIdPart(), e.getMessage(), "refused");
            throw new ResourceVersionConflictException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        onChange.accept(done.change());
        MethodOutcome mo = new MethodOutcome();
        Task after = parse(done.task());
        mo.setId(new IdType("Task", id.getIdPart(), Integer.toString(done.task().version())));
        mo.setResource(after);
        mo.setOperationOutcome(updated(id.getIdPart(), done.task().version(), current, after, note != null));
        return mo;
    }

    /**
     * What an update did, for {@code Prefer: return=OperationOutcome} (FHIR R4 http.html#ops: the server answers with
     * an OperationOutcome instead of the resource): one information issue naming the Task's new version, its status
     * change and outcome, and whether a note was added. ({@code return=representation}, the default, answers the Task;
     * {@code return=minimal} no body; every answer carries ETag, Last-Modified and Location.)
     */
    static OperationOutcome updated(String id, int version, Task before, Task after, boolean noteAdded) {
        String from = before.getStatus().toCode();
        String to = after.getStatus().toCode();
        Outcome outcome = outcome(after);
        StringBuilder what = new StringBuilder("Task/").append(id).append(" updated to version ")
                .append(version).append(": ")
                .append(from.equals(to) ? "status " + to + " unchanged" : "status " + from + " -> " + to);
        if (outcome != null && outcome != outcome(before)) what.append(", outcome ").append(outcome.code());
        if (noteAdded) what.append(", note added");
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics(what.toString());
        return oo;
    }

    /** The coded outcome a Task's output carries (system {@link TaskMerge#OUTCOME_SYSTEM}), or null. */
    private static Outcome outcome(Task task) {
        Outcome outcome = null;
        for (Task.TaskOutputComponent out : task.getOutput()) {
            if (out.getValue() instanceof CodeableConcept cc) {
                for (Coding c : cc.getCoding()) {
                    if (TaskMerge.OUTCOME_SYSTEM.equals(c.getSystem())) outcome = parseOutcome(c.getCode());
                }
            }
        }
        return outcome;
    }

    private static final Pattern IF_MATCH = Pattern.compile("(?:W/)?\"([0-9]{1,9})\"");

    /**
     * The version an update expects: from {@code If-Match: W/"3"} (or {@code "3"}), read from the raw header so that
     * a header without a usable version ({@code W/""}, {@code garbage}, two ETags) is 400, never "no precondition";
     * {@code If-Match: *} asks only that the Task exists. No header: the version in the URL, if any.
     */
    static Integer expectedVersion(String ifMatch, IdType id, Task body) {
        if (ifMatch != null) {
            String v = ifMatch.trim();
            if (v.equals("*")) return null;
            Matcher m = IF_MATCH.matcher(v);
            if (!m.matches()) {
                throw new InvalidRequestException("If-Match must name one version of the Task, as W/\"<versionId>\"");
            }
            return Integer.valueOf(m.group(1));
        }
        if (id.hasVersionIdPart()) return version(id.getVersionIdPart(), "the version in the URL (_history/{versionId})");
        // the version the client read, which a read-then-update carries: a change made on an older read (an
        // escalation the client has not seen) is refused, not applied over it
        return body != null && body.getMeta().hasVersionId()
                ? version(body.getMeta().getVersionId(), "Task.meta.versionId") : null;
    }

    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

    /** A version the client names ({@code where}): a whole number from 1, else 400 naming where it was. */
    private static Integer version(String v, String where) {
        if (v == null || !VERSION.matcher(v.strip()).matches()) {
            throw new InvalidRequestException(where + " must be a version of the Task: a whole number from 1 (the"
                    + " meta.versionId of the Task as read), or left out; nothing was changed");
        }
        return Integer.valueOf(v.strip());
    }

    /**
     * The note an update adds: a note of the body whose text is not among the stored notes (counted, so a text written
     * twice is two notes), never told by its position (a note the service added since the client's read, such as an
     * escalation's, took the place of the client's own and it was dropped). More than one is 400: each note is its own
     * change.
     */
    static String newNote(List<Annotation> stored, List<Annotation> body) {
        Map<String, Integer> known = new HashMap<>();
        for (Annotation a : stored) known.merge(a.getText(), 1, Integer::sum);
        List<String> added = new ArrayList<>();
        for (Annotation a : body) {
            String text = a.getText();
            if (known.getOrDefault(text, 0) > 0) {
                known.merge(text, -1, Integer::sum);
            } else if (text != null && !text.isBlank()) {
                added.add(text);
            }
        }
        if (added.size() > 1) {
            throw new InvalidRequestException("an update may add one note; " + added.size() + " new notes were sent "
                    + "(send each in its own update)");
        }
        return added.isEmpty() ? null : added.get(0);
    }

    /** {@code flagged}: {@code true} or {@code false} (comma = OR); anything else is 400, never read as false. */
    static List<Boolean> flags(TokenOrListParam flagged) {
        List<Boolean> flags = new ArrayList<>();
        for (String f : codes(flagged, null)) {
            switch (f) {
                case "true" -> flags.add(true);
                case "false" -> flags.add(false);
                default -> throw new InvalidRequestException("flagged must be true or false, not '" + f + "'");
            }
        }
        return flags;
    }

    private static Outcome parseOutcome(String code) {
        try {
            return Outcome.of(code);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    /** The codes of the technical episode types, or of the clinical ones, in {@code EpisodeType} order. */
    private static List<String> episodeTypes(boolean technical) {
        return java.util.Arrays.stream(org.wardstream.rules.EpisodeType.values()).filter(t -> t.technical() == technical)
                .map(org.wardstream.rules.EpisodeType::code).toList();
    }
}
