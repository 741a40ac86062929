package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wardstream.alerting.AlertLifecycleAudit;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.detect.AlertLifecyclePropertyTest.Rhythm;
import org.wardstream.detect.AlertLifecyclePropertyTest.Scenario;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.Rules;

/**
 * A device with flaky connectivity: three gaps in a patient's data during one AF episode (minutes 40-55, 70-85 and
 * 100-115), each gap's buffer uploaded later (minutes 130, 140, 150) in any order. Session 24 remembered the last gap
 * and the one before it; the buffer of a third, older gap was taken for a clock set back: the analysis restarted, the
 * open AF alert closed "analysis restarted" and the AF going on raised a second AF alert.
 */
class ThreeGapsBuffersAnyOrderTest {

    static List<AlertLifecycleAudit.Entry> run(List<Rhythm> rhythm, int first, int second, int third) throws Exception {
        Scenario s = new Scenario(25, rhythm.size(), rhythm, false, List.of(
                AlertLifecyclePropertyTest.gap(40, 55, 1, 0, null, first),
                AlertLifecyclePropertyTest.gap(70, 85, 1, 0, null, second),
                AlertLifecyclePropertyTest.gap(100, 115, 1, 0, null, third)));
        return AlertLifecyclePropertyTest.run(Rules.loadClasspath(), s);
    }

    static List<Rhythm> af(int pausesFrom, int pausesTo) {
        List<Rhythm> rhythm = new ArrayList<>();
        for (int m = 0; m < 200; m++) {
            rhythm.add(m >= pausesFrom && m < pausesTo ? Rhythm.PAUSES : m < 10 || m >= 170 ? Rhythm.SINUS : Rhythm.AF);
        }
        return rhythm;
    }

    static List<AlertMessage> of(List<AlertLifecycleAudit.Entry> entries, String type) {
        return entries.stream().map(AlertLifecycleAudit.Entry::message).filter(m -> m.episodeType().equals(type)).toList();
    }

    static void noRestartAndTheAuditPasses(List<AlertLifecycleAudit.Entry> entries, String all) {
        assertThat(AlertLifecycleAudit.checkEntries(entries)).as("the audit of the run: %s", all).isEmpty();
        assertThat(entries).as("no alert closed for a restart of the analysis: %s", all)
                .noneMatch(e -> e.reason() != null && e.reason().contains("analysis restarted"));
    }

    /** Upload minutes of the three gaps' buffers (oldest gap first): oldest first, newest first, and the mixed orders. */
    @ParameterizedTest(name = "buffers of gaps 1, 2, 3 uploaded at minutes {0}, {1}, {2}")
    @CsvSource({"130, 140, 150", "150, 140, 130", "140, 150, 130", "150, 130, 140", "130, 150, 140", "140, 130, 150"})
    void oneAfAlertWhateverTheUploadOrder(int first, int second, int third) throws Exception {
        var entries = run(af(-1, -1), first, second, third);
        String all = AlertLifecyclePropertyTest.summary(entries);
        noRestartAndTheAuditPasses(entries, all);
        assertThat(of(entries, "atrial-fibrillation")).as("one AF alert: %s", all)
                .filteredOn(m -> m.kind() == AlertChange.Kind.OPENED).hasSize(1);
    }

    /**
     * Pauses in minutes 43-50, inside the oldest gap, during the AF alert: the pauses in its buffer are alerted once
     * (late data), whatever the upload order, and the AF alert goes on.
     */
    @ParameterizedTest(name = "buffers of gaps 1, 2, 3 uploaded at minutes {0}, {1}, {2}")
    @CsvSource({"130, 140, 150", "150, 140, 130", "150, 130, 140"})
    void pausesInTheOldestBufferAlertedOnce(int first, int second, int third) throws Exception {
        var entries = run(af(43, 50), first, second, third);
        String all = AlertLifecyclePropertyTest.summary(entries);
        noRestartAndTheAuditPasses(entries, all);
        assertThat(of(entries, "pause")).as("one pause alert: %s", all)
                .filteredOn(m -> m.kind() == AlertChange.Kind.OPENED).hasSize(1);
        assertThat(of(entries, "atrial-fibrillation")).as("one AF alert: %s", all)
                .filteredOn(m -> m.kind() == AlertChange.Kind.OPENED).hasSize(1);
    }
}
