package org.wardstream.evaluation.validation;

import org.junit.jupiter.api.Test;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Floors on the small attributed PhysioNet subset in {@code src/test/resources/physionet}
 * (see its ATTRIBUTION.md): MIT-BIH 201 and 219 (AF), 119 (bigeminy/trigeminy, PVCs), 232 (sinus
 * bradycardia with 30 clean pauses > 3 s), the first 2 h of nsr2db nsr001 and a 3.9 h slice of nsr014 (marked
 * sinus irregularity). The floors sit slightly below the values measured with the shipped model af-model-v5 (issue
 * 13), so a regression fails here, while the cross-validated numbers are produced by {@link CrossValidation} and
 * reported in docs/VALIDATION.md.
 */
class PhysioNetFloorTest {

    private static Path subset() throws Exception {
        return Path.of(PhysioNetFloorTest.class.getResource("/physionet").toURI());
    }

    @Test
    void defaultDetectorMeetsTheFloorsOnTheShippedSubset() throws Exception {
        ValidationSummary s = ValidationHarness.validate(subset(), new RrAnalyser(), 1);
        assertThat(s.errors).isZero();
        assertThat(s.records).hasSize(6);
        // measured with af-model-v5 (segment 0.05, onset 0.83 on the run's recent evidence, offset 8 segments; in-sample
        // for these records: the shipped model was fitted on all development records): Se 0.9941 Sp 0.9157 PPV 0.8607,
        // episodes 10/10, no false episode on nsr001_2h, 4 on the nsr014 slice (af-model-v4: Se 0.9768 Sp 0.9313 PPV
        // 0.8818, 9/10, 1 on the slice: v5's shipped instance is more sensitive, and the slice's sinus irregularity,
        // which RR timing cannot tell from slow AF, opens more often), 33/33 pauses, none false. Sp is low here because
        // the subset's non-AF denominator is small and dominated by AF-to-sinus transitions (219, 201, with 201's nodal
        // rhythm) and 232's atrial ectopy. Since detector wardstream-rr-analyser/8 (an interval 2 or 3 times a regular
        // rhythm is a hole in the AF window, as a wrist sensor's missed beat): Se 0.9760 Sp 0.9325 PPV 0.8835, episodes
        // 9/10: 219's 32-s AF run at 1,116 s no longer opens (it opened on evidence 0.848 against 0.83 while the window
        // still held the intervals twice the sinus rhythm before it; docs/VALIDATION.md, "What it costs"). Since wardstream-rr-analyser/9 (the
        // hole only once the next interval is the rhythm again: 219's long sinus intervals are followed by AF, not by
        // the rhythm) the figures are /7's again, Se 0.9941 Sp 0.9157 PPV 0.8607, 10/10, and so are the floors.
        assertThat(s.sensitivity()).isGreaterThanOrEqualTo(0.99);
        assertThat(s.specificity()).isGreaterThanOrEqualTo(0.91);
        assertThat(s.ppv()).isGreaterThanOrEqualTo(0.85);
        assertThat(s.episodeSensitivity()).isGreaterThanOrEqualTo(0.95);
        RecordResult nsr001 = s.records.stream().filter(r -> r.record.equals("nsr001_2h")).findFirst().orElseThrow();
        assertThat(nsr001.detectedEpisodes).as("false AF episodes on 2 h of ordinary sinus rhythm").isZero();
        assertThat(s.nsrEpisodes).as("false AF episodes on the NSR slices (all in nsr014)").isLessThanOrEqualTo(4);
        assertThat(s.pauseRecall()).isEqualTo(1.0);
        assertThat(s.refPauses).isEqualTo(33);
        assertThat(s.falsePausesAll).isZero();
        assertThat(s.stateBytesMax).isLessThanOrEqualTo(RrAnalyserState.maxSerializedSize()).isLessThanOrEqualTo(293);
        assertThat(s.byDatabase()).containsOnlyKeys("mitdb", "nsr2db");
        assertThat(s.nonAfByRhythm).containsKeys("(N", "(B", "(T", "(SBR");

        RecordResult r119 = s.records.stream().filter(r -> r.record.equals("119")).findFirst().orElseThrow();
        assertThat(r119.fp).as("bigeminy/trigeminy in 119 must not read as AF").isLessThanOrEqualTo(20);
        RecordResult r232 = s.records.stream().filter(r -> r.record.equals("232")).findFirst().orElseThrow();
        assertThat(r232.pausesFound).isEqualTo(30);
    }

