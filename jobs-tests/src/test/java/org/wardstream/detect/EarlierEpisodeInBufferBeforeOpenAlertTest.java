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
 * An AF (or tachycardia) episode of minutes 10-24 inside a gap in the live data (minutes 5-30), whose buffer is uploaded
 * at minute 70 while an alert of the same type, for the episode that began live at minute 38, is open. The buffer lies
 * before the open alert: the alert stays open (scenario 23), and before this fix the earlier episode in it was neither
 * alerted nor recorded anywhere. A triage clinician handling the open alert wants to know the condition was also present
 * earlier (AF burden, when it first began), without a second notification for an episode that is over: the open alert
 * gets one record-only UPDATED saying for how long the late data show it before the alert's start.
 */
class EarlierEpisodeInBufferBeforeOpenAlertTest {

    static List<AlertLifecycleAudit.Entry> run(Rhythm episode) throws Exception {
        List<Rhythm> rhythm = new ArrayList<>();
        for (int m = 0; m < 100; m++) rhythm.add(m >= 10 && m < 24 || m >= 38 ? episode : Rhythm.SINUS);
        Scenario s = new Scenario(1, 100, rhythm, true, List.of(AlertLifecyclePropertyTest.gap(5, 30, 1, 0, null, 70)));
        return AlertLifecyclePropertyTest.run(Rules.loadClasspath(), s);
    }

    static void recordedOnTheOpenAlert(Rhythm episode, String type) throws Exception {
        var entries = run(episode);
        String all = AlertLifecyclePropertyTest.summary(entries);
        assertThat(AlertLifecycleAudit.checkEntries(entries)).as("the audit of the run: %s", all).isEmpty();
        List<AlertLifecycleAudit.Entry> ofType = entries.stream()
                .filter(e -> e.message().episodeType().equals(type)).toList();
        assertThat(ofType.stream().map(AlertLifecycleAudit.Entry::message).map(AlertMessage::episodeId).distinct())
                .as("one %s alert: %s", type, all).hasSize(1);
        assertThat(ofType).as("the open alert records the earlier episode of the late data: %s", all)
                .anyMatch(e -> e.message().kind() == AlertChange.Kind.UPDATED && !e.message().notifyTeam()
                        && e.reason() != null && e.reason().contains("before this alert's start"));
    }

    @Test
    void anEarlierAfEpisodeInTheBufferIsRecordedOnTheOpenAfAlert() throws Exception {
        recordedOnTheOpenAlert(Rhythm.AF, "atrial-fibrillation");
    }

    @Test
    void anEarlierTachycardiaInTheBufferIsRecordedOnTheOpenTachycardiaAlert() throws Exception {
        recordedOnTheOpenAlert(Rhythm.TACHY, "tachycardia");
    }
}
