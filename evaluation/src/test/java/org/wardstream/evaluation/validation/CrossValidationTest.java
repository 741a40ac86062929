package org.wardstream.evaluation.validation;

import org.junit.jupiter.api.Test;
import org.wardstream.rhythm.AfModel;
import org.wardstream.rhythm.RhythmParameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The training and the onset simulation of {@link CrossValidation}, on the shipped PhysioNet subset. */
class CrossValidationTest {

    private static List<CrossValidation.Data> subset() throws Exception {
        Path dir = Path.of(CrossValidationTest.class.getResource("/physionet").toURI());
        List<CrossValidation.Data> out = new ArrayList<>();
        for (Path f : ValidationHarness.recordFiles(List.of(dir))) {
            out.add(CrossValidation.extract(RrCsvRecord.read(f), RhythmParameters.DEFAULTS));
        }
        return out;
    }

    @Test
    void trainingSeparatesAfFromOtherRhythmsAndIsDeterministic() throws Exception {
        List<CrossValidation.Data> data = subset();
        long af = data.stream().flatMap(d -> d.labels.stream()).filter(y -> y == 1).count();
        long non = data.stream().flatMap(d -> d.labels.stream()).filter(y -> y == 0).count();
        assertThat(af).isPositive();
        assertThat(non).isGreaterThan(af);
        AfModel m = CrossValidation.train(data, "subset");
        AfModel again = CrossValidation.train(subset(), "subset");
        assertThat(again).isEqualTo(m);
        assertThat(m.threshold()).isBetween(0.05, 0.95);
        assertThat(m.onsetThreshold()).isGreaterThanOrEqualTo(m.threshold()).isLessThan(1.0);
        // the fitted model ranks AF segments above non-AF ones on average
        double pAf = 0, pNon = 0;
        for (CrossValidation.Data d : data) {
            for (int k = 0; k < d.labels.size(); k++) {
                if (d.labels.get(k) == 1) pAf += m.probability(d.features.get(k));
                else if (d.labels.get(k) == 0) pNon += m.probability(d.features.get(k));
            }
        }
        assertThat(pAf / af).isGreaterThan(0.7);
        assertThat(pNon / non).isLessThan(0.3);
        // the model's JSON round-trips
        assertThat(AfModel.parse(m.toJson()).toJson()).isEqualTo(m.toJson());
    }

    @Test
    void theOnsetSimulationFollowsTheRunTimeRules() {
        double nan = Double.NaN;
        double[] labels = new double[12];
        java.util.Arrays.fill(labels, 1);
        // five segments above the threshold with mean 0.8 open AF; an INSUFFICIENT one in between does not break the run
        double[] p = {0.9, 0.8, nan, 0.7, 0.8, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9};
        long[] covered = new long[2];
        assertThat(CrossValidation.simulate(p, labels, 0.5, 0.75, 5, 5, covered)).isEqualTo(1);
        assertThat(covered[1]).isEqualTo(12);
        // covered: the confirming run back-dated (segments 0-5, the INSUFFICIENT one included), then segments 6-9
        // until the fifth regular segment (10) closes AF; the last one (11) alone does not reopen it
        assertThat(covered[0]).isEqualTo(10);
        // the same run with a mean below the onset bar never opens
        assertThat(CrossValidation.simulate(p, labels, 0.5, 0.85, 5, 5, new long[2])).isZero();
        // a reset (negative value) before a segment restarts the run
        double[] reset = {0.9, 0.9, 0.9, -1 - 0.9, 0.9, 0.9, 0.9};
        assertThat(CrossValidation.simulate(reset, new double[7], 0.5, 0.5, 5, 5, new long[2])).isZero();
    }

