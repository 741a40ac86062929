package org.wardstream.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.RhythmParameters;
import org.wardstream.rhythm.RhythmSegment;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.rhythm.SegmentClass;
import org.wardstream.rules.Rules;
import org.wardstream.signals.RhythmRuleParameters;

/**
 * The peers' AF rule against the RR analyser itself, on random rhythms built to sit around the onset threshold:
 * stretches of regular rhythm, of irregularity near the threshold (irregular runs whose mean score crosses it at
 * their 5th, 6th, ... segment, or never), of AF, with artefact beats (INSUFFICIENT segments) and data gaps (evidence
 * resets, and gaps long enough to close AF). Both peers must report exactly the analyser's onsets.
 */
class PeerAfOnsetTest {
    private static final long T0 = 1_772_400_000_000L;
    private static final BeatQuality[] QUALITY = {BeatQuality.CLEAN, BeatQuality.ARTEFACT, BeatQuality.GAP};
    private static final Rules RULES = Rules.loadClasspath();

    private static List<DeviceReading> readings;
    private static List<AlertKey> expected;
    /** Onsets confirmed after more than onsetSegments irregular segments, and irregular runs that long that never opened. */
    private static int lateOnsets;
    private static int longRunsWithoutOnset;

    @BeforeAll
    static void rhythms() {
        SplittableRandom rnd = new SplittableRandom(11);
        readings = new ArrayList<>();
        for (int p = 0; p < 16; p++) {
            readings.addAll(patient("p" + p, rnd));
        }
        // the analyser, fed exactly as the extraction feeds it (per patient, beat by beat)
        RhythmParameters params = RhythmRuleParameters.from(RULES.defaults());
        RrAnalyser analyser = new RrAnalyser(params);
        Map<String, RrAnalyserState> states = new HashMap<>();
        Map<String, int[]> runs = new HashMap<>(); // irregular run length, and whether it opened
        expected = new ArrayList<>();
        for (DeviceReading r : readings) {
            RrAnalyserState s = states.computeIfAbsent(r.patientId, k -> new RrAnalyserState());
            int[] run = runs.computeIfAbsent(r.patientId, k -> new int[2]);
            long beat = r.rrStart;
            for (int i = 0; i < r.rrMs.length; i++) {
                beat += r.rrMs[i];
                int before = s.rrCount;
                boolean used = analyser.onBeat(s, beat, r.rrMs[i], QUALITY[r.rrQuality[i]], e -> {
                    if (e instanceof AfOnset on) {
                        expected.add(new AlertKey(AlertKey.ATRIAL_FIBRILLATION, r.patientId, on.onsetMs()));
                        if (s.irregularRun > params.onsetSegments()) lateOnsets++;
                        run[1] = 1;
                    } else if (e instanceof RhythmSegment seg && seg.classification() == SegmentClass.REGULAR) {
                        endRun(run, params);
                    } else if (e instanceof AfOffset) {
                        endRun(run, params);
                    }
                });
                if (used && before >= 1 && s.rrCount == 1) endRun(run, params); // evidence reset
                run[0] = s.irregularRun;
            }
        }
    }

    private static void endRun(int[] run, RhythmParameters params) {
        if (run[0] >= params.onsetSegments() && run[1] == 0) longRunsWithoutOnset++;
        run[0] = 0;
        run[1] = 0;
    }

    @Test
    void theRhythmsExerciseTheOnsetThreshold() {
        // with seed 11: 257 onsets, 70 of them late, 659 long runs that never opened
        assertThat(expected).hasSizeGreaterThan(10);
        assertThat(lateOnsets).as("onsets after more than onsetSegments irregular segments").isPositive();
        assertThat(longRunsWithoutOnset).as("irregular runs of onsetSegments or more that never opened").isPositive();
    }

    @Test
    void esperReportsTheAnalysersOnsets() {
        List<AlertKey> alerts = PeerRuns.esper(RULES, readings);
        assertThat(new TreeSet<>(alerts)).containsExactlyElementsOf(new TreeSet<>(expected));
        assertThat(alerts).hasSameSizeAs(expected);
    }

    @Test
    void flinkMatchRecognizeReportsTheAnalysersOnsets() throws Exception {
        List<AlertKey> alerts = new ArrayList<>();
        for (Row r : PeerRuns.flinkSql(RULES, readings, PeerRow.STREAM_RHYTHM, "rhythm_rows",
                PeerRules::sqlAtrialFibrillation)) {
            alerts.add(new AlertKey(AlertKey.ATRIAL_FIBRILLATION, (String) r.getField("patientId"), (Long) r.getField("startMs")));
        }
        assertThat(new TreeSet<>(alerts)).containsExactlyElementsOf(new TreeSet<>(expected));
        assertThat(alerts).hasSameSizeAs(expected);
    }

    /** About 3 hours of RR batches (one a minute) in random stretches; gaps between some batches. */
    private static List<DeviceReading> patient(String id, SplittableRandom rnd) {
        List<DeviceReading> out = new ArrayList<>();
        List<Integer> rr = new ArrayList<>();
        List<Byte> quality = new ArrayList<>();
        while (rr.size() < 15_000) {
            double mean = 500 + rnd.nextInt(600);
            int beats = 30 + rnd.nextInt(160);
            double cv = switch (rnd.nextInt(4)) {
                case 0 -> 0.01;                             // regular
                case 1 -> 0.15 + 0.15 * rnd.nextDouble();   // AF
                default -> 0.04 + 0.12 * rnd.nextDouble();  // around the thresholds
            };
            double artefacts = rnd.nextInt(5) == 0 ? 0.5 : 0.01;
            for (int i = 0; i < beats; i++) {
                rr.add((int) Math.max(300, Math.round(mean * (1 + cv * rnd.nextGaussian()))));
                quality.add((byte) (rnd.nextDouble() < artefacts ? 1 : 0));
            }
        }
        long start = T0;
        for (int from = 0; from < rr.size(); from += 60) {
            int to = Math.min(rr.size(), from + 60);
            DeviceReading b = new DeviceReading();
            b.patientId = id;
            b.programme = "test";
            b.kind = DeviceReading.Kind.RR_BATCH;
            int gap = rnd.nextInt(40);
            if (gap == 0) start += 2 * 60_000;        // resets the evidence
            else if (gap == 1) start += 15 * 60_000;  // closes AF
            b.rrStart = start;
            b.rrMs = new int[to - from];
            b.rrQuality = new byte[to - from];
            for (int i = from; i < to; i++) {
                b.rrMs[i - from] = rr.get(i);
                b.rrQuality[i - from] = quality.get(i);
                start += rr.get(i);
            }
            b.time = start;
            b.timeReceived = start;
            out.add(b);
        }
        return out;
    }
}
