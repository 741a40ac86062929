package org.wardstream.evaluation.validation;

import org.junit.jupiter.api.Test;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RhythmEvent;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scoring conventions of {@link RhythmValidation#score} on small hand-made records. */
class ScoringConventionsTest {

    /** 100 beats at 1 s: the first 40 intervals unlabelled, then 30 (N, then 30 (AFIB; beat 60 ends a 3.2 s pause. */
    private static RrCsvRecord record() throws Exception {
        StringBuilder b = new StringBuilder("record,beat_index,time_s,rr_ms,beat_symbol,rhythm,gap_note\n");
        double t = 0;
        for (int i = 0; i < 100; i++) {
            double rr = i == 0 ? 0 : i == 60 ? 3.2 : 1.0;
            t += rr;
            String rhythm = i < 40 ? "" : i < 70 ? "(N" : "(AFIB";
            b.append("x,").append(i).append(',').append(t).append(',').append(i == 0 ? "" : String.valueOf(Math.round(rr * 1000)))
                    .append(",N,").append(rhythm).append(",\n");
        }
        return RrCsvRecord.read("x", new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unlabelledIntervalsAreLeftOutAndCountedAndAnEpisodeInsideThemIsNotFalse() throws Exception {
        RrCsvRecord rec = record();
        long t10 = RhythmValidation.beatMs(rec, 10), t30 = RhythmValidation.beatMs(rec, 30);
        long t75 = RhythmValidation.beatMs(rec, 75), t99 = RhythmValidation.beatMs(rec, 99);
        List<RhythmEvent> events = List.of(new AfOnset(t10, t30, 0.9, 60), new AfOffset(t10, t30, t30, AfOffset.Reason.REGULAR_RHYTHM),
                new AfOnset(t75, t99, 0.9, 60), new AfOffset(t75, t99, t99, AfOffset.Reason.END_OF_DATA));
        RecordResult r = RhythmValidation.score(rec, events);
        assertThat(r.kind).isEqualTo(RecordResult.Kind.LABELLED);
        assertThat(r.unlabelledBeats).isEqualTo(39);
        assertThat(r.fp).as("the detected unlabelled intervals are not false positives").isZero();
        assertThat(r.tn).isEqualTo(30);
        assertThat(r.tp + r.fn).isEqualTo(30);
        assertThat(r.falseEpisodes).isZero();
        assertThat(r.unlabelledEpisodes).isEqualTo(1);
        assertThat(r.nonAfBeatsByRhythm).containsEntry("(N", 30L);
    }

    @Test
    void aMatchedPauseIsNotAlsoFalseAndRoundingIsTolerated() throws Exception {
        RrCsvRecord rec = record();
        long end = RhythmValidation.beatMs(rec, 60);
        RecordResult exact = RhythmValidation.score(rec, List.of(new PauseEvent(end - 3200, end, 3200)));
        assertThat(exact.referencePauses).isEqualTo(1);
        assertThat(exact.pausesFound).isEqualTo(1);
        assertThat(exact.falsePauses).isZero();
        RecordResult shifted = RhythmValidation.score(rec, List.of(new PauseEvent(end - 3199, end + 1, 3200)));
        assertThat(shifted.pausesFound).isEqualTo(1);
        assertThat(shifted.falsePauses).isZero();
        long other = RhythmValidation.beatMs(rec, 20);
        RecordResult wrong = RhythmValidation.score(rec, List.of(new PauseEvent(other - 3100, other, 3100)));
        assertThat(wrong.pausesFound).isZero();
        assertThat(wrong.falsePauses).isEqualTo(1);
    }

    @Test
    void anEmptyOrMissingDataFolderIsAnError() throws Exception {
        Path empty = Files.createTempDirectory("rr-empty");
        assertThatThrownBy(() -> ValidationHarness.recordFiles(List.of(empty))).hasMessageContaining("no rr_csv record");
        assertThatThrownBy(() -> ValidationHarness.recordFiles(List.of(empty.resolve("absent")))).hasMessageContaining("not a directory");
    }

    @Test
    void ltafdbLongUnannotatedIntervalsAreMissingData() throws Exception {
        Path dir = Files.createTempDirectory("rr_csv_ltafdb");
        Files.writeString(dir.resolve("74.csv"), "record,beat_index,time_s,rr_ms,beat_symbol,rhythm,gap_note\n"
                + "74,0,0.0,,N,(N,\n74,1,1.0,1000,N,(N,\n74,2,516.0,515000,N,(N,\n74,3,519.5,3500,N,(N,\n");
        RrCsvRecord r = RrCsvRecord.read(dir.resolve("74.csv"));
        assertThat(r.database).isEqualTo("ltafdb");
        assertThat(r.gapNote[2]).isEqualTo(RrCsvRecord.UNANNOTATED_GAP);
        assertThat(r.gapNote[3]).as("a 3.5 s clean RR stays a pause").isEmpty();
        assertThat(r.markedMissing).isEqualTo(1);
        assertThat(RrCsvRecord.databaseOf(Path.of("x", "rr_csv", "nsr001.csv.gz"))).isEqualTo("nsr2db");
        assertThat(RrCsvRecord.databaseOf(Path.of("x", "rr_csv", "100.csv"))).isEqualTo("mitdb");
    }
}
