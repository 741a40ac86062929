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
 * A bradycardia in minutes 0-37, no live data in minutes 21-33, the buffer of the gap uploaded at minute 52 (in order,
 * newest first, or second half first). Live, the bradycardia alert closed when the data stopped ("Episode ended", its
 * end minute 20.5) and a second opened when they resumed (minute 34; closed at minute 40.5). The buffer's bradycardia
 * (minutes 21-33, between the two alerts, overlapping neither) then became a THIRD urgent, notifying alert dated minute 22
 * ("raised from delayed data"), in every upload order: three notifications for one episode, which the audit did not
 * flag (found by session 24's late24 helper, reproduced here). A triage clinician was told of this bradycardia twice
 * already; the data filling the gap between the two alerts are that condition going on: no new alert. It is recorded
 * (session 25): the second alert, closed, gets a record-only update, final (its end), saying the late data show the
 * condition for 12 min before its start. (A condition more severe than the alerts still raises an alert:
 * {@code BufferBetweenTwoAlertsLifecycleTest} in the clinical module.)
 */
class BradyBufferBetweenTwoAlertsTest {

    static List<AlertLifecycleAudit.Entry> run(int upload) throws Exception {
        List<Rhythm> rhythm = new ArrayList<>();
        for (int m = 0; m < 80; m++) rhythm.add(m < 37 ? Rhythm.BRADY : Rhythm.SINUS);
        Scenario s = new Scenario(1, 80, rhythm, true, List.of(AlertLifecyclePropertyTest.gap(21, 33, upload, 0, null, 52)));
        return AlertLifecyclePropertyTest.run(Rules.loadClasspath(), s);
    }

    static void check(int upload) throws Exception {
        var entries = run(upload);
        String all = AlertLifecyclePropertyTest.summary(entries);
        assertThat(AlertLifecycleAudit.checkEntries(entries)).as("the audit of the run: %s", all).isEmpty();
        List<AlertMessage> brady = entries.stream().map(AlertLifecycleAudit.Entry::message)
                .filter(m -> m.episodeType().equals("bradycardia")).toList();
        assertThat(brady.stream().filter(m -> m.kind() == AlertChange.Kind.OPENED))
                .as("bradycardia alerts opened: %s", all).hasSize(2);
        assertThat(brady).as("nothing dated inside the filled gap: %s", all)
                .allMatch(m -> m.start().toEpochMilli() < AlertLifecyclePropertyTest.minute(21)
                        || m.start().toEpochMilli() >= AlertLifecyclePropertyTest.minute(33));
        recordedOnTheSecondAlert(entries, "bradycardia", "12 min", all);
    }

    /**
     * Two alerts of {@code type} were opened, and the second, closed, has the record-only, final update of the buffer's
     * episode: the late data show the condition for {@code forHowLong} before its start.
     */
    static void recordedOnTheSecondAlert(List<AlertLifecycleAudit.Entry> entries, String type, String forHowLong,
                                         String all) {
        List<AlertMessage> opened = entries.stream().map(AlertLifecycleAudit.Entry::message)
                .filter(m -> m.episodeType().equals(type) && m.kind() == AlertChange.Kind.OPENED).toList();
        assertThat(opened).as("%s alerts opened: %s", type, all).hasSize(2);
        String second = opened.get(1).episodeId();
        assertThat(entries).as("the buffer's %s recorded on the second alert, closed: %s", type, all)
                .anyMatch(e -> e.message().episodeId().equals(second) && e.message().kind() == AlertChange.Kind.UPDATED
                        && !e.message().notifyTeam() && e.message().end() != null && e.reason() != null
                        && e.reason().contains(forHowLong + " before this alert's start"));
    }

    @Test
    void theBufferUploadedSecondHalfFirstRaisesNoThirdAlert() throws Exception {
        check(3);
    }

    @Test
    void theBufferUploadedInOrderRaisesNoThirdAlert() throws Exception {
        check(1);
    }

    @Test
    void theBufferUploadedNewestFirstRaisesNoThirdAlert() throws Exception {
        check(2);
    }
}
