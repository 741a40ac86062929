package org.wardstream.triage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.wardstream.rules.EpisodeType;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A note holding a bidirectional-override character, in the worklist's "Episode timeline" (real chromium, the real
 * service with Kafka and embedded PostgreSQL).
 *
 * <p>Adversarial probe 18b, D4: the timeline wrote each version as one line of text with the note inline
 * ({@code <time>: “<note>” (<author>) (version n)}). A note ending in U+202E RIGHT-TO-LEFT OVERRIDE without its U+202C
 * (pasted from a document or a messaging app, or written on purpose through the API) reversed the rest of the line:
 * measured {@code “Phoned patient, dizzy spell this morning (2 noisrev) (a-naicinilc) ”}, the first letter of
 * "clinician-a" at x=771, its last at x=708; a note could also display as other words than those stored (Trojan
 * Source, CVE-2021-42574). The service keeps the note as written (the audit trail holds what was sent); the page draws
 * each note and author isolated ({@code <bdi>}, {@code unicode-bidi: isolate}) and shows the control character as a
 * visible mark ("[U+202E]") instead of applying it.
 */
class WorklistBidiNoteIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    @RegisterExtension
    static final Chromium BROWSER = new Chromium("bidi-note");

    static WebElement card(String id) {
        return BROWSER.card(id);
    }

    @Test
    void aNoteCannotChangeHowTheAuthorAndVersionAfterItAreDrawn() throws Exception {
        String patient = "bidi-p";
        String episode = "bidi-ep";
        Http api = TRIAGE.openRoutineAlert(patient, episode, EpisodeType.PAUSE,
                Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS), 0);
        // a note pasted with a stray right-to-left override (no closing U+202C)
        HttpResponse<String> r = api.postJson("/api/tasks/" + episode + "/actions",
                "{\"action\":\"note\",\"note\":\"Phoned patient, dizzy spell this morning \\u202e\"}", Map.of());
        assertThat(r.statusCode()).as("the note is kept as written: %s", r.body()).isEqualTo(200);
        TriageTestServer.awaitTask(api, episode, 2);

        BROWSER.signIn(TRIAGE.baseUrl(), TriageTestServer.CLINICIAN_A, episode);
        BROWSER.openTimeline(episode, "version 2");

        // where chromium draws the first and last letters of the author's name and of "version" in that row
        @SuppressWarnings("unchecked")
        List<Object> x = (List<Object>) BROWSER.driver().executeScript("""
                const list = arguments[0];
                const row = [...list.querySelectorAll('li')].find(li => li.textContent.includes('(version 2)'));
                const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
                const out = [];
                for (const word of ['clinician-a', 'version']) {
                  walker.currentNode = row;
                  let n, found = false;
                  while (!found && (n = walker.nextNode())) {
                    const i = n.data.lastIndexOf(word);
                    if (i < 0) continue;
                    const r1 = document.createRange(); r1.setStart(n, i); r1.setEnd(n, i + 1);
                    const r2 = document.createRange(); r2.setStart(n, i + word.length - 1); r2.setEnd(n, i + word.length);
                    out.push(r1.getBoundingClientRect().left, r2.getBoundingClientRect().left);
                    found = true;
                  }
                  if (!found) out.push(null, null);
                }
                out.push(row.innerText);
                return out;
                """, card(episode).findElement(By.cssSelector("[data-timeline-list]")));
        String row = String.valueOf(x.get(4));
        assertThat(x.get(0)).as("the author's name is in the row: %s", row).isNotNull();
        double authorFirst = ((Number) x.get(0)).doubleValue();
        double authorLast = ((Number) x.get(1)).doubleValue();
        double versionFirst = ((Number) x.get(2)).doubleValue();
        double versionLast = ((Number) x.get(3)).doubleValue();
        assertThat(authorFirst).as("'clinician-a' drawn left to right after the note (first letter at x=%s, last at"
                + " x=%s) in the row %s", authorFirst, authorLast, row).isLessThan(authorLast);
        assertThat(versionFirst).as("'version' drawn left to right (x=%s .. %s)", versionFirst, versionLast)
                .isLessThan(versionLast);
        assertThat(row).as("the control character is shown, not applied")
                .contains("“Phoned patient, dizzy spell this morning [U+202E]” (clinician-a)");
    }
}
