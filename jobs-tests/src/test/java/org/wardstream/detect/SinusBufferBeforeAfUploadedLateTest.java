package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertLifecycleAudit;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.detect.AlertLifecyclePropertyTest.Rhythm;
import org.wardstream.detect.AlertLifecyclePropertyTest.Scenario;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.Rules;

/**
 * Scenario 22's "worth a look" (seed 8189254406697126897 of that session's generator), scenario 23: the strap and the
 * watch send nothing live from minute 8 to 30 (their buffer of those minutes is uploaded at minute 52, in order); the
 * live data resume at minute 30 with a regular rhythm, and AF (or a tachycardia) begins at minute 35 and goes on. The
 * buffer, older than the open alert, fills the gap: the analysis restarts at it (ArrivalOrder's gap fill) to analyse
 * it. Before the fix the restart closed the open alert "analysis restarted from that time" and the episode going on in
 * the live data after the upload was alerted a second time (for AF: a second notifying alert at minute 51, opened
 * urgent). For the triage team that is one episode alerted twice, caused by an upload of data from before it.
 * Now the alert stays open, and one alert covers the episode.
 */
class SinusBufferBeforeAfUploadedLateTest {

    static List<AlertLifecycleAudit.Entry> run(Rhythm episode) throws Exception {
        List<Rhythm> rhythm = new ArrayList<>();
        for (int m = 0; m < 100; m++) rhythm.add(m < 35 ? Rhythm.SINUS : episode);
        Scenario s = new Scenario(1, 100, rhythm, true, List.of(AlertLifecyclePropertyTest.gap(8, 30, 1, 21)));
        return AlertLifecyclePropertyTest.run(Rules.loadClasspath(), s);
    }

    static void assertOneAlert(List<AlertLifecycleAudit.Entry> entries, String type) {
        String all = AlertLifecyclePropertyTest.summary(entries);
        assertThat(AlertLifecycleAudit.checkEntries(entries)).as("the audit of the run: %s", all).isEmpty();
        List<AlertMessage> alerts = entries.stream().map(AlertLifecycleAudit.Entry::message)
                .filter(m -> m.episodeType().equals(type)).toList();
        assertThat(alerts.stream().filter(m -> m.kind() == AlertChange.Kind.OPENED).count())
                .as("one %s alert for the one episode: %s", type, all).isEqualTo(1);
        assertThat(alerts.stream().map(AlertMessage::episodeId).distinct().count()).as("one episode: %s", all).isEqualTo(1);
        assertThat(entries).as("no close for the analysis' restart: %s", all)
                .noneMatch(e -> e.reason() != null && e.reason().contains("analysis restarted"));
        assertThat(alerts.get(0).start()).as("the alert starts in the live data, at minute 35: %s", all)
                .isBetween(java.time.Instant.ofEpochMilli(AlertLifecyclePropertyTest.minute(35)),
                        java.time.Instant.ofEpochMilli(AlertLifecyclePropertyTest.minute(36)));
    }

    @Test
    void aRegularRhythmBufferedBeforeAfAndUploadedLateKeepsTheOpenAfAlert() throws Exception {
        var entries = run(Rhythm.AF);
        assertOneAlert(entries, "atrial-fibrillation");
        String all = AlertLifecyclePropertyTest.summary(entries);
        assertThat(entries.stream().filter(e -> e.message().episodeType().equals("atrial-fibrillation")
                && e.message().kind() == AlertChange.Kind.ESCALATED).count())
                .as("its fast rate escalates it once: %s", all).isEqualTo(1);
        assertThat(entries).as("the AF alert is open when the data end (AF to the end): %s", all)
                .noneMatch(e -> e.message().episodeType().equals("atrial-fibrillation")
                        && e.message().kind() == AlertChange.Kind.CLOSED);
    }

    @Test
    void aRegularRhythmBufferedBeforeATachycardiaAndUploadedLateKeepsTheOpenTachycardiaAlert() throws Exception {
        assertOneAlert(run(Rhythm.TACHY), "tachycardia");
    }
}
