package org.wardstream.triage;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Adversarial probe 20b, D5: a busy programme's worklist. The page asks for the first 200 open Tasks by
 * {@code _sort=-priority,authored-on} (most urgent, then OLDEST first) and then orders them itself: within a priority,
 * alerts nobody has acknowledged come before acknowledged ones (docs/TRIAGE.md "Order"). With more than 200 open
 * alerts of one priority (device-offline alerts acknowledged and waiting for patients to charge their watches pile up
 * as routine), the 200 oldest are served, acknowledged or not, and a NEW alert nobody has seen is not on the page at
 * all: not shown, not announced, while the summary says "(the 200 most urgent of 201 are shown ...)". Real chromium,
 * real service.
 */
class Probe20bWorklistBacklogIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("probe20b-backlog");
    static final String PROGRAMME = "backlog-p";
    static final String LEAD = "backlog-lead";
    static final int ACKNOWLEDGED = 200;

    @BeforeAll
    static void setUp() throws Exception {
        TRIAGE.server().users().add(LEAD, TriageUser.Role.CLINICIAN, Set.of(PROGRAMME),
                TriageTestServer.PASSWORD.toCharArray(), false);
    }

    @Test
    void aNewAlertIsShownAheadOfAlertsAlreadyAcknowledged() throws Exception {
        Http lead = Http.basic(TRIAGE.baseUrl(), LEAD, TriageTestServer.PASSWORD);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // 200 device-offline alerts of the last days, each acknowledged (waiting for the patient to charge the watch)
        for (int i = 0; i < ACKNOWLEDGED; i++) {
            String patient = "bl-" + i;
            TRIAGE.enrol(patient, PROGRAMME);
            TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "bl-off-" + i, patient,
                    EpisodeType.DEVICE_OFFLINE, Severity.ROUTINE, now.minus(3, ChronoUnit.DAYS).plusSeconds(60L * i), 0),
                    PROGRAMME);
        }
        ObjectMapper json = new ObjectMapper();
        await().atMost(Duration.ofSeconds(60)).until(() -> json.readTree(lead.get("/fhir/Task?_summary=count").body())
                .path("total").asInt() == ACKNOWLEDGED);
        for (int i = 0; i < ACKNOWLEDGED; i++) {
            HttpResponse<String> r = lead.postJson("/api/tasks/bl-off-" + i + "/actions", "{\"action\":\"acknowledge\"}", Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        // a new AF alert (routine), raised 5 minutes ago: nobody has seen it
        TRIAGE.enrol("bl-new", PROGRAMME);
        String fresh = "bl-af-new";
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, fresh, "bl-new", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.ROUTINE, now.minus(5, ChronoUnit.MINUTES), 0), PROGRAMME);
        TriageTestServer.awaitTask(lead, fresh, 1);

        BROWSER.signIn(TRIAGE.baseUrl(), LEAD, "bl-off-0");
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), Chromium.WAIT);
        wait.until(d -> d.findElement(By.id("summary")).getText().contains("201"));
        String summary = BROWSER.driver().findElement(By.id("summary")).getText();
        assertThat(BROWSER.driver().findElements(By.cssSelector("#worklist > li[data-id='" + fresh + "']")))
                .as("the card of the new, unacknowledged AF alert (summary: \"%s\"; cards shown: %d)", summary,
                        BROWSER.driver().findElements(By.cssSelector("#worklist > li[data-alert]")).size())
                .hasSize(1);
        assertThat(BROWSER.driver().findElement(By.cssSelector("#worklist > li[data-alert]")).getDomAttribute("data-id"))
                .as("the first card: within one priority, the alert nobody has acknowledged comes first").isEqualTo(fresh);
    }
}