    @Test
    void theOnsetBarRemovesMostNsr014FalseEpisodes() throws Exception {
        // Without the higher bar to open AF (onsetThreshold = irregularThreshold) the nsr014 slice reads as AF more
        // often: the test data does discriminate the two-threshold hysteresis.
        RrAnalyser shipped = new RrAnalyser();
        RrAnalyser without = new RrAnalyser(org.wardstream.rhythm.RhythmParameters.DEFAULTS.withOverrides(java.util.Map.of(
                "onsetThreshold", Double.toString(shipped.parameters().irregularThreshold()))));
        ValidationSummary with = ValidationHarness.validate(subset(), shipped, 1);
        ValidationSummary s = ValidationHarness.validate(subset(), without, 1);
        assertThat(s.nsrEpisodes).isGreaterThan(with.nsrEpisodes);
    }

    @Test
    void theJobPathScoresTheSameRhythmAndAddsAlertsAndHeartRate() throws Exception {
        ValidationSummary beat = ValidationHarness.validate(subset(), new RrAnalyser(
                org.wardstream.signals.RhythmRuleParameters.from(org.wardstream.rules.Rules.loadClasspath().defaults())), 1);
        ValidationSummary job = ValidationHarness.validateJobPath(subset(), org.wardstream.rules.Rules.loadClasspath(), 1);
        assertThat(job.errors).isZero();
        // RR batches of 60 s through DetectorPath give the same beat-level result as feeding beat by beat
        assertThat(new long[]{job.tp, job.fp, job.fn, job.tn}).containsExactly(beat.tp, beat.fp, beat.fn, beat.tn);
        assertThat(job.runsDetected).isEqualTo(beat.runsDetected);
        assertThat(job.pausesFound).isEqualTo(beat.pausesFound);
        RecordResult r201 = job.records.stream().filter(r -> r.record.equals("201")).findFirst().orElseThrow();
        // 201 has several detected AF episodes minutes apart; the AF rule's 1 h cool-down lets only the first one alert
        assertThat(r201.afEpisodes).hasSizeGreaterThanOrEqualTo(2);
        assertThat(r201.alerts).filteredOn(c -> c.type() == org.wardstream.rules.EpisodeType.ATRIAL_FIBRILLATION
                && c.kind() == org.wardstream.episodes.AlertChange.Kind.OPENED).hasSize(1)
                .allSatisfy(c -> assertThat(c.episodeStartMs()).isEqualTo(r201.afEpisodes.get(0)[0]));
        RecordResult r232 = job.records.stream().filter(r -> r.record.equals("232")).findFirst().orElseThrow();
        assertThat(r232.batchesRefusedByIngest).as("232's three clean pauses of 5.6-5.9 s reach the job").isZero();
        assertThat(r232.pausesFound).as("232's clean pauses over 3 s, the longest included").isEqualTo(r232.referencePauses).isPositive();
        assertThat(r232.bradycardia.referenceRuns).isEqualTo(1);
        String json = job.toJson();
        for (String key : new String[]{"\"tachycardia\"", "\"bradycardia\"", "\"alerts\"", "\"af_alerts_per_24h_nsr\"",
                "\"batches_refused_by_job_ingest\"", "\"af_episodes\""}) {
            assertThat(json).contains(key);
        }
    }

