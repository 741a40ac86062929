package org.wardstream.triage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.wardstream.alerting.AlertContext;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.PASSWORD;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;

/**
 * The card's description gives the episode's times as the page gives every time (noticed by adversarial probe 20b,
 * fixed in polish 20): the pipeline writes "Started 1 Jul 2026 10:00 UTC" while the card's Raised says "Wed 1 Jul,
 * 11:00 BST", and *Show times in UTC* changed only the latter. Real chromium in the UK's zone, in summer (BST).
 */
class WorklistDescriptionTimesIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("description-times");
    static final Instant START = Instant.parse("2026-07-01T10:00:00Z");
    static String pipelineText;

    @BeforeAll
    static void feedAndShowTimesInLondon() throws Exception {
        Http api = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "desc-utc", "pt-1", EpisodeType.PAUSE,
                Severity.ROUTINE, START, 0), PROGRAMME_A);
        // a patient in another zone: the pipeline gives the patient's local time beside UTC
        AlertChange far = TriageTestServer.change(AlertChange.Kind.OPENED, "desc-zone", "pt-2", EpisodeType.PAUSE,
                Severity.ROUTINE, START, 0);
        TRIAGE.sendRawAlert("pt-2", FhirAlerts.toJson(far, AlertContext.NONE.inZone("Asia/Kolkata")
                .inProgramme(PROGRAMME_A)).getBytes(StandardCharsets.UTF_8));
        TriageTestServer.awaitTask(api, "desc-utc", 1);
        TriageTestServer.awaitTask(api, "desc-zone", 1);
        pipelineText = TriageTestServer.awaitTask(api, "desc-utc", 1).path("description").asText();
        assertThat(pipelineText).as("the pipeline's text (control)").contains("Started 1 Jul 2026 10:00 UTC.");
        assertThat(TriageTestServer.awaitTask(api, "desc-zone", 1).path("description").asText())
                .as("the pipeline's text (control)").contains("Started 1 Jul 2026 15:30 Asia/Kolkata (10:00 UTC).");
        BROWSER.driver().executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Europe/London"));
    }

    private static String description(String id) {
        return BROWSER.card(id).findElement(By.cssSelector("[data-description]")).getAttribute("textContent");
    }

    @Test
    void theDescriptionsTimesAreInTheZoneThePageShowsAndFollowTheUtcToggle() {
        BROWSER.signIn(TRIAGE.baseUrl(), CLINICIAN_A, "desc-utc");
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), Chromium.WAIT);
        wait.until(d -> description("desc-utc").contains("Started Wed 1 Jul, 11:00 BST."));
        assertThat(description("desc-utc")).as("the card's description: the pipeline's words, its time as the page's")
                .isEqualTo(pipelineText.replace("1 Jul 2026 10:00 UTC", "Wed 1 Jul, 11:00 BST"));
        assertThat(BROWSER.card("desc-utc").getText()).as("the card's Raised time, the same zone")
                .contains("11:00 BST");
        wait.until(d -> description("desc-zone").contains("Started Wed 1 Jul, 11:00 BST"
                + " (the patient's local time: 1 Jul 2026 15:30 Asia/Kolkata)."));
        assertThat(description("desc-zone")).doesNotContain("10:00 UTC");

        BROWSER.driver().findElement(By.id("show-utc")).click();
        wait.until(d -> description("desc-utc").contains("Started Wed 1 Jul, 10:00 UTC."));
        assertThat(description("desc-utc")).doesNotContain("BST");
        assertThat(description("desc-zone")).contains("Started Wed 1 Jul, 10:00 UTC (the patient's local time:"
                + " 1 Jul 2026 15:30 Asia/Kolkata).");
        BROWSER.driver().findElement(By.id("show-utc")).click();
        wait.until(d -> description("desc-utc").contains("Started Wed 1 Jul, 11:00 BST."));
    }
}
