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
 * Two gaps in a patient's data during one AF episode (minutes 40-55 and 70-85), each gap's buffer uploaded later, the
 * FIRST gap's buffer first (minute 100, the second's at minute 110). Only the last gap in the analysed data was
 * remembered, so the first gap's buffer was taken for an earlier clock: the analysis restarted as for a clock set back,
 * the open AF alert closed "analysis restarted" and the AF going on raised a second AF alert.
 */
class TwoGapsFirstBufferFirstTest {

    static List<AlertLifecycleAudit.Entry> run(int firstAt, int secondAt) throws Exception {
        List<Rhythm> rhythm = new ArrayList<>();
        for (int m = 0; m < 180; m++) rhythm.add(m < 10 || m >= 150 ? Rhythm.SINUS : Rhythm.AF);
        Scenario s = new Scenario(24, 180, rhythm, false, List.of(
                AlertLifecyclePropertyTest.gap(40, 55, 1, 0, null, firstAt),
                AlertLifecyclePropertyTest.gap(70, 85, 1, 0, null, secondAt)));
        return AlertLifecyclePropertyTest.run(Rules.loadClasspath(), s);
    }

    static void oneAfAlert(List<AlertLifecycleAudit.Entry> entries) {
        String all = AlertLifecyclePropertyTest.summary(entries);
        assertThat(AlertLifecycleAudit.checkEntries(entries)).as("the audit of the run: %s", all).isEmpty();
        List<AlertMessage> af = entries.stream().map(AlertLifecycleAudit.Entry::message)
                .filter(m -> m.episodeType().equals("atrial-fibrillation")).toList();
        assertThat(af).as("one AF alert: %s", all).filteredOn(m -> m.kind() == AlertChange.Kind.OPENED).hasSize(1);
        assertThat(entries).as("no alert closed for a restart of the analysis: %s", all)
                .noneMatch(e -> e.reason() != null && e.reason().contains("analysis restarted"));
    }

    @Test
    void theFirstGapsBufferFirstFillsItsGap() throws Exception {
        oneAfAlert(run(100, 110));
    }

    @Test
    void theSecondGapsBufferFirstFillsItsGap() throws Exception {
        oneAfAlert(run(110, 100));
    }
}