    @Test
    void theRateRiseGateKeepsNsr014sIrregularSinusRhythmFromOpeningAf() throws Exception {
        // nsr014's evening sinus irregularity reads as AF without a rise in rate: with the gate (the shipped 0.95 for such
        // runs) fewer false episodes open on the slice than with it off (the steady bar equal to the onset bar), and
        // the floors of the AF records hold (defaultDetectorMeetsTheFloorsOnTheShippedSubset)
        RrAnalyser shipped = new RrAnalyser();
        assertThat(shipped.parameters().steadyOnsetThreshold()).isEqualTo(0.95);
        RrAnalyser off = new RrAnalyser(org.wardstream.rhythm.RhythmParameters.DEFAULTS.withOverrides(java.util.Map.of(
                "steadyOnsetThreshold", Double.toString(shipped.parameters().onsetThreshold()))));
        RrCsvRecord nsr014 = RrCsvRecord.read(subset().resolve("nsr014_27000s-41000s.csv.gz"));
        int gated = RhythmValidation.evaluate(nsr014, shipped).detectedEpisodes;
        int ungated = RhythmValidation.evaluate(nsr014, off).detectedEpisodes;
        System.out.printf("nsr014 slice: %d false AF episodes with the rate-rise gate, %d without%n", gated, ungated);
        assertThat(gated).isLessThan(ungated);
    }

