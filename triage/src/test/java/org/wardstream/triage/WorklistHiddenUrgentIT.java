package org.wardstream.triage;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;

/**
 * A bad night: more urgent alerts nobody has acknowledged than the page shows (200). An alert a clinician resolved is
 * then escalated (routine to urgent): it is back on the worklist, flagged, and the page puts such an alert first within
 * its priority. Until session 22 the page asked the service for the first 200 alerts nobody had acknowledged by
 * priority and first raising ({@code authoredOn}), so the re-opened alert, raised after 204 older urgent ones, was not
 * among them: it was not on the page at all, nothing announced it, and the summary said only "8 not shown" without
 * saying that urgent alerts, and an escalated one, were among them. Now the page also asks for the re-opened alerts
 * ({@code flagged=true}), and says how many alerts of urgent priority or above are not shown (the service's count).
 * Routine alerts are never on the page while an urgent one is not. Real chromium, real service.
 */
class WorklistHiddenUrgentIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    static final int URGENT_WAITING = 204;
    static final int ROUTINE_WAITING = 3;
    static final Duration ONE_MINUTE = Duration.ofMinutes(1);
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("hidden-urgent");

    @Test
    void anAlertReopenedByAnEscalationIsShownFirstAndUrgentAlertsNotShownAreSaid() throws Exception {
        Http clinician = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, TriageTestServer.PASSWORD);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TRIAGE.enrol("hu-1", PROGRAMME_A);
        // urgent alerts raised one a minute, the oldest 5 h ago, the newest 97 min ago (all past their 1-h target);
        // sent newest first, so neither the order of arrival nor of the ids gives the page's order
        List<String> urgent = TRIAGE.sendOpenAlerts("hu-u-", URGENT_WAITING, "hu-1", EpisodeType.TACHYCARDIA,
                Severity.URGENT, now.minus(300, ChronoUnit.MINUTES), ONE_MINUTE, PROGRAMME_A);
        // routine alerts older than all of them: waiting longest, but of a lower priority
        TRIAGE.sendOpenAlerts("hu-r-", ROUTINE_WAITING, "hu-1", EpisodeType.INACTIVITY, Severity.ROUTINE,
                now.minus(400, ChronoUnit.MINUTES), ONE_MINUTE.negated(), PROGRAMME_A);
        // a routine pause raised 20 min ago, which a clinician resolves
        Instant pauseStart = now.minus(25, ChronoUnit.MINUTES);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "hu-x", "hu-1", EpisodeType.PAUSE,
                Severity.ROUTINE, pauseStart, 5), PROGRAMME_A);
        int total = URGENT_WAITING + ROUTINE_WAITING + 1;
        ObjectMapper json = new ObjectMapper();
        await().atMost(Duration.ofSeconds(60)).until(() -> json.readTree(clinician.get("/fhir/Task?_summary=count").body())
                .path("total").asInt() == total);
        HttpResponse<String> resolved = clinician.postJson("/api/tasks/hu-x/actions",
                "{\"action\":\"resolve\",\"outcome\":\"contacted-patient\"}", Map.of());
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);

        BROWSER.signIn(TRIAGE.baseUrl(), CLINICIAN_A, urgent.get(0));
        // the pause followed by stillness: escalated to urgent, back on the worklist (flagged) while the page is open
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.ESCALATED, "hu-x", "hu-1", EpisodeType.PAUSE,
                Severity.URGENT, pauseStart, 24), PROGRAMME_A);
        // the service has it open again, flagged, at urgent: what the page must show
        TriageTestServer.awaitTask(clinician, "hu-x", "re-opened, flagged, urgent", t -> "requested".equals(t.path("status").asText())
                && "urgent".equals(t.path("priority").asText()) && t.toString().contains("escalated-after-triage"));
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), Chromium.WAIT);
        wait.until(d -> !d.findElements(By.cssSelector("#worklist > li[data-id='hu-x'][data-escalated-after-ack='true']"))
                .isEmpty());
        wait.until(d -> d.findElement(By.id("announcer")).getText().startsWith("Escalated: urgent "));
        assertThat(BROWSER.driver().findElement(By.id("announcer")).getText())
                .contains("for patient hu-1", "back on the worklist after it was closed");

        List<String> shown = new ArrayList<>();
        for (WebElement li : BROWSER.driver().findElements(By.cssSelector("#worklist > li[data-alert]"))) {
            shown.add(li.getDomAttribute("data-id"));
        }
        List<String> expected = new ArrayList<>(List.of("hu-x")); // re-opened by the escalation: first of its priority
        expected.addAll(urgent.subList(0, 199)); // then the longest waiting
        assertThat(shown).as("the cards: the re-opened alert first, then the urgent ones longest waiting; no routine"
                + " alert while urgent ones are not shown").containsExactlyElementsOf(expected);

        int hiddenUrgent = URGENT_WAITING - 199;
        int hidden = total - 200;
        wait.until(d -> d.findElement(By.id("summary")).getText().contains("Not shown"));
        assertThat(BROWSER.driver().findElement(By.id("summary")).getText()).isEqualTo(total + " open alerts ("
                + hidden + " not shown: the page shows the 200 most urgent, oldest first; the filters narrow them): "
                + total + " waiting for acknowledgement (" + hidden + " of them not shown), 199 of those shown past the"
                + " response target. Not shown: " + hiddenUrgent + " alerts of urgent priority or above: narrow the"
                + " list by type or programme to see them.");
    }
}
