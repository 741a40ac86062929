package org.wardstream.triage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "Episode timeline" of an alert that reached the service late (the service restarted or was deployed, its
 * consumer lagged, or the alerts were read again after a database restore, as docs/TRIAGE-SERVICE.md "Backups" tells
 * operators to do), in real chromium against the real service.
 *
 * <p>Adversarial probe 18b, D5: the timeline dated each version by {@code meta.lastUpdated}, the time the service
 * stored it, so an alert raised at 23:34 and stored at 00:04 showed, on one card, "Raised: Sun 6 Dec, 23:34" and, in
 * the timeline, "Mon 7 Dec, 00:04: Alert opened"; an incident review read the wait as half an hour shorter. Now the
 * pipeline's versions are dated when the pipeline made them (the opening at {@code Task.authoredOn}, later ones at
 * {@code Task.lastModified}), with "(reached the worklist ...)" when stored more than 2 minutes later; clinicians'
 * actions stay at the time the service took them.
 */
class WorklistTimelineOpenedIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("timeline-opened");
    static final Duration WAIT = Chromium.WAIT;

    static WebElement card(String id) {
        return BROWSER.card(id);
    }

    @Test
    void theTimelineOpensTheAlertWhenItWasRaised() throws Exception {
        String patient = "late-p";
        String episode = "late-ep";
        // raised 30 minutes ago; it reaches the service only now (the service was being redeployed)
        TRIAGE.openRoutineAlert(patient, episode, EpisodeType.PAUSE,
                Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS), 0);

        BROWSER.signIn(TRIAGE.baseUrl(), TriageTestServer.CLINICIAN_A, episode);
        BROWSER.openTimeline(episode, "version 1");

        String card = card(episode).getText();
        java.util.regex.Matcher raised = java.util.regex.Pattern.compile("Raised\\s+(\\w{3} \\d{1,2} \\w{3}, \\d{2}:\\d{2})")
                .matcher(card);
        assertThat(raised.find()).as("the card's Raised row in: %s", card).isTrue();
        String opened = card(episode).findElements(By.cssSelector("[data-timeline-list] > li")).get(0).getText();
        assertThat(opened).as("the timeline's opening row (the card says Raised %s)", raised.group(1))
                .contains("Alert opened").contains(raised.group(1))
                .as("and says when it reached the worklist, 30 minutes later").contains("(reached the worklist ");
    }

    /**
     * Probe 18b D5 follow-up (session 19): the Task's {@code lastModified} is the later of the pipeline change's time
     * and the last note's, so an escalation made 30 minutes ago that reached the service after a clinician's note
     * was dated in the timeline at the note's time, as if the pipeline had escalated after the note. Each pipeline
     * version is now dated by its own Provenance ({@code occurred}), stored with it.
     */
    @Test
    void aLateChangeAfterANoteIsDatedWhenThePipelineMadeIt() throws Exception {
        String patient = "late-note-p";
        String episode = "late-note-ep";
        Instant start = Instant.now().minus(60, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        Http api = TRIAGE.openRoutineAlert(patient, episode, EpisodeType.TACHYCARDIA, start, 0);
        HttpResponse<String> noted = api.postJson("/api/tasks/" + episode + "/actions",
                "{\"action\":\"note\",\"note\":\"Phoned, no answer\"}", Map.of());
        assertThat(noted.statusCode()).as(noted.body()).isEqualTo(200);
        // the escalation the pipeline made 30 minutes after the start reaches the service only now, after the note
        Instant escalated = start.plus(30, ChronoUnit.MINUTES);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.ESCALATED, episode, patient, EpisodeType.TACHYCARDIA,
                Severity.URGENT, start, 30), TriageTestServer.PROGRAMME_A);
        TriageTestServer.awaitTask(api, episode, 3);

        BROWSER.signIn(TRIAGE.baseUrl(), TriageTestServer.CLINICIAN_A, episode);
        BROWSER.openTimeline(episode, "(version 3)");
        WebElement row = card(episode).findElements(By.cssSelector("[data-timeline-list] > li")).stream()
                .filter(li -> li.getText().contains("(version 3)")).findFirst().orElseThrow();
        assertThat(row.findElement(By.tagName("time")).getDomAttribute("datetime"))
                .as("the escalation's row: %s", row.getText()).isEqualTo(escalated.toString().replace("Z", ".000Z"));
        assertThat(row.getText()).contains("(reached the worklist ");
    }

    /**
     * The AF alert's record-only update when the patient's data resume after a watch-off gap with the AF still present
     * (AF rule dataGapBridge) is not a reminder: the card and its timeline show the pipeline's own words for it (the
     * Task's businessStatus display), where the page used to show its fixed "Still ongoing (reminder)" for every
     * update (session 19; the FHIR side is AlertStepTextTest in alerting).
     */
    @Test
    void aRecordOnlyUpdateWhenDataResumeIsNotShownAsAReminder() throws Exception {
        String patient = "resumed-p";
        String episode = "resumed-ep";
        TRIAGE.enrol(patient, TriageTestServer.PROGRAMME_A);
        Instant start = Instant.now().minus(60, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        AlertChange opened = TriageTestServer.change(AlertChange.Kind.OPENED, episode, patient,
                EpisodeType.ATRIAL_FIBRILLATION, Severity.ROUTINE, start, 0);
        TRIAGE.sendAlert(opened, TriageTestServer.PROGRAMME_A);
        Http api = Http.basic(TRIAGE.baseUrl(), TriageTestServer.CLINICIAN_A, TriageTestServer.PASSWORD);
        TriageTestServer.awaitTask(api, episode, 1);
        long resumedAt = start.plus(40, ChronoUnit.MINUTES).toEpochMilli();
        TRIAGE.sendAlert(new AlertChange(AlertChange.Kind.UPDATED, false, episode, patient,
                EpisodeType.ATRIAL_FIBRILLATION, Severity.ROUTINE, start.toEpochMilli(), null, resumedAt,
                AlertChange.afAfterNoData(15 * 60_000L), Map.of("irregularity", 0.18, Transition.NO_DATA_MINUTES, 15.0),
                opened.detectorVersion(), opened.ruleVersion(), 0), TriageTestServer.PROGRAMME_A);
        TriageTestServer.awaitTask(api, episode, 2);

        BROWSER.signIn(TRIAGE.baseUrl(), TriageTestServer.CLINICIAN_A, episode);
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), WAIT);
        wait.until(d -> card(episode).findElement(By.cssSelector("[data-state]")).getText().contains("data resumed"));
        assertThat(card(episode).findElement(By.cssSelector("[data-state]")).getText())
                .contains("data resumed after 15 min without data; AF still present").doesNotContain("reminder");
        BROWSER.openTimeline(episode, "(version 2)");
        WebElement row = card(episode).findElements(By.cssSelector("[data-timeline-list] > li")).stream()
                .filter(li -> li.getText().contains("(version 2)")).findFirst().orElseThrow();
        assertThat(row.getText()).contains("data resumed").doesNotContain("reminder");
    }
}
