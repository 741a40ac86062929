package org.wardstream.rhythm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Differential test of the incremental features ({@link RrWindowIndex}, {@link AfFeatures#compute} with the sorted
 * sets; {@link AfContextFeatures} and {@link AfShapeFeatures} with medians by selection and no allocation) against the
 * straightforward copy-and-sort reference ({@link ReferenceAfFeatures}): the same beats through
 * both, the feature vector compared bit for bit after every beat, every rhythm event (segment scores included) and
 * the serialised state compared, on the shipped PhysioNet subset and on simulated beats with holes, ectopy, AF,
 * alternation, silences (evidence resets), restores from bytes mid-stream and other window and lag settings.
 */
class IncrementalAfFeaturesTest {
    /** Runs both and compares; returns {beats compared, feature vectors compared, segments compared}. */
    private static long[] compare(RhythmParameters p, long[] t, int[] rr, BeatQuality[] q, SplittableRandom restores) {
        RrAnalyser incremental = new RrAnalyser(p);
        RrAnalyser reference = ReferenceAfFeatures.analyser(p);
        RrAnalyserState si = new RrAnalyserState();
        RrAnalyserState sr = new RrAnalyserState();
        List<RhythmEvent> ei = new ArrayList<>();
        List<RhythmEvent> er = new ArrayList<>();
        double[] fi = new double[AfModel.FEATURE_COUNT];
        double[] fr = new double[AfModel.FEATURE_COUNT];
        long vectors = 0;
        for (int i = 0; i < t.length; i++) {
            if (restores != null && restores.nextInt(500) == 0) {
                si = RrAnalyserState.fromBytes(si.toBytes()); // a restore: the index is rebuilt from the ring
            }
            boolean ui = incremental.onBeat(si, t[i], rr[i], q[i], ei::add);
            boolean ur = reference.onBeat(sr, t[i], rr[i], q[i], er::add);
            assertThat(ui).isEqualTo(ur);
            boolean ok = incremental.features(si, fi);
            assertThat(ok).as("beat %d: enough clean intervals", i).isEqualTo(ReferenceAfFeatures.features(p, sr, fr));
            if (ok) {
                vectors++;
                for (int f = 0; f < AfModel.FEATURE_COUNT; f++) {
                    assertThat(Double.doubleToRawLongBits(fi[f])).as("beat %d feature %s: %s vs %s", i,
                            AfModel.FEATURE_NAMES[f], fi[f], fr[f]).isEqualTo(Double.doubleToRawLongBits(fr[f]));
                }
            }
        }
        incremental.endOfData(si, ei::add);
        reference.endOfData(sr, er::add);
        assertThat(ei).isEqualTo(er); // records: doubles compared with Double.compare, i.e. bit for bit
        assertThat(si.toBytes()).isEqualTo(sr.toBytes());
        long segments = ei.stream().filter(e -> e instanceof RhythmSegment).count();
        return new long[] {t.length, vectors, segments};
    }

    @Test
    void physionetSubsetIsBitIdentical() throws Exception {
        PhysionetBeats set = PhysionetBeats.load();
        assertThat(set.records()).isGreaterThanOrEqualTo(6);
        long beats = 0, vectors = 0, segments = 0;
        for (int k = 0; k < set.records(); k++) {
            long[] c = compare(RhythmParameters.DEFAULTS, set.times()[k], set.rrMs()[k], set.quality()[k], null);
            beats += c[0];
            vectors += c[1];
            segments += c[2];
        }
        assertThat(beats).isGreaterThan(30_000);
        assertThat(vectors).isGreaterThan(30_000);
        assertThat(segments).isGreaterThan(3_000);
    }

    @Test
    void simulatedBeatsAreBitIdenticalUnderOtherSettingsAndRestores() {
        List<RhythmParameters> settings = List.of(RhythmParameters.DEFAULTS,
                RhythmParameters.DEFAULTS.withOverrides(Map.of("windowBeats", "16", "maxLag", "1", "segmentBeats", "4")),
                RhythmParameters.DEFAULTS.withOverrides(Map.of("windowBeats", "58", "maxLag", "6")),
                RhythmParameters.DEFAULTS.withOverrides(Map.of("windowBeats", "60", "maxLag", "4", "segmentBeats", "1")));
        long vectors = 0;
        for (int seed = 1; seed <= 4; seed++) {
            Beats b = simulate(new SplittableRandom(seed), 40_000);
            for (RhythmParameters p : settings) {
                vectors += compare(p, b.t, b.rr, b.q, new SplittableRandom(seed * 31L))[1];
            }
        }
        assertThat(vectors).isGreaterThan(400_000);
    }

    @Test
    void theSortedSetsAreCarriedBeatToBeatNotRebuilt() {
        Beats b = simulate(new SplittableRandom(7), 20_000);
        RrAnalyser a = new RrAnalyser();
        RrAnalyserState s = new RrAnalyserState();
        long segments = 0;
        for (int i = 0; i < b.t.length; i++) {
            List<RhythmEvent> ev = a.onBeat(s, b.t[i], b.rr[i], b.q[i]);
            segments += ev.stream().filter(e -> e instanceof RhythmSegment).count();
        }
        assertThat(segments).isGreaterThan(2_000);
        // built once, on the first segment judged; resets clear it without a rebuild
        assertThat(s.index.builds).isEqualTo(1);
    }

    private record Beats(long[] t, int[] rr, BeatQuality[] q) {
    }

    /**
     * Beats in regimes of 50-600 beats: sinus with slow drift, AF (independent intervals), bigeminy, sinus with
     * isolated premature beats and compensatory pauses, repeated identical intervals (ties); with artefacts, gaps,
     * implausible values and occasional silences over a minute (evidence resets) or past the AF bridge.
     */
    private static Beats simulate(SplittableRandom r, int n) {
        long[] t = new long[n];
        int[] rr = new int[n];
        BeatQuality[] q = new BeatQuality[n];
        long now = 1_700_000_000_000L;
        int regime = 0, left = 0;
        double base = 800;
        boolean flip = false;
        for (int i = 0; i < n; i++) {
            if (left-- <= 0) {
                regime = r.nextInt(5);
                left = 50 + r.nextInt(550);
                base = 500 + r.nextInt(700);
            }
            int v = switch (regime) {
                case 0 -> (int) (base += r.nextGaussian() * 8);
                case 1 -> 350 + r.nextInt(700);
                case 2 -> (flip = !flip) ? (int) (base * 0.6) : (int) (base * 1.35);
                case 3 -> r.nextInt(8) == 0 ? (int) (base * 0.6) : (int) (base + r.nextInt(20));
                default -> (int) base;
            };
            BeatQuality quality = BeatQuality.CLEAN;
            int roll = r.nextInt(1000);
            if (roll < 30) quality = BeatQuality.ARTEFACT;
            else if (roll < 40) quality = BeatQuality.GAP;
            else if (roll < 45) v = 100; // implausibly short: artefact
            long silence = 0;
            if (roll == 999) silence = 61_000 + r.nextInt(120_000); // evidence reset
            if (roll == 998) silence = 700_000; // past the AF bridge
            now += Math.max(v, 1) + silence;
            t[i] = now;
            rr[i] = v;
            q[i] = quality;
        }
        return new Beats(t, rr, q);
    }
}
