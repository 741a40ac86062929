package org.wardstream.triage;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.PASSWORD;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;

/**
 * Adversarial probe 20b: a triage clinician's day on the worklist, in real chromium against the real service (Kafka,
 * PostgreSQL): handing an alert over to the next shift, and reading a patient's history.
 */
class Probe20bWorklistDayIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("probe20b-day");
    static Http api;

    @BeforeAll
    static void signInToTheApi() throws Exception {
        api = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
    }

    static void open(String id, String patient, EpisodeType type, Instant raised) throws Exception {
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, id, patient, type, Severity.ROUTINE, raised, 0),
                PROGRAMME_A);
        TriageTestServer.awaitTask(api, id, 1);
    }

    static void act(String id, String body) throws Exception {
        HttpResponse<String> r = api.postJson("/api/tasks/" + id + "/actions", body, Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /**
     * D3 (handover): a clinician acknowledged an alert, phoned the patient, got no answer, and goes off shift. The
     * next clinician must read "Phoned 09:10, no answer; try again after 11:00" on the alert. The API has the action
     * ({@code {"action": "note"}}, any status, INTERFACE.md) but the card's only note field belongs to Resolve: the
     * only way to leave the note on the worklist is to resolve the alert (taking it off the worklist, with an outcome
     * that is not true yet). A note typed on an open alert is never saved.
     */
    @Test
    void aNoteCanBeLeftOnAnAcknowledgedAlertWithoutResolvingIt() throws Exception {
        String id = "day-handover";
        open(id, "pd-1", EpisodeType.TACHYCARDIA, Instant.now().minus(20, ChronoUnit.MINUTES));
        BROWSER.signIn(TRIAGE.baseUrl(), CLINICIAN_A, id);
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), Chromium.WAIT);
        BROWSER.card(id).findElement(By.cssSelector("[data-ack-button]")).click();
        wait.until(d -> "accepted".equals(BROWSER.card(id).getDomAttribute("data-status")));
        WebElement card = BROWSER.card(id);
        String handover = "Phoned 09:10, no answer; try again after 11:00";
        card.findElement(By.cssSelector("[data-note]")).sendKeys(handover);
        List<WebElement> saveNote = card.findElements(By.tagName("button")).stream()
                .filter(WebElement::isDisplayed)
                .filter(b -> b.getText().toLowerCase().contains("note"))
                .toList();
        assertThat(saveNote).as("buttons of the acknowledged alert's card that save a note without resolving it "
                + "(the card's buttons: %s)", card.findElements(By.tagName("button")).stream()
                .filter(WebElement::isDisplayed).map(WebElement::getText).toList()).isNotEmpty();
        saveNote.get(0).click();
        JsonNode t = TriageTestServer.awaitTask(api, id, "the handover note", task -> task.path("note").toString().contains(handover));
        assertThat(t.path("status").asText()).as("the alert stays open").isEqualTo("accepted");
    }

    /** Control: the service keeps a note on an acknowledged alert and leaves it open (the API the page could call). */
    @Test
    void control_theApiKeepsANoteOnAnOpenAlert() throws Exception {
        String id = "day-note-api";
        open(id, "pd-2", EpisodeType.PAUSE, Instant.now().minus(5, ChronoUnit.MINUTES));
        act(id, "{\"action\":\"acknowledge\"}");
        act(id, "{\"action\":\"note\",\"note\":\"Phoned, no answer\"}");
        JsonNode t = TriageTestServer.awaitTask(api, id, 3);
        assertThat(t.path("status").asText()).isEqualTo("accepted");
        assertThat(t.path("note").toString()).contains("Phoned, no answer");
    }

    /**
     * D4: "Patient's earlier alerts" dates each alert by weekday, day, month and time only ("Mon 8 Dec, 10:00 GMT"):
     * a patient monitored for more than a year (long-term cardiac monitoring) has last year's false alarm shown as if
     * it were from this week. Every time on the page has no year (the card's Raised, the timeline, the evidence).
     */
    @Test
    void anEarlierAlertFromLastYearSaysWhichYear() throws Exception {
        String patient = "pd-3";
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant lastYear = now.minus(364, ChronoUnit.DAYS);
        String old = "day-last-year";
        open(old, patient, EpisodeType.ATRIAL_FIBRILLATION, lastYear);
        act(old, "{\"action\":\"resolve\",\"outcome\":\"false-alarm\"}");
        String id = "day-this-year";
        open(id, patient, EpisodeType.ATRIAL_FIBRILLATION, now.minus(10, ChronoUnit.MINUTES));
        BROWSER.signIn(TRIAGE.baseUrl(), CLINICIAN_A, id);
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), Chromium.WAIT);
        BROWSER.card(id).findElement(By.cssSelector("[data-earlier] > summary")).click();
        wait.until(d -> !BROWSER.card(id).findElement(By.cssSelector("[data-earlier-list]")).getText()
                .startsWith("Loading"));
        List<WebElement> rows = BROWSER.card(id).findElements(By.cssSelector("[data-earlier-list] > li"));
        assertThat(rows).as("the patient's earlier alerts").hasSize(1);
        WebElement time = rows.get(0).findElement(By.tagName("time"));
        // control inside the test: the page holds the right instant; only what it shows is in question
        assertThat(time.getDomAttribute("datetime")).startsWith(lastYear.toString().substring(0, 10));
        String year = lastYear.toString().substring(0, 4);
        assertThat(rows.get(0).getText()).as("the row of an alert raised on %s (364 days ago)", lastYear)
                .contains(year);
    }
}
