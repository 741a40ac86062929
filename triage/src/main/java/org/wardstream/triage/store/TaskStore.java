package org.wardstream.triage.store;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.workflow.Outcome;
import org.wardstream.triage.workflow.PipelineOrder;
import org.wardstream.triage.workflow.TaskMerge;
import org.wardstream.triage.workflow.TaskMerge.ClinicianState;
import org.wardstream.triage.workflow.TaskMerge.Note;
import org.wardstream.triage.workflow.Workflow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stored resources: ingest of alert messages and enrolments (idempotent, merging with clinicians' state),
 * clinicians' actions (with their triage-events outbox rows and audit rows in the same transaction), and reads.
 * Every change of a resource is a new version, kept in {@code resource_history}.
 *
 * <p>Lock order, in every transaction that changes a Task (ingest, enrolment, clinician's action): the Task's
 * {@code resource} row first, then its {@code task_state} row. Taking them the other way round in one path and this
 * way in another deadlocks the two.
 */
public final class TaskStore {
    private static final Logger LOG = LoggerFactory.getLogger(TaskStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final Map<String, Integer> PRIORITY_RANK = Map.of("routine", 1, "urgent", 2, "asap", 3, "stat", 4);

    /** The {@code priority_rank} stored for a Task priority code; null for a code that is no priority. */
    static Integer priorityRank(String code) {
        return PRIORITY_RANK.get(code);
    }

    /** A Task that changed (for the event stream). */
    public record TaskChange(String id, int version, String status, String priority, String programme, boolean flagged,
                             Instant lastUpdated) {
    }

    /** A stored resource version. */
    public record Stored(String type, String id, int version, Instant lastUpdated, String programme, String json) {
    }

    /** Not there, or not visible to the user (both 404). */
    public static final class NotFound extends RuntimeException {
        public NotFound(String what) {
            super(what + " is not known");
        }
    }

    /** Visible but the user may not act on it (403). */
    public static final class Forbidden extends RuntimeException {
        public Forbidden(String message) {
            super(message);
        }
    }

    /** The caller's expected version is not the current one. */
    public static final class VersionConflict extends RuntimeException {
        public VersionConflict(String message) {
            super(message);
        }
    }

    private final Database db;

    public TaskStore(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    private static IParser parser() {
        return FhirAlerts.fhirContext().newJsonParser().setPrettyPrint(false);
    }

    // ------------------------------------------------------------------------------------------------ ingest

    /**
     * Stores one alert message unless its Bundle id was seen before (then nothing changes: a replay or redelivery).
     * Anything beyond the pseudonym is dropped from the Bundle first ({@link Pseudonymous}). Every message is kept
     * in {@code alert_message} and its Provenance stored; the Task's clinical content and the Observation follow
     * the episode's latest change in the pipeline's order ({@link PipelineOrder}), not the latest to arrive.
     *
     * <p>Locks, as {@link #act} takes them: the Task's {@code resource} row first, then its {@code task_state} row.
     *
     * @return true if it was new
     * @throws IllegalArgumentException if the message is not a readable alert Bundle (nothing stored)
     */
    public boolean ingestAlert(Connection c, String bundleJson, int partition, long offset, Instant now,
                               List<TaskChange> changes) throws SQLException {
        Bundle bundle;
        try {
            bundle = parser().parseResource(Bundle.class, bundleJson);
        } catch (ca.uhn.fhir.parser.DataFormatException | ClassCastException e) {
            throw new IllegalArgumentException("not a FHIR R4 Bundle: " + e.getMessage(), e);
        }
        AlertMessage m = FhirAlerts.read(bundle);
        checkIds(bundle, m);
        Instant changedAt = FhirAlerts.changedAt(bundle);
        int dropped = Pseudonymous.strip(bundle);
        if (dropped > 0) {
            // the count only: the dropped values are never logged
            LOG.warn("alert message {} (episode {}): {} element(s) beyond the pseudonym dropped before storing"
                    + " (display, other identifiers, other resources)", m.bundleId(), m.episodeId(), dropped);
            bundleJson = parser().encodeResourceToString(bundle);
        }
        Observation obs = null;
        Task task = null;
        Provenance prov = null;
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            Resource r = e.getResource();
            if (r instanceof Observation o) obs = o;
            else if (r instanceof Task t) task = t;
            else if (r instanceof Provenance p) prov = p;
        }
        String id = m.episodeId();
        // the programme the message names (its patient's: the same pseudonym in two programmes is two patients); a
        // message of a release before it names none: then the patient's enrolment, if in one programme only
        String named = m.programme();
        if (named != null) {
            String filed = firstString(c, "select programme from resource where res_type = 'Task' and id = ?", id);
            if (filed != null && !filed.equals(named)) {
                // only an episode id from before the programme was part of it can meet another programme's Task
                throw new IllegalArgumentException("the message's programme is not that of the stored Task " + id
                        + ": not filed under either");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("insert into alert_message (bundle_id, episode_id, patient, kind,"
                + " topic_partition, topic_offset, received_at, bundle_json) values (?, ?, ?, ?, ?, ?, ?, ?)"
                + " on conflict (bundle_id) do nothing")) {
            ps.setString(1, m.bundleId());
            ps.setString(2, id);
            ps.setString(3, m.patient());
            ps.setString(4, m.kind() == null ? null : m.kind().name());
            ps.setInt(5, partition);
            ps.setLong(6, offset);
            ps.setTimestamp(7, Timestamp.from(now));
            ps.setString(8, bundleJson);
            if (ps.executeUpdate() == 0) return false;
        }
        // the lock order of act(): the Task's resource row (if there is one yet), then task_state
        lockTask(c, id);
        StateRow beforeRow = loadStateRow(c, id);
        String programme = named != null ? named : programmeOf(c, m.patient());
        String taskRef = "Task/" + id;
        String obsRef = "Observation/" + id;

        String lifecycle = TaskMerge.lifecycle(task);
        PipelineOrder.Position incoming = new PipelineOrder.Position(lifecycle, changedAt,
                PipelineOrder.stage(lifecycle, m.end() != null));
        Task earlier = beforeRow == null ? null : parser().parseResource(Task.class, beforeRow.pipelineJson);
        PipelineOrder.Decision d = PipelineOrder.decide(beforeRow == null ? null : beforeRow.position(),
                earlier == null || earlier.getPriority() == null ? null : earlier.getPriority().toCode(),
                incoming, task.getPriority() == null ? null : task.getPriority().toCode());

        if (d.replaces()) {
            obs.setId(id);
            store(c, "Observation", id, obs, new Cols(m.patient(), programme, m.episodeType(),
                    obs.getStatus() == null ? null : obs.getStatus().toCode(), null, null, false, null), now);
        }

        if (prov != null) {
            String provId = prov.getIdElement().getIdPart();
            prov.setId(provId);
            prov.getTarget().clear();
            prov.addTarget(new Reference(obsRef).setType("Observation"));
            prov.addTarget(new Reference(taskRef).setType("Task"));
            if (current(c, "Provenance", provId) == null) {
                store(c, "Provenance", provId, prov, new Cols(m.patient(), programme, m.episodeType(), null, null, null,
                        false, id), now);
            }
        }
        // authoredOn = when the alert was first raised (each change's Bundle carries its own raise time)
        boolean raisedEarlier = earlier != null && task.hasAuthoredOn()
                && (!earlier.hasAuthoredOn() || task.getAuthoredOn().before(earlier.getAuthoredOn()));
        if (!d.changes() && !raisedEarlier) return true; // an earlier change arriving late: kept as a message and a Provenance

        ClinicianState before = beforeRow == null ? null : beforeRow.state;
        Task pipeline = d.replaces() ? task : earlier;
        PipelineOrder.Position position = d.replaces() ? incoming : beforeRow.position();
        if (d.priority() != null) pipeline.setPriority(Task.TaskPriority.fromCode(d.priority()));
        if (earlier != null) {
            Task first = raisedEarlier ? task : earlier;
            if (first.hasAuthoredOn()) pipeline.setAuthoredOnElement(first.getAuthoredOnElement().copy());
        }
        String pipelineJson = parser().encodeResourceToString(pipeline);
        ClinicianState state = TaskMerge.onPipelineChange(before == null ? ClinicianState.none() : before,
                d.escalates() ? "escalated" : lifecycle, now);
        saveState(c, id, new StateRow(pipelineJson, position.lifecycle(), position.changedAt(), position.stage(), state),
                before == null);
        changes.add(storeTask(c, id, pipeline, state, programme, m.patient(), m.episodeType(), now));
        return true;
    }

    /** A FHIR id (R4 {@code id} datatype): what the contract's deterministic ids are, and what a FHIR client can address. */
    private static final java.util.regex.Pattern FHIR_ID = java.util.regex.Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    /**
     * Refuses a message whose Bundle, episode (Observation) or Provenance id is not a FHIR id, or whose pseudonym holds
     * a control character: such an id would be stored as a Task no FHIR client can address, and a line break in it
     * written raw into the log (probe 19b D3). The reason names the field, never the value.
     */
    private static void checkIds(Bundle bundle, AlertMessage m) {
        if (m.bundleId() == null || !FHIR_ID.matcher(m.bundleId()).matches()) {
            throw new IllegalArgumentException("the Bundle id is not a FHIR id ([A-Za-z0-9-.], 1-64 characters)");
        }
        if (m.episodeId() == null || !FHIR_ID.matcher(m.episodeId()).matches()) {
            throw new IllegalArgumentException("the Observation (episode) id is not a FHIR id ([A-Za-z0-9-.], 1-64 characters)");
        }
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (e.getResource() instanceof Provenance p && p.getIdElement().getIdPart() != null
                    && !FHIR_ID.matcher(p.getIdElement().getIdPart()).matches()) {
                throw new IllegalArgumentException("the Provenance id is not a FHIR id ([A-Za-z0-9-.], 1-64 characters)");
            }
        }
        if (m.patient().chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the patient pseudonym holds a control character");
        }
    }

    /** Locks the Task's current row, if it has one (the first lock of every change of a Task). */
    private static void lockTask(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from resource where res_type = 'Task' and id = ? for update")) {
            ps.setString(1, id);
            ps.executeQuery().close();
        }
    }

    /** Records a record that could not be read (kept, never silently dropped); a second time is ignored. */
    public void reject(Connection c, String topic, int partition, long offset, String reason, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into ingest_reject (topic, topic_partition, topic_offset,"
                + " reason, received_at) values (?, ?, ?, ?, ?) on conflict do nothing")) {
            ps.setString(1, topic);
            ps.setInt(2, partition);
            ps.setLong(3, offset);
            String safe = Pseudonymous.withoutValues(reason); // never a value of the record (a name, an NHS number)
            ps.setString(4, safe.length() > 500 ? safe.substring(0, 500) : safe);
            ps.setTimestamp(5, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    /**
     * Records a patient's enrolment in a programme (one row per programme and pseudonym: the same pseudonym in two
     * programmes is two patients; the latest record of each wins; a tombstone keeps the row, marked withdrawn), and
     * gives resources stored before their programme was known (from messages that name none, of releases before the
     * programme was in the message) this programme, if it is the pseudonym's only one.
     */
    public void ingestEnrolment(Connection c, String patient, String programme, String status, Instant now,
                                List<TaskChange> changes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into enrolment (patient, programme, status, updated_at)"
                + " values (?, ?, ?, ?) on conflict (programme, patient) do update set"
                + " status = excluded.status, updated_at = excluded.updated_at")) {
            ps.setString(1, patient);
            ps.setString(2, programme);
            ps.setString(3, status);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.executeUpdate();
        }
        if (!programme.equals(programmeOf(c, patient))) return; // enrolled in another programme too: whose is unknown
        List<String> tasks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select id from resource where res_type = 'Task' and patient = ? and programme is null for update")) {
            ps.setString(1, patient);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) tasks.add(rs.getString(1));
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "update resource set programme = ? where patient = ? and programme is null and res_type <> 'Task'")) {
            ps.setString(1, programme);
            ps.setString(2, patient);
            ps.executeUpdate();
        }
        for (String id : tasks) {
            StateRow row = loadStateRow(c, id);
            Task pipeline = parser().parseResource(Task.class, row.pipelineJson);
            changes.add(storeTask(c, id, pipeline, row.state, programme, patient, episodeTypeOf(c, id), now));
        }
    }

    private static String episodeTypeOf(Connection c, String id) throws SQLException {
        return firstString(c, "select episode_type from resource where res_type = 'Task' and id = ?", id);
    }

    /**
     * The programme of a message that names none (a release before the programme was in the message): the patient's
     * enrolment, when the pseudonym is enrolled in one programme only; null when in none or several (whose patient it
     * is cannot be told: administrators only).
     */
    private static String programmeOf(Connection c, String patient) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select distinct programme from enrolment where patient = ? limit 2")) {
            ps.setString(1, patient);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                String only = rs.getString(1);
                return rs.next() ? null : only;
            }
        }
    }

    /** The first column of the first row of a one-parameter query, or null. */
    private static String firstString(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ actions

    /** A clinician's action done: the Task after it and the triage events written. */
    public record ActionDone(TaskChange change, Stored task, List<String> events) {
    }

    /**
     * Applies a clinician's action in one transaction: the Task's new version, the triage-events outbox rows and the
     * audit row commit together.
     *
     * @throws NotFound                    the Task is unknown or not visible to the user
     * @throws Forbidden                   the user may see it but not act (viewer, administrator, other programme)
     * @throws VersionConflict             {@code expectedVersion} is not the current version
     * @throws Workflow.InvalidTransition  the Task's status does not allow the action
     * @throws IllegalArgumentException    outcome or note missing or not fitting
     */
    public ActionDone act(TriageUser user, String id, Workflow.Action action, Outcome outcome, String note,
                          Integer expectedVersion, String via) {
        Instant now = Instant.now();
        return db.tx(c -> {
            String programme;
            int version;
            String status;
            String patient;
            String episodeType;
            Instant authoredOn;
            try (PreparedStatement ps = c.prepareStatement("select programme, version, status, patient, episode_type,"
                    + " authored_on from resource where res_type = 'Task' and id = ? for update")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new NotFound("Task/" + id);
                    programme = rs.getString(1);
                    version = rs.getInt(2);
                    status = rs.getString(3);
                    patient = rs.getString(4);
                    episodeType = rs.getString(5);
                    Timestamp a = rs.getTimestamp(6);
                    authoredOn = a == null ? null : a.toInstant();
                }
            }
            if (!user.canSee(programme)) throw new NotFound("Task/" + id);
            if (!user.canAct(programme)) {
                throw new Forbidden("a " + user.role().code() + " cannot act on alerts"
                        + (user.role() == TriageUser.Role.CLINICIAN ? " of this programme" : ""));
            }
            if (expectedVersion != null && expectedVersion != version) {
                throw new VersionConflict("Task/" + id + " is at version " + version + ", not " + expectedVersion
                        + ": someone else changed it; reload");
            }
            String cleanNote = note == null || note.isBlank() ? null : note.strip();
            if (cleanNote != null && cleanNote.length() > 4000) throw new IllegalArgumentException("a note has at most 4000 characters");
            Workflow.Result r = Workflow.apply(status, action, outcome, cleanNote);
            StateRow row = loadStateRow(c, id);
            ClinicianState s = row.state;
            ClinicianState next = action == Workflow.Action.NOTE
                    ? new ClinicianState(s.status(), s.triageState(), s.owner(), s.outcome(), s.notes(), s.flagged(), now)
                    : new ClinicianState(r.status(), r.triageState(), user.username(), r.outcome(), s.notes(), false, now);
            if (cleanNote != null) next = next.withNote(new Note(user.username(), now, cleanNote));
            saveState(c, id, row.with(next), false);
            Task pipeline = parser().parseResource(Task.class, row.pipelineJson);
            TaskChange change = storeTask(c, id, pipeline, next, programme, patient, episodeType, now);
            List<String> events = new ArrayList<>();
            for (var e : r.events()) {
                try (PreparedStatement ps = c.prepareStatement("insert into triage_event_outbox (episode_id, patient,"
                        + " programme, action, at, raised_at, outcome) values (?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, id);
                    ps.setString(2, patient);
                    ps.setString(3, programme);
                    ps.setString(4, e.name());
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.setTimestamp(6, authoredOn == null ? null : Timestamp.from(authoredOn));
                    boolean closing = e != org.wardstream.schema.TriageAction.ACKNOWLEDGED;
                    ps.setString(7, closing && r.outcome() != null ? r.outcome().avro().name() : null);
                    ps.executeUpdate();
                }
                events.add(e.name());
            }
            Audit.record(c, user.username(), action.name().toLowerCase(java.util.Locale.ROOT), "Task", id,
                    "via " + via + "; " + status + " -> " + r.status() + (r.outcome() == null ? "" : "; outcome "
                            + r.outcome().code()) + (cleanNote == null ? "" : "; note added"), "ok");
            return new ActionDone(change, current(c, "Task", id), events);
        });
    }

    // ------------------------------------------------------------------------------------------------ reads

    /** The current version, or a given one, if the user may see it. */
    public Optional<Stored> read(TriageUser user, String type, String id, Integer version) {
        return db.tx(c -> {
            Stored cur = current(c, type, id);
            if (cur == null || !user.canSee(cur.programme())) return Optional.empty();
            if (version == null || version == cur.version()) return Optional.of(cur);
            try (PreparedStatement ps = c.prepareStatement("select version, last_updated, json from resource_history"
                    + " where res_type = ? and id = ? and version = ?")) {
                ps.setString(1, type);
                ps.setString(2, id);
                ps.setInt(3, version);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new Stored(type, id, rs.getInt(1), rs.getTimestamp(2).toInstant(), cur.programme(),
                            rs.getString(3)));
                }
            }
        });
    }

    /** Every version, newest first, if the user may see the resource (else empty). */
    public List<Stored> history(TriageUser user, String type, String id) {
        return db.tx(c -> {
            Stored cur = current(c, type, id);
            List<Stored> out = new ArrayList<>();
            if (cur == null || !user.canSee(cur.programme())) return out;
            try (PreparedStatement ps = c.prepareStatement("select version, last_updated, json from resource_history"
                    + " where res_type = ? and id = ? order by version desc")) {
                ps.setString(1, type);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Stored(type, id, rs.getInt(1), rs.getTimestamp(2).toInstant(), cur.programme(),
                                rs.getString(3)));
                    }
                }
            }
            return out;
        });
    }

    /** Number of matches of a search the user may see. */
    public int count(TriageUser user, SearchQuery q) {
        return db.tx(c -> {
            List<Object> params = new ArrayList<>();
            String where = q.where(user, params, c);
            try (PreparedStatement ps = c.prepareStatement(countSql(where))) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * The ids of a search's matches in the search's order, at most {@code limit}: the snapshot a search's pages are
     * served from.
     */
    public List<String> searchIds(TriageUser user, SearchQuery q, int limit) {
        return db.tx(c -> {
            List<Object> params = new ArrayList<>();
            String where = q.where(user, params, c);
            params.add(limit);
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(idsSql(where, q))) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /**
     * The current versions of the given resources, in the given order, leaving out those the user may no longer see
     * (their patient moved to another programme) and any gone.
     */
    public List<Stored> currentVisible(TriageUser user, String type, List<String> ids) {
        if (ids.isEmpty()) return List.of();
        return db.tx(c -> {
            Map<String, Stored> found = new java.util.HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select id, version, last_updated, programme, json from resource"
                    + " where res_type = ? and id = any(?)")) {
                ps.setString(1, type);
                ps.setArray(2, c.createArrayOf("text", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), new Stored(type, rs.getString(1), rs.getInt(2),
                                rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getString(5)));
                    }
                }
            }
            List<Stored> out = new ArrayList<>();
            for (String id : ids) {
                Stored s = found.get(id);
                if (s != null && user.canSee(s.programme())) out.add(s);
            }
            return out;
        });
    }

    /** The count of a search's matches, for a WHERE clause from {@link SearchQuery#where}. */
    static String countSql(String where) {
        return "select count(*) from resource where " + where;
    }

    /** The ids of a search's matches in its order (parameters: the WHERE clause's, then the limit). */
    static String idsSql(String where, SearchQuery q) {
        return "select id from resource where " + where + " order by " + q.orderBy() + " limit ?";
    }

    static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof Instant t) ps.setTimestamp(i + 1, Timestamp.from(t));
            else if (p instanceof Array a) ps.setArray(i + 1, a);
            else if (p == null) ps.setNull(i + 1, Types.VARCHAR);
            else ps.setObject(i + 1, p);
        }
    }

    // ------------------------------------------------------------------------------------------------ storage

    private record Cols(String patient, String programme, String episodeType, String status, String priority,
                        Instant authoredOn, boolean flagged, String targetTask) {
    }

    /** A task_state row: the pipeline's latest Task with its place in the episode's order, and the clinician's state. */
    private record StateRow(String pipelineJson, String lifecycle, Instant changedAt, int stage, ClinicianState state) {
        PipelineOrder.Position position() {
            return new PipelineOrder.Position(lifecycle, changedAt, stage);
        }

        StateRow with(ClinicianState s) {
            return new StateRow(pipelineJson, lifecycle, changedAt, stage, s);
        }
    }

    private TaskChange storeTask(Connection c, String id, Task pipeline, ClinicianState state, String programme,
                                 String patient, String episodeType, Instant now) throws SQLException {
        Task served = TaskMerge.compose(pipeline, id, state, programme);
        String priority = served.getPriority() == null ? null : served.getPriority().toCode();
        int version = store(c, "Task", id, served, new Cols(patient, programme, episodeType, served.getStatus().toCode(),
                priority, served.getAuthoredOn() == null ? null : served.getAuthoredOn().toInstant(), state.flagged(), null), now);
        return new TaskChange(id, version, served.getStatus().toCode(), priority, programme, state.flagged(), now);
    }

    /**
     * Writes the next version of a resource (current row and history); returns the version. Its time is
     * {@link #versionTime}: the columns hold the meta.lastUpdated served.
     */
    private static int store(Connection c, String type, String id, Resource r, Cols cols, Instant at) throws SQLException {
        Instant now = versionTime(at);
        int version = 1;
        try (PreparedStatement ps = c.prepareStatement("select version from resource where res_type = ? and id = ? for update")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) version = rs.getInt(1) + 1;
            }
        }
        r.setId(type + "/" + id + "/_history/" + version);
        r.getMeta().setVersionId(Integer.toString(version));
        r.getMeta().setLastUpdated(Date.from(now));
        String json = parser().encodeResourceToString(r);
        try (PreparedStatement ps = c.prepareStatement("insert into resource (res_type, id, version, last_updated, patient,"
                + " programme, episode_type, status, priority, priority_rank, authored_on, flagged, target_task, json)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (res_type, id) do update set"
                + " version = excluded.version, last_updated = excluded.last_updated, programme = excluded.programme,"
                + " episode_type = excluded.episode_type, status = excluded.status, priority = excluded.priority,"
                + " priority_rank = excluded.priority_rank, authored_on = excluded.authored_on,"
                + " flagged = excluded.flagged, json = excluded.json")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.setInt(3, version);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setString(5, cols.patient());
            ps.setString(6, cols.programme());
            ps.setString(7, cols.episodeType());
            ps.setString(8, cols.status());
            ps.setString(9, cols.priority());
            if (cols.priority() == null) ps.setNull(10, Types.INTEGER);
            else ps.setInt(10, PRIORITY_RANK.getOrDefault(cols.priority(), 0));
            ps.setTimestamp(11, cols.authoredOn() == null ? null : Timestamp.from(cols.authoredOn()));
            ps.setBoolean(12, cols.flagged());
            ps.setString(13, cols.targetTask());
            ps.setString(14, json);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("insert into resource_history (res_type, id, version,"
                + " last_updated, json) values (?, ?, ?, ?, ?)")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.setInt(3, version);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setString(5, json);
            ps.executeUpdate();
        }
        return version;
    }

    /**
     * The time a version is stored with, in its meta.lastUpdated and in the {@code last_updated} columns alike: the
     * clock's time to the millisecond, the precision meta.lastUpdated is served with. The columns took the clock's
     * time itself, which the JDBC driver rounds to PostgreSQL's microseconds while meta.lastUpdated cut it to the
     * millisecond: 10:00:00.123999600 was stored .124000 and served .123, and {@code _at} and {@code _lastUpdated} of
     * the version's own lastUpdated missed it (one version in about 2,000; the fresh-clone CI failure of
     * TriageFhirIT's history test in round 18).
     */
    static Instant versionTime(Instant now) {
        return now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private static Stored current(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select version, last_updated, programme, json from resource"
                + " where res_type = ? and id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                return new Stored(type, id, rs.getInt(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4));
            }
        }
    }

    private static StateRow loadStateRow(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pipeline_json, lifecycle, clinician_status, triage_state,"
                + " owner_user, outcome, notes_json, flagged, pipeline_changed_at, pipeline_stage, acted_at from task_state"
                + " where id = ? for update")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                List<Note> notes;
                try {
                    notes = JSON.readValue(rs.getString(7), new TypeReference<List<Note>>() { });
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("task_state.notes_json of " + id + " is not readable", e);
                }
                String outcome = rs.getString(6);
                Timestamp changedAt = rs.getTimestamp(9);
                Timestamp actedAt = rs.getTimestamp(11); // before session 20: the last note's time
                return new StateRow(rs.getString(1), rs.getString(2), changedAt == null ? null : changedAt.toInstant(),
                        rs.getInt(10), new ClinicianState(rs.getString(3), rs.getString(4), rs.getString(5),
                        outcome == null ? null : Outcome.of(outcome), notes, rs.getBoolean(8),
                        actedAt == null ? null : actedAt.toInstant()));
            }
        }
    }

    private static void saveState(Connection c, String id, StateRow row, boolean insert) throws SQLException {
        ClinicianState s = row.state();
        String notes;
        try {
            notes = JSON.writeValueAsString(s.notes());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String sql = insert
                ? "insert into task_state (pipeline_json, lifecycle, clinician_status, triage_state, owner_user, outcome,"
                + " notes_json, flagged, acted_at, pipeline_changed_at, pipeline_stage, id)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                : "update task_state set pipeline_json = ?, lifecycle = ?, clinician_status = ?, triage_state = ?,"
                + " owner_user = ?, outcome = ?, notes_json = ?, flagged = ?, acted_at = ?, pipeline_changed_at = ?,"
                + " pipeline_stage = ? where id = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, row.pipelineJson());
            ps.setString(2, row.lifecycle());
            ps.setString(3, s.status());
            ps.setString(4, s.triageState());
            ps.setString(5, s.owner());
            ps.setString(6, s.outcome() == null ? null : s.outcome().code());
            ps.setString(7, notes);
            ps.setBoolean(8, s.flagged());
            ps.setTimestamp(9, s.actedAt() == null ? null : Timestamp.from(s.actedAt()));
            ps.setTimestamp(10, row.changedAt() == null ? null : Timestamp.from(row.changedAt()));
            ps.setInt(11, row.stage());
            ps.setString(12, id);
            ps.executeUpdate();
        }
    }
}