    @Test
    void aPatientsOwnOnsetBarReachesTheDetectorThroughTheJobPath() throws Exception {
        // A clinician raises the AF onset bar for one patient (enrolment override atrial-fibrillation.onsetProbability):
        // the job path's per-patient rules carry it to the analyser. On the nsr014 slice (sinus irregularity, which
        // the rate-rise gate already keeps mostly closed) no more false episodes open; the AF of 201 and 219 is still
        // found, and its alerts say the patient's own bar.
        org.wardstream.rules.Rules rules = org.wardstream.rules.Rules.loadClasspath();
        var raised = rules.forPatient(java.util.Map.of("atrial-fibrillation.onsetProbability", 0.95));
        assertThat(raised.rejected()).isEmpty();
        assertThat(org.wardstream.signals.RhythmRuleParameters.from(raised).onsetThreshold()).isEqualTo(0.95);
        RrCsvRecord nsr014 = RrCsvRecord.read(subset().resolve("nsr014_27000s-41000s.csv.gz"));
        RecordResult shipped = RhythmValidation.evaluateJobPath(nsr014, rules.defaults());
        RecordResult own = RhythmValidation.evaluateJobPath(nsr014, raised);
        System.out.printf("nsr014 slice: %d false AF episodes at the shipped bar, %d at 0.95%n", shipped.detectedEpisodes, own.detectedEpisodes);
        assertThat(own.detectedEpisodes).isLessThanOrEqualTo(shipped.detectedEpisodes);
        for (String af : new String[]{"201.csv", "219.csv"}) {
            RecordResult r = RhythmValidation.evaluateJobPath(RrCsvRecord.read(subset().resolve(af)), raised);
            System.out.printf("%s at 0.95: %d of %d AF runs, Se %d/%d%n", af, r.afRunsDetected, r.afRuns30s, r.tp, r.tp + r.fn);
            assertThat(r.afRunsDetected).as(af).isPositive();
            // and the AF alert says the patient's own bar; at the validated bar it says nothing of it
            assertThat(r.alerts).filteredOn(c -> c.type() == org.wardstream.rules.EpisodeType.ATRIAL_FIBRILLATION).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.evidence()).containsEntry("onsetBar", 0.95));
            assertThat(RhythmValidation.evaluateJobPath(RrCsvRecord.read(subset().resolve(af)), rules.defaults()).alerts)
                    .filteredOn(c -> c.type() == org.wardstream.rules.EpisodeType.ATRIAL_FIBRILLATION).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.evidence()).doesNotContainKey("onsetBar"));
        }
    }

    @Test
    void aPatientsOwnBarWithoutARiseInRateReachesTheDetectorAndTheAlertThroughTheJobPath() throws Exception {
        // A clinical lead lowers the bar of a run without a rise in heart rate for one patient whose AF does not raise
        // the rate (enrolment override atrial-fibrillation.onsetProbabilityWithoutRateRise): the job path's per-patient
        // rules carry it to the analyser (on the nsr014 slice, whose sinus irregularity the gate keeps mostly closed,
        // more false episodes open) and every AF alert states it; at the validated bar no alert says anything of it.
        org.wardstream.rules.Rules rules = org.wardstream.rules.Rules.loadClasspath();
        var lowered = rules.forPatient(java.util.Map.of("atrial-fibrillation.onsetProbabilityWithoutRateRise", 0.87));
        assertThat(lowered.rejected()).isEmpty();
        RrCsvRecord nsr014 = RrCsvRecord.read(subset().resolve("nsr014_27000s-41000s.csv.gz"));
        RecordResult shipped = RhythmValidation.evaluateJobPath(nsr014, rules.defaults());
        RecordResult own = RhythmValidation.evaluateJobPath(nsr014, lowered);
        System.out.printf("nsr014 slice: %d false AF episodes at the shipped bar without a rise in rate, %d at 0.87%n",
                shipped.detectedEpisodes, own.detectedEpisodes);
        assertThat(own.detectedEpisodes).isGreaterThan(shipped.detectedEpisodes);
        RecordResult af = RhythmValidation.evaluateJobPath(RrCsvRecord.read(subset().resolve("201.csv")), lowered);
        for (RecordResult r : java.util.List.of(own, af)) {
            assertThat(r.alerts).as(r.record).filteredOn(c -> c.type() == org.wardstream.rules.EpisodeType.ATRIAL_FIBRILLATION)
                    .isNotEmpty().allSatisfy(c -> assertThat(c.evidence()).containsEntry("onsetBarWithoutRateRise", 0.87)
                            .doesNotContainKey("onsetBar"));
        }
        assertThat(RhythmValidation.evaluateJobPath(RrCsvRecord.read(subset().resolve("201.csv")), rules.defaults()).alerts)
                .filteredOn(c -> c.type() == org.wardstream.rules.EpisodeType.ATRIAL_FIBRILLATION).isNotEmpty()
                .allSatisfy(c -> assertThat(c.evidence()).doesNotContainKey("onsetBarWithoutRateRise"));
    }

    @Test
    void jsonHasTheStableNames() throws Exception {
        String json = ValidationHarness.validate(subset(), new RrAnalyser(), 1).toJson();
        for (String key : new String[]{"\"af\"", "\"beat_sensitivity\"", "\"beat_specificity\"", "\"beat_ppv\"",
                "\"episode_sensitivity\"", "\"median_detection_delay_s\"", "\"false_episodes_per_24h_nsr\"",
                "\"pause\"", "\"recall\"", "\"false_per_24h_nsr\"", "\"records\"", "\"databases\"",
                "\"false_af_beats_by_rhythm\"", "\"unlabelled_beats_excluded\""}) {
            assertThat(json).contains(key);
        }
    }

    @Test
    void unreadableRecordsAreReportedNotFatal() throws Exception {
        Path dir = Files.createTempDirectory("rr-csv-bad");
        Files.copy(subset().resolve("119.csv"), dir.resolve("119.csv"));
        Files.writeString(dir.resolve("broken.csv"), "not,a,record\n1,2\n");
        Files.write(dir.resolve("truncated.csv.gz"), new byte[]{0x1f, (byte) 0x8b, 8, 0, 0});
        ValidationSummary s = ValidationHarness.validate(dir, new RrAnalyser(), 1);
        assertThat(s.errors).isEqualTo(2);
        assertThat(s.records).hasSize(3);
        assertThat(s.toJson()).contains("\"kind\": \"error\"");
        assertThat(s.records.stream().filter(r -> r.record.equals("119")).findFirst().orElseThrow().tn).isPositive();
    }

    @Test
    void detectorNeverSeesTheAnnotationLabels() throws Exception {
        // Same RR, times and gap notes with every label blanked: the detector's events must not change.
        RrCsvRecord rec = RrCsvRecord.read(subset().resolve("201.csv"));
        StringBuilder blanked = new StringBuilder("record,beat_index,time_s,rr_ms,beat_symbol,rhythm,gap_note\n");
        for (int i = 0; i < rec.size(); i++) {
            blanked.append("x,").append(i).append(',').append(rec.timeS[i]).append(',')
                    .append(rec.rrMs[i] < 0 ? "" : String.valueOf(rec.rrMs[i])).append(",Q,,").append(rec.gapNote[i]).append('\n');
        }
        RrCsvRecord anon = RrCsvRecord.read("x", new java.io.ByteArrayInputStream(blanked.toString().getBytes()));
        RrAnalyser a = new RrAnalyser();
        assertThat(RhythmValidation.run(anon, a, null)).isEqualTo(RhythmValidation.run(rec, a, null));
        assertThat(new RrAnalyserState().serializedSize()).isLessThan(1024);
    }
}
