package org.wardstream.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertLifecycleAudit.Rule;
import org.wardstream.episodes.AlertChange.Kind;

/** Each invariant of {@link AlertLifecycleAudit} on a consistent run and on one message that breaks it. */
class AlertLifecycleAuditTest {
    static final Instant T = Instant.parse("2026-03-02T09:00:00Z");
    int bundles;

    AlertMessage m(String episode, String type, Kind kind, int startMin, Integer endMin, String priority, boolean notify,
                   String text) {
        return new AlertMessage("b" + bundles++, "p1", type, episode, endMin == null ? "preliminary" : "final",
                T.plusSeconds(60L * startMin), endMin == null ? null : T.plusSeconds(60L * endMin), kind, "requested",
                priority, T, notify, null, "d/1", text, "virtual-ward");
    }

    List<AlertMessage> consistent() {
        List<AlertMessage> ms = new ArrayList<>();
        ms.add(m("af1", "atrial-fibrillation", Kind.OPENED, 0, null, "routine", true, "AF for 30 s so far. New alert."));
        ms.add(m("af1", "atrial-fibrillation", Kind.ESCALATED, 0, null, "urgent", true, "AF for 5 min so far. Escalated."));
        ms.add(m("af1", "atrial-fibrillation", Kind.CLOSED, 0, 20, "urgent", false, "AF lasted 20 min. Episode has ended; review still required."));
        ms.add(m("af1", "atrial-fibrillation", Kind.UPDATED, 0, 20, "urgent", false,
                "Updated (record only): data uploaded late show AF went on during the gap in the data (the same episode): open again"));
        ms.add(m("af1", "atrial-fibrillation", Kind.CLOSED, 0, 40, "urgent", false, "AF lasted 40 min."));
        ms.add(m("p1", "pause", Kind.OPENED, 50, null, "routine", true, "Pause. New alert."));
        ms.add(m("p1", "pause", Kind.CLOSED, 50, 51, "routine", false, "Pause. Episode has ended."));
        ms.add(m("p1", "pause", Kind.ESCALATED, 50, 51, "urgent", true, "Escalated to urgent (confirmed after the episode ended)."));
        ms.add(m("do1", "device-offline", Kind.OPENED, 60, null, "routine", true, "No data for 2 h so far."));
        ms.add(m("do1", "device-offline", Kind.CLOSED, 60, 200, "routine", true, "Device reconnected after 2 h 20 min."));
        ms.add(m("af2", "atrial-fibrillation", Kind.OPENED, 210, null, "routine", true, "AF. New alert."));
        return ms;
    }

    List<Rule> rules(List<AlertMessage> ms) {
        return AlertLifecycleAudit.check(ms).stream().map(AlertLifecycleAudit.Violation::rule).distinct().toList();
    }

    @Test
    void aConsistentRunWithTheDocumentedReopeningAndLateEscalationPasses() {
        assertThat(AlertLifecycleAudit.check(consistent())).isEmpty();
    }

    @Test
    void eachBrokenInvariantIsReported() {
        List<AlertMessage> ms = consistent();
        ms.add(m("x", "tachycardia", Kind.UPDATED, 300, null, "urgent", true, "Still ongoing."));
        assertThat(rules(ms)).containsExactly(Rule.FIRST_IS_OPENED);

        ms = consistent();
        ms.add(m("af3", "atrial-fibrillation", Kind.OPENED, 215, null, "routine", true, "AF. New alert."));
        assertThat(rules(ms)).containsExactly(Rule.ONE_OPEN);

        ms = consistent();
        ms.add(m("af1", "atrial-fibrillation", Kind.UPDATED, 0, null, "urgent", true, "Still ongoing (reminder)."));
        assertThat(rules(ms)).contains(Rule.NOTHING_AFTER_CLOSE);

        ms = consistent();
        ms.add(m("af2", "atrial-fibrillation", Kind.CLOSED, 210, 200, "routine", false, "AF lasted."));
        assertThat(rules(ms)).containsExactly(Rule.PERIOD_AND_STATUS);

        ms = consistent();
        ms.add(m("af2", "atrial-fibrillation", Kind.ESCALATED, 211, null, "urgent", true, "AF."));
        assertThat(rules(ms)).containsExactly(Rule.SAME_EPISODE);

        ms = consistent();
        ms.add(m("af2", "atrial-fibrillation", Kind.CLOSED, 210, 230, "routine", false, "AF for 20 min so far."));
        assertThat(rules(ms)).containsExactly(Rule.CLOSE_TEXT);

        ms = consistent();
        ms.add(m("af2", "atrial-fibrillation", Kind.UPDATED, 210, null, "routine", true, "Updated (record only): data resumed"));
        assertThat(rules(ms)).containsExactly(Rule.RECORD_ONLY_SILENT);

        ms = consistent();
        ms.add(m("af2", "atrial-fibrillation", Kind.CLOSED, 210, 230, "routine", true, "AF lasted 20 min."));
        assertThat(rules(ms)).containsExactly(Rule.RECORD_ONLY_SILENT);

        ms = consistent();
        ms.add(m("p2", "pause", Kind.OPENED, 50, null, "routine", true, "Pause. New alert."));
        assertThat(rules(ms)).containsExactly(Rule.NO_OVERLAP);

        ms = consistent();
        ms.add(new AlertMessage(ms.get(0).bundleId(), "p1", "tachycardia", "t1", "preliminary", T, null, Kind.OPENED, "requested", "urgent",
                T, true, null, "d/1", "Fast.", "virtual-ward"));
        assertThat(rules(ms)).containsExactly(Rule.UNIQUE_BUNDLE);

        ms = consistent();
        ms.add(m("af2", "atrial-fibrillation", Kind.UPDATED, 210, null, "stat", false, "Updated (record only): x"));
        ms.add(m("af2", "atrial-fibrillation", Kind.CLOSED, 210, 230, "routine", false, "AF lasted 20 min."));
        assertThat(rules(ms)).containsExactly(Rule.PRIORITY_KEPT);
    }

