package org.wardstream.triage.web;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.store.Audit;
import org.wardstream.triage.store.Database;
import org.wardstream.triage.store.TaskStore;
import org.wardstream.triage.workflow.Outcome;
import org.wardstream.triage.workflow.Workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/tasks/{id}/actions} (a clinician's action, JSON) and {@code GET /api/events} (server-sent
 * events). Authentication and CSRF are checked by {@link AuthFilter} before this runs.
 */
public final class ApiServlet extends HttpServlet {
    private static final Pattern ACTIONS = Pattern.compile("/tasks/([A-Za-z0-9\\-.]{1,64})/actions");

    private final transient TaskStore store;
    private final transient Audit audit;
    private final transient EventHub hub;
    private final transient Consumer<TaskStore.TaskChange> onChange;

    public ApiServlet(TaskStore store, Audit audit, EventHub hub, Consumer<TaskStore.TaskChange> onChange) {
        this.store = store;
        this.audit = audit;
        this.hub = hub;
        this.onChange = onChange;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        TriageUser user = (TriageUser) req.getAttribute(AuthFilter.USER);
        if (!"/events".equals(req.getPathInfo())) {
            Responses.error(req, resp, 404, "no such API");
            return;
        }
        resp.setStatus(200);
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        audit.record(user.username(), "subscribe", "Task", null, "event stream", "ok");
        hub.add(async, user);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        TriageUser user = (TriageUser) req.getAttribute(AuthFilter.USER);
        Matcher m = ACTIONS.matcher(req.getPathInfo() == null ? "" : req.getPathInfo());
        if (!m.matches()) {
            Responses.error(req, resp, 404, "no such API");
            return;
        }
        String id = m.group(1);
        JsonNode body;
        try {
            String type = req.getContentType();
            if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
                var node = Responses.JSON.createObjectNode();
                for (String f : new String[]{"action", "outcome", "note", "expectedVersion"}) {
                    if (req.getParameter(f) != null) node.put(f, req.getParameter(f));
                }
                body = node;
            } else {
                body = Responses.JSON.readTree(new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            Responses.error(req, resp, 400, "the body is not JSON: {\"action\": ..., \"outcome\": ..., \"note\": ...}");
            return;
        }
        try {
            if (body == null || !body.isObject()) throw new IllegalArgumentException("the body must be a JSON object");
            Workflow.Action action = Workflow.Action.of(text(body, "action"));
            Outcome outcome = Outcome.of(text(body, "outcome"));
            String note = text(body, "note");
            Integer expected = expectedVersion(text(body, "expectedVersion"));
            TaskStore.ActionDone done = store.act(user, id, action, outcome, note, expected, "api");
            onChange.accept(done.change());
            resp.setStatus(200);
            resp.setContentType("application/fhir+json");
            resp.setCharacterEncoding("UTF-8");
            resp.getOutputStream().write(done.task().json().getBytes(StandardCharsets.UTF_8));
        } catch (TaskStore.NotFound e) {
            audit.record(user.username(), "action", "Task", id, null, "not found");
            Responses.error(req, resp, 404, e.getMessage());
        } catch (TaskStore.Forbidden e) {
            audit.record(user.username(), "action", "Task", id, e.getMessage(), "denied");
            Responses.error(req, resp, 403, e.getMessage());
        } catch (TaskStore.VersionConflict | Workflow.InvalidTransition e) {
            audit.record(user.username(), "action", "Task", id, e.getMessage(), "refused");
            Responses.error(req, resp, 409, e.getMessage());
        } catch (IllegalArgumentException e) {
            Responses.error(req, resp, 400, e.getMessage());
        } catch (Database.StoreException e) {
            if (!Database.transientFailure(e)) throw e;
            // concurrent changes kept colliding, or the database is briefly unreachable: nothing changed, try again
            resp.setHeader("Retry-After", "1");
            Responses.error(req, resp, 503, e instanceof Database.Conflict ? e.getMessage()
                    : "the database is not available just now; nothing was changed: try again");
        }
    }

    /**
     * The body's {@code expectedVersion}: the Task's {@code meta.versionId} the action is meant for, a whole number
     * from 1 (as JSON number or text; a form field is text), or null when absent. Anything else is 400 naming the field
     * (it answered Java's own words, {@code For input string: "abc"}).
     */
    static Integer expectedVersion(String value) {
        if (value == null) return null;
        if (!VERSION.matcher(value.strip()).matches()) {
            throw new IllegalArgumentException("expectedVersion must be the version of the Task the action is meant for:"
                    + " a whole number from 1, its meta.versionId as read (e.g. 3), or left out; nothing was changed");
        }
        return Integer.valueOf(value.strip());
    }

    /** A version number: 1 to 999,999,999 (an int). */
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
