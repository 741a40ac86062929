package org.wardstream.evaluation.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * An optical (PPG) wearable that misses beats reports the two intervals around a missed beat as one clean interval;
 * two misses in a row in slow sinus rhythm make a "clean" interval over 3 s, which read as a pause (asystole) alert.
 * The shipped 2 h slice of nsr2db nsr004 (regular sinus rhythm at 50-60/min, no pause) with 3 % of its beats dropped at
 * random (the intervals around a dropped beat merge into one clean interval): how many pause alerts, over seeds 1-10,
 * and how many intervals over 3 s the drops made. 232's real pauses are still all
 * found ({@link PhysioNetFloorTest}).
 */
class MissedBeatPauseTest {
    /** The record with each beat (not the first or last, not after a signal gap) dropped with probability {@code p}. */
    static RrCsvRecord missedBeats(RrCsvRecord rec, double p, long seed) throws Exception {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder("record,beat_index,time_s,rr_ms,beat_symbol,rhythm,gap_note\n");
        double prev = Double.NaN;
        int idx = 0;
        for (int i = 0; i < rec.size(); i++) {
            boolean gap = rec.gapNote[i] != null && !rec.gapNote[i].isEmpty();
            boolean nextGap = i + 1 < rec.size() && rec.gapNote[i + 1] != null && !rec.gapNote[i + 1].isEmpty();
            if (i > 0 && i < rec.size() - 1 && !gap && !nextGap && rnd.nextDouble() < p) continue;
            double t = rec.timeS[i];
            sb.append(rec.name).append(',').append(idx++).append(',').append(t).append(',')
                    .append(Double.isNaN(prev) ? "" : String.valueOf(Math.round((t - prev) * 1000))).append(',')
                    .append(rec.beatSymbol[i]).append(',').append(rec.rhythm[i]).append(',').append(rec.gapNote[i]).append('\n');
            prev = t;
        }
        return RrCsvRecord.read(rec.name, new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)));
    }

    static List<AlertChange> pauseAlerts(RrCsvRecord rec) {
        return JobPath.run(rec, rec.name, Rules.loadClasspath().defaults()).alerts.stream()
                .filter(c -> c.type() == EpisodeType.PAUSE && c.kind() == AlertChange.Kind.OPENED).toList();
    }

    /** pauseMs / median of the 10 intervals before the pause, for the report. */
    static String describe(RrCsvRecord rec, AlertChange c) {
        double pauseMs = c.evidence().getOrDefault("pauseMs", Double.NaN);
        int end = -1;
        for (int i = 1; i < rec.size(); i++) {
            if (RhythmValidation.beatMs(rec, i) == c.episodeStartMs() + Math.round(pauseMs)) end = i;
        }
        if (end < 11) return String.format("%s %.0f ms", rec.name, pauseMs);
        int[] before = new int[10];
        for (int k = 0; k < 10; k++) before[k] = rec.rrMs[end - 1 - k];
        Arrays.sort(before);
        double median = (before[4] + before[5]) / 2.0;
        return String.format("%s %.0f ms = %.2f x the median RR before it (%.0f ms)", rec.name, pauseMs, pauseMs / median, median);
    }

    @Test
    void beatsTheSensorMissedInARegularRhythmAreNotAlertedAsPauses() throws Exception {
        Path subset = Path.of(MissedBeatPauseTest.class.getResource("/physionet-missed-beats/nsr004_43400s-50600s.csv.gz").toURI());
        RrCsvRecord rec = RrCsvRecord.read(subset);
        assertThat(pauseAlerts(rec)).as("untouched: no pause").isEmpty();
        int longIntervals = 0;
        List<String> alerts = new ArrayList<>();
        for (long seed = 1; seed <= 10; seed++) {
            RrCsvRecord dropped = missedBeats(rec, 0.03, seed);
            for (int i = 0; i < dropped.size(); i++) if (dropped.rrMs[i] > 3000) longIntervals++;
            for (AlertChange c : pauseAlerts(dropped)) {
                alerts.add(describe(dropped, c));
            }
        }
        System.out.printf("missed beats: %d intervals over 3 s in 10 runs, %d pause alerts: %s%n", longIntervals,
                alerts.size(), alerts);
        assertThat(longIntervals).as("the drops make intervals over 3 s").isGreaterThanOrEqualTo(20);
        assertThat(alerts).hasSizeLessThanOrEqualTo(longIntervals / 4);
    }
}
