package org.wardstream.triage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One pseudonym in two programmes is two patients ("the pseudonym is issued by each programme", docs/TRIAGE-SERVICE.md
 * "Users"), seen by a clinician of both programmes (the documented example: alice, cardiac-north and cardiac-south),
 * in real chromium against the real service, and through the FHIR API.
 *
 * <p>Adversarial probe 18b, D10: the card's "Patient's earlier alerts" ({@code api.patientAlerts}) and the
 * repeated-false-AF advice ({@code api.patientAfAlerts}, the {@code afFalseAlarms} map) searched
 * {@code Task?patient.identifier=<pseudonym>} without the programme, and the advice's cache was keyed by pseudonym only:
 * for programme A's patient p-shared the card listed the alerts of programme B's p-shared, another person, as "the
 * patient's" ("Fri 4 Dec ... Possible atrial fibrillation ... Resolved (False alarm)" x3) and said "3 earlier AF alerts
 * of this patient in the last 30 days were resolved as false alarm ... raise this patient's AF onset bar", which would
 * suppress true AF alerts of a patient who never had a false alarm. Both queries now name the card's programme and the
 * cache is keyed by programme and pseudonym; the FHIR API takes {@code programme} with {@code patient.identifier} on
 * Observation as on Task.
 */
class WorklistSharedPseudonymIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("shared-pseudonym");
    static final Duration WAIT = Chromium.WAIT;

    @BeforeAll
    static void addLead() throws Exception {
        // a clinical lead of both programmes
        TRIAGE.server().users().add(LEAD, TriageUser.Role.CLINICIAN,
                Set.of(TriageTestServer.PROGRAMME_A, TriageTestServer.PROGRAMME_B), TriageTestServer.PASSWORD.toCharArray(), false);
    }

    static final String LEAD = "lead-ab";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static void signInAsLead(String awaitedCard) {
        BROWSER.signIn(TRIAGE.baseUrl(), LEAD, awaitedCard);
    }

    /** An open AF alert of programme A's {@code patient}, raised 10 minutes before {@code now}. */
    static void openAfAlert(String id, String patient, Instant now) throws Exception {
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, id, patient, EpisodeType.ATRIAL_FIBRILLATION,
                Severity.ROUTINE, now.minus(10, ChronoUnit.MINUTES), 0), TriageTestServer.PROGRAMME_A);
        TriageTestServer.awaitTask(Http.basic(TRIAGE.baseUrl(), TriageTestServer.CLINICIAN_A, TriageTestServer.PASSWORD),
                id, 1);
    }

    /** AF alerts of {@code patient} in {@code programme}, raised the given days ago, each resolved as false alarm. */
    static void falseAlarms(String patient, String programme, String clinician, Instant now, int... daysAgo) throws Exception {
        Http who = Http.basic(TRIAGE.baseUrl(), clinician, TriageTestServer.PASSWORD);
        for (int d : daysAgo) {
            String id = programme + "-" + patient + "-af-" + d;
            TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, id, patient, EpisodeType.ATRIAL_FIBRILLATION,
                    Severity.ROUTINE, now.minus(d, ChronoUnit.DAYS), 0), programme);
            TriageTestServer.awaitTask(who, id, 1);
            HttpResponse<String> r = who.postJson("/api/tasks/" + id + "/actions",
                    "{\"action\":\"resolve\",\"outcome\":\"false-alarm\"}", Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    static WebElement card(String id) {
        return BROWSER.card(id);
    }

    @Test
    void anotherProgrammesPatientWithTheSamePseudonymIsNotThisPatientsHistory() throws Exception {
        String patient = "p-shared";
        TRIAGE.enrol(patient, TriageTestServer.PROGRAMME_A);
        TRIAGE.enrol(patient, TriageTestServer.PROGRAMME_B);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // programme B's patient p-shared: three AF alerts in the last week, each resolved as false alarm
        falseAlarms(patient, TriageTestServer.PROGRAMME_B, TriageTestServer.CLINICIAN_B, now, 3, 4, 5);
        // programme A's patient p-shared (another person): a first AF alert, open
        String open = "a-af-open";
        openAfAlert(open, patient, now);
        signInAsLead(open);
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), WAIT);
        card(open).findElement(By.cssSelector("[data-earlier] > summary")).click();
        wait.until(d -> !card(open).findElement(By.cssSelector("[data-earlier-list]")).getText().startsWith("Loading"));
        String earlier = card(open).findElement(By.cssSelector("[data-earlier-list]")).getText();
        String advice = card(open).findElement(By.cssSelector("[data-af-advice]")).getAttribute("textContent");
        assertThat(earlier).as("programme %s's patient %s: \"Patient's earlier alerts\" (AF advice on the card: %s)",
                TriageTestServer.PROGRAMME_A, patient, advice.isBlank() ? "none" : advice)
                .contains("No earlier alerts for this patient");
    }

    @Test
    void theAfAdviceCountsOnlyThisProgrammesPatientsFalseAlarms() throws Exception {
        String patient = "p-shared-af";
        TRIAGE.enrol(patient, TriageTestServer.PROGRAMME_A);
        TRIAGE.enrol(patient, TriageTestServer.PROGRAMME_B);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // programme A's patient: two earlier AF alerts resolved as false alarm (the advice's threshold);
        // programme B's patient with the same pseudonym (another person): three
        falseAlarms(patient, TriageTestServer.PROGRAMME_A, TriageTestServer.CLINICIAN_A, now, 6, 7);
        falseAlarms(patient, TriageTestServer.PROGRAMME_B, TriageTestServer.CLINICIAN_B, now, 3, 4, 5);
        String open = "a-af-open-2";
        openAfAlert(open, patient, now);
        signInAsLead(open);
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), WAIT);
        wait.until(d -> card(open).findElement(By.cssSelector("[data-af-advice]")).isDisplayed());
        assertThat(card(open).findElement(By.cssSelector("[data-af-advice]")).getText())
                .as("the AF advice on programme %s's patient %s", TriageTestServer.PROGRAMME_A, patient)
                .startsWith("2 earlier AF alerts of this patient");
        card(open).findElement(By.cssSelector("[data-earlier] > summary")).click();
        wait.until(d -> !card(open).findElement(By.cssSelector("[data-earlier-list]")).getText().startsWith("Loading"));
        assertThat(card(open).findElements(By.cssSelector("[data-earlier-list] > li")))
                .as("programme %s's patient's earlier alerts", TriageTestServer.PROGRAMME_A).hasSize(2);
    }

    @Test
    void theFhirApiServesOneProgrammesPatientWhenTheProgrammeIsGiven() throws Exception {
        String patient = "p-shared-fhir";
        TRIAGE.enrol(patient, TriageTestServer.PROGRAMME_A);
        TRIAGE.enrol(patient, TriageTestServer.PROGRAMME_B);
        Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "fhir-a", patient, EpisodeType.PAUSE,
                Severity.ROUTINE, start, 0), TriageTestServer.PROGRAMME_A);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "fhir-b", patient, EpisodeType.PAUSE,
                Severity.ROUTINE, start, 0), TriageTestServer.PROGRAMME_B);
        Http lead = Http.basic(TRIAGE.baseUrl(), LEAD, TriageTestServer.PASSWORD);
        TriageTestServer.awaitTask(lead, "fhir-a", 1);
        TriageTestServer.awaitTask(lead, "fhir-b", 1);
        String who = "patient.identifier=https://wardstream.org/fhir/Id/patient-pseudonym%7C" + patient;

        // the pseudonym alone spans the programmes the user may see (documented: two patients)
        assertThat(ids("/fhir/Task?" + who, lead)).containsExactlyInAnyOrder("fhir-a", "fhir-b");
        assertThat(ids("/fhir/Task?" + who + "&programme=" + TriageTestServer.PROGRAMME_A, lead)).containsExactly("fhir-a");
        assertThat(ids("/fhir/Observation?" + who + "&programme=" + TriageTestServer.PROGRAMME_A, lead))
                .as("Observation search with programme").containsExactly("fhir-a");
        assertThat(ids("/fhir/Observation?subject.identifier=" + patient + "&programme=" + TriageTestServer.PROGRAMME_B, lead))
                .containsExactly("fhir-b");
        assertThat(ids("/fhir/Observation?subject.identifier=" + patient + "&patient.identifier=someone-else", lead))
                .as("subject and patient given together: both apply").isEmpty();
    }

    private static List<String> ids(String path, Http who) throws Exception {
        HttpResponse<String> r = who.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        List<String> out = new java.util.ArrayList<>();
        JSON.readTree(r.body()).path("entry").forEach(e -> out.add(e.at("/resource/id").asText()));
        return out;
    }
}
