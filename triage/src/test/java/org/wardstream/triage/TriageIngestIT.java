package org.wardstream.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.TriageOutcome;
import org.wardstream.schema.wire.AvroCodec;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.PASSWORD;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;

/**
 * The alert ingest against what the pipeline and the clinicians do at the same time or in another order: clinicians'
 * actions during a stream of pipeline updates of the same Task (no deadlock: no 500, no change lost as a reject),
 * changes of one episode arriving out of order (the stored state only moves forward), and a Bundle carrying more
 * than the pseudonym (dropped before anything is stored or served).
 */
class TriageIngestIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-03-03T10:00:00Z");

    private static Http clinicianA;

    @BeforeAll
    static void setUp() {
        clinicianA = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
    }

    private static JsonNode awaitTask(String id, int version) {
        return TriageTestServer.awaitTask(clinicianA, id, version);
    }

    private static JsonNode awaitTaskWhere(String id, String what, java.util.function.Predicate<JsonNode> condition) {
        return TriageTestServer.awaitTask(clinicianA, id, what, condition);
    }

    /** Sends an alert of another episode of the patient and waits for it: every earlier record of its partition is consumed. */
    private static void marker(String patient, String id) throws Exception {
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, id, patient, EpisodeType.PAUSE, Severity.URGENT,
                START, 2));
        awaitTask(id, 1);
    }

    static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = TRIAGE.server().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = clinicianA.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    // ------------------------------------------------------------------------------ actions during ingest

    @Test
    void cliniciansActingWhileThePipelineUpdatesTheSameTaskGetNo500AndNoAlertChangeIsRejected() throws Exception {
        TRIAGE.enrol("pi-1", PROGRAMME_A);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-i1", "pi-1", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.URGENT, START, 1));
        awaitTask("ep-i1", 1);
        int updates = 150;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<String>>> actors = new ArrayList<>();
            for (int th = 0; th < 3; th++) {
                int thread = th;
                actors.add(pool.submit(() -> {
                    List<String> failures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        HttpResponse<String> r = clinicianA.postJson("/api/tasks/ep-i1/actions",
                                "{\"action\":\"note\",\"note\":\"n" + thread + "-" + i + "\"}", Map.of());
                        if (r.statusCode() != 200) failures.add(r.statusCode() + " " + r.body());
                    }
                    return failures;
                }));
            }
            for (int i = 0; i < updates; i++) {
                TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.UPDATED, "ep-i1", "pi-1",
                        EpisodeType.ATRIAL_FIBRILLATION, Severity.URGENT, START, 2 + i));
            }
            List<String> failures = new ArrayList<>();
            for (Future<List<String>> f : actors) failures.addAll(f.get(120, TimeUnit.SECONDS));
            assertThat(failures).as("note actions while the pipeline updates the Task").isEmpty();
        } finally {
            pool.shutdownNow();
        }
        marker("pi-1", "ep-i1-marker");
        assertThat(rows("select count(*) from alert_message where episode_id = 'ep-i1'"))
                .as("every alert change stored").containsExactly(Integer.toString(updates + 1));
        assertThat(rows("select reason from ingest_reject where topic = 'alerts'")).as("alert changes rejected").isEmpty();
        JsonNode task = get("/fhir/Task/ep-i1");
        assertThat(task.at("/note").size()).as("every note kept").isEqualTo(3 * perThread);
        assertThat(task.at("/businessStatus/coding/0/code").asText()).isEqualTo("updated");
    }

    // ------------------------------------------------------------------------------ order of arrival

    @Test
    void aClosedEpisodeStaysClosedWhenItsOpenedArrivesLate() throws Exception {
        TRIAGE.enrol("pi-2", PROGRAMME_A);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.CLOSED, "ep-o1", "pi-2", EpisodeType.TACHYCARDIA,
                Severity.URGENT, START, 30));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-o1", "pi-2", EpisodeType.TACHYCARDIA,
                Severity.URGENT, START, 1));
        marker("pi-2", "ep-o1-marker");
        JsonNode task = get("/fhir/Task/ep-o1");
        assertThat(task.at("/businessStatus/coding/0/code").asText()).as("lifecycle").isEqualTo("closed");
        assertThat(task.at("/authoredOn").asText()).as("raised when the OPENED was").isEqualTo("2026-03-03T10:01:00Z");
        JsonNode obs = get("/fhir/Observation/ep-o1");
        assertThat(obs.at("/status").asText()).isEqualTo("final");
        assertThat(obs.at("/effectivePeriod/end").isMissingNode()).isFalse();
        assertThat(rows("select count(*) from alert_message where episode_id = 'ep-o1'")).as("both messages kept")
                .containsExactly("2");
        assertThat(get("/fhir/Provenance?target=Task/ep-o1").at("/total").asInt()).as("both changes' Provenance").isEqualTo(2);
    }

    @Test
    void aSelfResolvedDeviceOfflineAlertStaysOffTheWorklistWhenItsOpenedArrivesLate() throws Exception {
        TRIAGE.enrol("pi-3", PROGRAMME_A);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.CLOSED, "ep-o2", "pi-3", EpisodeType.DEVICE_OFFLINE,
                Severity.ROUTINE, START, 30));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-o2", "pi-3", EpisodeType.DEVICE_OFFLINE,
                Severity.ROUTINE, START, 1));
        marker("pi-3", "ep-o2-marker");
        assertThat(get("/fhir/Task/ep-o2").at("/status").asText()).isEqualTo("cancelled");
        assertThat(get("/fhir/Task?status=requested,accepted,in-progress&_id=ep-o2").at("/total").asInt())
                .as("on the worklist").isZero();
    }

    @Test
    void anOlderUpdateArrivingAfterTheEscalationKeepsTheEscalatedPriorityAndLifecycle() throws Exception {
        TRIAGE.enrol("pi-4", PROGRAMME_A);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-o3", "pi-4", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.URGENT, START, 1));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.ESCALATED, "ep-o3", "pi-4", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.STAT, START, 40));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.UPDATED, "ep-o3", "pi-4", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.URGENT, START, 20));
        marker("pi-4", "ep-o3-marker");
        JsonNode task = get("/fhir/Task/ep-o3");
        assertThat(task.at("/priority").asText()).isEqualTo("stat");
        assertThat(task.at("/businessStatus/coding/0/code").asText()).isEqualTo("escalated");
        assertThat(rows("select count(*) from alert_message where episode_id = 'ep-o3'")).containsExactly("3");
    }

    @Test
    void aLateEscalationOfAClosedEpisodeStillReopensTheResolvedTaskAndKeepsItClosed() throws Exception {
        TRIAGE.enrol("pi-5", PROGRAMME_A);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-o4", "pi-5", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.URGENT, START, 1));
        awaitTask("ep-o4", 1);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.CLOSED, "ep-o4", "pi-5", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.URGENT, START, 50));
        awaitTaskWhere("ep-o4", "closed", t -> t.at("/businessStatus/coding/0/code").asText().equals("closed"));
        assertThat(clinicianA.postJson("/api/tasks/ep-o4/actions", "{\"action\":\"resolve\",\"outcome\":\"false-alarm\"}",
                Map.of()).statusCode()).isEqualTo(200);
        // an escalation from minute 40 (before the close, without the end) that arrives after it
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.ESCALATED, "ep-o4", "pi-5", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.STAT, START, 40));
        JsonNode task = awaitTaskWhere("ep-o4", "escalated", t -> t.at("/priority").asText().equals("stat"));
        assertThat(task.at("/priority").asText()).isEqualTo("stat");
        assertThat(task.at("/status").asText()).as("back on the worklist").isEqualTo("requested");
        assertThat(task.toString()).contains("escalated-after-triage");
        assertThat(task.at("/businessStatus/coding/0/code").asText()).as("lifecycle").isEqualTo("closed");
        assertThat(get("/fhir/Observation/ep-o4").at("/status").asText()).isEqualTo("final");
    }

    /**
     * The ESCALATED (stat, minute 40) of an alert the clinician resolved at urgent is overtaken by the UPDATED after it
     * (minute 60, carrying stat): the update re-opens the resolved Task, flagged, with the note saying what it undid;
     * the overtaken escalation, arriving last, adds no second re-opening. Until session 21 the update raised the
     * priority of the resolved Task silently and the escalation then raised nothing: it stayed off the worklist.
     */
    @Test
    void anUpdateThatOvertookTheEscalationOfAResolvedAlertPutsItBackOnTheWorklist() throws Exception {
        openAndAct("pi-7", "ep-o5", EpisodeType.ATRIAL_FIBRILLATION, "{\"action\":\"resolve\",\"outcome\":\"no-action-needed\"}");
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.UPDATED, "ep-o5", "pi-7", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.STAT, START, 60));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.ESCALATED, "ep-o5", "pi-7", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.STAT, START, 40));
        marker("pi-7", "ep-o5-marker");
        JsonNode task = get("/fhir/Task/ep-o5");
        assertThat(task.at("/priority").asText()).isEqualTo("stat");
        assertThat(task.at("/status").asText()).as("back on the worklist").isEqualTo("requested");
        assertThat(task.toString()).contains("escalated-after-triage");
        assertThat(task.at("/output").isMissingNode()).as("the outcome of the resolution at urgent is cleared").isTrue();
        assertThat(task.at("/businessStatus/coding/0/code").asText()).as("the latest change's lifecycle").isEqualTo("updated");
        assertThat(systemNotes(task)).as("one re-opening, not one per change at the higher priority").singleElement()
                .asString().startsWith("Escalated by the monitoring pipeline after the alert was completed by " + CLINICIAN_A
                        + " with outcome no action needed");
        assertThat(get("/fhir/Task?status=requested,accepted,in-progress&_id=ep-o5").at("/total").asInt())
                .as("on the worklist").isEqualTo(1);
    }

    /**
     * The ESCALATED of an alert a clinician acknowledged at urgent is overtaken by the episode's CLOSED (carrying the
     * escalated stat): the close re-opens the Task (the clinician acknowledged it at urgent), and keeps it closed for
     * the lifecycle; the escalation arriving after it changes nothing more.
     */
    @Test
    void aCloseThatOvertookTheEscalationOfAnAcknowledgedAlertPutsItBackOnTheWorklist() throws Exception {
        openAndAct("pi-8", "ep-o6", EpisodeType.PAUSE, "{\"action\":\"acknowledge\"}");
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.CLOSED, "ep-o6", "pi-8", EpisodeType.PAUSE,
                Severity.STAT, START, 50));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.ESCALATED, "ep-o6", "pi-8", EpisodeType.PAUSE,
                Severity.STAT, START, 40));
        marker("pi-8", "ep-o6-marker");
        JsonNode task = get("/fhir/Task/ep-o6");
        assertThat(task.at("/priority").asText()).isEqualTo("stat");
        assertThat(task.at("/status").asText()).as("back on the worklist").isEqualTo("requested");
        assertThat(task.toString()).contains("escalated-after-triage");
        assertThat(task.at("/businessStatus/coding/0/code").asText()).as("lifecycle").isEqualTo("closed");
        assertThat(systemNotes(task)).singleElement().asString()
                .startsWith("Escalated by the monitoring pipeline after the alert was accepted by " + CLINICIAN_A);
        assertThat(get("/fhir/Observation/ep-o6").at("/status").asText()).isEqualTo("final");
    }

    /**
     * What {@code triage-events} (the equity job's input) carries for an alert re-opened by a priority rise: nothing for
     * the re-opening itself (the service's re-opening is no clinician action, and {@code TriageAction} has no symbol
     * for it), and for the clinician's resolution of the re-opened Task an ACKNOWLEDGED and a CLOSED_* like the first
     * ones, with the alert's first raise time. The equity job counts the first acknowledgement and the first closure
     * (docs/METRICS.md; {@code ReopenedAlertTriageTest} in jobs).
     */
    @Test
    void aReopeningWritesNoTriageEventAndTheReopenedAlertsResolutionWritesItsOwn() throws Exception {
        openAndAct("pi-9", "ep-o7", EpisodeType.PAUSE, "{\"action\":\"resolve\",\"outcome\":\"no-action-needed\"}");
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.UPDATED, "ep-o7", "pi-9", EpisodeType.PAUSE,
                Severity.STAT, START, 60));
        marker("pi-9", "ep-o7-marker");
        JsonNode reopened = get("/fhir/Task/ep-o7");
        assertThat(reopened.at("/status").asText()).as("re-opened by the priority rise").isEqualTo("requested");
        String outbox = "select action from triage_event_outbox where episode_id = 'ep-o7' order by id";
        assertThat(rows(outbox)).as("the re-opening wrote no triage event")
                .containsExactly("ACKNOWLEDGED", "CLOSED_NO_ACTION");

        assertThat(clinicianA.postJson("/api/tasks/ep-o7/actions",
                "{\"action\":\"resolve\",\"outcome\":\"contacted-patient\"}", Map.of()).statusCode()).isEqualTo(200);
        List<TriageEvent> events = new ArrayList<>();
        try (CommittedTopicReader reader = new CommittedTopicReader(TRIAGE.kafka().bootstrapServers(), new Properties(),
                Topics.TRIAGE_EVENTS)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                events.clear(); // poll() returns every record so far
                for (ConsumerRecord<byte[], byte[]> r : reader.poll()) {
                    TriageEvent e = AvroCodec.triageEvents().decode(r.value());
                    if (e.getEpisodeId().equals("ep-o7")) events.add(e);
                }
                assertThat(events).extracting(TriageEvent::getAction).containsExactly(TriageAction.ACKNOWLEDGED,
                        TriageAction.CLOSED_NO_ACTION, TriageAction.ACKNOWLEDGED, TriageAction.CLOSED_WITH_ACTION);
            });
        }
        assertThat(events.get(3).getOutcome()).isEqualTo(TriageOutcome.CONTACTED_PATIENT);
        Instant firstRaised = Instant.parse(reopened.at("/authoredOn").asText());
        assertThat(events).extracting(TriageEvent::getAlertRaisedAt).as("every action is timed from the first raise")
                .containsOnly(firstRaised);
    }

    /** An urgent alert {@code id} opened at minute 1, then the clinician's action {@code action} (JSON) on it. */
    private static void openAndAct(String patient, String id, EpisodeType type, String action) throws Exception {
        TRIAGE.enrol(patient, PROGRAMME_A);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, id, patient, type, Severity.URGENT, START, 1));
        awaitTask(id, 1);
        assertThat(clinicianA.postJson("/api/tasks/" + id + "/actions", action, Map.of()).statusCode()).isEqualTo(200);
    }

    /** The texts of the notes the service itself added (re-openings). */
    private static List<String> systemNotes(JsonNode task) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : task.at("/note")) {
            if (org.wardstream.triage.workflow.TaskMerge.SYSTEM_AUTHOR.equals(n.at("/authorString").asText())) {
                out.add(n.at("/text").asText());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------ only the pseudonym

    @Test
    void aBundleWithANameAndAnNhsNumberIsStoredAndServedWithThePseudonymOnly() throws Exception {
        TRIAGE.enrol("pi-6", PROGRAMME_A);
        String json = FhirAlerts.toJson(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-n1", "pi-6", EpisodeType.PAUSE,
                Severity.URGENT, START, 1));
        // a producer's bug: the subject carries a name and an NHS number as display, the Task an NHS-number identifier
        JsonNode b = JSON.readTree(json);
        for (JsonNode e : b.at("/entry")) {
            JsonNode r = e.at("/resource");
            if (r.has("subject")) ((ObjectNode) r.get("subject")).put("display", "Jane Doe 9434765919");
            if (r.has("for")) ((ObjectNode) r.get("for")).put("display", "Jane Doe 9434765919");
            if ("Task".equals(r.at("/resourceType").asText())) {
                ((ObjectNode) r).putArray("identifier").addObject()
                        .put("system", "https://fhir.nhs.uk/Id/nhs-number").put("value", "9434765919");
            }
        }
        TRIAGE.sendRawAlert("pi-6", b.toString().getBytes(StandardCharsets.UTF_8));
        marker("pi-6", "ep-n1-marker");
        List<String> served = List.of(clinicianA.get("/fhir/Task/ep-n1").body(), clinicianA.get("/fhir/Observation/ep-n1").body(),
                clinicianA.get("/fhir/Task/ep-n1/_history").body(), clinicianA.get("/fhir/Provenance?target=Task/ep-n1").body());
        for (String body : served) assertThat(body).contains("ep-n1").doesNotContain("Jane Doe", "9434765919");
        JsonNode task = get("/fhir/Task/ep-n1");
        assertThat(task.at("/for/identifier/value").asText()).isEqualTo("pi-6");
        assertThat(rows("select bundle_json from alert_message where episode_id = 'ep-n1'")).singleElement().asString()
                .contains("pi-6").doesNotContain("Jane Doe", "9434765919");
        assertThat(rows("select json from resource_history where id = 'ep-n1'"))
                .noneMatch(j -> j.contains("Jane Doe") || j.contains("9434765919"));
        assertThat(rows("select pipeline_json from task_state where id = 'ep-n1'")).singleElement().asString()
                .doesNotContain("Jane Doe", "9434765919");
    }
}
