package org.wardstream.rhythm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.wardstream.evaluation.validation.RhythmValidation;
import org.wardstream.evaluation.validation.RrCsvRecord;

/** The beats of the shipped PhysioNet subset, per record, as the analyser is fed them (time, RR, quality). */
public record PhysionetBeats(long[][] times, int[][] rrMs, BeatQuality[][] quality, int beats) {

    /** From {@code evaluation/src/test/resources/physionet} (from the repository root or the module directory). */
    public static PhysionetBeats load() throws IOException {
        Path dir = Files.isDirectory(Path.of("evaluation/src/test/resources/physionet"))
                ? Path.of("evaluation/src/test/resources/physionet") : Path.of("src/test/resources/physionet");
        List<RrCsvRecord> recs = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(RrCsvRecord::isRecordFile).sorted().toList()) recs.add(RrCsvRecord.read(f));
        }
        int n = 0;
        long[][] t = new long[recs.size()][];
        int[][] rr = new int[recs.size()][];
        BeatQuality[][] q = new BeatQuality[recs.size()][];
        for (int k = 0; k < recs.size(); k++) {
            RrCsvRecord r = recs.get(k);
            t[k] = new long[r.size() - 1];
            rr[k] = new int[r.size() - 1];
            q[k] = new BeatQuality[r.size() - 1];
            for (int i = 1; i < r.size(); i++) {
                t[k][i - 1] = RhythmValidation.beatMs(r, i);
                rr[k][i - 1] = r.rrMs[i];
                q[k][i - 1] = RhythmValidation.qualityFromGapNote(r.gapNote[i]);
            }
            n += r.size() - 1;
        }
        return new PhysionetBeats(t, rr, q, n);
    }

    public int records() {
        return times.length;
    }
}
