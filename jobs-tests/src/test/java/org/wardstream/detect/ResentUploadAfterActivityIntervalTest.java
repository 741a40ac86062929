package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertLifecycleAudit;
import org.wardstream.detect.AlertLifecyclePropertyTest.Rhythm;
import org.wardstream.detect.AlertLifecyclePropertyTest.Scenario;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.Rules;

/**
 * Scenario 22, V1 (seeds -9193505349060041434, 161003404584920039, -7079889778037207405 of
 * {@link AlertLifecyclePropertyTest}): a strap sending a minute of beats a minute, a watch sending heart rate and a
 * 5-min activity interval every 5 min. Fast AF 0-29 min alerted and closed, sinus 29-63, AF 63-96 (alerted, open when
 * the data stop at minute 96: the watch's last activity interval reaches minute 100); at minute 101 a phone re-sends
 * minutes 8-13. TRIAGE "Delayed data": an upload that only repeats readings already analysed is dead-lettered. Before
 * the fix the activity interval's end began a new analysed run at minute 100, the re-send was taken for an earlier
 * clock: the open AF alert closed "analysis restarted", a second AF alert opened inside the first, closed one, and a
 * device-offline said "no data" from minute 15 although data came until minute 96.
 */
class ResentUploadAfterActivityIntervalTest {

    @Test
    void aResentUploadOfAnAlertedAfIsNotAlertedAgain() throws Exception {
        List<Rhythm> rhythm = new ArrayList<>();
        for (int m = 0; m < 96; m++) rhythm.add(m < 29 ? Rhythm.AF_FAST : m < 63 ? Rhythm.SINUS : Rhythm.AF);
        Scenario s = new Scenario(1, 96, rhythm, true, List.of(AlertLifecyclePropertyTest.resend(8, 13, 101)));
        var entries = AlertLifecyclePropertyTest.run(Rules.loadClasspath(), s);
        String all = AlertLifecyclePropertyTest.summary(entries);
        assertThat(AlertLifecycleAudit.checkEntries(entries)).as("the audit of the run: %s", all).isEmpty();
        assertThat(entries.stream().filter(e -> e.message().episodeType().equals("atrial-fibrillation")
                && e.message().kind() == AlertChange.Kind.OPENED).count())
                .as("AF alerts opened for the two AF episodes: %s", all).isEqualTo(2);
        assertThat(entries).as("no close for an analysis restart: %s", all)
                .noneMatch(e -> e.reason() != null && e.reason().contains("analysis restarted"));
    }
}
