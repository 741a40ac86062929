package org.wardstream.triage.store;

import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertContext;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.embedded.EmbeddedPostgres;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.workflow.Outcome;
import org.wardstream.triage.workflow.Workflow;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served Task's {@code lastModified} is FHIR R4's "date and time of last modification to this task" (used "along
 * with history to track task activity and time in a particular task state"): the latest change by anyone, the
 * pipeline's (when it made it) or a clinician's (when the service took it), whichever is later; {@code
 * meta.lastUpdated} is when the version was stored. Until session 20 only a clinician's note raised it, so an
 * acknowledgement or a resolution without a note left lastModified at the pipeline's time: a FHIR client tracking task
 * activity by it missed every clinician action without a note. Real parts: the service's {@link TaskStore} on the
 * embedded PostgreSQL.
 */
class TaskLastModifiedTest {
    private static final Instant START = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    private static final TriageUser ALICE = new TriageUser("alice", TriageUser.Role.CLINICIAN, Set.of("cardiac-a"));
    static EmbeddedPostgres pg;
    static Database db;
    static TaskStore store;
    static long offset;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.start();
        db = Database.open(pg.jdbcUrl(), pg.user(), null, 2);
        store = new TaskStore(db);
    }

    @AfterAll
    static void stop() throws Exception {
        db.close();
        pg.close();
    }

    /** The pipeline's change of episode {@code id}, made {@code minutes} after the episode's start. */
    private static void pipeline(String id, AlertChange.Kind kind, int minutes) {
        long at = START.toEpochMilli() + minutes * 60_000L;
        AlertChange c = new AlertChange(kind, true, id, "p-" + id, EpisodeType.TACHYCARDIA,
                kind == AlertChange.Kind.ESCALATED ? Severity.URGENT : Severity.ROUTINE, START.toEpochMilli(),
                kind == AlertChange.Kind.CLOSED ? at : null, at, null, Map.of("minRateBpm", 121.0),
                "wardstream-hr-thresholds/4", 3, 0);
        String json = FhirAlerts.toJson(c, AlertContext.NONE.inProgramme("cardiac-a"));
        db.tx(conn -> store.ingestAlert(conn, json, 0, offset++, Instant.now(), new ArrayList<>()));
    }

    private static Task served(String id) {
        String json = store.read(ALICE, "Task", id, null).orElseThrow().json();
        return FhirAlerts.fhirContext().newJsonParser().parseResource(Task.class, json);
    }

    private static Instant lastModified(Task t) {
        return t.getLastModified().toInstant();
    }

    @Test
    void aCliniciansActionWithoutANoteIsTheTasksLastModification() {
        pipeline("ep-ack", AlertChange.Kind.OPENED, 0);
        assertThat(lastModified(served("ep-ack"))).as("opened: the pipeline's time").isEqualTo(START);

        store.act(ALICE, "ep-ack", Workflow.Action.ACKNOWLEDGE, null, null, null, "test");
        Task acked = served("ep-ack");
        assertThat(lastModified(acked)).as("acknowledged without a note: when the service took it")
                .isEqualTo(acked.getMeta().getLastUpdated().toInstant()).isAfter(START.plus(1, ChronoUnit.HOURS));

        store.act(ALICE, "ep-ack", Workflow.Action.RESOLVE, Outcome.FALSE_ALARM, null, null, "test");
        Task resolved = served("ep-ack");
        assertThat(lastModified(resolved)).as("resolved without a note")
                .isEqualTo(resolved.getMeta().getLastUpdated().toInstant()).isAfter(lastModified(acked));
    }

    @Test
    void aPipelineChangeMadeBeforeTheLastActionKeepsTheActionsTime() {
        pipeline("ep-late", AlertChange.Kind.OPENED, 0);
        store.act(ALICE, "ep-late", Workflow.Action.ACKNOWLEDGE, null, null, null, "test");
        Instant acked = lastModified(served("ep-late"));

        pipeline("ep-late", AlertChange.Kind.UPDATED, 30); // made 90 min ago, reaching the service only now
        Task updated = served("ep-late");
        assertThat(updated.getMeta().getVersionId()).isEqualTo("3");
        assertThat(lastModified(updated)).as("the acknowledgement is still the latest change (the pipeline's own time"
                + " of the update is its Provenance's occurred)").isEqualTo(acked);
    }
}
