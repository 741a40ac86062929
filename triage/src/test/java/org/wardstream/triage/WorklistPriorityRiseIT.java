package org.wardstream.triage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;

/**
 * An alert a clinician resolved whose priority then rose, through a change other than the escalation itself: the
 * detection job's ESCALATED (urgent to immediate) was overtaken by the UPDATED after it, which carries the immediate
 * priority (docs/TRIAGE-SERVICE.md "Arrival order does not matter"). The alert comes back to the open worklist page,
 * flagged, and the screen reader is told, as for an escalation in order. Until session 21 the update raised the
 * priority of the resolved Task without re-opening it (only an ESCALATED re-opened) and the escalation, arriving after
 * it, raised nothing: the alert stayed off the worklist. And an alert re-opened after it had left the page (resolved)
 * came back unannounced even by an ESCALATED: the page announced only escalations of alerts it was showing. Real
 * chromium, real service.
 */
class WorklistPriorityRiseIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("priority-rise");

    @Test
    void aResolvedAlertWhosePriorityRoseIsBackOnTheOpenPageFlaggedAndAnnounced() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(70, ChronoUnit.MINUTES);
        openAndResolveOnTheOpenPage("pr-1", "pr-af", EpisodeType.ATRIAL_FIBRILLATION, Severity.URGENT, start);
        // the escalation to immediate (minute 40) is overtaken by the update after it (minute 60), at immediate
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.UPDATED, "pr-af", "pr-1", EpisodeType.ATRIAL_FIBRILLATION,
                Severity.STAT, start, 60), PROGRAMME_A);
        awaitBackAndAnnounced("pr-af", "pr-1", "Immediate");
    }

    /** The escalation itself, in order, of an alert resolved on the open page: back on the page and announced. */
    @Test
    void aResolvedAlertEscalatedInOrderIsAnnouncedWhenItComesBack() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(30, ChronoUnit.MINUTES);
        openAndResolveOnTheOpenPage("pr-2", "pr-pause", EpisodeType.PAUSE, Severity.ROUTINE, start);
        // a pause followed by stillness: escalated to urgent
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.ESCALATED, "pr-pause", "pr-2", EpisodeType.PAUSE,
                Severity.URGENT, start, 5), PROGRAMME_A);
        awaitBackAndAnnounced("pr-pause", "pr-2", "Urgent");
    }

    /** Raises alert {@code id}, shows it on the worklist page and resolves it (it leaves the page). */
    private static void openAndResolveOnTheOpenPage(String patient, String id, EpisodeType type, Severity severity,
                                                    Instant start) throws Exception {
        Http clinician = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, TriageTestServer.PASSWORD);
        TRIAGE.enrol(patient, PROGRAMME_A);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, id, patient, type, severity, start, 1), PROGRAMME_A);
        TriageTestServer.awaitTask(clinician, id, 1);
        BROWSER.signIn(TRIAGE.baseUrl(), CLINICIAN_A, id);
        HttpResponse<String> resolved = clinician.postJson("/api/tasks/" + id + "/actions",
                "{\"action\":\"resolve\",\"outcome\":\"contacted-patient\"}", Map.of());
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        new WebDriverWait(BROWSER.driver(), Chromium.WAIT).until(d -> d.findElements(
                By.cssSelector("#worklist > li[data-id='" + id + "']")).isEmpty());
    }

    /** The card of {@code id} is back, flagged, at {@code priority}, and the screen reader was told. */
    private static void awaitBackAndAnnounced(String id, String patient, String priority) {
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), Chromium.WAIT);
        wait.until(d -> !d.findElements(By.cssSelector("#worklist > li[data-id='" + id + "'][data-escalated-after-ack='true']"))
                .isEmpty());
        assertThat(BROWSER.card(id).findElement(By.cssSelector("[data-priority]")).getText()).isEqualTo(priority);
        String said = "Escalated: " + priority.toLowerCase(java.util.Locale.ROOT) + " ";
        wait.until(d -> d.findElement(By.id("announcer")).getText().startsWith(said));
        assertThat(BROWSER.driver().findElement(By.id("announcer")).getText())
                .contains("for patient " + patient, "back on the worklist after it was closed");
    }
}
