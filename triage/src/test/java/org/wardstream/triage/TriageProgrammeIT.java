package org.wardstream.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.triage.TriageTestServer.ADMIN;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_B;
import static org.wardstream.triage.TriageTestServer.PASSWORD;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_B;
import static org.wardstream.triage.TriageTestServer.VIEWER_A;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.EpisodeIds;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.signals.WearActivityTracker;

/**
 * A pseudonym is issued by a programme, so the same pseudonym in two programmes is two patients. Each alert is filed
 * under the programme its message names (the meta.tag the job writes), whatever the enrolments say; the enrolments,
 * one per programme and pseudonym, are only the fallback for messages of releases before the tag, and only when the
 * pseudonym is in one programme. A user of one programme never sees the other's patient (adversarial probe 16a, D6:
 * two programmes' "p000001" got identical alerts, the second dropped as a replay, the first filed under the programme
 * that enrolled "p000001" last).
 */
class TriageProgrammeIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two patients "p000001" lying still since 06:00: each one's inactivity episode starts at 08:00, raised at 11:00. */
    private static final Instant START = Instant.parse("2026-03-04T08:00:00Z");
    private static final String P = "p000001";

    private static Http clinicianA, clinicianB, viewerA, admin;

    @BeforeAll
    static void setUp() {
        clinicianA = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        clinicianB = Http.basic(TRIAGE.baseUrl(), CLINICIAN_B, PASSWORD);
        viewerA = Http.basic(TRIAGE.baseUrl(), VIEWER_A, PASSWORD);
        admin = Http.basic(TRIAGE.baseUrl(), ADMIN, PASSWORD);
    }

    private static String inactivityId(String programme, String patient) {
        return EpisodeIds.of(programme, patient, EpisodeType.INACTIVITY, WearActivityTracker.DETECTOR_VERSION,
                START.toEpochMilli());
    }

    private static AlertChange opened(String id, String patient) {
        return TriageTestServer.change(AlertChange.Kind.OPENED, id, patient, EpisodeType.INACTIVITY, Severity.ROUTINE,
                START, 180);
    }

    private static List<String> taskIds(Http who, String query) throws Exception {
        HttpResponse<String> r = who.get("/fhir/Task?" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode e : JSON.readTree(r.body()).path("entry")) ids.add(e.at("/resource/id").asText());
        return ids;
    }

    private static String programmeOf(JsonNode task) {
        for (JsonNode x : task.path("extension")) {
            if (x.path("url").asText().equals("https://wardstream.org/fhir/StructureDefinition/programme")) {
                return x.path("valueString").asText();
            }
        }
        return null;
    }

    private static void awaitEnrolments(String patient, int programmes) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                TRIAGE.rows("select programme from enrolment where patient = '" + patient + "'")).hasSize(programmes));
    }

    @Test
    void eachProgrammeSeesExactlyItsOwnPatientsTaskForOnePseudonymAndOneEpisodeStart() throws Exception {
        // both programmes enrol "p000001"; B's enrolment is the latest (V1 filed every alert of the pseudonym under it)
        TRIAGE.enrol(P, PROGRAMME_A);
        TRIAGE.enrol(P, PROGRAMME_B);
        awaitEnrolments(P, 2);
        String idA = inactivityId(PROGRAMME_A, P), idB = inactivityId(PROGRAMME_B, P);
        assertThat(idA).isNotEqualTo(idB);
        TRIAGE.sendAlert(opened(idA, P), PROGRAMME_A);
        TRIAGE.sendAlert(opened(idB, P), PROGRAMME_B);

        JsonNode taskA = TriageTestServer.awaitTask(clinicianA, idA, 1);
        JsonNode taskB = TriageTestServer.awaitTask(clinicianB, idB, 1);
        assertThat(programmeOf(taskA)).isEqualTo(PROGRAMME_A);
        assertThat(programmeOf(taskB)).isEqualTo(PROGRAMME_B);
        assertThat(taskA.at("/for/identifier/value").asText()).isEqualTo(taskB.at("/for/identifier/value").asText())
                .isEqualTo(P);

        // each programme's users see exactly their own patient's Task, Observation and Provenance
        String byPatient = "patient.identifier=" + P;
        assertThat(taskIds(clinicianA, byPatient)).containsExactly(idA);
        assertThat(taskIds(viewerA, byPatient)).containsExactly(idA);
        assertThat(taskIds(clinicianB, byPatient)).containsExactly(idB);
        assertThat(taskIds(clinicianA, "status=requested,accepted,in-progress&_sort=-priority,authored-on"))
                .contains(idA).doesNotContain(idB);
        assertThat(taskIds(clinicianB, "status=requested,accepted,in-progress&_sort=-priority,authored-on"))
                .contains(idB).doesNotContain(idA);
        assertThat(taskIds(admin, byPatient)).containsExactlyInAnyOrder(idA, idB);
        for (String type : List.of("Task", "Observation")) {
            assertThat(clinicianA.get("/fhir/" + type + "/" + idB).statusCode()).as(type).isEqualTo(404);
            assertThat(viewerA.get("/fhir/" + type + "/" + idB).statusCode()).as(type).isEqualTo(404);
            assertThat(clinicianB.get("/fhir/" + type + "/" + idA).statusCode()).as(type).isEqualTo(404);
            assertThat(clinicianA.get("/fhir/" + type + "/" + idA).statusCode()).as(type).isEqualTo(200);
            assertThat(clinicianB.get("/fhir/" + type + "/" + idB).statusCode()).as(type).isEqualTo(200);
        }
        HttpResponse<String> provenance = clinicianA.get("/fhir/Provenance?target=Task/" + idB);
        assertThat(provenance.statusCode()).isIn(200, 404);
        if (provenance.statusCode() == 200) assertThat(JSON.readTree(provenance.body()).path("entry")).isEmpty();
        // and acts only on its own
        assertThat(clinicianA.postJson("/api/tasks/" + idB + "/actions", "{\"action\":\"acknowledge\"}", Map.of())
                .statusCode()).isEqualTo(404);
        assertThat(clinicianB.postJson("/api/tasks/" + idB + "/actions", "{\"action\":\"acknowledge\"}", Map.of())
                .statusCode()).isEqualTo(200);
        // both alerts stored: neither taken for a replay of the other
        assertThat(TRIAGE.rows("select count(*) from alert_message where patient = '" + P + "'")).containsExactly("2");
    }

    @Test
    void aMessageWithoutAProgrammeFallsBackToTheEnrolmentOnlyWhenThePseudonymIsInOneProgramme() throws Exception {
        // a message of a release before the programme was in it (no tag, pseudonym-only id)
        TRIAGE.enrol("p-legacy-1", PROGRAMME_A);
        awaitEnrolments("p-legacy-1", 1);
        TRIAGE.sendAlert(opened("legacy-one", "p-legacy-1"));
        JsonNode one = TriageTestServer.awaitTask(clinicianA, "legacy-one", 1);
        assertThat(programmeOf(one)).isEqualTo(PROGRAMME_A);
        assertThat(clinicianB.get("/fhir/Task/legacy-one").statusCode()).isEqualTo(404);

        // the pseudonym in two programmes: whose patient it is cannot be told, so administrators only
        TRIAGE.enrol("p-legacy-2", PROGRAMME_A);
        TRIAGE.enrol("p-legacy-2", PROGRAMME_B);
        awaitEnrolments("p-legacy-2", 2);
        TRIAGE.sendAlert(opened("legacy-two", "p-legacy-2"));
        JsonNode two = TriageTestServer.awaitTask(admin, "legacy-two", 1);
        assertThat(programmeOf(two)).isNull();
        assertThat(clinicianA.get("/fhir/Task/legacy-two").statusCode()).isEqualTo(404);
        assertThat(clinicianB.get("/fhir/Task/legacy-two").statusCode()).isEqualTo(404);
    }

    @Test
    void aMessageNamingAnotherProgrammeThanItsEpisodesStoredTaskIsRejectedNotRefiled() throws Exception {
        // only episode ids from before the programme was part of them can collide: kept apart, never merged
        TRIAGE.sendAlert(opened("old-scheme-id", "p-collide"), PROGRAMME_A);
        TriageTestServer.awaitTask(clinicianA, "old-scheme-id", 1);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.CLOSED, "old-scheme-id", "p-collide",
                EpisodeType.INACTIVITY, Severity.ROUTINE, START, 240), PROGRAMME_B);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                TRIAGE.rows("select reason from ingest_reject where topic = 'alerts'"))
                .anySatisfy(r -> assertThat(r).contains("programme").contains("old-scheme-id")));
        JsonNode task = TriageTestServer.awaitTask(clinicianA, "old-scheme-id", 1);
        assertThat(programmeOf(task)).isEqualTo(PROGRAMME_A);
        assertThat(task.at("/meta/versionId").asInt()).isEqualTo(1);
        assertThat(clinicianB.get("/fhir/Task/old-scheme-id").statusCode()).isEqualTo(404);
    }
}
