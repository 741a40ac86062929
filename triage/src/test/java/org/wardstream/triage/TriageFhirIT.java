package org.wardstream.triage;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wardstream.triage.TriageTestServer.ADMIN;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_B;
import static org.wardstream.triage.TriageTestServer.PASSWORD;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_B;
import static org.wardstream.triage.TriageTestServer.VIEWER_A;

/**
 * The FHIR API and the clinician's actions end to end: alerts through a real Kafka topic into the embedded
 * PostgreSQL, read back over real HTTP, responses validated against R4 with HAPI's validator.
 */
class TriageFhirIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-03-03T10:00:00Z");
    private static FhirValidator validator;
    /** Other tests share the server: searches in the first test are narrowed to its patient (a bare pseudonym). */
    private static final String PA1 = "&patient.identifier=pa-1";

    private static Http clinicianA;
    private static Http clinicianB;

    @BeforeAll
    static void setUp() throws Exception {
        clinicianA = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        clinicianB = Http.basic(TRIAGE.baseUrl(), CLINICIAN_B, PASSWORD);
        var ctx = FhirAlerts.fhirContext();
        validator = ctx.newValidator();
        validator.registerValidatorModule(new FhirInstanceValidator(new ValidationSupportChain(
                new DefaultProfileValidationSupport(ctx), new InMemoryTerminologyServerValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx))));
    }

    private static JsonNode awaitTask(Http who, String id, int version) {
        return TriageTestServer.awaitTask(who, id, version);
    }

    private static void assertValidR4(String json) {
        var errors = validator.validateWithResult(json).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(m -> m.getLocationString() + ": " + m.getMessage()).toList();
        assertThat(errors).as("R4 validation errors of %s", json).isEmpty();
    }

    /** Enrols the patient in programme A, sends an OPENED alert a minute after START and waits for its Task. */
    private static JsonNode openAlertInProgrammeA(String patient, String episode, EpisodeType type, Severity severity)
            throws Exception {
        TRIAGE.enrol(patient, PROGRAMME_A);
        // the alert names its programme, as the pipeline's do: one without would be filed under the programme when the
        // enrolment reaches the service, as version 2 if the alert came first (the tests that say "nothing changed" flaked)
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, episode, patient, type, severity, START, 1),
                PROGRAMME_A);
        return awaitTask(clinicianA, episode, 1);
    }

    /** The first column of every row of a query on the service's database. */
    static List<String> rows(String sql) throws Exception {
        return TRIAGE.rows(sql);
    }

    private static HttpResponse<String> action(Http who, String id, String body) throws Exception {
        return who.postJson("/api/tasks/" + id + "/actions", body, Map.of());
    }

    @Test
    void readVreadHistoryAndSearchAreValidR4AndRestrictedToTheProgramme() throws Exception {
        TRIAGE.enrol("pa-1", PROGRAMME_A);
        TRIAGE.enrol("pb-1", PROGRAMME_B);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-a1", "pa-1", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.URGENT, START, 10));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-a2", "pa-1", EpisodeType.BRADYCARDIA,
                Severity.ROUTINE, START, 20));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.UPDATED, "ep-a1", "pa-1", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.URGENT, START, 70));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-b1", "pb-1", EpisodeType.TACHYCARDIA,
                Severity.STAT, START, 5));

        JsonNode task = awaitTask(clinicianA, "ep-a1", 2);
        assertThat(task.at("/status").asText()).isEqualTo("requested");
        assertThat(task.at("/focus/reference").asText()).isEqualTo("Observation/ep-a1");
        assertThat(task.toString()).contains(PROGRAMME_A);
        assertValidR4(clinicianA.get("/fhir/Task/ep-a1").body());
        assertValidR4(clinicianA.get("/fhir/Observation/ep-a1").body());
        assertValidR4(clinicianA.get("/fhir/metadata").body());

        HttpResponse<String> v1 = clinicianA.get("/fhir/Task/ep-a1/_history/1");
        assertThat(v1.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(v1.body()).at("/meta/versionId").asText()).isEqualTo("1");
        JsonNode history = JSON.readTree(clinicianA.get("/fhir/Task/ep-a1/_history").body());
        assertThat(history.at("/type").asText()).isEqualTo("history");
        assertThat(history.at("/entry").size()).isEqualTo(2);

        HttpResponse<String> prov = clinicianA.get("/fhir/Provenance?target=Task/ep-a1");
        assertThat(JSON.readTree(prov.body()).at("/total").asInt()).isEqualTo(2);
        assertValidR4(prov.body());

        // the worklist query: most urgent first, then oldest; only programme A's
        HttpResponse<String> worklist = clinicianA.get(
                "/fhir/Task?status=requested,accepted,in-progress&_sort=-priority,authored-on&_count=1" + PA1);
        JsonNode page = JSON.readTree(worklist.body());
        assertValidR4(worklist.body());
        assertThat(page.at("/total").asInt()).isEqualTo(2);
        assertThat(page.at("/entry/0/resource/id").asText()).isEqualTo("ep-a1");
        String next = null;
        for (JsonNode l : page.at("/link")) if (l.at("/relation").asText().equals("next")) next = l.at("/url").asText();
        assertThat(next).as("a next link").isNotNull();
        String nextPath = next.substring(TRIAGE.baseUrl().length());
        assertThat(Http.basic(TRIAGE.baseUrl(), CLINICIAN_B, PASSWORD).get(nextPath).statusCode())
                .as("another user cannot page through this search").isEqualTo(410);
        JsonNode page2 = JSON.readTree(clinicianA.get(nextPath).body());
        assertThat(page2.at("/entry/0/resource/id").asText()).isEqualTo("ep-a2");

        assertThat(JSON.readTree(clinicianA.get("/fhir/Task?priority=routine" + PA1).body()).at("/total").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task?episode-type=atrial-fibrillation" + PA1).body()).at("/total").asInt())
                .isEqualTo(1);
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task?code=clinical-review&patient.identifier="
                + FhirAlerts.PATIENT_PSEUDONYM_SYSTEM + "%7Cpa-1").body()).at("/total").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task?authored-on=ge2026-03-03T10:15:00Z" + PA1).body()).at("/total").asInt())
                .isEqualTo(1);
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task?_lastUpdated=gt2000-01-01" + PA1).body()).at("/total").asInt())
                .isEqualTo(2);
        assertThat(JSON.readTree(clinicianA.get("/fhir/Observation?code=" + FhirAlerts.EPISODE_TYPE_SYSTEM
                + "%7Cbradycardia&subject.identifier=pa-1").body()).at("/total").asInt()).isEqualTo(1);

        // another programme's alert: 404 for clinician A, visible to clinician B and the administrator
        awaitTask(clinicianB, "ep-b1", 1);
        assertThat(clinicianA.get("/fhir/Task/ep-b1").statusCode()).isEqualTo(404);
        assertThat(clinicianA.get("/fhir/Observation/ep-b1").statusCode()).isEqualTo(404);
        assertThat(clinicianA.get("/fhir/Task/ep-b1/_history").statusCode()).isEqualTo(404);
        assertThat(action(clinicianA, "ep-b1", "{\"action\":\"acknowledge\"}").statusCode()).isEqualTo(404);
        assertThat(Http.basic(TRIAGE.baseUrl(), ADMIN, PASSWORD).get("/fhir/Task/ep-b1").statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(clinicianB.get("/fhir/Task?patient.identifier=pb-1").body()).at("/total").asInt()).isEqualTo(1);
    }

    @Test
    void transitionsWriteTriageEventsWithTheOutcomeAndAreAudited() throws Exception {
        openAlertInProgrammeA("pa-2", "ep-t1", EpisodeType.PAUSE, Severity.ASAP);

        Http viewer = Http.basic(TRIAGE.baseUrl(), VIEWER_A, PASSWORD);
        assertThat(viewer.get("/fhir/Task/ep-t1").statusCode()).isEqualTo(200);
        assertThat(action(viewer, "ep-t1", "{\"action\":\"acknowledge\"}").statusCode()).isEqualTo(403);
        assertThat(action(clinicianA, "ep-t1", "{\"action\":\"resolve\"}").statusCode()).as("resolve needs an outcome")
                .isEqualTo(400);

        HttpResponse<String> ack = action(clinicianA, "ep-t1", "{\"action\":\"acknowledge\",\"expectedVersion\":1}");
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        JsonNode acked = JSON.readTree(ack.body());
        assertThat(acked.at("/status").asText()).isEqualTo("accepted");
        assertThat(acked.at("/owner/display").asText()).isEqualTo(CLINICIAN_A);
        assertThat(action(clinicianA, "ep-t1", "{\"action\":\"acknowledge\"}").statusCode()).isEqualTo(409);
        // every action aimed at a version that is no longer current (the worklist sends the version its card shows)
        // is refused and changes nothing
        for (String stale : new String[]{"{\"action\":\"resolve\",\"outcome\":\"no-action-needed\",\"expectedVersion\":1}",
                "{\"action\":\"start\",\"expectedVersion\":1}", "{\"action\":\"cancel\",\"expectedVersion\":1}",
                "{\"action\":\"note\",\"note\":\"Seen.\",\"expectedVersion\":1}"}) {
            HttpResponse<String> r = action(clinicianA, "ep-t1", stale);
            assertThat(r.statusCode()).as(stale + " -> " + r.body()).isEqualTo(409);
            assertThat(r.body()).contains("is at version 2, not 1");
        }
        assertThat(awaitTask(clinicianA, "ep-t1", 2).at("/status").asText()).isEqualTo("accepted");

        HttpResponse<String> resolved = action(clinicianA, "ep-t1",
                "{\"action\":\"resolve\",\"outcome\":\"false-alarm\",\"note\":\"Motion artefact on the strip.\"}");
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        JsonNode done = JSON.readTree(resolved.body());
        assertThat(done.at("/status").asText()).isEqualTo("completed");
        assertThat(done.at("/output/0/valueCodeableConcept/coding/0/code").asText()).isEqualTo("false-alarm");
        assertThat(done.at("/note/0/text").asText()).isEqualTo("Motion artefact on the strip.");
        assertValidR4(clinicianA.get("/fhir/Task/ep-t1").body());
        assertThat(action(clinicianA, "ep-t1", "{\"action\":\"cancel\"}").statusCode()).as("completed is final")
                .isEqualTo(409);

        List<TriageEvent> events = new ArrayList<>();
        try (CommittedTopicReader reader = new CommittedTopicReader(TRIAGE.kafka().bootstrapServers(), new Properties(),
                Topics.TRIAGE_EVENTS)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                events.clear();
                for (ConsumerRecord<byte[], byte[]> r : reader.poll()) {
                    TriageEvent e = AvroCodec.triageEvents().decode(r.value());
                    if (e.getEpisodeId().equals("ep-t1")) events.add(e);
                }
                assertThat(events).extracting(TriageEvent::getAction)
                        .containsExactly(TriageAction.ACKNOWLEDGED, TriageAction.CLOSED_NO_ACTION);
            });
        }
        assertThat(events.get(1).getOutcome()).isEqualTo(TriageOutcome.FALSE_ALARM);
        assertThat(events.get(1).getProgramme()).isEqualTo(PROGRAMME_A);
        assertThat(events.get(0).getAlertRaisedAt()).isEqualTo(START.plusSeconds(60));

        assertThat(rows("select username || ' ' || action || ' ' || outcome from audit_log"
                + " where res_type = 'Task' and res_id = 'ep-t1' order by id")).contains(CLINICIAN_A + " read ok",
                VIEWER_A + " action denied", CLINICIAN_A + " acknowledge ok", CLINICIAN_A + " resolve ok");
    }

    @Test
    void aFhirUpdateMovesTheTaskThroughTheWorkflowAndAnInvalidTransitionIs409() throws Exception {
        JsonNode task = openAlertInProgrammeA("pa-3", "ep-u1", EpisodeType.INACTIVITY, Severity.ROUTINE);
        ((com.fasterxml.jackson.databind.node.ObjectNode) task).put("status", "in-progress");
        HttpResponse<String> r = clinicianA.put("/fhir/Task/ep-u1", "application/fhir+json", task.toString(),
                Map.of("If-Match", "W/\"1\""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode now = awaitTask(clinicianA, "ep-u1", 2);
        assertThat(now.at("/status").asText()).isEqualTo("in-progress");
        ((com.fasterxml.jackson.databind.node.ObjectNode) now).put("status", "requested");
        HttpResponse<String> bad = clinicianA.put("/fhir/Task/ep-u1", "application/fhir+json", now.toString(), Map.of());
        assertThat(bad.statusCode()).isEqualTo(409);
        assertThat(bad.body()).contains("OperationOutcome");
        HttpResponse<String> stale = clinicianA.put("/fhir/Task/ep-u1", "application/fhir+json",
                now.toString().replace("\"requested\"", "\"completed\""), Map.of("If-Match", "W/\"1\""));
        assertThat(stale.statusCode()).isEqualTo(412);
    }

    /**
     * A client's update made on an older read (before the pipeline escalated the Task and added its note) is refused
     * by the version the body carries (412), not applied over the escalation with the client's note taken for the
     * service's and dropped (probe 16b D12: 200, status changed, note "Ambulance called" lost). Read again, the same
     * note is added as the one the stored notes do not have, whatever its position.
     */
    @Test
    void anUpdateMadeOnAnOlderReadIsRefusedAndANewNoteIsToldByItsTextNotItsPosition() throws Exception {
        openAlertInProgrammeA("pn-1", "ep-n1", EpisodeType.PAUSE, Severity.ROUTINE);
        assertThat(action(clinicianA, "ep-n1", "{\"action\":\"acknowledge\"}").statusCode()).isEqualTo(200);
        JsonNode read = awaitTask(clinicianA, "ep-n1", 2);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.ESCALATED, "ep-n1", "pn-1", EpisodeType.PAUSE,
                Severity.URGENT, START, 4));
        JsonNode escalated = TriageTestServer.awaitTask(clinicianA, "ep-n1", "escalated",
                t -> t.toString().contains("escalated-after-triage"));
        assertThat(escalated.path("note")).as("the service's own note on the escalation").hasSize(1);

        HttpResponse<String> stale = clinicianA.put("/fhir/Task/ep-n1", "application/fhir+json",
                withNotes(read, "in-progress", "Ambulance called for the patient").toString(), Map.of());
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task/ep-n1").body()).path("status").asText())
                .as("nothing applied over the escalation").isEqualTo("requested");

        HttpResponse<String> fresh = clinicianA.put("/fhir/Task/ep-n1", "application/fhir+json",
                withNotes(escalated, "in-progress", "Ambulance called for the patient").toString(), Map.of());
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        JsonNode after = JSON.readTree(clinicianA.get("/fhir/Task/ep-n1").body());
        List<String> texts = new ArrayList<>();
        after.path("note").forEach(n -> texts.add(n.path("text").asText()));
        assertThat(texts).hasSize(2).contains("Ambulance called for the patient");
    }

    /** Two new notes in one update are refused (400), never the first silently dropped (probe 16b D11). */
    @Test
    void anUpdateAddingTwoNotesIsRefusedNotHalfApplied() throws Exception {
        JsonNode task = openAlertInProgrammeA("pn-2", "ep-n2", EpisodeType.TACHYCARDIA, Severity.URGENT);
        HttpResponse<String> r = clinicianA.put("/fhir/Task/ep-n2", "application/fhir+json",
                withNotes(task, "accepted", "Phoned 10:05, no answer", "Left voicemail; will retry 10:30").toString(),
                Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("one note");
        JsonNode now = JSON.readTree(clinicianA.get("/fhir/Task/ep-n2").body());
        assertThat(now.at("/meta/versionId").asText()).as("nothing applied").isEqualTo("1");
        assertThat(now.path("note")).isEmpty();
    }

    /**
     * {@code Prefer} on a FHIR update (R4 http.html#ops): {@code return=OperationOutcome} answers an OperationOutcome
     * saying what was done (it answered 200 with an empty body), {@code return=minimal} no body,
     * {@code return=representation} (and no Prefer) the Task; each with the new version's ETag and Location.
     */
    @Test
    void preferOnAnUpdateAnswersTheTaskNothingOrAnOperationOutcome() throws Exception {
        JsonNode task = openAlertInProgrammeA("pp-1", "ep-p1", EpisodeType.BRADYCARDIA, Severity.ROUTINE);

        HttpResponse<String> oo = clinicianA.put("/fhir/Task/ep-p1", "application/fhir+json",
                withNotes(task, "accepted", "Looking at the trace").toString(),
                Map.of("Prefer", "return=OperationOutcome"));
        assertThat(oo.statusCode()).as(oo.body()).isEqualTo(200);
        JsonNode outcome = JSON.readTree(oo.body());
        assertThat(outcome.at("/resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.at("/issue/0/severity").asText()).isEqualTo("information");
        assertThat(outcome.at("/issue/0/diagnostics").asText())
                .isEqualTo("Task/ep-p1 updated to version 2: status requested -> accepted, note added");
        assertValidR4(oo.body());
        assertThat(oo.headers().firstValue("ETag")).contains("W/\"2\"");
        assertThat(oo.headers().firstValue("Content-Location").orElse(oo.headers().firstValue("Location").orElse("")))
                .contains("Task/ep-p1/_history/2");

        JsonNode v2 = awaitTask(clinicianA, "ep-p1", 2);
        HttpResponse<String> minimal = clinicianA.put("/fhir/Task/ep-p1", "application/fhir+json",
                withNotes(v2, "in-progress").toString(), Map.of("Prefer", "return=minimal"));
        assertThat(minimal.statusCode()).as(minimal.body()).isEqualTo(200);
        assertThat(minimal.body()).isEmpty();
        assertThat(minimal.headers().firstValue("ETag")).contains("W/\"3\"");

        JsonNode v3 = awaitTask(clinicianA, "ep-p1", 3);
        for (String prefer : new String[]{"return=representation", null}) {
            JsonNode read = JSON.readTree(clinicianA.get("/fhir/Task/ep-p1").body());
            HttpResponse<String> rep = clinicianA.put("/fhir/Task/ep-p1", "application/fhir+json",
                    withNotes(read, "in-progress", "Note with Prefer " + prefer).toString(),
                    prefer == null ? Map.of() : Map.of("Prefer", prefer));
            assertThat(rep.statusCode()).as(rep.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(rep.body());
            assertThat(body.at("/resourceType").asText()).isEqualTo("Task");
            assertThat(body.at("/meta/versionId").asInt()).isGreaterThan(v3.at("/meta/versionId").asInt());
            assertThat(body.toString()).contains("Note with Prefer " + prefer);
        }
    }

    /**
     * An outcome sent with an action that does not resolve the alert (acknowledge on the worklist API; a FHIR update to
     * accepted or in-progress) is refused with 400 saying so and changes nothing: it was answered 200 with the outcome
     * silently dropped. The stored outcome sent back with a resolved Task as read (adding a note) is no new outcome.
     */
    @Test
    void anOutcomeSentWithAnAcknowledgementIsRefusedNotDropped() throws Exception {
        JsonNode task = openAlertInProgrammeA("po-1", "ep-o1", EpisodeType.TACHYCARDIA, Severity.ROUTINE);
        HttpResponse<String> api = action(clinicianA, "ep-o1", "{\"action\":\"acknowledge\",\"outcome\":\"false-alarm\"}");
        assertThat(api.statusCode()).as(api.body()).isEqualTo(400);
        assertThat(JSON.readTree(api.body()).at("/error").asText())
                .contains("'false-alarm'").contains("only when the alert is resolved").contains("nothing was changed");

        com.fasterxml.jackson.databind.node.ObjectNode fhir = withNotes(task, "accepted").deepCopy();
        fhir.putArray("output").addObject().putObject("valueCodeableConcept").putArray("coding").addObject()
                .put("system", "https://wardstream.org/fhir/CodeSystem/triage-outcome").put("code", "false-alarm");
        HttpResponse<String> put = clinicianA.put("/fhir/Task/ep-o1", "application/fhir+json", fhir.toString(), Map.of());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(400);
        assertThat(put.body()).contains("OperationOutcome").contains("only when the alert is resolved");
        JsonNode unchanged = JSON.readTree(clinicianA.get("/fhir/Task/ep-o1").body());
        assertThat(unchanged.at("/meta/versionId").asText()).as("nothing applied").isEqualTo("1");
        assertThat(unchanged.at("/status").asText()).isEqualTo("requested");

        assertThat(action(clinicianA, "ep-o1", "{\"action\":\"resolve\",\"outcome\":\"false-alarm\"}").statusCode())
                .isEqualTo(200);
        JsonNode resolved = awaitTask(clinicianA, "ep-o1", 2);
        HttpResponse<String> note = clinicianA.put("/fhir/Task/ep-o1", "application/fhir+json",
                withNotes(resolved, "completed", "ECG next week").toString(), Map.of());
        assertThat(note.statusCode()).as("a note on the resolved Task as read, its outcome included: " + note.body())
                .isEqualTo(200);
    }

    private static JsonNode withNotes(JsonNode task, String status, String... texts) {
        com.fasterxml.jackson.databind.node.ObjectNode t = task.deepCopy();
        t.put("status", status);
        com.fasterxml.jackson.databind.node.ArrayNode notes = t.has("note")
                ? (com.fasterxml.jackson.databind.node.ArrayNode) t.get("note") : t.putArray("note");
        for (String text : texts) notes.addObject().put("authorString", CLINICIAN_A).put("text", text);
        return t;
    }

    @Test
    void theWorklistQueryCountsAndPagesOnlyTheUsersProgrammesAndTotalNoneLeavesTheCountOut() throws Exception {
        TRIAGE.server().users().add("clinician-ab", TriageUser.Role.CLINICIAN, Set.of(PROGRAMME_A, PROGRAMME_B),
                PASSWORD.toCharArray(), false);
        Http clinicianAB = Http.basic(TRIAGE.baseUrl(), "clinician-ab", PASSWORD);
        TRIAGE.enrol("pw-a", PROGRAMME_A);
        TRIAGE.enrol("pw-b", PROGRAMME_B);
        // episode, patient, type, severity (routine < urgent < stat), minute after START
        Object[][] alerts = {{"ep-w-a1", "pw-a", EpisodeType.PAUSE, Severity.ROUTINE, 1},
                {"ep-w-a2", "pw-a", EpisodeType.TACHYCARDIA, Severity.URGENT, 2},
                {"ep-w-b1", "pw-b", EpisodeType.PAUSE, Severity.STAT, 3}};
        for (Object[] x : alerts) {
            TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, (String) x[0], (String) x[1],
                    (EpisodeType) x[2], (Severity) x[3], START, (Integer) x[4]));
        }
        for (Object[] x : alerts) awaitTask(x[1].equals("pw-a") ? clinicianA : clinicianB, (String) x[0], 1);
        String worklist = "/fhir/Task?status=requested,accepted,in-progress&_sort=-priority,authored-on"
                + "&_id=ep-w-a1,ep-w-a2,ep-w-b1";

        // one programme (SearchQuery's "programme = ?"), two programmes ("programme = any(?)"): each sees its own only
        JsonNode a = JSON.readTree(clinicianA.get(worklist).body());
        assertThat(a.at("/total").asInt()).isEqualTo(2);
        assertThat(ids(a)).containsExactly("ep-w-a2", "ep-w-a1");
        JsonNode b = JSON.readTree(clinicianB.get(worklist).body());
        assertThat(b.at("/total").asInt()).isEqualTo(1);
        assertThat(ids(b)).containsExactly("ep-w-b1");
        JsonNode ab = JSON.readTree(clinicianAB.get(worklist).body());
        assertThat(ab.at("/total").asInt()).isEqualTo(3);
        assertThat(ids(ab)).containsExactly("ep-w-b1", "ep-w-a2", "ep-w-a1");
        JsonNode pauses = JSON.readTree(clinicianAB.get(worklist + "&episode-type=pause").body());
        assertThat(pauses.at("/total").asInt()).isEqualTo(2);
        assertThat(ids(pauses)).containsExactly("ep-w-b1", "ep-w-a1");

        // _total=none: the same entries, no Bundle.total; an unknown _total is a 400
        HttpResponse<String> none = clinicianA.get(worklist + "&_total=none");
        assertThat(none.statusCode()).isEqualTo(200);
        assertValidR4(none.body());
        JsonNode noTotal = JSON.readTree(none.body());
        assertThat(noTotal.has("total")).as("Bundle.total with _total=none").isFalse();
        assertThat(ids(noTotal)).containsExactly("ep-w-a2", "ep-w-a1");
        assertThat(JSON.readTree(clinicianA.get(worklist + "&_total=accurate").body()).at("/total").asInt()).isEqualTo(2);
        assertThat(clinicianA.get(worklist + "&_total=sometimes").statusCode()).isEqualTo(400);
        assertThat(rows("select detail from audit_log where username = 'clinician-a' and action = 'search'"
                + " and detail like '%ep-w-a1%' order by id")).anyMatch(d -> d.endsWith("total not counted (_total=none)"))
                .anyMatch(d -> d.endsWith("-> 2 matches"));
    }

    /**
     * A search's pages come from the matches as they were when it ran, each in its current version: a Task resolved
     * between two pages does not move another off every page (probe 16b D2: pg-2 was never served), a new alert that
     * sorts first does not push a served one onto the next page again, and a Task acted on meanwhile is served as it
     * is now.
     */
    @Test
    void pagingASearchWhileTasksChangeServesEveryMatchOnceInItsCurrentVersion() throws Exception {
        TRIAGE.enrol("pg-patient", PROGRAMME_A);
        for (int i = 1; i <= 3; i++) {
            TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "pg-" + i, "pg-patient",
                    EpisodeType.TACHYCARDIA, Severity.ROUTINE, START, i + 1));
        }
        for (int i = 1; i <= 3; i++) awaitTask(clinicianA, "pg-" + i, 1);
        String search = "/fhir/Task?patient.identifier=pg-patient&status=requested,accepted,in-progress"
                + "&_sort=authored-on&_count=1";

        // a colleague resolves the first Task between page 1 and page 2
        JsonNode first = JSON.readTree(clinicianA.get(search).body());
        assertThat(first.at("/total").asInt()).isEqualTo(3);
        assertThat(action(clinicianA, "pg-1", "{\"action\":\"resolve\",\"outcome\":\"no-action-needed\"}")
                .statusCode()).isEqualTo(200);
        List<JsonNode> served = new ArrayList<>(allPages(first));
        assertThat(served).extracting(t -> t.at("/id").asText()).containsExactly("pg-1", "pg-2", "pg-3");

        // the search again (pg-2, pg-3 open): a new alert raised earlier than both arrives, and pg-3 is acknowledged
        JsonNode again = JSON.readTree(clinicianA.get(search).body());
        assertThat(ids(again)).containsExactly("pg-2");
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "pg-0", "pg-patient",
                EpisodeType.TACHYCARDIA, Severity.ROUTINE, START, 1));
        awaitTask(clinicianA, "pg-0", 1);
        assertThat(action(clinicianA, "pg-3", "{\"action\":\"acknowledge\"}").statusCode()).isEqualTo(200);
        served = allPages(again);
        assertThat(served).extracting(t -> t.at("/id").asText()).containsExactly("pg-2", "pg-3");
        assertThat(served.get(1).at("/status").asText()).as("pg-3 as it is now").isEqualTo("accepted");
    }

    /**
     * Instance history applies {@code _since} (the versions created at or after it) and {@code _at} (those current at
     * that time); any other parameter is 400, never ignored (probe 16b D3: every version, whatever _since said).
     */
    @Test
    void historyAppliesSinceAndAtAndRefusesAParameterItCannotAnswer() throws Exception {
        JsonNode v1 = openAlertInProgrammeA("ph-1", "ep-h1", EpisodeType.BRADYCARDIA, Severity.ROUTINE);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.UPDATED, "ep-h1", "ph-1", EpisodeType.BRADYCARDIA,
                Severity.ROUTINE, START, 61));
        JsonNode v2 = awaitTask(clinicianA, "ep-h1", 2);
        String h = "/fhir/Task/ep-h1/_history";
        assertThat(versions(h)).containsExactly("2", "1");
        assertThat(versions(h + "?_since=2030-01-01T00:00:00Z")).isEmpty();
        assertThat(versions(h + "?_since=" + query(v2.at("/meta/lastUpdated").asText()))).containsExactly("2");
        assertThat(versions(h + "?_since=2020-01-01T00:00:00Z")).containsExactly("2", "1");
        assertThat(versions(h + "?_at=" + query(v1.at("/meta/lastUpdated").asText()))).containsExactly("1");
        assertThat(versions(h + "?_at=2030-01-01")).as("current then").containsExactly("2");
        assertThat(versions(h + "?_at=2020-01-01")).as("before the alert").isEmpty();
        assert400(clinicianA, h + "?_list=x", "history does not take _list");
        assert400(clinicianA, h + "?status=requested", "history does not take status");
        assert400(clinicianA, "/fhir/Observation/ep-h1/_history?_since=yesterday", "_since is not a valid date");
    }

    static String query(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The versionIds of a history answer, in its order. */
    private static List<String> versions(String path) throws Exception {
        return versions(clinicianA, path);
    }

    /** The versionIds of a history answer to {@code who}, in its order. */
    static List<String> versions(Http who, String path) throws Exception {
        HttpResponse<String> r = who.get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(r.body()).at("/entry")) out.add(e.at("/resource/meta/versionId").asText());
        return out;
    }

    /** The Tasks of a search's first page and of every page its next links lead to, in order. */
    private static List<JsonNode> allPages(JsonNode page) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p = page; p != null; ) {
            for (JsonNode e : p.at("/entry")) out.add(e.at("/resource"));
            String next = null;
            for (JsonNode l : p.at("/link")) if (l.at("/relation").asText().equals("next")) next = l.at("/url").asText();
            if (next == null) break;
            HttpResponse<String> r = clinicianA.get(next.substring(TRIAGE.baseUrl().length()));
            assertThat(r.statusCode()).as(next + " -> " + r.body()).isEqualTo(200);
            p = JSON.readTree(r.body());
        }
        return out;
    }

    private static List<String> ids(JsonNode bundle) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : bundle.at("/entry")) out.add(e.at("/resource/id").asText());
        return out;
    }

    /** An error answer that shows nothing of the server's insides (SQL, its state, Java classes). */
    private static void assertNoInternals(HttpResponse<String> r) {
        assertThat(r.body()).as(r.body()).doesNotContain("SQL", "ERROR:", "Exception", "org.wardstream", "at org.");
    }

    private static int total(Http who, String path) throws Exception {
        HttpResponse<String> r = who.get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).at("/total").asInt();
    }

    private static void assert400(Http who, String path, String message) throws Exception {
        HttpResponse<String> r = who.get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(400);
        assertThat(r.body()).contains(message);
        assertNoInternals(r);
    }

    @Test
    void aCodeOfAnotherSystemMatchesNothingAndControlCharactersAre400WithoutDatabaseErrors() throws Exception {
        openAlertInProgrammeA("pq-1", "ep-q1", EpisodeType.TACHYCARDIA, Severity.URGENT);
        String p = "&patient.identifier=pq-1";
        assertThat(total(clinicianA, "/fhir/Task?status=requested" + p)).isEqualTo(1);
        // a code (or identifier) of another system matches nothing: 200 with no entries, not a database error
        for (String q : new String[]{"/fhir/Task?status=http://example.org%7Crequested" + p,
                "/fhir/Task?episode-type=http://example.org%7Ctachycardia" + p,
                "/fhir/Task?code=http://example.org%7Cclinical-review" + p,
                "/fhir/Task?code=something-else" + p,
                "/fhir/Task?patient.identifier=http://example.org%7Cpq-1",
                "/fhir/Observation?code=http://example.org%7Ctachycardia" + p}) {
            assertThat(total(clinicianA, q)).as(q).isZero();
        }
        // of the values of one parameter (OR), those of the right system still match
        assertThat(total(clinicianA, "/fhir/Task?status=http://example.org%7Caccepted,requested" + p)).isEqualTo(1);
        // a NUL (or any control character) in a search value: 400 saying so
        assert400(clinicianA, "/fhir/Task?_id=%00", "control character");
        assert400(clinicianA, "/fhir/Task?patient.identifier=ps%00", "control character");
        assert400(clinicianA, "/fhir/Task?status=requested%0A", "control character");
        assert400(clinicianA, "/fhir/Provenance?target=Task/ep%00", "control character");
        assert400(clinicianA, "/fhir/Observation?_id=ep-q1%01", "control character");
        // Provenance?target: a Task or Observation reference (or a bare id); another type is never a target, and
        // matches nothing rather than the Task's Provenance of the same id (probe 16b D4)
        for (String target : new String[]{"Task/ep-q1", "Observation/ep-q1", "ep-q1"}) {
            assertThat(total(clinicianA, "/fhir/Provenance?target=" + target)).as(target).isEqualTo(1);
        }
        for (String target : new String[]{"Patient/ep-q1", "Device/ep-q1", "Provenance/ep-q1"}) {
            assertThat(total(clinicianA, "/fhir/Provenance?target=" + target)).as(target).isZero();
        }
    }

    @Test
    void searchParametersThatCannotBeAnsweredAre400NotIgnored() throws Exception {
        openAlertInProgrammeA("pq-2", "ep-q2", EpisodeType.PAUSE, Severity.ROUTINE); // authored 2026-03-03 10:01
        String p = "/fhir/Task?patient.identifier=pq-2";
        assertThat(total(clinicianA, p)).isEqualTo(1);
        // _count: negative is 400 (it gave endless empty pages)
        assert400(clinicianA, p + "&_count=-1", "_count");
        // flagged: true or false only (yes was read as false)
        assert400(clinicianA, p + "&flagged=yes", "flagged must be true or false");
        assertThat(total(clinicianA, p + "&flagged=false")).isEqualTo(1);
        assertThat(total(clinicianA, p + "&flagged=true")).isZero();
        // authored-on=ne: outside that day (it was read as "on that day"); sa, eb, ap are refused
        assertThat(total(clinicianA, p + "&authored-on=ne2026-03-03")).isZero();
        assertThat(total(clinicianA, p + "&authored-on=ne2026-03-04")).isEqualTo(1);
        assertThat(total(clinicianA, p + "&authored-on=2026-03-03")).isEqualTo(1);
        assertThat(total(clinicianA, p + "&authored-on=ge2026-03-03T10:00:00Z&authored-on=lt2026-03-03T10:02:00Z"))
                .isEqualTo(1);
        for (String prefix : new String[]{"sa", "eb"}) {
            assert400(clinicianA, p + "&authored-on=" + prefix + "2026-03-03", "prefix " + prefix);
            assert400(clinicianA, "/fhir/Observation?_lastUpdated=" + prefix + "2026-03-03", "prefix " + prefix);
        }
        assert400(clinicianA, p + "&authored-on=ap2026-03-03", "APPROXIMATE"); // refused by HAPI itself
        // a malformed date is the client's mistake: 400 naming the parameter, never a 500 (probe 16b D1)
        for (String[] bad : new String[][]{{p + "&authored-on=garbage", "authored-on"},
                {p + "&_lastUpdated=2026-13-45", "_lastUpdated"}, {p + "&_lastUpdated=ge2026-12-06T25:00", "_lastUpdated"},
                {"/fhir/Observation?_lastUpdated=yesterday", "_lastUpdated"},
                {"/fhir/Provenance?_lastUpdated=ge2026-02-30T10:00:00Z", "_lastUpdated"}}) {
            assert400(clinicianA, bad[0], "parameter " + bad[1] + " is not a valid date");
        }
        // _-parameters the service does not implement widened the search to every Task: now 400
        for (String unsupported : new String[]{"_has:Provenance:target:_id=x", "_filter=id%20eq%20x",
                "_content=x", "_text=x", "_list=x", "_include=Task:focus"}) {
            assert400(clinicianA, p + "&" + unsupported, "_");
        }
        assert400(clinicianA, "/fhir/Observation?_text=x", "unsupported search parameter _text");
        assert400(clinicianA, "/fhir/Provenance?_has:Task:focus:_id=x", "_has");
        assert400(clinicianA, p + "&status:not=requested", "modifiers");
        // more values than PostgreSQL's bind parameters (a POST _search is not limited by a URL's length): 400
        String many = String.join(",", java.util.Collections.nCopies(70_000, "x"));
        HttpResponse<String> r = send("POST", "/fhir/Task/_search", Map.of("Content-Type",
                "application/x-www-form-urlencoded"), "_id=" + many);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("at most 1000");
        assertNoInternals(r);
        HttpResponse<String> fine = clinicianA.form("/fhir/Task/_search", Map.of("_id", "ep-q2,x,y"));
        assertThat(JSON.readTree(fine.body()).at("/total").asInt()).as(fine.body()).isEqualTo(1);
    }

    @Test
    void anIfMatchWithoutAUsableVersionIsRefusedNotIgnored() throws Exception {
        JsonNode task = openAlertInProgrammeA("pq-3", "ep-q3", EpisodeType.INACTIVITY, Severity.ROUTINE);
        ((com.fasterxml.jackson.databind.node.ObjectNode) task).put("status", "accepted");
        for (String ifMatch : new String[]{"W/\"\"", "garbage", "W/\"1\", W/\"2\"", "W/\"-1\""}) {
            HttpResponse<String> r = clinicianA.put("/fhir/Task/ep-q3", "application/fhir+json", task.toString(),
                    Map.of("If-Match", ifMatch));
            assertThat(r.statusCode()).as("If-Match " + ifMatch + " -> " + r.body()).isEqualTo(400);
        }
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task/ep-q3").body()).at("/meta/versionId").asText())
                .as("no update applied").isEqualTo("1");
        assertThat(clinicianA.put("/fhir/Task/ep-q3", "application/fhir+json", task.toString(),
                Map.of("If-Match", "W/\"2\"")).statusCode()).isEqualTo(412);
        assertThat(clinicianA.put("/fhir/Task/ep-q3", "application/fhir+json", task.toString(),
                Map.of("If-Match", "\"1\"")).statusCode()).isEqualTo(200);
    }

    /**
     * A version the client names that is not one is 400 naming where it was, in plain words: the worklist API's
     * {@code expectedVersion} (it answered Java's {@code For input string: "abc"}) and a FHIR update's
     * {@code Task.meta.versionId} (it said "bad version: abc"); nothing changes.
     */
    @Test
    void aVersionThatIsNotANumberIs400NamingTheField() throws Exception {
        JsonNode task = openAlertInProgrammeA("pv-1", "ep-v1", EpisodeType.INACTIVITY, Severity.ROUTINE);
        for (String bad : new String[]{"\"abc\"", "99999999999", "2.5", "true", "0"}) {
            HttpResponse<String> r = action(clinicianA, "ep-v1", "{\"action\":\"acknowledge\",\"expectedVersion\":" + bad + "}");
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).at("/error").asText()).as(bad)
                    .startsWith("expectedVersion must be the version of the Task").doesNotContain("input string");
        }
        com.fasterxml.jackson.databind.node.ObjectNode put = task.deepCopy();
        put.put("status", "accepted");
        ((com.fasterxml.jackson.databind.node.ObjectNode) put.get("meta")).put("versionId", "abc");
        HttpResponse<String> r = clinicianA.put("/fhir/Task/ep-v1", "application/fhir+json", put.toString(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode oo = JSON.readTree(r.body());
        assertThat(oo.at("/resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(oo.at("/issue/0/diagnostics").asText()).startsWith("Task.meta.versionId must be a version of the Task");
        assertNoInternals(r);
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task/ep-v1").body()).at("/meta/versionId").asText())
                .as("nothing changed").isEqualTo("1");
        assertThat(action(clinicianA, "ep-v1", "{\"action\":\"acknowledge\",\"expectedVersion\":\"1\"}").statusCode())
                .as("a version as text, as a form sends it").isEqualTo(200);
    }

    /**
     * A {@code _format} the server does not write is 406 with an OperationOutcome (it was served as JSON); json and
     * xml, by name or media type, are served.
     */
    @Test
    void aFormatTheServerDoesNotWriteIs406() throws Exception {
        openAlertInProgrammeA("pv-2", "ep-v2", EpisodeType.INACTIVITY, Severity.ROUTINE);
        for (String path : new String[]{"/fhir/Task/ep-v2?_format=foo", "/fhir/metadata?_format=ttl",
                "/fhir/Task?_id=ep-v2&_format=html", "/fhir/Task/ep-v2/_history?_format=text/plain"}) {
            HttpResponse<String> r = clinicianA.get(path);
            assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(406);
            JsonNode oo = JSON.readTree(r.body());
            assertThat(oo.at("/resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(oo.at("/issue/0/diagnostics").asText()).startsWith("_format: this server writes JSON");
        }
        assertThat(clinicianA.get("/fhir/Task/ep-v2?_format=json").body()).startsWith("{\"resourceType\":\"Task\"");
        assertThat(clinicianA.get("/fhir/Task/ep-v2?_format=application/fhir%2Bjson").statusCode()).isEqualTo(200);
        assertThat(clinicianA.get("/fhir/Task/ep-v2?_format=xml").body()).startsWith("<Task");
        assertThat(clinicianA.get("/fhir/Task/ep-v2?_format=").statusCode()).as("empty: no request").isEqualTo(200);
    }

    /**
     * An {@code Accept} the server does not write, without {@code _format}, is 406 with an OperationOutcome (it was
     * served as JSON, which the client had not asked for); the FHIR JSON and XML types, application/json and
     * application/xml, wildcards and no Accept at all are served; {@code _format} wins over Accept.
     */
    @Test
    void anAcceptTheServerDoesNotWriteIs406() throws Exception {
        openAlertInProgrammeA("pv-3", "ep-v3", EpisodeType.INACTIVITY, Severity.ROUTINE);
        for (String accept : new String[]{"text/csv", "application/pdf", "text/html", "text/plain",
                "application/fhir+json;q=0, text/csv"}) {
            for (String path : new String[]{"/fhir/Task/ep-v3", "/fhir/Task?_id=ep-v3", "/fhir/metadata"}) {
                HttpResponse<String> r = withAccept(path, accept);
                assertThat(r.statusCode()).as("Accept: " + accept + ", " + path + " -> " + r.body()).isEqualTo(406);
                JsonNode oo = JSON.readTree(r.body());
                assertThat(oo.at("/resourceType").asText()).isEqualTo("OperationOutcome");
                assertThat(oo.at("/issue/0/diagnostics").asText()).startsWith("Accept: this server writes JSON");
            }
        }
        Map<String, String> served = new java.util.LinkedHashMap<>();
        served.put("application/fhir+json", "{");
        served.put("application/json", "{");
        served.put("application/json+fhir", "{");
        served.put("application/fhir+json; charset=UTF-8", "{");
        served.put("*/*", "{");
        served.put("application/*", "{");
        served.put("text/csv, application/fhir+json;q=0.5", "{");
        served.put("application/fhir+xml", "<");
        served.put("application/xml", "<");
        served.put("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ""); // a browser
        served.put(null, "{");
        for (Map.Entry<String, String> e : served.entrySet()) {
            HttpResponse<String> r = withAccept("/fhir/Task/ep-v3", e.getKey());
            assertThat(r.statusCode()).as("Accept: " + e.getKey() + " -> " + r.body()).isEqualTo(200);
            assertThat(r.body()).as("Accept: " + e.getKey()).startsWith(e.getValue());
        }
        assertThat(withAccept("/fhir/Task/ep-v3?_format=json", "text/csv").statusCode()).as("_format wins")
                .isEqualTo(200);
    }

    /** GET as clinician A with the given Accept header only (null: none). */
    private static HttpResponse<String> withAccept(String path, String accept) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(TRIAGE.baseUrl() + path)).GET()
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (CLINICIAN_A + ":" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        if (accept != null) b.header("Accept", accept);
        return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * FHIR R4's Task state machine has no in-progress -> cancelled (an in-progress Task ends completed, failed or
     * on-hold): a FHIR update to cancelled and the {@code cancel} action of an in-progress Task are 409 naming the
     * states it can go to, and nothing changes; resolving it (also with no action needed) still closes it.
     */
    @Test
    void anInProgressTaskIsNotCancelledItIsResolved() throws Exception {
        openAlertInProgrammeA("pc-1", "ep-c1", EpisodeType.INACTIVITY, Severity.ROUTINE);
        assertThat(action(clinicianA, "ep-c1", "{\"action\":\"start\"}").statusCode()).isEqualTo(200);
        JsonNode started = awaitTask(clinicianA, "ep-c1", 2);
        assertThat(started.at("/status").asText()).isEqualTo("in-progress");
        com.fasterxml.jackson.databind.node.ObjectNode put = started.deepCopy();
        put.put("status", "cancelled");
        HttpResponse<String> r = clinicianA.put("/fhir/Task/ep-c1", "application/fhir+json", put.toString(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        JsonNode oo = JSON.readTree(r.body());
        assertThat(oo.at("/resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(oo.at("/issue/0/diagnostics").asText()).contains("in-progress", "its next status: completed");
        HttpResponse<String> cancel = action(clinicianA, "ep-c1", "{\"action\":\"cancel\"}");
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(409);
        assertThat(cancel.body()).contains("its next status: completed");
        JsonNode now = JSON.readTree(clinicianA.get("/fhir/Task/ep-c1").body());
        assertThat(now.at("/meta/versionId").asText()).as("nothing changed").isEqualTo("2");
        assertThat(now.at("/status").asText()).isEqualTo("in-progress");
        HttpResponse<String> resolved = action(clinicianA, "ep-c1",
                "{\"action\":\"resolve\",\"outcome\":\"no-action-needed\"}");
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        assertThat(JSON.readTree(resolved.body()).at("/status").asText()).isEqualTo("completed");
        // cancelling before the work started stays possible (requested/accepted -> cancelled is in R4's machine)
        openAlertInProgrammeA("pc-2", "ep-c2", EpisodeType.INACTIVITY, Severity.ROUTINE);
        HttpResponse<String> early = action(clinicianA, "ep-c2", "{\"action\":\"cancel\"}");
        assertThat(early.statusCode()).as(early.body()).isEqualTo(200);
        assertThat(JSON.readTree(early.body()).at("/status").asText()).isEqualTo("cancelled");
    }

    /**
     * The CapabilityStatement says what HAPI's plain server leaves out: each resource is versioned (a Task's update
     * honours If-Match: versioned-update), vread works (readHistory), an update never creates, and which {@code _sort}
     * keys a search accepts; each key it names sorts, one it does not name is 400.
     */
    @Test
    void theCapabilityStatementNamesVersioningAndTheSortKeys() throws Exception {
        HttpResponse<String> r = clinicianA.get("/fhir/metadata");
        assertThat(r.statusCode()).isEqualTo(200);
        assertValidR4(r.body());
        Map<String, JsonNode> byType = new java.util.HashMap<>();
        for (JsonNode res : JSON.readTree(r.body()).at("/rest/0/resource")) byType.put(res.at("/type").asText(), res);
        assertThat(byType).containsKeys("Task", "Observation", "Provenance");
        byType.keySet().retainAll(List.of("Task", "Observation", "Provenance"));
        Map<String, List<String>> sortKeys = Map.of("Task", List.of("priority", "authored-on", "_lastUpdated", "status"),
                "Observation", List.of("_lastUpdated"), "Provenance", List.of("_lastUpdated"));
        for (Map.Entry<String, JsonNode> e : byType.entrySet()) {
            JsonNode res = e.getValue();
            assertThat(res.at("/versioning").asText()).as(e.getKey())
                    .isEqualTo(e.getKey().equals("Task") ? "versioned-update" : "versioned");
            assertThat(res.at("/readHistory").asBoolean()).as(e.getKey()).isTrue();
            assertThat(res.at("/updateCreate").isBoolean() && !res.at("/updateCreate").asBoolean()).as(e.getKey()).isTrue();
            JsonNode sort = null;
            for (JsonNode p : res.at("/searchParam")) if (p.at("/name").asText().equals("_sort")) sort = p;
            assertThat(sort).as(e.getKey() + " _sort").isNotNull();
            assertThat(sort.at("/type").asText()).isEqualTo("special");
            String doc = sort.at("/documentation").asText();
            for (String key : sortKeys.get(e.getKey())) {
                assertThat(doc).as(e.getKey()).contains(key);
                for (String order : new String[]{key, "-" + key}) {
                    assertThat(clinicianA.get("/fhir/" + e.getKey() + "?_count=1&_sort=" + order).statusCode())
                            .as(e.getKey() + " _sort=" + order).isEqualTo(200);
                }
            }
            assertThat(clinicianA.get("/fhir/" + e.getKey() + "?_sort=code").statusCode()).as("not named").isEqualTo(400);
        }
    }

    /** One request with any method (and body), Basic auth as clinician A unless the headers bring their own Authorization. */
    private static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        return send(method, path, headers, null);
    }

    private static HttpResponse<String> send(String method, String path, Map<String, String> headers, String body)
            throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(TRIAGE.baseUrl() + path)).method(method, body == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (!headers.containsKey("Authorization")) {
            b.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (CLINICIAN_A + ":" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        headers.forEach(b::header);
        return java.net.http.HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void traceIsRefusedEverywhereWithoutEchoingHeadersAndUnservedMethodsAre405() throws Exception {
        String token = TRIAGE.server().users().createToken(CLINICIAN_A, "trace-test");
        Map<String, String> secrets = Map.of("Authorization", "Bearer " + token, "X-CSRF-Token", "csrf-secret-value");
        for (String path : new String[]{"/api/tasks/ep-x/actions", "/api/events", "/fhir/Task", "/login", "/session",
                "/", "/index.html"}) {
            for (String method : new String[]{"TRACE", "TRACK"}) {
                HttpResponse<String> r = send(method, path, secrets);
                assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(r.body()).doesNotContain(token, "csrf-secret-value");
                assertThat(r.headers().firstValue("Allow")).as(method + " " + path).get().asString()
                        .doesNotContain("TRACE").contains("GET");
            }
        }
        // methods the servlets do not serve: 405 with Allow (PATCH gave 501), never 5xx
        for (String path : new String[]{"/api/tasks/ep-x/actions", "/api/events", "/login"}) {
            for (String method : new String[]{"PATCH", "PUT", "DELETE", "PROPFIND"}) {
                HttpResponse<String> r = send(method, path, Map.of());
                assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(r.headers().firstValue("Allow")).as(method + " " + path).isPresent();
            }
        }
        assertThat(send("PROPFIND", "/fhir/Task", Map.of()).statusCode()).isEqualTo(405);
        assertThat(send("PATCH", "/fhir/Task/ep-x", Map.of()).statusCode()).isBetween(400, 499);
        // OPTIONS no longer offers TRACE
        HttpResponse<String> options = send("OPTIONS", "/api/events", Map.of());
        assertThat(options.headers().firstValue("Allow")).get().asString().contains("GET").doesNotContain("TRACE");
    }

    @Test
    void theSameAlertsConsumedTwiceLeaveOneTaskWithItsVersions() throws Exception {
        TRIAGE.enrol("pa-4", PROGRAMME_A);
        AlertChange opened = TriageTestServer.change(AlertChange.Kind.OPENED, "ep-r1", "pa-4", EpisodeType.TACHYCARDIA,
                Severity.URGENT, START, 1);
        AlertChange closed = TriageTestServer.change(AlertChange.Kind.CLOSED, "ep-r1", "pa-4", EpisodeType.TACHYCARDIA,
                Severity.URGENT, START, 30);
        TRIAGE.sendAlert(opened);
        TRIAGE.sendAlert(closed);
        TRIAGE.sendAlert(opened); // a replay of both
        TRIAGE.sendAlert(closed);
        TRIAGE.sendRawAlert("pa-4", "not a bundle".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-r-marker", "pa-4", EpisodeType.PAUSE,
                Severity.URGENT, START, 40));
        awaitTask(clinicianA, "ep-r-marker", 1); // everything before it on the partition was consumed
        JsonNode history = JSON.readTree(clinicianA.get("/fhir/Task/ep-r1/_history").body());
        assertThat(history.at("/entry").size()).isEqualTo(2);
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task?_id=ep-r1").body()).at("/total").asInt()).isEqualTo(1);
        assertThat(rows("select reason from ingest_reject where topic = 'alerts'"))
                .as("the record that is not an alert is kept with its reason").singleElement().asString()
                .startsWith("not an alert Bundle");
    }

    @Test
    void aClinicianActionSurvivesALaterPipelineUpdateAndAnEscalationPutsItBackFlagged() throws Exception {
        openAlertInProgrammeA("pa-5", "ep-m1", EpisodeType.ATRIAL_FIBRILLATION, Severity.URGENT);
        assertThat(action(clinicianA, "ep-m1", "{\"action\":\"acknowledge\",\"note\":\"Calling now\"}").statusCode())
                .isEqualTo(200);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.UPDATED, "ep-m1", "pa-5", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.URGENT, START, 60));
        JsonNode afterUpdate = awaitTask(clinicianA, "ep-m1", 3);
        assertThat(afterUpdate.at("/status").asText()).as("a reminder does not undo the acknowledgement").isEqualTo("accepted");
        assertThat(afterUpdate.at("/note/0/text").asText()).isEqualTo("Calling now");
        assertThat(afterUpdate.at("/businessStatus/coding/0/code").asText()).isEqualTo("updated");

        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.ESCALATED, "ep-m1", "pa-5", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.STAT, START, 90));
        JsonNode escalated = awaitTask(clinicianA, "ep-m1", 4);
        assertThat(escalated.at("/status").asText()).isEqualTo("requested");
        assertThat(escalated.at("/priority").asText()).isEqualTo("stat");
        assertThat(escalated.toString()).contains("escalated-after-triage");
        assertThat(escalated.at("/note/0/text").asText()).isEqualTo("Calling now");
        assertThat(escalated.at("/note/1/text").asText()).contains("Escalated", "accepted by " + CLINICIAN_A);
        assertValidR4(escalated.toString());
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task?flagged=true&_id=ep-m1").body()).at("/total").asInt())
                .isEqualTo(1);
    }

    @Test
    void aBrowserSessionActsWithTheCsrfHeaderAndTheEventStreamAnnouncesNewAlertsAndActions() throws Exception {
        Http session = Http.session(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        String csrf = JSON.readTree(session.get("/session").body()).at("/csrfToken").asText();
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.HttpClient sse = java.net.http.HttpClient.newHttpClient();
        var stream = sse.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(TRIAGE.baseUrl() + "/api/events"))
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                (CLINICIAN_A + ":" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        var response = stream.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = new Thread(() -> response.body().forEach(lines::add), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(": connected"));

        TRIAGE.enrol("pb-9", PROGRAMME_B);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-s0", "pb-9", EpisodeType.PAUSE,
                Severity.STAT, START, 1));
        openAlertInProgrammeA("pa-9", "ep-s1", EpisodeType.TACHYCARDIA, Severity.URGENT);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("\"id\":\"ep-s1\"")));

        HttpResponse<String> noHeader = session.postJson("/api/tasks/ep-s1/actions", "{\"action\":\"acknowledge\"}", Map.of());
        assertThat(noHeader.statusCode()).isEqualTo(403);
        HttpResponse<String> ok = session.postJson("/api/tasks/ep-s1/actions", "{\"action\":\"acknowledge\"}",
                Map.of("X-CSRF-Token", csrf));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream()
                .anyMatch(l -> l.contains("\"id\":\"ep-s1\"") && l.contains("\"status\":\"accepted\"")));
        assertThat(lines).as("programme B's alert is not announced to a programme A clinician")
                .noneMatch(l -> l.contains("ep-s0"));
        response.body().close();
    }

    @Test
    void aRestartThatReadsTheTopicsAgainFromTheStartDuplicatesNothing() throws Exception {
        openAlertInProgrammeA("pa-6", "ep-x1", EpisodeType.BRADYCARDIA, Severity.URGENT);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.CLOSED, "ep-x1", "pa-6", EpisodeType.BRADYCARDIA,
                Severity.URGENT, START, 50));
        awaitTask(clinicianA, "ep-x1", 2);
        // both messages stored (the Task has one more version when its alert came before the patient's enrolment)
        await().atMost(Duration.ofSeconds(10)).until(() -> rows("select count(*) from alert_message where episode_id"
                + " = 'ep-x1'").get(0).equals("2"));
        assertThat(action(clinicianA, "ep-x1", "{\"action\":\"resolve\",\"outcome\":\"contacted-patient\"}")
                .statusCode()).isEqualTo(200);
        String before = clinicianA.get("/fhir/Task/ep-x1/_history").body();
        int versionsBefore = JSON.readTree(before).at("/entry").size();
        List<String> messagesBefore = rows("select count(*) from alert_message");

        TRIAGE.restartWithFullReplay("triage-test-replay");
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "ep-x-marker", "pa-6", EpisodeType.PAUSE,
                Severity.URGENT, START, 60));
        awaitTask(clinicianA, "ep-x-marker", 1); // the replay has passed every earlier record of pa-6's partition
        await().atMost(Duration.ofSeconds(30)).until(() -> Integer.parseInt(rows("select count(*) from alert_message").get(0))
                == Integer.parseInt(messagesBefore.get(0)) + 1);
        JsonNode history = JSON.readTree(clinicianA.get("/fhir/Task/ep-x1/_history").body());
        assertThat(versionsBefore).as("opened (+ its programme), closed, resolved").isBetween(3, 4);
        assertThat(history.at("/entry").size()).isEqualTo(versionsBefore);
        assertThat(JSON.readTree(clinicianA.get("/fhir/Task/ep-x1").body()).at("/status").asText()).isEqualTo("completed");
    }
}