    @Test
    void theSimulationCountsNonAfSegmentsInsideEpisodes() {
        // AF opens on segments 0-4 (labelled non-AF 0-1, AF 2-4) and closes at the fifth regular segment (9)
        double[] p = {0.9, 0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
        double[] labels = {0, 0, 1, 1, 1, 0, 0, 0, 0, 0, -1};
        long[] c = new long[4];
        assertThat(CrossValidation.simulate(p, labels, 0.5, 0.5, 5, 5, c)).isEqualTo(1);
        assertThat(c).containsExactly(3, 3, 2 + 4, 7);
    }

    @Test
    void theConstrainedSelectionMeetsItsConstraintsAndIsTheMostSensitiveSuchPair() throws Exception {
        List<CrossValidation.Data> data = subset();
        AfModel m = CrossValidation.train(data, "subset");
        LogisticRegression lr = refit(data);
        var seqs = CrossValidation.sequences(data, lr);
        double nsrHours = data.stream().filter(d -> d.db.equals("nsr2db")).mapToDouble(d -> d.hours).sum();
        assertThat(nsrHours).isPositive();
        double[] chosen = CrossValidation.chooseThresholds(data, lr);
        assertThat(CrossValidation.round3(chosen[0])).isEqualTo(m.threshold());
        assertThat(CrossValidation.round3(chosen[1])).isEqualTo(m.onsetThreshold());
        double[] at = CrossValidation.scorePair(seqs, nsrHours, chosen[0], chosen[1], chosen[4], (int) chosen[2], (int) chosen[3]);
        assertThat(CrossValidation.LAST_SELECTION).startsWith("constrained");
        assertThat(at[1]).as("training nsr2db false episodes / 24 h").isLessThanOrEqualTo(CrossValidation.TARGET_NSR_FALSE_PER_24H);
        assertThat(at[2]).as("lowest non-AF specificity of the labelled databases").isGreaterThanOrEqualTo(CrossValidation.SP_FLOOR);
        // no admissible pair on the grid is more sensitive
        for (double t = CrossValidation.GRID_FROM; t <= CrossValidation.GRID_TO + 1e-9; t += CrossValidation.GRID_STEP) {
            for (double o = t; o <= CrossValidation.GRID_TO + 1e-9; o += CrossValidation.GRID_STEP) {
                double[] s = CrossValidation.scorePair(seqs, nsrHours, t, o, o, (int) chosen[2], (int) chosen[3]);
                if (s[1] <= CrossValidation.TARGET_NSR_FALSE_PER_24H && s[2] >= CrossValidation.SP_FLOOR) {
                    assertThat(s[0]).as("Se at %.2f/%.2f", t, o).isLessThanOrEqualTo(at[0] + 1e-12);
                }
            }
        }
    }

    @Test
    void thePlateauScoreIsTheWorstCaseOverTheCellsOneStepAway() {
        // one offset and one onset persistence, a 3 x 3 grid of (segment threshold, onset bar), onset >= threshold;
        // {Se, nsr2db false per 24 h, min Sp, false per 24 h counting everyone}
        double[][][][][] own = new double[1][1][3][3][];
        own[0][0][0][0] = new double[]{0.90, 0.0, 0.99, 0.0};
        own[0][0][0][1] = new double[]{0.99, 0.0, 0.99, 0.1}; // a spike: the best Se, its neighbours not
        own[0][0][0][2] = new double[]{0.95, 0.2, 0.98, 0.3};
        own[0][0][1][1] = new double[]{0.96, 0.1, 0.97, 0.1};
        own[0][0][1][2] = new double[]{0.97, 0.0, 0.96, 0.0};
        own[0][0][2][2] = new double[]{0.98, 0.0, 0.99, 0.5};
        double[][][][][] w = CrossValidation.worstOverNeighbourhood(own);
        // (0,1)'s neighbours: every cell (the box reaches all of them but (2,2)); cells below the diagonal stay empty
        assertThat(w[0][0][0][1]).containsExactly(0.90, 0.2, 0.96, 0.3);
        assertThat(w[0][0][1][0]).isNull();
        // the corner (2,2) sees (1,1), (1,2) and itself only
        assertThat(w[0][0][2][2]).containsExactly(0.96, 0.1, 0.96, 0.5);
        assertThat(own[0][0][0][1]).containsExactly(0.99, 0.0, 0.99, 0.1); // the input untouched
        // along the outer dimensions too: a second offset persistence one step away drags the first down
        double[][][][][] two = new double[2][1][1][1][];
        two[0][0][0][0] = new double[]{0.99, 0.0, 0.99, 0.0};
        two[1][0][0][0] = new double[]{0.80, 0.4, 0.90, 0.6};
        assertThat(CrossValidation.worstOverNeighbourhood(two)[0][0][0][0]).containsExactly(0.80, 0.4, 0.90, 0.6);
        // --plateau mean: each figure's mean over the same cells
        assertThat(CrossValidation.meanOverNeighbourhood(two)[1][0][0][0])
                .containsExactly(new double[]{0.895, 0.2, 0.945, 0.3}, org.assertj.core.data.Offset.offset(1e-12));
        double[] corner = CrossValidation.meanOverNeighbourhood(own)[0][0][2][2];
        assertThat(corner[0]).isCloseTo((0.96 + 0.97 + 0.98) / 3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(corner[3]).isCloseTo((0.1 + 0.0 + 0.5) / 3, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void withThePlateauTheChoiceIsTheBestWorstCaseOverItsNeighbourhoodAndTheDefaultIsUnchanged() throws Exception {
        // on the small subset no candidate reaches both floors at a specificity floor of 0.97 (the constrained rule
        // chooses there); at 0.95 the sensitivity-first rule, the development data's, has candidates
        double oldFloor = CrossValidation.SP_FLOOR;
        CrossValidation.SP_FLOOR = 0.95;
        try {
            plateauChoiceMatchesTheOracle();
        } finally {
            CrossValidation.SP_FLOOR = oldFloor;
        }
    }

    private static void plateauChoiceMatchesTheOracle() throws Exception {
        List<CrossValidation.Data> data = subset();
        LogisticRegression lr = refit(data);
        var seqs = CrossValidation.sequences(data, lr);
        double nsrHours = data.stream().filter(d -> d.db.equals("nsr2db")).mapToDouble(d -> d.hours).sum();
        double[] plain = CrossValidation.chooseThresholds(data, lr);
        String plainSelection = CrossValidation.LAST_SELECTION;
        double[] chosen;
        CrossValidation.PLATEAU = true;
        try {
            chosen = CrossValidation.chooseThresholds(data, lr);
        } finally {
            CrossValidation.PLATEAU = false;
        }
        String plateauSelection = CrossValidation.LAST_SELECTION;
        assertThat(plateauSelection).startsWith("plateau (worst over the neighbourhood");
        assertThat(CrossValidation.chooseThresholds(data, lr)).as("the flag off: the plain selection again").containsExactly(plain);
        assertThat(CrossValidation.LAST_SELECTION).isEqualTo(plainSelection);
        // the oracle, computed here cell by cell: each candidate's worst case over the grid points at most one step
        // away in segment threshold, onset bar and offset persistence (the onset persistence grid has one value)
        int[] offs = CrossValidation.OFFSET_SEGMENTS_GRID;
        int n = CrossValidation.gridSize(), segs = (int) chosen[2];
        double[][][][] own = new double[offs.length][n][n][];
        for (int f = 0; f < offs.length; f++)
            for (int t = 0; t < n; t++)
                for (int o = t; o < n; o++)
                    own[f][t][o] = CrossValidation.scorePair(seqs, nsrHours, CrossValidation.gridValue(t), CrossValidation.gridValue(o),
                            CrossValidation.gridValue(o), segs, offs[f]);
        double[] best = null, bestAt = null;
        for (int f = 0; f < offs.length; f++)
            for (int t = 0; t < n; t++)
                for (int o = t; o < n; o++) {
                    double se = 1, rate = 0, sp = 1;
                    for (int f2 = Math.max(0, f - 1); f2 <= Math.min(offs.length - 1, f + 1); f2++)
                        for (int t2 = Math.max(0, t - 1); t2 <= Math.min(n - 1, t + 1); t2++)
                            for (int o2 = Math.max(t2, o - 1); o2 <= Math.min(n - 1, o + 1); o2++) {
                                se = Math.min(se, own[f2][t2][o2][0]);
                                rate = Math.max(rate, own[f2][t2][o2][1]);
                                sp = Math.min(sp, own[f2][t2][o2][2]);
                            }
                    // sensitivity floor first: admissible on its own figures; the fewest training nsr2db false
                    // episodes of the worst neighbour win (ties: higher worst Se, then higher worst Sp)
                    if (own[f][t][o][0] < CrossValidation.SE_FIRST || own[f][t][o][2] < CrossValidation.SP_FLOOR) continue;
                    double[] w = {-rate, se, sp};
                    if (best == null || w[0] > best[0] + 1e-12 || (Math.abs(w[0] - best[0]) <= 1e-12 && (w[1] > best[1] + 1e-12
                            || (Math.abs(w[1] - best[1]) <= 1e-12 && w[2] > best[2] + 1e-12)))) {
                        best = w;
                        bestAt = new double[]{CrossValidation.gridValue(t), CrossValidation.gridValue(o), offs[f]};
                    }
                }
        assertThat(bestAt).as("some candidate meets the floors").isNotNull();
        assertThat(plateauSelection).contains("sensitivity floor first");
        assertThat(new double[]{chosen[0], chosen[1], chosen[3]}).containsExactly(bestAt);
        assertThat(plateauSelection).contains(String.format(java.util.Locale.ROOT,
                "plateau (worst over the neighbourhood: Se %.4f, nsr2db false %.3f/24h, min Sp %.4f)", best[1], -best[0], best[2]));
        // on this subset the plateau is not where the single best point is
        assertThat(new double[]{chosen[0], chosen[1]}).isNotEqualTo(new double[]{plain[0], plain[1]});
    }

    @Test
    void eachRepetitionScoresEveryRecordOnceAndTheRepeatedTableSummarisesThem() throws Exception {
        List<CrossValidation.Data> data = subset();
        java.util.Map<String, List<CrossValidation.Data>> byDb = new java.util.LinkedHashMap<>();
        for (CrossValidation.Data d : data) byDb.computeIfAbsent(d.db, k -> new ArrayList<>()).add(d);
        List<ValidationSummary> reps = new ArrayList<>();
        for (long seed = 13; seed <= 14; seed++) {
            List<RecordResult> heldOut = CrossValidation.crossValidate(byDb, data, 2, seed, RhythmParameters.DEFAULTS, 1);
            assertThat(heldOut).extracting(r -> r.record).as("seed %d", seed)
                    .containsExactlyInAnyOrderElementsOf(data.stream().map(d -> d.rec.name).toList());
            reps.add(new ValidationSummary(heldOut, RhythmParameters.DEFAULTS));
        }
        StringBuilder out = new StringBuilder();
        CrossValidation.repeatedTable(out, reps, 13);
        double a = reps.get(0).byDatabase().get("mitdb").sensitivity(), b = reps.get(1).byDatabase().get("mitdb").sensitivity();
        assertThat(out.toString()).contains(String.format(java.util.Locale.ROOT, "| mitdb | AF beat Se | %.3f | %.3f | %.3f | %.3f %.3f |",
                (a + b) / 2, Math.min(a, b), Math.max(a, b), a, b));
        assertThat(out.toString()).contains("| nsr2db | false AF episodes per 24 h |").doesNotContain("| nsr2db | AF beat Se");
    }

    @Test
    void fixedThresholdsRefitOnlyTheWeights() throws Exception {
        List<CrossValidation.Data> data = subset();
        AfModel chosen = CrossValidation.train(data, "subset");
        CrossValidation.FIXED_THRESHOLDS = CrossValidation.fixedThresholds("0.11,0.77,3,6");
        try {
            AfModel fixed = CrossValidation.train(data, "subset");
            assertThat(fixed.threshold()).isEqualTo(0.11);
            assertThat(fixed.onsetThreshold()).isEqualTo(0.77);
            RhythmParameters p = CrossValidation.paramsOf(RhythmParameters.DEFAULTS, fixed);
            assertThat(p.onsetSegments()).isEqualTo(3);
            assertThat(p.offsetSegments()).isEqualTo(6);
            // the same fit: only the thresholds differ from the selected model
            assertThat(fixed.coef()).containsExactly(chosen.coef());
            assertThat(fixed.intercept()).isEqualTo(chosen.intercept());
        } finally {
            CrossValidation.FIXED_THRESHOLDS = null;
        }
        for (String bad : List.of("0.5,0.4,5,8", "0.05,0.83,5", "0,0.83,5,8", "0.05,0.83,0,8", "a,b,c,d")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrossValidation.fixedThresholds(bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theSensitivityStandardErrorTreatsRecordsAsClusters() {
        // two AF records of 4 segments: one covered throughout, one never -> Se 0.5, cluster SE sqrt(2 * 8 / 64) = 0.5
        double[] ones = {1, 1, 1, 1};
        var seqs = new java.util.LinkedHashMap<String, List<double[][]>>();
        seqs.put("ltafdb", List.of(new double[][]{{0.9, 0.9, 0.9, 0.9}, ones}, new double[][]{{0.1, 0.1, 0.1, 0.1}, ones}));
        seqs.put("nsr2db", List.<double[][]>of(new double[][]{{0.9, 0.9}, {0, 0}})); // no AF: not part of the sensitivity
        double[] cand = {0.5, 0.5, 0, 0, 0, 1, 1, 0};
        assertThat(CrossValidation.sensitivityStandardError(seqs, cand)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        // two records covered alike have no spread between them
        seqs.put("ltafdb", List.of(new double[][]{{0.9, 0.9, 0.9, 0.9}, ones}, new double[][]{{0.9, 0.9, 0.9, 0.9}, ones}));
        assertThat(CrossValidation.sensitivityStandardError(seqs, cand)).isZero();
    }

    @Test
    void theTrainingRunCountFollowsValidatesRunsAndTheSimulatedEpisodes() throws Exception {
        // the reference runs per record are validate's (RhythmValidation: (AFIB runs of 30 s or more)
        for (CrossValidation.Data d : subset()) {
            int runs = java.util.Arrays.stream(CrossValidation.afRunsOfBeats(d.rec)).max().orElse(-1) + 1;
            RecordResult r = RhythmValidation.evaluate(d.rec, new org.wardstream.rhythm.RrAnalyser(RhythmParameters.DEFAULTS));
            assertThat(runs).as(d.rec.name).isEqualTo(r.afRuns30s);
            assertThat(d.afRun).hasSameSizeAs(d.labels);
        }
        // a labelled record with two runs: the first inside an episode, the second (one segment) never; nsr2db left out
        double[] p = {0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1};
        double[] labels = {1, 1, 1, 0, 0, 0, 0, 1, 0, 0};
        double[] run = {0, 0, 0, -1, -1, -1, -1, 1, -1, -1};
        double[] six = new double[10], rates = new double[10];
        java.util.Arrays.fill(six, 6.0);
        java.util.Arrays.fill(rates, 80);
        var seqs = new java.util.LinkedHashMap<String, List<double[][]>>();
        seqs.put("ltafdb", List.<double[][]>of(new double[][]{p, labels, rates, six, run}));
        seqs.put("nsr2db", List.<double[][]>of(new double[][]{{0.9, 0.9, 0.9}, {0, 0, 0}, {80, 80, 80}, {6, 6, 6}, {0, 0, 0}}));
        assertThat(CrossValidation.runsFound(seqs, 0.5, 0.5, 0.5, 1.05, 3, 2)).containsExactly(1, 2);
        // a bar above the run's evidence finds neither
        assertThat(CrossValidation.runsFound(seqs, 0.5, 0.95, 0.95, 1.05, 3, 2)).containsExactly(0, 2);
    }

    @Test
    void withTheRunFloorTheChoiceFindsTheFloorsShareOfTrainingRunsAndTheDefaultIsUnchanged() throws Exception {
        // as for the plateau: at a specificity floor of 0.95 the sensitivity-first rule has candidates on the subset
        double oldFloor = CrossValidation.SP_FLOOR, oldRunFloor = CrossValidation.RUN_FLOOR;
        boolean oldGateStage = CrossValidation.RUN_FLOOR_IN_GATE_STAGE;
        CrossValidation.SP_FLOOR = 0.95;
        CrossValidation.RUN_FLOOR = 0; // the plain selection: /9's procedure
        try {
            List<CrossValidation.Data> data = subset();
            LogisticRegression lr = refit(data);
            double[] plain = CrossValidation.chooseThresholds(data, lr);
            String plainSelection = CrossValidation.LAST_SELECTION;
            assertThat(plainSelection).startsWith("sensitivity floor first");
            double rise = RhythmParameters.DEFAULTS.onsetRateRise();
            // the plain choice finds every one of the subset's runs; one more run, a segment of a labelled record that
            // another candidate meeting the rule's floors and finding every run holds in an episode and the plain choice
            // does not, is a run the
            // plain choice misses (as seed 17's fold 3 missed a tenth of its training runs on the development data)
            var before = CrossValidation.sequences(data, lr);
            double nsrHours = data.stream().filter(d -> d.db.equals("nsr2db")).mapToDouble(d -> d.hours).sum();
            boolean added = false;
            for (int f = 0; f < CrossValidation.OFFSET_SEGMENTS_GRID.length && !added; f++)
            for (int ti = 0; ti < CrossValidation.gridSize() && !added; ti++)
            for (int oi = ti; oi < CrossValidation.gridSize() && !added; oi++) {
                double t = CrossValidation.gridValue(ti), o = CrossValidation.gridValue(oi);
                int segs = (int) plain[2], offs = CrossValidation.OFFSET_SEGMENTS_GRID[f];
                double[] m = CrossValidation.scorePair(before, nsrHours, t, o, o, segs, offs);
                if (m[0] < CrossValidation.SE_FIRST || m[2] < CrossValidation.SP_FLOOR) continue;
                long[] runs = CrossValidation.runsFound(before, t, o, o, rise, segs, offs);
                if (runs[0] < runs[1]) continue;
                for (CrossValidation.Data d : data) {
                    if (d.db.equals("nsr2db") || added) continue;
                    double[][] sq = CrossValidation.sequences(List.of(d), lr).get(d.db).get(0);
                    boolean[] other = new boolean[sq[0].length], chosen = new boolean[sq[0].length];
                    CrossValidation.simulate(sq[0], sq[1], sq[2], t, o, o, rise, segs, offs, new long[2], other);
                    CrossValidation.simulate(sq[0], sq[1], sq[2], plain[0], plain[1], plain[4], plain[5], segs, (int) plain[3], new long[2], chosen);
                    int next = d.afRun.stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
                    for (int k = 0; k < other.length && !added; k++) {
                        if (other[k] && !chosen[k] && d.afRun.get(k) < 0) {
                            d.afRun.set(k, next);
                            added = true;
                        }
                    }
                }
            }
            assertThat(added).isTrue();
            var seqs = CrossValidation.sequences(data, lr);
            long[] plainRuns = CrossValidation.runsFound(seqs, plain[0], plain[1], plain[4], plain[5], (int) plain[2], (int) plain[3]);
            assertThat(plainRuns[0]).isEqualTo(plainRuns[1] - 1);
            assertThat(CrossValidation.chooseThresholds(data, lr)).as("the floor off: the added run changes nothing").containsExactly(plain);
            double[] chosen;
            CrossValidation.RUN_FLOOR = 1.0;
            CrossValidation.RUN_FLOOR_IN_GATE_STAGE = true;
            try {
                chosen = CrossValidation.chooseThresholds(data, lr);
            } finally {
                CrossValidation.RUN_FLOOR = 0;
                CrossValidation.RUN_FLOOR_IN_GATE_STAGE = false;
            }
            assertThat(CrossValidation.LAST_SELECTION).contains("AF runs >= 30 s found " + plainRuns[1] + "/" + plainRuns[1] + " (run floor 1.0 held)");
            // both stages keep the floor: the first stage's pair with the gate off, and with the gate's chosen bar
            assertThat(CrossValidation.runsFound(seqs, chosen[0], chosen[1], chosen[1], rise, (int) chosen[2], (int) chosen[3]))
                    .containsExactly(plainRuns[1], plainRuns[1]);
            assertThat(CrossValidation.runsFound(seqs, chosen[0], chosen[1], chosen[4], chosen[5], (int) chosen[2], (int) chosen[3]))
                    .containsExactly(plainRuns[1], plainRuns[1]);
            assertThat(chosen).isNotEqualTo(plain);
            // --run-floor-first-stage: the same first-stage choice; the gate's bar by its own rule
            double[] firstOnly;
            CrossValidation.RUN_FLOOR = 1.0;
            CrossValidation.RUN_FLOOR_IN_GATE_STAGE = false;
            try {
                firstOnly = CrossValidation.chooseThresholds(data, lr);
            } finally {
                CrossValidation.RUN_FLOOR = 0;
            }
            assertThat(CrossValidation.LAST_SELECTION).contains("(run floor 1.0, first stage held)");
            assertThat(java.util.Arrays.copyOf(firstOnly, 4)).containsExactly(java.util.Arrays.copyOf(chosen, 4));
            // the floor off: the plain selection again (it reports the added run as missed)
            assertThat(CrossValidation.chooseThresholds(data, lr)).containsExactly(plain);
            assertThat(CrossValidation.LAST_SELECTION).isEqualTo(plainSelection.replace(
                    "found " + plainRuns[0] + "/" + plainRuns[0], "found " + plainRuns[0] + "/" + plainRuns[1]));
        } finally {
            CrossValidation.SP_FLOOR = oldFloor;
            CrossValidation.RUN_FLOOR = oldRunFloor;
            CrossValidation.RUN_FLOOR_IN_GATE_STAGE = oldGateStage;
        }
    }

    @Test
    void gateTiesAreBrokenOnSensitivityByDefaultAndOnSpecificityWithTheSwitch() {
        // seed 16's fold 3 (detect23's gate trace): 0.91 and 0.95 tie on the objective (0.3262 false AF episodes per 24 h
        // of non-AF time); 0.91 has the higher training Se, 0.95 the higher min Sp. The incumbent is 0.91 (tried first).
        boolean old = CrossValidation.GATE_TIES_SPECIFICITY;
        assertThat(old).as("--gate-ties specificity is the default (adopted 2026-12-07)").isTrue();
        try {
            CrossValidation.GATE_TIES_SPECIFICITY = false;
            assertThat(CrossValidation.gateBetter(0.3262, 0.9894, 0.9789, 0.3262, 0.9897, 0.9786)).as("sensitivity: 0.91 stays").isFalse();
            CrossValidation.GATE_TIES_SPECIFICITY = true;
            assertThat(CrossValidation.gateBetter(0.3262, 0.9894, 0.9789, 0.3262, 0.9897, 0.9786)).as("specificity: 0.95 wins").isTrue();
            // the objective still comes first in either mode: fewer false episodes win whatever Se and Sp say
            for (boolean mode : new boolean[]{false, true}) {
                CrossValidation.GATE_TIES_SPECIFICITY = mode;
                assertThat(CrossValidation.gateBetter(0.30, 0.97, 0.97, 0.31, 0.99, 0.99)).isTrue();
                assertThat(CrossValidation.gateBetter(0.31, 0.99, 0.99, 0.30, 0.97, 0.97)).isFalse();
                // equal on everything: the incumbent stays
                assertThat(CrossValidation.gateBetter(0.30, 0.98, 0.98, 0.30, 0.98, 0.98)).isFalse();
            }
            // a tie on the objective and on Sp: Se decides in the specificity mode too
            assertThat(CrossValidation.gateBetter(0.30, 0.99, 0.98, 0.30, 0.98, 0.98)).isTrue();
        } finally {
            CrossValidation.GATE_TIES_SPECIFICITY = old;
        }
    }

    @Test
    void theSelectionsGateBarFollowsTheTieRuleOnTheSubset() throws Exception {
        // the whole selection on the shipped subset (specificity floor 0.95, as for the plateau), each mode against an
        // oracle of the gate stage written out here: the first stage's pair, then gate off, 0.87, 0.91, 0.95 ranked by
        // the objective and the mode's tie-break; the first stage is the same in both modes
        double oldFloor = CrossValidation.SP_FLOOR;
        boolean old = CrossValidation.GATE_TIES_SPECIFICITY;
        CrossValidation.SP_FLOOR = 0.95;
        try {
            List<CrossValidation.Data> data = subset();
            LogisticRegression lr = refit(data);
            var seqs = CrossValidation.sequences(data, lr);
            double nsrHours = data.stream().filter(d -> d.db.equals("nsr2db")).mapToDouble(d -> d.hours).sum();
            double[][] chosen = new double[2][];
            for (int mode = 0; mode < 2; mode++) {
                CrossValidation.GATE_TIES_SPECIFICITY = mode == 1;
                double[] c = CrossValidation.chooseThresholds(data, lr);
                assertThat(CrossValidation.LAST_SELECTION).startsWith("sensitivity floor first");
                double t = c[0], o = c[1], rise = c[5];
                int segs = (int) c[2], offs = (int) c[3];
                double[] off = CrossValidation.scorePair(seqs, nsrHours, t, o, o, rise, segs, offs);
                double bestBar = o, bestObj = CrossValidation.falseEpisodesPerDay(seqs, t, o, o, rise, segs, offs);
                double bestSe = off[0], bestSp = off[2];
                for (double bar : CrossValidation.STEADY_GRID) {
                    if (bar <= o + 1e-9) continue;
                    double[] m = CrossValidation.scorePair(seqs, nsrHours, t, o, bar, rise, segs, offs);
                    if (m[0] < CrossValidation.SE_FIRST || m[2] < CrossValidation.SP_FLOOR) continue;
                    double obj = CrossValidation.falseEpisodesPerDay(seqs, t, o, bar, rise, segs, offs);
                    boolean wins = Math.abs(obj - bestObj) > 1e-12 ? obj < bestObj
                            : mode == 1 ? (Math.abs(m[2] - bestSp) > 1e-12 ? m[2] > bestSp : m[0] > bestSe + 1e-12)
                            : (Math.abs(m[0] - bestSe) > 1e-12 ? m[0] > bestSe : m[2] > bestSp + 1e-12);
                    if (wins) {
                        bestBar = bar;
                        bestObj = obj;
                        bestSe = m[0];
                        bestSp = m[2];
                    }
                }
                assertThat(c[4]).as("gate bar, mode " + mode).isEqualTo(bestBar);
                chosen[mode] = c;
            }
            assertThat(java.util.Arrays.copyOf(chosen[1], 4)).containsExactly(java.util.Arrays.copyOf(chosen[0], 4));
        } finally {
            CrossValidation.SP_FLOOR = oldFloor;
            CrossValidation.GATE_TIES_SPECIFICITY = old;
        }
    }

    @Test
    void whenNoCandidateMeetsTheFloorsWithoutTheGateTheFallbackGateJudgesThemWithIt() {
        // a training record (segments: probability, label, rate) whose AF raises the rate (60 -> 90/min) and whose long
        // stretch of AF-like irregularity at the regular rate (not AF) does not: without the rate-rise gate no candidate
        // has both training Se >= 0.97 (the AF, p 0.90, needs an onset bar below 0.90) and min Sp >= 0.97 (the same bar
        // opens the non-AF stretch), so the selection falls back to the constrained rule and the detector has no gate;
        // with the gate at 0.95 the AF opens (its rate rose) and the stretch does not, so --fallback-gate finds the floors
        var seqs = new java.util.LinkedHashMap<String, List<double[][]>>();
        seqs.put("ltafdb", java.util.Collections.singletonList(syntheticRecord(new double[][]{
                {400, 0.01, 0, 60}, {40, 0.90, 1, 90}, {400, 0.01, 0, 60}, {60, 0.90, 0, 60}, {400, 0.01, 0, 60}})));
        boolean old = CrossValidation.FALLBACK_GATE;
        assertThat(old).as("the default since 2026-12-07").isTrue();
        try {
            CrossValidation.FALLBACK_GATE = false;
            double[] without = CrossValidation.chooseThresholds(seqs, 0, new int[]{5});
            assertThat(CrossValidation.LAST_SELECTION).startsWith("constrained");
            assertThat(without[4]).as("no gate after the constrained rule").isEqualTo(without[1]);
            CrossValidation.FALLBACK_GATE = true;
            double[] with = CrossValidation.chooseThresholds(seqs, 0, new int[]{5});
            assertThat(CrossValidation.LAST_SELECTION).startsWith("sensitivity floor first").contains("judged with the gate");
            double bar = java.util.Arrays.stream(CrossValidation.STEADY_GRID).max().getAsDouble();
            assertThat(with[4]).as("the gate's bar").isEqualTo(bar);
            assertThat(with[1]).as("an onset bar the AF clears").isLessThan(0.90);
            double[] at = CrossValidation.scorePair(seqs, 0, with[0], with[1], with[4], with[5], (int) with[2], (int) with[3]);
            assertThat(at[0]).as("training Se with the gate").isGreaterThanOrEqualTo(CrossValidation.SE_FIRST);
            assertThat(at[2]).as("training min Sp with the gate").isGreaterThanOrEqualTo(CrossValidation.SP_FLOOR);
            double[] off = CrossValidation.scorePair(seqs, 0, with[0], with[1], with[1], with[5], (int) with[2], (int) with[3]);
            assertThat(off[2]).as("min Sp of the same thresholds without the gate").isLessThan(CrossValidation.SP_FLOOR);
            // a record set that meets the floors without the gate is chosen as before: the switch changes nothing there
            var easy = new java.util.LinkedHashMap<String, List<double[][]>>();
            easy.put("ltafdb", java.util.Collections.singletonList(syntheticRecord(new double[][]{{400, 0.01, 0, 60}, {40, 0.90, 1, 90}, {400, 0.01, 0, 60}})));
            double[] a = CrossValidation.chooseThresholds(easy, 0, new int[]{5});
            String la = CrossValidation.LAST_SELECTION;
            CrossValidation.FALLBACK_GATE = false;
            double[] b = CrossValidation.chooseThresholds(easy, 0, new int[]{5});
            assertThat(a).containsExactly(b);
            assertThat(la).isEqualTo(CrossValidation.LAST_SELECTION).doesNotContain("judged with the gate");
        } finally {
            CrossValidation.FALLBACK_GATE = old;
        }
    }

    /**
     * One training record's selection sequence ({@link CrossValidation#sequences} layout: probability, label, rate,
     * seconds, reference AF run) from stretches {segments, probability, label, rate}; 8-s segments, each AF stretch one
     * reference run.
     */
    private static double[][] syntheticRecord(double[][] stretches) {
        int n = 0;
        for (double[] st : stretches) n += (int) st[0];
        double[][] sq = new double[5][n];
        int k = 0, run = 0;
        for (double[] st : stretches) {
            for (int i = 0; i < (int) st[0]; i++, k++) {
                sq[0][k] = st[1];
                sq[1][k] = st[2];
                sq[2][k] = st[3];
                sq[3][k] = 8;
                sq[4][k] = st[2] == 1 ? run : -1;
            }
            if (st[2] == 1) run++;
        }
        return sq;
    }

    @Test
    void falseEpisodesArePerDayOfNonAfTimeOverEveryDatabase() {
        // a labelled record: one episode over AF segments (true), one over non-AF segments only (false); a normal-rhythm
        // record: one episode (false); non-AF time = the segments labelled 0 (6 s each), AF and unlabelled ones left out
        double[] p = {0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1};
        double[] labels = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, -1};
        double[] six = new double[12];
        java.util.Arrays.fill(six, 6.0);
        double[] rates = new double[12];
        java.util.Arrays.fill(rates, 80);
        var seqs = new java.util.LinkedHashMap<String, List<double[][]>>();
        seqs.put("ltafdb", List.<double[][]>of(new double[][]{p, labels, rates, six}));
        seqs.put("nsr2db", List.<double[][]>of(new double[][]{{0.9, 0.9, 0.9, 0.1}, {0, 0, 0, 0}, {80, 80, 80, 80}, {6, 6, 6, 6}}));
        double nonAfSeconds = (8 + 4) * 6.0;
        // 3 segments open AF (the gate off: steady = onset), 2 regular ones close it
        assertThat(CrossValidation.falseEpisodesPerDay(seqs, 0.5, 0.5, 0.5, 1.05, 3, 2))
                .isCloseTo(2 * 86_400.0 / nonAfSeconds, org.assertj.core.data.Offset.offset(1e-9));
        // the same rate throughout never rises over the regular baseline: with a bar of 0.95 the labelled record's
        // second run stays shut; a run before any regular segment (no baseline yet: the normal-rhythm record's) opens
        assertThat(CrossValidation.falseEpisodesPerDay(seqs, 0.5, 0.5, 0.95, 1.05, 3, 2))
                .isCloseTo(86_400.0 / nonAfSeconds, org.assertj.core.data.Offset.offset(1e-9));
        // a run at 100/min over an 80/min baseline has risen by 1.25: the ordinary bar again, below a rise of 1.3 not
        double[] risen = rates.clone();
        for (int k = 6; k <= 8; k++) risen[k] = 100;
        seqs.put("ltafdb", List.<double[][]>of(new double[][]{p, labels, risen, six}));
        seqs.put("nsr2db", List.of());
        assertThat(CrossValidation.falseEpisodesPerDay(seqs, 0.5, 0.5, 0.95, 1.2, 3, 2)).isPositive();
        assertThat(CrossValidation.falseEpisodesPerDay(seqs, 0.5, 0.5, 0.95, 1.3, 3, 2)).isZero();
    }

    @Test
    void aRiseChosenInTheFoldReachesTheHeldOutParameters() throws Exception {
        List<CrossValidation.Data> data = subset();
        CrossValidation.FIXED_THRESHOLDS = CrossValidation.fixedThresholds("0.05,0.83,5,8,0.93,1.1");
        try {
            AfModel m = CrossValidation.train(data, "subset");
            RhythmParameters p = CrossValidation.paramsOf(RhythmParameters.DEFAULTS, m);
            assertThat(p.steadyOnsetThreshold()).isEqualTo(0.93);
            assertThat(p.onsetRateRise()).isEqualTo(1.1);
        } finally {
            CrossValidation.FIXED_THRESHOLDS = null;
        }
        double[] old = CrossValidation.RISE_GRID;
        CrossValidation.RISE_GRID = new double[]{1.0, 1.1};
        try {
            double[] chosen = CrossValidation.chooseThresholds(data, refit(data));
            assertThat(chosen).hasSize(6);
            assertThat(chosen[5]).isIn(1.0, 1.1, RhythmParameters.DEFAULTS.onsetRateRise()); // the default: gate left off
            assertThat(CrossValidation.LAST_SELECTION).contains(String.format(java.util.Locale.ROOT, "(rise %.2f)", chosen[5]));
        } finally {
            CrossValidation.RISE_GRID = old;
        }
    }

    @Test
    void theEpisodeOnsetObjectivePicksTheMostSensitivePersistenceWithinTheFalseEpisodeBudget() {
        int[] grid = {4, 5};
        assertThat(CrossValidation.referenceOnsetCandidate(grid)).isEqualTo(1); // the default, 5 segments
        assertThat(CrossValidation.referenceOnsetCandidate(new int[]{3, 6, 4})).isEqualTo(1); // no 5: the longest
        double factor = CrossValidation.ONSET_FALSE_FACTOR, fixed = CrossValidation.ONSET_FALSE_BUDGET;
        try {
            CrossValidation.ONSET_FALSE_FACTOR = 1.5;
            CrossValidation.ONSET_FALSE_BUDGET = Double.NaN;
            // 4 segments find more runs at 1.2 times 5's false episodes: within 1.5 times, so 4
            double[] se = {0.96, 0.94};
            double[] within = {0.30, 0.25};
            double budget = CrossValidation.onsetFalseBudget(within[1]);
            assertThat(budget).isCloseTo(0.375, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(CrossValidation.pickOnsetCandidate(grid, se, within, budget)).isZero();
            // at 1.6 times 5's false episodes 4 is over the budget, however sensitive: 5
            double[] over = {0.40, 0.25};
            assertThat(CrossValidation.pickOnsetCandidate(grid, se, over, CrossValidation.onsetFalseBudget(over[1]))).isEqualTo(1);
            // within the budget the more sensitive wins even with more false episodes; the less sensitive never does
            assertThat(CrossValidation.pickOnsetCandidate(grid, new double[]{0.93, 0.94}, within, budget)).isEqualTo(1);
            // equal sensitivity: the fewer false episodes, then the longer persistence
            assertThat(CrossValidation.pickOnsetCandidate(grid, new double[]{0.95, 0.95}, new double[]{0.20, 0.25}, budget)).isZero();
            assertThat(CrossValidation.pickOnsetCandidate(grid, new double[]{0.95, 0.95}, new double[]{0.25, 0.25}, budget)).isEqualTo(1);
            // a fixed budget that no candidate meets: the fewest false episodes
            CrossValidation.ONSET_FALSE_BUDGET = 0.1;
            assertThat(CrossValidation.onsetFalseBudget(0.25)).isEqualTo(0.1);
            assertThat(CrossValidation.pickOnsetCandidate(grid, se, new double[]{0.20, 0.25}, 0.1)).isZero();
            assertThat(CrossValidation.pickOnsetCandidate(grid, se, over, 0.1)).isEqualTo(1);
        } finally {
            CrossValidation.ONSET_FALSE_FACTOR = factor;
            CrossValidation.ONSET_FALSE_BUDGET = fixed;
        }
    }

    @Test
    void theEpisodeOnsetObjectiveScoresEachPersistenceThroughTheAnalyserOnTheTrainingRecords() throws Exception {
        List<CrossValidation.Data> data = subset();
        withEpisodeObjective(false, () -> {
            AfModel m = CrossValidation.train(data, "subset", RhythmParameters.DEFAULTS, 1);
            // the oracle: each persistence's own selection, its training records scored beat by beat, the rule applied
            LogisticRegression lr = refit(data);
            AfModel[] candidates = new AfModel[2];
            for (int i = 0; i < 2; i++) {
                candidates[i] = CrossValidation.model(lr, CrossValidation.chooseThresholds(data, lr, new int[]{4 + i}), "subset");
            }
            int expected = assertChoiceMatchesOracle(data, lr, m, candidates);
            assertThat(m.threshold()).isEqualTo(candidates[expected].threshold());
            assertThat(m.onsetThreshold()).isEqualTo(candidates[expected].onsetThreshold());
            assertThat(CrossValidation.paramsOf(RhythmParameters.DEFAULTS, m).steadyOnsetThreshold())
                    .isEqualTo(CrossValidation.paramsOf(RhythmParameters.DEFAULTS, candidates[expected]).steadyOnsetThreshold());
            return null;
        });
    }

    @Test
    void withTheBarKeptEveryOtherPersistenceInheritsTheReferenceSelectionsThresholds() throws Exception {
        List<CrossValidation.Data> data = subset();
        withEpisodeObjective(true, () -> {
            LogisticRegression lr = refit(data);
            double[] ref = CrossValidation.chooseThresholds(data, lr, new int[]{5});
            double[] own4 = CrossValidation.chooseThresholds(data, lr, new int[]{4});
            double[] kept4 = ref.clone();
            kept4[2] = 4;
            // on the subset 4 segments' own selection differs from 5's, so the test tells inheriting from re-choosing
            assertThat(own4).isNotEqualTo(kept4);
            String[] selections = new String[2];
            double[][] chosen = CrossValidation.onsetCandidateThresholds(data, lr, selections);
            assertThat(chosen[1]).containsExactly(ref);
            assertThat(chosen[0]).containsExactly(kept4);
            assertThat(selections[0]).isEqualTo("onset segments 5's thresholds kept");

            // end to end: the kept candidate scored through the analyser on the training records, the same rule applied
            AfModel m = CrossValidation.train(data, "subset", RhythmParameters.DEFAULTS, 1);
            assertChoiceMatchesOracle(data, lr, m, new AfModel[]{CrossValidation.model(lr, kept4, "subset"), CrossValidation.model(lr, ref, "subset")});
            // whichever persistence wins, the thresholds are the 5-segment selection's
            RhythmParameters p = CrossValidation.paramsOf(RhythmParameters.DEFAULTS, m);
            assertThat(m.threshold()).isEqualTo(CrossValidation.round3(ref[0]));
            assertThat(m.onsetThreshold()).isEqualTo(CrossValidation.round3(ref[1]));
            assertThat(p.offsetSegments()).isEqualTo((int) ref[3]);
            assertThat(p.steadyOnsetThreshold()).isEqualTo(ref[4]);
            assertThat(p.onsetRateRise()).isEqualTo(ref[5]);
            assertThat(CrossValidation.LAST_ONSET_CHOICE).contains("bar kept");
            return null;
        });
    }

    /** Runs {@code body} with {@code --onset-segments-grid 4,5 --onset-objective episodes} [{@code --onset-keep-bar}]. */
    private static void withEpisodeObjective(boolean keepBar, java.util.concurrent.Callable<Void> body) throws Exception {
        int[] oldGrid = CrossValidation.ONSET_SEGMENTS_GRID;
        CrossValidation.ONSET_SEGMENTS_GRID = new int[]{4, 5};
        CrossValidation.ONSET_OBJECTIVE_EPISODES = true;
        CrossValidation.ONSET_KEEP_BAR = keepBar;
        try {
            body.call();
        } finally {
            CrossValidation.ONSET_SEGMENTS_GRID = oldGrid;
            CrossValidation.ONSET_OBJECTIVE_EPISODES = false;
            CrossValidation.ONSET_KEEP_BAR = false;
        }
    }

    /**
     * The oracle of the episode objective: the candidates (onset persistence 4, 5) scored beat by beat on the training
     * records, the rule applied with the default budget; asserts {@code m}'s persistence and the reported figures and
     * returns the expected candidate's index.
     */
    private static int assertChoiceMatchesOracle(List<CrossValidation.Data> data, LogisticRegression lr, AfModel m,
                                                 AfModel[] candidates) throws InterruptedException {
        double nonAf = CrossValidation.nonAfSeconds(CrossValidation.sequences(data, lr));
        double[] se = new double[2], fp = new double[2];
        for (int i = 0; i < 2; i++) {
            ValidationSummary s = new ValidationSummary(CrossValidation.evaluate(data,
                    CrossValidation.paramsOf(RhythmParameters.DEFAULTS, candidates[i]), 1), RhythmParameters.DEFAULTS);
            se[i] = s.episodeSensitivity(); // no ltafdb record in the subset: every labelled database's runs
            fp[i] = (s.labelledFalseEpisodes + s.nsrEpisodes) * 86_400.0 / nonAf;
        }
        int expected = CrossValidation.pickOnsetCandidate(new int[]{4, 5}, se, fp, 1.5 * fp[1]);
        assertThat(CrossValidation.paramsOf(RhythmParameters.DEFAULTS, m).onsetSegments()).isEqualTo(4 + expected);
        assertThat(CrossValidation.LAST_ONSET_CHOICE).contains("chose onset segments " + (4 + expected))
                .contains(String.format(java.util.Locale.ROOT, "onset segments 4: training episode Se %.4f, false %.3f/24h", se[0], fp[0]))
                .contains(String.format(java.util.Locale.ROOT, "onset segments 5: training episode Se %.4f, false %.3f/24h", se[1], fp[1]));
        return expected;
    }

    @Test
    void crossFittedSequencesScoreEachRecordWithAFitThatDidNotSeeIt() throws Exception {
        List<CrossValidation.Data> data = subset();
        var inSample = CrossValidation.sequences(data, refit(data));
        var oof = CrossValidation.outOfFoldSequences(data, 2, 99);
        assertThat(sameSequences(CrossValidation.outOfFoldSequences(data, 2, 99), oof)).as("deterministic").isTrue();
        // the inner groups dealt as the outer folds are: per database shuffled with one Random(seed), round-robin
        java.util.Map<String, List<CrossValidation.Data>> byDb = new java.util.LinkedHashMap<>();
        for (CrossValidation.Data d : data) byDb.computeIfAbsent(d.db, k -> new ArrayList<>()).add(d);
        List<List<CrossValidation.Data>> groups = List.of(new ArrayList<>(), new ArrayList<>());
        java.util.Random rnd = new java.util.Random(99);
        for (List<CrossValidation.Data> ds : byDb.values()) {
            List<CrossValidation.Data> shuffled = new ArrayList<>(ds);
            java.util.Collections.shuffle(shuffled, rnd);
            for (int i = 0; i < shuffled.size(); i++) groups.get(i % 2).add(shuffled.get(i));
        }
        assertThat(oof.keySet()).containsExactlyElementsOf(inSample.keySet());
        boolean differs = false;
        for (CrossValidation.Data d : data) {
            List<CrossValidation.Data> rest = new ArrayList<>(data);
            rest.removeAll(groups.get(groups.get(0).contains(d) ? 0 : 1));
            assertThat(rest).doesNotContain(d);
            double[][] expected = CrossValidation.sequences(List.of(d), CrossValidation.fit(rest)).get(d.db).get(0);
            int at = byDb.get(d.db).indexOf(d); // the order of sequences(): the training records' order within a database
            double[][] got = oof.get(d.db).get(at), own = inSample.get(d.db).get(at);
            assertThat(got[0]).as(d.rec.name).containsExactly(expected[0]);
            for (int r = 1; r < 4; r++) assertThat(got[r]).containsExactly(own[r]); // labels, rates, durations unchanged
            differs |= !java.util.Arrays.equals(got[0], own[0]);
        }
        assertThat(differs).as("out-of-fold probabilities differ from the in-sample ones").isTrue();
        // --cross-fit: the selection reads them; the model kept is still the fit on every record
        CrossValidation.CROSS_FIT = 2;
        try {
            AfModel m = CrossValidation.train(data, "subset");
            assertThat(m.coef()[0]).isEqualTo(refit(data).beta[1]);
            assertThat(sameSequences(CrossValidation.selectionSequences(data, refit(data)),
                    CrossValidation.outOfFoldSequences(data, 2, CrossValidation.CROSS_FIT_SEED))).isTrue();
        } finally {
            CrossValidation.CROSS_FIT = 0;
        }
    }

    /** Whether two {@link CrossValidation#sequences} maps hold the same values (NaN equal to NaN). */
    private static boolean sameSequences(java.util.Map<String, List<double[][]>> a, java.util.Map<String, List<double[][]>> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (String db : a.keySet()) {
            List<double[][]> x = a.get(db), y = b.get(db);
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!java.util.Arrays.deepEquals(x.get(i), y.get(i))) return false;
        }
        return true;
    }

    /** The model {@link CrossValidation#train} fits, refitted the same way (deterministic). */
    private static LogisticRegression refit(List<CrossValidation.Data> data) {
        return CrossValidation.fit(data);
    }
}
