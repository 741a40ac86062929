package org.wardstream.triage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worklist's notice box ({@code #notice}) when the page moves the keyboard focus to it, in real chromium against
 * the real service (session 19). The page focuses it to say what became of an action or a note (here: a note kept
 * under "Notes not saved", added to its alert with the keyboard), but it had no visible focus indicator (only the
 * page's {@code outline: 4px solid transparent}), so a keyboard user could not see where the focus had gone. It now
 * has a ring meeting WCAG 2.2: solid, at least 2 px, contrast of at least 3:1 against the page around it.
 */
class WorklistNoticeFocusIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("notice-focus");

    @Test
    void theNoticeTheFocusMovesToShowsAFocusRingOfEnoughContrast() throws Exception {
        String patient = "focus-p";
        String episode = "focus-ep";
        Instant start = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        TRIAGE.openRoutineAlert(patient, episode, EpisodeType.DEVICE_OFFLINE, start, 120);
        BROWSER.signIn(TRIAGE.baseUrl(), TriageTestServer.CLINICIAN_A, episode);
        WebDriverWait wait = new WebDriverWait(BROWSER.driver(), Chromium.WAIT);

        // the clinician types a note with the keyboard; the device reconnects meanwhile and the alert leaves the worklist
        BROWSER.card(episode).findElement(By.cssSelector("textarea[data-note]")).sendKeys("Phoned: watch charging");
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.CLOSED, episode, patient, EpisodeType.DEVICE_OFFLINE,
                Severity.ROUTINE, start, 170), TriageTestServer.PROGRAMME_A);
        String add = "#unsaved-list > li[data-id='" + episode + "'] .button:not(.button--secondary)";
        wait.until(d -> !d.findElements(By.cssSelector(add)).isEmpty());
        // ... and adds the kept note to the alert from the keyboard: the page says so in the notice and focuses it
        BROWSER.driver().findElement(By.cssSelector(add)).sendKeys(Keys.ENTER);
        wait.until(d -> d.findElement(By.id("notice")).getText().startsWith("Your note was added"));
        WebElement notice = BROWSER.driver().findElement(By.id("notice"));
        assertThat(BROWSER.driver().switchTo().activeElement().getDomAttribute("id")).as("the focus is on the notice")
                .isEqualTo("notice");
        assertThat((Boolean) BROWSER.driver().executeScript("return arguments[0].matches(':focus-visible')", notice))
                .as("focus-visible (a keyboard user's focus)").isTrue();

        assertThat(notice.getCssValue("outline-style")).isEqualTo("solid");
        assertThat(Double.parseDouble(notice.getCssValue("outline-width").replace("px", "")))
                .as("outline width (px)").isGreaterThanOrEqualTo(2);
        double[] ring = rgba(notice.getCssValue("outline-color"));
        assertThat(ring[3]).as("the ring is opaque: %s", notice.getCssValue("outline-color")).isEqualTo(1.0);
        double[] page = rgba(BROWSER.driver().findElement(By.tagName("body")).getCssValue("background-color"));
        assertThat(contrast(ring, page)).as("contrast of the ring %s against the page %s",
                notice.getCssValue("outline-color"), BROWSER.driver().findElement(By.tagName("body")).getCssValue("background-color"))
                .isGreaterThanOrEqualTo(3.0);
    }

    private static final Pattern RGBA = Pattern.compile("rgba?\\((\\d+), (\\d+), (\\d+)(?:, ([0-9.]+))?\\)");

    /** A computed CSS colour, {@code rgb(r, g, b)} or {@code rgba(r, g, b, a)}, as r, g, b (0-255) and alpha. */
    static double[] rgba(String css) {
        Matcher m = RGBA.matcher(css);
        assertThat(m.matches()).as("a computed colour: %s", css).isTrue();
        return new double[]{Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                m.group(4) == null ? 1.0 : Double.parseDouble(m.group(4))};
    }

    /** WCAG 2.x contrast ratio of two opaque colours. */
    static double contrast(double[] a, double[] b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(double[] c) {
        double[] lin = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = c[i] / 255;
            lin[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    }
}
