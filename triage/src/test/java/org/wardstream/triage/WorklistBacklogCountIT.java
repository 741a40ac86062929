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
 * More alerts open than the page shows (200), most of them nobody has acknowledged: the page shows the most urgent
 * first and, within a priority, the longest waiting first; the summary says how many are not shown and how many of
 * those nobody has acknowledged, from the service's counts (Bundle.total of the page's two searches), not from the cards
 * it holds. Until session 21 it said only "(the 200 most urgent of 210 are shown ...): 200 of those shown waiting for
 * acknowledgement", so the 7 newer alerts nobody had seen were counted nowhere. Real chromium, real service.
 */
class WorklistBacklogCountIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    static final int ROUTINE_WAITING = 205;
    static final int ROUTINE_ACKNOWLEDGED = 3;
    static final int URGENT_WAITING = 2;
    static final Duration ONE_MINUTE = Duration.ofMinutes(1);
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("backlog-count");

    @Test
    void theSummaryCountsTheAlertsNotShownAndThePageShowsTheMostUrgentLongestWaitingFirst() throws Exception {
        Http clinician = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, TriageTestServer.PASSWORD);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TRIAGE.enrol("bk-1", PROGRAMME_A);
        // routine alerts raised one a minute, the oldest 9 h ago (all past their 4-h target), none acknowledged; sent
        // newest first, so neither the order of arrival nor of the ids gives the page's order
        List<String> routine = TRIAGE.sendOpenAlerts("bk-r-", ROUTINE_WAITING, "bk-1", EpisodeType.INACTIVITY,
                Severity.ROUTINE, now.minus(540, ChronoUnit.MINUTES), ONE_MINUTE, PROGRAMME_A);
        // three routine alerts older still, acknowledged: open, taken
        List<String> taken = TRIAGE.sendOpenAlerts("bk-a-", ROUTINE_ACKNOWLEDGED, "bk-1", EpisodeType.DEVICE_OFFLINE,
                Severity.ROUTINE, now.minus(600, ChronoUnit.MINUTES), ONE_MINUTE.negated(), PROGRAMME_A);
        // two urgent alerts, raised minutes ago: shown first
        List<String> urgent = TRIAGE.sendOpenAlerts("bk-u-", URGENT_WAITING, "bk-1", EpisodeType.TACHYCARDIA,
                Severity.URGENT, now.minus(10, ChronoUnit.MINUTES), ONE_MINUTE, PROGRAMME_A);
        int total = ROUTINE_WAITING + ROUTINE_ACKNOWLEDGED + URGENT_WAITING;
        ObjectMapper json = new ObjectMapper();
        await().atMost(Duration.ofSeconds(60)).until(() -> json.readTree(clinician.get("/fhir/Task?_summary=count").body())
                .path("total").asInt() == total);
        for (String id : taken) {
            HttpResponse<String> r = clinician.postJson("/api/tasks/" + id + "/actions", "{\"action\":\"acknowledge\"}", Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }

        BROWSER.signIn(TRIAGE.baseUrl(), CLINICIAN_A, urgent.get(0));
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), Chromium.WAIT);
        wait.until(d -> d.findElement(By.id("summary")).getText().startsWith(total + " open alerts"));
        int shownRoutine = 200 - URGENT_WAITING;
        int hiddenWaiting = ROUTINE_WAITING - shownRoutine;
        assertThat(BROWSER.driver().findElement(By.id("summary")).getText()).isEqualTo(total + " open alerts ("
                + (total - 200) + " not shown: the page shows the 200 most urgent, oldest first; the filters narrow them): "
                + (ROUTINE_WAITING + URGENT_WAITING) + " waiting for acknowledgement (" + hiddenWaiting + " of them not shown), "
                + shownRoutine + " of those shown past the response target.");

        List<String> shown = new ArrayList<>();
        for (WebElement li : BROWSER.driver().findElements(By.cssSelector("#worklist > li[data-alert]"))) shown.add(li.getDomAttribute("data-id"));
        List<String> expected = new ArrayList<>(urgent); // urgent, the longer waiting first
        expected.addAll(routine.subList(0, shownRoutine)); // routine, the longest waiting first
        assertThat(shown).as("the cards: most urgent first, then the longest waiting; the newest routine alerts and the"
                + " acknowledged ones are those not shown").containsExactlyElementsOf(expected);
    }
}
