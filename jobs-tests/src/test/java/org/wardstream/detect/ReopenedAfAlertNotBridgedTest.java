package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
 * Scenario 23 (seed -7045492852155350035 of {@link AlertLifecyclePropertyTest#generate23}): AF from minute 9 to 68,
 * a regular rhythm to 99, fast AF to 146, then a tachycardia. No live data in minutes 46-57, 57-73 and 88-134; the
 * buffers come at minutes 118, 146 and 140. The AF alert closes when the data resume at minute 73 with a regular rhythm
 * ("AF not found again"); the buffer of minutes 46-57 re-opens it ("data uploaded late show AF went on", record only).
 * Before the fix the re-opened alert, its AF open where that buffer ends, was bridged across to the live data after the
 * upload ("data resumed after 1 h 17 min without data; AF still present (the same episode)"), so the fast AF episode
 * of minutes 99-146, seen live from minute 134, was taken for the first episode going on: a record-only update of an
 * alert the worklist shows closed, and no alert for it at all. Now the re-opened alert closes where the late data end,
 * and the fast AF found in the live data is its own, notifying alert.
 */
class ReopenedAfAlertNotBridgedTest {

    @Test
    void aLaterAfEpisodeIsNotTakenForAReopenedAlertGoingOn() throws Exception {
        List<Rhythm> rhythm = new ArrayList<>();
        for (int m = 0; m < 227; m++) {
            rhythm.add(m < 9 ? Rhythm.TACHY : m < 68 ? Rhythm.AF : m < 99 ? Rhythm.SINUS : m < 146 ? Rhythm.AF_FAST
                    : m < 195 ? Rhythm.TACHY : Rhythm.SINUS);
        }
        Scenario s = new Scenario(1, 227, rhythm, false, List.of(
                AlertLifecyclePropertyTest.gap(46, 57, 1, 0, null, 118),
                AlertLifecyclePropertyTest.gap(57, 73, 1, 0, null, 146),
                AlertLifecyclePropertyTest.gap(88, 134, 1, 0, null, 140)));
        var entries = AlertLifecyclePropertyTest.run(Rules.loadClasspath(), s);
        String all = AlertLifecyclePropertyTest.summary(entries);
        assertThat(AlertLifecycleAudit.checkEntries(entries)).as("the audit of the run: %s", all).isEmpty();
        List<AlertMessage> af = entries.stream().map(AlertLifecycleAudit.Entry::message)
                .filter(m -> m.episodeType().equals("atrial-fibrillation")).toList();
        assertThat(af).as("a notifying AF alert for the fast AF seen live from minute 134: %s", all)
                .anyMatch(m -> m.kind() == AlertChange.Kind.OPENED && m.notifyTeam()
                        && !m.start().isBefore(Instant.ofEpochMilli(AlertLifecyclePropertyTest.minute(99))));
        assertThat(af).as("the first alert's record never says AF went on across the live data: %s", all)
                .noneMatch(m -> m.description() != null && m.description().contains("AF still present"));
    }
}
