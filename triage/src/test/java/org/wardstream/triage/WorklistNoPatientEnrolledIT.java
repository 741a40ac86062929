package org.wardstream.triage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worklist of a clinician whose programme nobody is enrolled in yet, in real chromium against the real service
 * (session 19). It said "0 open alerts ...: 0 waiting for acknowledgement", exactly what a quiet day says, while no
 * alert could ever arrive (a new programme before its first patient, or a programme code the enrolment system spells
 * differently): the alerts of the patients the clinician thinks they watch wait for nobody. It now says that no
 * patient is enrolled in the programme, and goes back to counting alerts once one is.
 */
class WorklistNoPatientEnrolledIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("no-patient");

    /** Signs {@code user} in and returns the worklist's summary once the first load has written it. */
    static String signedInSummary(String user) {
        BROWSER.driver().manage().deleteAllCookies();
        BROWSER.driver().get(TRIAGE.baseUrl() + "/login?next=/");
        BROWSER.driver().findElement(By.id("username")).sendKeys(user);
        BROWSER.driver().findElement(By.id("password")).sendKeys(TriageTestServer.PASSWORD);
        BROWSER.driver().findElement(By.cssSelector("form button, form [type=submit]")).click();
        new WebDriverWait(BROWSER.driver(), Chromium.WAIT).until(d -> d.getCurrentUrl().endsWith("/")
                && !d.findElement(By.id("summary")).getText().startsWith("Loading"));
        return BROWSER.driver().findElement(By.id("summary")).getText();
    }

    @Test
    void aProgrammeWithoutPatientsIsSaidNotShownAsAQuietDay() throws Exception {
        // programme A has a patient (no alert today); programme B has none yet
        TRIAGE.enrol("quiet-p", TriageTestServer.PROGRAMME_A);
        org.awaitility.Awaitility.await().atMost(Chromium.WAIT).until(() ->
                !TRIAGE.rows("select patient from enrolment where programme = ?", TriageTestServer.PROGRAMME_A).isEmpty());

        assertThat(signedInSummary(TriageTestServer.CLINICIAN_B)).isEqualTo("No patient is enrolled in your programme "
                + TriageTestServer.PROGRAMME_B + " yet, so no alert can arrive: this is not a quiet day. Alerts appear"
                + " here once a patient is enrolled; if you expected patients, ask the service's administrator to check"
                + " your programmes.");
        assertThat(BROWSER.driver().findElement(By.id("empty")).getText())
                .isEqualTo("No patient is enrolled in your programme " + TriageTestServer.PROGRAMME_B + " yet.");

        // the enrolment system enrols the programme's first patient: the open page counts alerts again (its next
        // refresh), a quiet day now
        TRIAGE.enrol("first-b", TriageTestServer.PROGRAMME_B);
        new WebDriverWait(BROWSER.driver(), Chromium.WAIT).until(d -> d.findElement(By.id("summary")).getText()
                .startsWith("0 open alerts"));
        assertThat(BROWSER.driver().findElement(By.id("summary")).getText()).doesNotContain("enrolled");
        assertThat(BROWSER.driver().findElement(By.id("empty")).getText())
                .isEqualTo("No open alerts match. New alerts appear here without reloading.");

        // a quiet day in a programme with patients reads as before
        assertThat(signedInSummary(TriageTestServer.CLINICIAN_A)).isEqualTo("0 open alerts: 0 waiting for"
                + " acknowledgement, 0 past the response target.");
    }
}
