package org.wardstream.evaluation.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * A person in persistent AF who takes the watch off (a shower, charging): the beats while it is off are lost and the
 * first interval after is reported GAP, as the device contract says. The RR analyser closes AF after 10 min without
 * data; AF found again as soon as the data resume, with no regular rhythm in between, is the same episode and the same
 * alert (updated, record-only), not a new "came back within the cool-down" alert (adversarial probe 18a, D4: 15 people
 * in persistent AF with the watch off 15 min every 8 h got 45 AF alerts instead of 15). Through the job's per-patient
 * path ({@link JobPath}, shipped rules) on the shipped first 5 h of ltafdb record 12 (AF throughout).
 */
class PersistentAfWatchOffTest {

    static RrCsvRecord persistentAf() throws Exception {
        return RrCsvRecord.read(Path.of(PersistentAfWatchOffTest.class
                .getResource("/physionet-ltaf-gaps/12_0s-18000s.csv.gz").toURI()));
    }

    /**
     * The watch off for {@code offMin} minutes at each whole multiple of {@code everyS} seconds into the record (from the
     * first multiple on): the beats inside are lost, the first interval after is reported GAP.
     */
    static RrCsvRecord watchOff(RrCsvRecord rec, double everyS, double offMin) throws Exception {
        return without(rec, sinceStart -> sinceStart >= everyS && sinceStart % everyS < offMin * 60);
    }

    /** The record without the beats {@code off} holds for (by seconds since its first beat); the next interval GAP. */
    static RrCsvRecord without(RrCsvRecord rec, java.util.function.DoublePredicate off) throws Exception {
        StringBuilder sb = new StringBuilder("record,beat_index,time_s,rr_ms,beat_symbol,rhythm,gap_note\n");
        double prev = Double.NaN;
        int idx = 0;
        boolean gap = false;
        for (int i = 0; i < rec.size(); i++) {
            double t = rec.timeS[i];
            if (off.test(t - rec.timeS[0]) && i > 0 && i < rec.size() - 1) {
                gap = true;
                continue;
            }
            sb.append(rec.name).append(',').append(idx++).append(',').append(t).append(',')
                    .append(Double.isNaN(prev) ? "" : String.valueOf(Math.round((t - prev) * 1000))).append(',')
                    .append(rec.beatSymbol[i]).append(',').append(rec.rhythm[i]).append(',')
                    .append(gap ? "noise" : rec.gapNote[i]).append('\n');
            gap = false;
            prev = t;
        }
        RrCsvRecord r = RrCsvRecord.read(rec.name, new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)));
        r.database = rec.database;
        return r;
    }

    static List<AlertChange> af(RrCsvRecord rec) {
        return JobPath.run(rec, rec.name, Rules.loadClasspath().defaults()).alerts.stream()
                .filter(c -> c.type() == EpisodeType.ATRIAL_FIBRILLATION).toList();
    }

    static List<AlertChange> opened(List<AlertChange> changes) {
        return changes.stream().filter(c -> c.kind() == AlertChange.Kind.OPENED).toList();
    }

    @Test
    void control_untouchedPersistentAfIsOneAlert() throws Exception {
        assertThat(opened(af(persistentAf()))).hasSize(1);
    }

    @Test
    void control_theWatchOffFor5MinutesEveryHourIsOneAlert() throws Exception {
        assertThat(opened(af(watchOff(persistentAf(), 3600, 5)))).hasSize(1);
    }

    @Test
    void persistentAfWithTheWatchOffFor15MinutesEveryHourIsOneAlertUpdatedWhenTheDataResume() throws Exception {
        List<AlertChange> changes = af(watchOff(persistentAf(), 3600, 15));
        assertThat(opened(changes)).as("AF alerts opened (untouched: one); the changes: %s", changes).hasSize(1);
        assertThat(changes).extracting(AlertChange::kind).as("never closed and opened again")
                .doesNotContain(AlertChange.Kind.CLOSED);
        List<AlertChange> updates = changes.stream().filter(c -> c.kind() == AlertChange.Kind.UPDATED).toList();
        assertThat(updates).as("one record-only update per time the data resumed (4 in 5 h)").hasSize(4)
                .allSatisfy(u -> {
                    assertThat(u.notifyTeam()).isFalse();
                    assertThat(u.reason()).startsWith("data resumed after 15 min without data; AF still present");
                    assertThat(u.evidence().get(Transition.NO_DATA_MINUTES)).isBetween(14.9, 15.1);
                    assertThat(u.episodeId()).isEqualTo(changes.get(0).episodeId());
                });
    }

    @Test
    void afterTheWatchOffForMoreThanTwoHoursTheAlertClosesStatusUnknownAndTheAfIsANewAlert() throws Exception {
        // off from 1 h to 3.5 h
        List<AlertChange> changes = af(without(persistentAf(), sinceStart -> sinceStart >= 3600 && sinceStart < 3600 + 150 * 60));
        List<AlertChange> opened = opened(changes);
        assertThat(opened).as("the changes: %s", changes).hasSize(2);
        AlertChange closed = changes.stream().filter(c -> c.kind() == AlertChange.Kind.CLOSED).findFirst().orElseThrow();
        assertThat(closed.episodeId()).isEqualTo(opened.get(0).episodeId());
        assertThat(closed.reason()).startsWith("AF status unknown: no data for 2 h 30 min");
        assertThat(closed.episodeEndMs()).as("at its last evidence, before the watch came off")
                .isLessThanOrEqualTo(opened.get(1).episodeStartMs() - 150 * 60_000L);
        assertThat(opened.get(1).reason()).as("a new alert, not a recurrence held back").isNull();
    }
}