    @Test
    void anOverlapAfterARestartCloseIsTheDocumentedNewAlert() {
        List<AlertLifecycleAudit.Entry> es = new ArrayList<>();
        es.add(new AlertLifecycleAudit.Entry(m("a", "atrial-fibrillation", Kind.OPENED, 0, null, "routine", true, "AF."), null));
        es.add(new AlertLifecycleAudit.Entry(m("a", "atrial-fibrillation", Kind.CLOSED, 0, 30, "routine", false, "AF lasted."),
                "Closed: data from an earlier time came after later data (a device clock set back, or a late upload): analysis restarted from that time"));
        es.add(new AlertLifecycleAudit.Entry(m("b", "atrial-fibrillation", Kind.OPENED, 10, null, "routine", true, "AF."), null));
        assertThat(AlertLifecycleAudit.checkEntries(es)).isEmpty();
        assertThat(AlertLifecycleAudit.check(es.stream().map(AlertLifecycleAudit.Entry::message).toList()))
                .extracting(AlertLifecycleAudit.Violation::rule).containsExactly(Rule.NO_OVERLAP);
    }

    @Test
    void aReopenedAlertMayBeEscalatedAndRecordWhatTheLateDataShowUntilItClosesAgain() {
        // scenario 23: a fast rate in the late data escalates the re-opened alert (once an episode), and its record-only
        // updates say what the late data show; an update saying the AF went on in the live data is not such a record
        List<AlertMessage> ms = new ArrayList<>(consistent().subList(0, 4));
        ms.add(m("af1", "atrial-fibrillation", Kind.UPDATED, 0, null, "urgent", false,
                "Updated (record only): data uploaded late show AF in 10 min of the 20 min gap in the data"));
        ms.add(m("af1", "atrial-fibrillation", Kind.ESCALATED, 0, null, "stat", true, "AF for 25 min so far. Escalated."));
        ms.add(m("af1", "atrial-fibrillation", Kind.CLOSED, 0, 40, "stat", false, "AF lasted 40 min."));
        assertThat(AlertLifecycleAudit.check(ms)).isEmpty();
        ms.add(5, m("af1", "atrial-fibrillation", Kind.UPDATED, 0, null, "urgent", false,
                "Updated (record only): data resumed after 1 h 17 min without data; AF still present (the same episode)"));
        assertThat(rules(ms)).containsExactly(Rule.NOTHING_AFTER_CLOSE);
    }

    @Test
    void aClosedAlertMayGetAFinalRecordOfWhatDataUploadedLateShowBeforeItsStart() {
        // session 25: an episode of the type in a gap's buffer, before the alert opened when the data resumed, which
        // has closed: recorded on it (record only, keeping its end), not alerted again
        List<AlertMessage> ms = new ArrayList<>();
        ms.add(m("b1", "bradycardia", Kind.OPENED, 34, null, "urgent", true, "Slow heart rate. New alert."));
        ms.add(m("b1", "bradycardia", Kind.CLOSED, 34, 40, "urgent", false, "Slow heart rate, lasted 7 min."));
        ms.add(m("b1", "bradycardia", Kind.UPDATED, 34, 40, "urgent", false, "Slow heart rate, lasted 7 min. Updated (record"
                + " only): data uploaded late show this condition also for 12 min before this alert's start (an earlier"
                + " episode, recorded here, not alerted separately)"));
        assertThat(AlertLifecycleAudit.check(ms)).isEmpty();
        // not without its end (an open record after the close), nor one that notifies, nor any other update
        List<AlertMessage> open = new ArrayList<>(ms.subList(0, 2));
        open.add(m("b1", "bradycardia", Kind.UPDATED, 34, null, "urgent", false,
                "Updated (record only): data uploaded late show this condition also for 12 min before this alert's start"));
        assertThat(rules(open)).contains(Rule.NOTHING_AFTER_CLOSE);
        List<AlertMessage> notifying = new ArrayList<>(ms.subList(0, 2));
        notifying.add(m("b1", "bradycardia", Kind.UPDATED, 34, 40, "urgent", true,
                "Updated: data uploaded late show this condition also for 12 min before this alert's start"));
        assertThat(rules(notifying)).containsExactly(Rule.NOTHING_AFTER_CLOSE);
        List<AlertMessage> other = new ArrayList<>(ms.subList(0, 2));
        other.add(m("b1", "bradycardia", Kind.UPDATED, 34, 40, "urgent", false, "Updated (record only): still ongoing"));
        assertThat(rules(other)).containsExactly(Rule.NOTHING_AFTER_CLOSE);
    }
}
