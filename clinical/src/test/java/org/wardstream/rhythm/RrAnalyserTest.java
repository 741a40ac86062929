package org.wardstream.rhythm;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RrAnalyserTest {

    private static final long T0 = 1_700_000_000_000L;

    /** Feeds RR intervals (ms) with qualities, returning all events; beat times are cumulative. */
    private static final class Feeder {
        final RrAnalyser analyser;
        final RrAnalyserState state = new RrAnalyserState();
        final List<RhythmEvent> events = new ArrayList<>();
        long t = T0;
        int beats;

        Feeder(RrAnalyser analyser) {
            this.analyser = analyser;
        }

        Feeder beat(int rr, BeatQuality q) {
            t += rr;
            analyser.onBeat(state, t, rr, q, events::add);
            beats++;
            return this;
        }

        Feeder clean(int rr) {
            return beat(rr, BeatQuality.CLEAN);
        }

        <T extends RhythmEvent> List<T> of(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    private static int sinus(Random rnd, int base) {
        return base + (int) Math.round(rnd.nextGaussian() * 15);
    }

    private static double lastProbability(Feeder f) {
        List<RhythmSegment> segs = f.of(RhythmSegment.class);
        return segs.get(segs.size() - 1).irregularity();
    }

    @Test
    void constantRhythmIsUnlikelyAfAndRandomRhythmLikely() {
        RrAnalyser a = new RrAnalyser();
        Feeder regular = new Feeder(a);
        for (int i = 0; i < 64; i++) regular.clean(800);
        assertThat(lastProbability(regular)).isLessThan(a.parameters().irregularThreshold());

        Feeder random = new Feeder(a);
        Random rnd = new Random(7);
        for (int i = 0; i < 64; i++) random.clean(450 + rnd.nextInt(600));
        assertThat(lastProbability(random)).isGreaterThan(a.parameters().onsetThreshold());
        double[] f = new double[AfModel.FEATURE_COUNT];
        assertThat(a.features(random.state, f)).isTrue();
        assertThat(f[3]).as("premature fraction of a random rhythm").isPositive();
    }

    @Test
    void bigeminyAndTrigeminyAreRegularAlternation() {
        RrAnalyser a = new RrAnalyser();
        Feeder f = new Feeder(a);
        Random rnd = new Random(3);
        for (int i = 0; i < 400; i++) f.clean(i % 2 == 0 ? sinus(rnd, 520) : sinus(rnd, 1080));
        assertThat(lastProbability(f)).isLessThan(a.parameters().irregularThreshold());
        for (int i = 0; i < 600; i++) f.clean(i % 3 == 0 ? sinus(rnd, 500) : i % 3 == 1 ? sinus(rnd, 1100) : sinus(rnd, 800));
        assertThat(lastProbability(f)).isLessThan(a.parameters().irregularThreshold());
        assertThat(f.of(AfOnset.class)).isEmpty();
    }

    @Test
    void regularSinusWithEctopicsStaysNonAf() {
        RrAnalyser a = new RrAnalyser();
        Feeder f = new Feeder(a);
        Random rnd = new Random(11);
        for (int i = 0; i < 5000; i++) {
            if (rnd.nextDouble() < 0.12) { // isolated PVC with full compensatory pause
                f.clean(sinus(rnd, 480));
                f.clean(sinus(rnd, 1120));
            } else if (rnd.nextDouble() < 0.08) { // APC resetting the sinus node
                f.clean(sinus(rnd, 560));
                f.clean(sinus(rnd, 850));
            } else {
                f.clean(sinus(rnd, 800));
            }
        }
        assertThat(f.of(AfOnset.class)).isEmpty();
        assertThat(f.of(PauseEvent.class)).isEmpty();
        List<RhythmSegment> segments = f.of(RhythmSegment.class);
        // Dense random ectopy (about one beat in five) reads as irregular in a few windows, never for long enough to open AF.
        assertThat(segments).isNotEmpty();
        assertThat(segments.stream().filter(s -> s.classification() == SegmentClass.IRREGULAR).count())
                .isLessThan(segments.size() / 20L);
        // Ectopy is filtered, not ignored: almost every segment is judged (REGULAR), few are withheld.
        assertThat(segments.stream().filter(s -> s.classification() == SegmentClass.REGULAR).count())
                .isGreaterThan(segments.size() * 9L / 10);
    }

    @Test
    void irregularlyIrregularBecomesAfAfterTheOnsetDelayAndEndsWithHysteresis() {
        RrAnalyser a = new RrAnalyser();
        RhythmParameters p = a.parameters();
        Feeder f = new Feeder(a);
        Random rnd = new Random(5);
        for (int i = 0; i < 200; i++) f.clean(sinus(rnd, 800));
        long afStart = f.t;
        int beatsBeforeAf = f.beats;
        for (int i = 0; i < 300; i++) f.clean(400 + rnd.nextInt(700));
        long afEnd = f.t;

        List<AfOnset> onsets = f.of(AfOnset.class);
        assertThat(onsets).hasSize(1);
        AfOnset on = onsets.get(0);
        // Confirmation needs onsetSegments irregular segments, plus up to one segment and a half window of lag.
        long minDelayMs = (long) p.onsetSegments() * p.segmentBeats() * 400;
        long maxDelayMs = (long) (p.onsetSegments() + 2) * p.segmentBeats() * 1100 + p.windowBeats() * 1100L;
        assertThat(on.emittedAtMs() - afStart).isBetween(minDelayMs, maxDelayMs);
        // Back-dated onset lies near the true start, never after the emission.
        assertThat(on.onsetMs()).isLessThan(on.emittedAtMs());
        assertThat(Math.abs(on.onsetMs() - afStart)).isLessThan((p.windowBeats() + p.segmentBeats()) * 1100L);
        assertThat(f.beats - beatsBeforeAf).isGreaterThan(p.onsetSegments() * p.segmentBeats());
        assertThat(f.of(AfOffset.class)).isEmpty();

        for (int i = 0; i < 200; i++) f.clean(sinus(rnd, 800));
        List<AfOffset> offsets = f.of(AfOffset.class);
        assertThat(offsets).hasSize(1);
        AfOffset off = offsets.get(0);
        assertThat(off.reason()).isEqualTo(AfOffset.Reason.REGULAR_RHYTHM);
        assertThat(off.onsetMs()).isEqualTo(on.onsetMs());
        assertThat(Math.abs(off.offsetMs() - afEnd)).isLessThan((p.windowBeats() + p.segmentBeats()) * 1100L);
        assertThat(off.emittedAtMs()).isGreaterThan(off.offsetMs());
    }

    @Test
    void gapAndArtefactIntervalsAreNeitherPausesNorIrregularity() {
        RrAnalyser a = new RrAnalyser();
        Feeder f = new Feeder(a);
        Random rnd = new Random(13);
        for (int i = 0; i < 3000; i++) {
            double u = rnd.nextDouble();
            if (u < 0.05) f.beat(3000 + rnd.nextInt(40_000), BeatQuality.GAP);       // long "RR" over lost signal
            else if (u < 0.15) f.beat(200 + rnd.nextInt(1500), BeatQuality.ARTEFACT); // wildly wrong intervals
            else f.clean(sinus(rnd, 800));
        }
        assertThat(f.of(PauseEvent.class)).isEmpty();
        assertThat(f.of(AfOnset.class)).isEmpty();
        assertThat(f.of(RhythmSegment.class)).allSatisfy(s -> assertThat(s.classification()).isNotEqualTo(SegmentClass.IRREGULAR));
    }

    @Test
    void cleanLongIntervalIsAPauseAtTheConfiguredThreshold() {
        RrAnalyser a = new RrAnalyser(RhythmParameters.DEFAULTS.withOverrides(java.util.Map.of("pauseThresholdMs", "2500")));
        Feeder f = new Feeder(a);
        for (int i = 0; i < 50; i++) f.clean(900);
        // (2600 would be 2.9 times the rhythm before it: beats the sensor missed, next test)
        f.clean(2500).clean(3700).clean(900).beat(9000, BeatQuality.GAP).beat(4000, BeatQuality.ARTEFACT);
        List<PauseEvent> pauses = f.of(PauseEvent.class);
        assertThat(pauses).hasSize(1);
        assertThat(pauses.get(0).rrMs()).isEqualTo(3700);
        assertThat(pauses.get(0).endMs() - pauses.get(0).startMs()).isEqualTo(3700);
    }

    @Test
    void anIntervalTwoOrThreeTimesARegularRhythmReadsAsMissedBeatsNotAPause() {
        // an optical sensor that misses one or two beats reports the intervals around them as one clean interval
        RrAnalyser a = new RrAnalyser();
        Feeder regular = new Feeder(a);
        for (int i = 0; i < 20; i++) regular.clean(1020 + (i % 3) * 40);
        regular.clean(3150); // 3 x the median (1060): two missed beats
        for (int i = 0; i < 20; i++) regular.clean(1150);
        regular.clean(2400).clean(1150).clean(1150).clean(3450); // 2 x is no pause anyway; 3 x
        assertThat(regular.of(PauseEvent.class)).isEmpty();
        // in a rhythm below 50/min every pause over 3 s is alerted, whatever its shape
        Feeder slow = new Feeder(a);
        for (int i = 0; i < 20; i++) slow.clean(1550);
        slow.clean(3100);
        assertThat(slow.of(PauseEvent.class)).extracting(PauseEvent::rrMs).containsExactly(3100);
        // not a multiple of the rhythm before it: a pause
        Feeder notMultiple = new Feeder(a);
        for (int i = 0; i < 20; i++) notMultiple.clean(1000);
        notMultiple.clean(3500);
        assertThat(notMultiple.of(PauseEvent.class)).extracting(PauseEvent::rrMs).containsExactly(3500);
        // an irregular rhythm before it (AF): a pause, whatever the ratio
        Feeder irregular = new Feeder(a);
        Random rnd = new Random(3);
        for (int i = 0; i < 20; i++) irregular.clean(600 + rnd.nextInt(800));
        irregular.clean(3050);
        assertThat(irregular.of(PauseEvent.class)).extracting(PauseEvent::rrMs).containsExactly(3050);
        // too little rhythm seen since a gap to judge: a pause
        Feeder afterGap = new Feeder(a);
        for (int i = 0; i < 20; i++) afterGap.clean(1000);
        afterGap.beat(700_000, BeatQuality.GAP);
        for (int i = 0; i < 4; i++) afterGap.clean(1000);
        afterGap.clean(3050);
        assertThat(afterGap.of(PauseEvent.class)).extracting(PauseEvent::rrMs).containsExactly(3050);
    }

    /** The entry of the state's RR ring {@code back} intervals before the newest (0: a hole). */
    private static int inWindow(Feeder f, int back) {
        return f.state.rr[Math.floorMod(f.state.rrHead - 1 - back, RrAnalyserState.RR_CAPACITY)];
    }

    private static int newestInWindow(Feeder f) {
        return inWindow(f, 0);
    }

    @Test
    void anIntervalTwoOrThreeTimesARegularRhythmFollowedByThatRhythmIsAHoleInTheAfWindowNotIrregularity() {
        // adversarial probe 18a, D1: an optical sensor's missed beat merges two intervals into one clean interval; with
        // jitter on the pulse times the merged intervals read as AF-like irregularity unless they are left out
        RrAnalyser a = new RrAnalyser();
        Feeder regular = new Feeder(a);
        for (int i = 0; i < 20; i++) regular.clean(800 + (i % 3) * 20);
        regular.clean(1650); // 2 x the median (820): one missed beat, any length (not only over 3 s)
        assertThat(newestInWindow(regular)).as("undecided until the next interval: in the window").isEqualTo(1650);
        regular.clean(810); // the rhythm again: the 2 x interval was a missed beat
        assertThat(inWindow(regular, 1)).as("a hole, as an artefact").isZero();
        assertThat(newestInWindow(regular)).isEqualTo(810);
        regular.clean(2430); // 3 x: two missed beats
        regular.clean(820);
        assertThat(inWindow(regular, 1)).isZero();
        for (int i = 0; i < 5; i++) regular.clean(820);
        List<RhythmSegment> segs = regular.of(RhythmSegment.class);
        assertThat(segs.get(segs.size() - 1).excludedBeats()).as("counted with the segment's excluded intervals").isEqualTo(2);
        assertThat(segs.get(segs.size() - 1).maxRrMs()).as("not in the segment's clean intervals").isLessThan(1000);
        // not a multiple of the rhythm before it (1.5 x, a compensatory pause): a clean interval of the window
        regular.clean(1230);
        regular.clean(820);
        assertThat(inWindow(regular, 1)).isEqualTo(1230);
        // an irregular rhythm before it (AF): the long interval is rhythm, whatever its ratio
        Feeder irregular = new Feeder(a);
        Random rnd = new Random(3);
        for (int i = 0; i < 20; i++) irregular.clean(500 + rnd.nextInt(600));
        irregular.clean(1600);
        irregular.clean(800);
        assertThat(inWindow(irregular, 1)).isEqualTo(1600);
        // too little rhythm seen since a gap to judge: a clean interval of the window
        Feeder afterGap = new Feeder(a);
        for (int i = 0; i < 20; i++) afterGap.clean(800);
        afterGap.beat(700_000, BeatQuality.GAP);
        for (int i = 0; i < 4; i++) afterGap.clean(800);
        afterGap.clean(1600);
        afterGap.clean(800);
        assertThat(inWindow(afterGap, 1)).isEqualTo(1600);
    }

    @Test
    void aMultipleOfTheRhythmNotFollowedByThatRhythmAgainStaysInTheAfWindow() {
        // one beat of look-ahead (wardstream-rr-analyser/9): a missed beat in a regular rhythm is followed by the rhythm
        // again; the long interval at the start of AF (or of a real block with an escape rhythm) is not
        RrAnalyser a = new RrAnalyser();
        for (int next : new int[]{560, 1100, 1650, 950}) {
            Feeder f = new Feeder(a);
            for (int i = 0; i < 20; i++) f.clean(800 + (i % 3) * 20);
            f.clean(1650);
            f.clean(next);
            assertThat(inWindow(f, 1)).as("2 x the rhythm followed by %d ms", next).isEqualTo(1650);
        }
        // two missed beats one interval apart: both holes once the second is followed by the rhythm
        Feeder twice = new Feeder(a);
        for (int i = 0; i < 20; i++) twice.clean(800 + (i % 3) * 20);
        twice.clean(1650);
        twice.clean(1630);
        twice.clean(820);
        assertThat(inWindow(twice, 2)).isZero();
        assertThat(inWindow(twice, 1)).isZero();
        // a segment that ends on the undecided interval is judged with it as a hole (as /8 did); the ring keeps it
        Feeder atEnd = new Feeder(a);
        for (int i = 0; i < 23; i++) atEnd.clean(800 + (i % 3) * 20);
        atEnd.clean(1650); // the 24th interval: the third segment ends on it
        RhythmSegment third = atEnd.of(RhythmSegment.class).get(2);
        assertThat(third.excludedBeats()).isEqualTo(1);
        assertThat(third.maxRrMs()).isLessThan(1000);
        assertThat(newestInWindow(atEnd)).isEqualTo(1650);
        atEnd.clean(560);
        assertThat(inWindow(atEnd, 1)).as("not the rhythm again: stays").isEqualTo(1650);
        // an artefact after it decides nothing: the interval stays
        Feeder f = new Feeder(a);
        for (int i = 0; i < 20; i++) f.clean(800 + (i % 3) * 20);
        f.clean(1650);
        f.beat(820, BeatQuality.ARTEFACT);
        assertThat(inWindow(f, 1)).isEqualTo(1650);
    }

    @Test
    void twoIntervalsSummingToARegularRhythmFollowedByThatRhythmAreHolesInTheAfWindow() {
        // a double-counted pulse (an extra detection) splits one interval into two short clean ones; the symmetric
        // artefact of a missed beat (wardstream-rr-analyser/9)
        RrAnalyser a = new RrAnalyser();
        Feeder split = new Feeder(a);
        for (int i = 0; i < 20; i++) split.clean(800 + (i % 3) * 20);
        split.clean(330);
        split.clean(500); // 830: the rhythm (820) within 10 %
        assertThat(inWindow(split, 0)).as("undecided until the next interval").isEqualTo(500);
        split.clean(815);
        assertThat(inWindow(split, 2)).isZero();
        assertThat(inWindow(split, 1)).isZero();
        assertThat(newestInWindow(split)).isEqualTo(815);
        for (int i = 0; i < 2; i++) split.clean(820); // 25 intervals + 2: the segment of beats 17-24 closed with both holes
        List<RhythmSegment> segs = split.of(RhythmSegment.class);
        assertThat(segs.get(segs.size() - 1).excludedBeats()).isEqualTo(2);
        assertThat(segs.get(segs.size() - 1).minRrMs()).as("not in the segment's clean intervals").isGreaterThan(700);
        // at the edges of both tolerances: the sum 9 % over the rhythm (820), the next interval 15 % under it
        Feeder edges = new Feeder(a);
        for (int i = 0; i < 20; i++) edges.clean(800 + (i % 3) * 20);
        edges.clean(400);
        edges.clean(495);
        edges.clean(700);
        assertThat(inWindow(edges, 2)).isZero();
        assertThat(inWindow(edges, 1)).isZero();
        // not followed by the rhythm again (a premature beat and AF, or a real short-long pattern): both stay
        for (int next : new int[]{560, 1100}) {
            Feeder f = new Feeder(a);
            for (int i = 0; i < 20; i++) f.clean(800 + (i % 3) * 20);
            f.clean(330);
            f.clean(500);
            f.clean(next);
            assertThat(inWindow(f, 2)).as("followed by %d ms", next).isEqualTo(330);
            assertThat(inWindow(f, 1)).isEqualTo(500);
        }
        // a premature beat with a compensatory pause (the pair's sum twice the rhythm) is not a split
        Feeder pvc = new Feeder(a);
        for (int i = 0; i < 20; i++) pvc.clean(800 + (i % 3) * 20);
        pvc.clean(500);
        pvc.clean(1140);
        pvc.clean(820);
        assertThat(inWindow(pvc, 2)).isEqualTo(500);
        assertThat(inWindow(pvc, 1)).isEqualTo(1140);
    }

    @Test
    void aConfirmedMissedBeatOrExtraDetectionLeavesTheIncrementalFeaturesAsARebuildFromTheRing() {
        RrAnalyser a = new RrAnalyser();
        Feeder f = new Feeder(a);
        Random rnd = new Random(5);
        for (int i = 0; i < 60; i++) f.clean(sinus(rnd, 800));
        double[] warm = new double[AfModel.FEATURE_COUNT];
        a.features(f.state, warm); // the index now follows the ring beat by beat
        long builds = f.state.index.builds;
        f.clean(1610);
        f.clean(800); // confirms the 2 x interval: it leaves the ring and the index's sets
        assertThat(inWindow(f, 1)).isZero();
        double[] incremental = new double[AfModel.FEATURE_COUNT];
        double[] rebuilt = new double[AfModel.FEATURE_COUNT];
        assertThat(a.features(f.state, incremental)).isTrue();
        assertThat(f.state.index.builds).as("taken out incrementally, not rebuilt").isEqualTo(builds);
        RrAnalyserState copy = RrAnalyserState.fromBytes(f.state.toBytes()); // no index: built from the ring
        assertThat(a.features(copy, rebuilt)).isTrue();
        assertThat(incremental).containsExactly(rebuilt);
        // an extra detection: two slots, the older one paired with newer and older slots
        for (int i = 0; i < 10; i++) f.clean(sinus(rnd, 800));
        f.clean(310);
        f.clean(480);
        f.clean(800);
        assertThat(inWindow(f, 2)).isZero();
        assertThat(inWindow(f, 1)).isZero();
        assertThat(a.features(f.state, incremental)).isTrue();
        assertThat(f.state.index.builds).isEqualTo(builds);
        assertThat(a.features(RrAnalyserState.fromBytes(f.state.toBytes()), rebuilt)).isTrue();
        assertThat(incremental).containsExactly(rebuilt);
        // a segment ending on an undecided 2 x interval: judged with a hole, then the interval given back to the sets
        while (f.state.segBeats != RhythmParameters.DEFAULTS.segmentBeats() - 1) f.clean(sinus(rnd, 800));
        f.clean(1620);
        assertThat(f.state.segBeats).as("the segment closed on it").isZero();
        assertThat(newestInWindow(f)).isEqualTo(1620);
        assertThat(a.features(f.state, incremental)).isTrue();
        assertThat(f.state.index.builds).isEqualTo(builds);
        assertThat(a.features(RrAnalyserState.fromBytes(f.state.toBytes()), rebuilt)).isTrue();
        assertThat(incremental).containsExactly(rebuilt);
    }

    @Test
    void longGapResetsTheEvidenceAndClosesAnOpenEpisode() {
        RrAnalyser a = new RrAnalyser();
        RhythmParameters p = a.parameters();
        Random rnd = new Random(17);

        // Irregular evidence interrupted by a gap longer than gapResetMs must start again.
        Feeder f = new Feeder(a);
        int partial = (p.onsetSegments() - 1) * p.segmentBeats();
        for (int i = 0; i < partial; i++) f.clean(400 + rnd.nextInt(700));
        f.beat((int) p.gapResetMs() + 1000, BeatQuality.GAP);
        for (int i = 0; i < partial; i++) f.clean(400 + rnd.nextInt(700));
        assertThat(f.of(AfOnset.class)).isEmpty();

        // An open episode is closed at the last clean beat when data is missing beyond the bridge limit.
        Feeder g = new Feeder(a);
        for (int i = 0; i < 200; i++) g.clean(400 + rnd.nextInt(700));
        assertThat(g.state.afActive).isTrue();
        long lastClean = g.t;
        g.t += p.afMaxBridgeMs() + 60_000; // device silent
        g.clean(800);
        List<AfOffset> offs = g.of(AfOffset.class);
        assertThat(offs).hasSize(1);
        assertThat(offs.get(0).reason()).isEqualTo(AfOffset.Reason.DATA_GAP);
        assertThat(offs.get(0).offsetMs()).isEqualTo(lastClean);
        assertThat(g.state.afActive).isFalse();

        // A short gap inside AF neither ends it nor counts as regular rhythm.
        Feeder h = new Feeder(a);
        for (int i = 0; i < 200; i++) h.clean(400 + rnd.nextInt(700));
        for (int i = 0; i < 40; i++) h.beat(700, BeatQuality.GAP);
        for (int i = 0; i < 50; i++) h.clean(400 + rnd.nextInt(700));
        assertThat(h.of(AfOnset.class)).hasSize(1);
        assertThat(h.of(AfOffset.class)).isEmpty();
    }

    @Test
    void aRunThatOpensWithTheFirstJudgedSegmentIsBackDatedOverTheWarmUp() {
        RrAnalyser a = new RrAnalyser();
        RhythmParameters p = a.parameters();
        Random rnd = new Random(29);

        // AF from the first beat: the first segment only fills the window (INSUFFICIENT); the onset is the start
        // of the first interval, not the start of the first judged segment.
        Feeder f = new Feeder(a);
        for (int i = 0; i < 300; i++) f.clean(400 + rnd.nextInt(700));
        List<RhythmSegment> segs = f.of(RhythmSegment.class);
        assertThat(segs.get(0).classification()).isEqualTo(SegmentClass.INSUFFICIENT);
        assertThat(segs.get(1).classification()).isEqualTo(SegmentClass.IRREGULAR);
        assertThat(f.of(AfOnset.class)).hasSize(1);
        assertThat(f.of(AfOnset.class).get(0).onsetMs()).isEqualTo(T0).isLessThan(segs.get(1).startMs());

        // The same after missing data resets the evidence: back-dated to the end of the gap.
        Feeder g = new Feeder(a);
        for (int i = 0; i < 200; i++) g.clean(sinus(rnd, 800));
        g.beat((int) p.gapResetMs() + 5000, BeatQuality.GAP);
        long gapEnd = g.t;
        for (int i = 0; i < 300; i++) g.clean(400 + rnd.nextInt(700));
        assertThat(g.of(AfOnset.class)).hasSize(1);
        assertThat(g.of(AfOnset.class).get(0).onsetMs()).isEqualTo(gapEnd);

        // If the first judged segment is regular, the onset is the start of the later irregular run as before.
        Feeder h = new Feeder(a);
        for (int i = 0; i < 2 * p.segmentBeats(); i++) h.clean(sinus(rnd, 800));
        long sinusEnd = h.t;
        for (int i = 0; i < 300; i++) h.clean(400 + rnd.nextInt(700));
        assertThat(h.of(RhythmSegment.class).get(1).classification()).isEqualTo(SegmentClass.REGULAR);
        assertThat(h.of(AfOnset.class)).hasSize(1);
        assertThat(h.of(AfOnset.class).get(0).onsetMs()).isGreaterThanOrEqualTo(sinusEnd);
    }

    /** A state in the format 1/2 layout (32-interval ring, per-beat score buffer). */
    private static byte[] formatTwo(int version, int[] ring32, int head, int count, int irregularRun, long irregularRunStartMs,
                                    boolean afActive, long afOnsetMs) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeByte(version);
        out.writeByte(32);
        for (int v : ring32) out.writeShort(v);
        out.writeByte(head);
        out.writeByte(count);
        out.writeLong(T0); // lastBeatMs
        out.writeLong(T0); // lastCleanBeatMs
        out.writeLong(1000); // beatsSeen
        out.writeLong(T0 - 3000); // segStartMs
        out.writeShort(3);
        out.writeShort(0);
        out.writeShort(3);
        out.writeLong(2400);
        out.writeInt(800);
        out.writeInt(800);
        out.writeByte(32); // segment capacity
        out.writeByte(2); // two per-beat scores
        out.writeFloat(0.1f);
        out.writeFloat(0.2f);
        out.writeBoolean(afActive);
        out.writeLong(afOnsetMs);
        out.writeInt(irregularRun);
        out.writeInt(0);
        out.writeLong(irregularRunStartMs);
        out.writeLong(RrAnalyserState.NO_TIME);
        out.writeFloat(irregularRun * 0.1f);
        out.writeFloat(irregularRun * 90f);
        return bytes.toByteArray();
    }

    @Test
    void lorenzOccupancyIsComputedAtRunTimeForAModelThatWeighsIt() {
        // a model that reads lorenz_occupancy alone: irregular above 0.5 occupancy (p > 0.5 at the 0.5 threshold)
        int n = AfModel.FEATURE_COUNT, at = AfShapeFeatures.LORENZ_INDEX;
        double[] mean = new double[n], scale = new double[n], coef = new double[n];
        java.util.Arrays.fill(scale, 1.0);
        mean[at] = 0.5;
        scale[at] = 0.1;
        coef[at] = 10;
        RhythmParameters weighs = RhythmParameters.DEFAULTS.withModel(new AfModel("lorenz", mean, scale, coef, 0.0, 0.5, 0.9, "test"))
                .withOverrides(java.util.Map.of("irregularThreshold", "0.5"));
        java.util.Random r = new java.util.Random(3);
        int[] rr = new int[200];
        for (int i = 0; i < rr.length; i++) rr[i] = 450 + r.nextInt(600);
        assertThat(classes(weighs, rr)).as("random intervals scatter over the plot").contains(SegmentClass.IRREGULAR);
        int[] regular = new int[200];
        java.util.Arrays.fill(regular, 800);
        assertThat(classes(weighs, regular)).as("a constant rhythm: one cell").doesNotContain(SegmentClass.IRREGULAR);
    }

    private static List<SegmentClass> classes(RhythmParameters p, int[] rr) {
        RrAnalyser a = new RrAnalyser(p);
        RrAnalyserState s = new RrAnalyserState();
        List<SegmentClass> out = new ArrayList<>();
        long t = T0;
        for (int v : rr) {
            t += v;
            a.onBeat(s, t, v, BeatQuality.CLEAN, e -> {
                if (e instanceof RhythmSegment seg) out.add(seg.classification());
            });
        }
        return out;
    }

    /** A model whose probability is the logistic of feature 0 alone (for scripting segment probabilities). */
    private static RhythmParameters scriptedProbabilities(double[] probabilities) {
        int n = AfModel.FEATURE_COUNT;
        double[] mean = new double[n], scale = new double[n], coef = new double[n];
        java.util.Arrays.fill(scale, 1.0);
        coef[0] = 1.0;
        return RhythmParameters.DEFAULTS.withModel(new AfModel("test", mean, scale, coef, 0.0, 0.07, 0.79, "test"));
    }

    @Test
    void aRunWhoseFirstSegmentsReadWeaklyOpensOnceItsRecentSegmentsAreClearlyAf() {
        // five segments at p 0.3 (irregular, above the 0.07 segment threshold, far below the 0.79 onset bar), then
        // clearly AF: the run's mean would pass 0.79 only at its 18th segment; its recent evidence does at the 9th
        // (exponentially weighted, span 5: 0.3, 0.53, 0.68, 0.786, 0.854)
        double[] p = {0.3, 0.3, 0.3, 0.3, 0.3, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99};
        int[] segment = {0};
        RhythmParameters params = scriptedProbabilities(p);
        RrAnalyser a = new RrAnalyser(params, x -> (state, out) -> {
            double q = p[Math.min(segment[0]++, p.length - 1)];
            out[0] = Math.log(q / (1 - q));
            return true;
        });
        Feeder f = new Feeder(a);
        for (int i = 0; i < p.length * params.segmentBeats(); i++) f.clean(800);
        List<AfOnset> onsets = f.of(AfOnset.class);
        assertThat(onsets).hasSize(1);
        List<RhythmSegment> segs = f.of(RhythmSegment.class);
        assertThat(segs.get(7).afActive()).isFalse();
        assertThat(segs.get(8).afActive()).isTrue();
        assertThat(onsets.get(0).emittedAtMs()).isEqualTo(segs.get(8).endMs());
        assertThat(onsets.get(0).onsetMs()).as("back-dated to the run's first segment").isEqualTo(segs.get(0).startMs());
        assertThat(onsets.get(0).irregularity()).isGreaterThan(0.79).isLessThan(0.86);
    }

    @Test
    void aRunWithoutARiseInRateOverTheRegularBaselineNeedsTheHigherBar() {
        // ten regular segments at 75/min make the baseline; then a run at p 0.9: above the 0.79 onset bar, below the
        // 0.95 bar of a run whose rate has not risen by 5 %: it opens at 94/min (RR 640), not at 75/min (RR 800), and
        // opens at 75/min when the gate is off (the steady bar equal to the onset bar)
        double[] p = new double[30];
        for (int k = 0; k < p.length; k++) p[k] = k < 10 ? 0.01 : 0.9;
        for (double steady : new double[]{0.95, 0.79}) {
            for (int runRr : new int[]{800, 640}) {
                int[] segment = {0};
                RhythmParameters params = scriptedProbabilities(p).withOverrides(Map.of("steadyOnsetThreshold", Double.toString(steady)));
                RrAnalyser a = new RrAnalyser(params, x -> (state, out) -> {
                    double q = p[Math.min(segment[0]++, p.length - 1)];
                    out[0] = Math.log(q / (1 - q));
                    return true;
                });
                Feeder f = new Feeder(a);
                for (int i = 0; i < p.length * params.segmentBeats(); i++) f.clean(i < 10 * params.segmentBeats() ? 800 : runRr);
                assertThat(f.state.regularRateBaseline).as("baseline, bpm").isCloseTo(75f, org.assertj.core.data.Offset.offset(0.01f));
                boolean opens = runRr == 640 || steady < 0.9;
                assertThat(f.of(AfOnset.class)).as("steady bar %s, run RR %d", steady, runRr).hasSize(opens ? 1 : 0);
            }
        }
        // the bar itself: no baseline known, or a rise of at least onsetRateRise, gives the onset bar
        RhythmParameters d = RhythmParameters.DEFAULTS.withOverrides(Map.of("steadyOnsetThreshold", "0.95"));
        assertThat(RrAnalyser.onsetBar(d, Float.NaN, 70)).isEqualTo(d.onsetThreshold());
        assertThat(RrAnalyser.onsetBar(d, 70f, 70 * d.onsetRateRise())).isEqualTo(d.onsetThreshold());
        assertThat(RrAnalyser.onsetBar(d, 70f, 70 * d.onsetRateRise() - 0.01)).isEqualTo(0.95);
        assertThat(RrAnalyser.onsetBar(d.withOverrides(Map.of("onsetThreshold", "0.97")), 70f, 70)).as("a higher own bar wins").isEqualTo(0.97);
    }

    @Test
    void theOnsetEvidenceIsTheFirstProbabilityThenAWeightedMeanWithSpanOnsetSegments() {
        assertThat(RrAnalyser.onsetEvidence(0.4f, 0.9, 0, 5)).isEqualTo(0.9f);
        // weight 2 / (5 + 1) on the newest segment
        assertThat((double) RrAnalyser.onsetEvidence(0.6f, 0.9, 3, 5)).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
        assertThat((double) RrAnalyser.onsetEvidence(0.6f, 0.9, 3, 2)).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-6));
        // a constant run's evidence is that constant
        float e = 0;
        for (int k = 0; k < 20; k++) e = RrAnalyser.onsetEvidence(e, 0.85, k, 5);
        assertThat((double) e).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aFormatThreeStatesRunSumIsReadAsTheRunsMean() {
        RrAnalyserState s = new RrAnalyserState();
        s.irregularRun = 3;
        s.irregularRunEvidence = 2.4f; // format 3 kept the sum of the run's probabilities here
        s.irregularRunStartMs = T0;
        // format 6 less its batch lead and baseline
        byte[] bytes = java.util.Arrays.copyOf(s.toBytes(), s.toBytes().length - 8);
        assertThat(s.toBytes()[0]).isEqualTo((byte) 6);
        bytes[0] = 3; // format 3 had format 4's layout, which is format 5's less the baseline
        RrAnalyserState read = RrAnalyserState.fromBytes(bytes);
        assertThat(read.irregularRun).isEqualTo(3);
        assertThat((double) read.irregularRunEvidence).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(read.irregularRunStartMs).isEqualTo(T0);
        // a format-4 state is read as written, with no rate baseline yet; a format-5 state with its baseline
        bytes[0] = 4;
        assertThat(RrAnalyserState.fromBytes(bytes).irregularRunEvidence).isEqualTo(2.4f);
        assertThat(RrAnalyserState.fromBytes(bytes).regularRateBaseline).isNaN();
        s.regularRateBaseline = 71.5f;
        assertThat(RrAnalyserState.fromBytes(s.toBytes()).regularRateBaseline).isEqualTo(71.5f);
        // a format-5 state (format 6 less the batch lead) is read with its baseline and an unknown batch lead
        s.batchLeadMs = 60_000;
        byte[] v5 = java.util.Arrays.copyOf(s.toBytes(), s.toBytes().length - 4);
        v5[0] = 5;
        assertThat(RrAnalyserState.fromBytes(v5).regularRateBaseline).isEqualTo(71.5f);
        assertThat(RrAnalyserState.fromBytes(v5).batchLeadMs).isEqualTo(-1);
        assertThat(RrAnalyserState.fromBytes(s.toBytes()).batchLeadMs).isEqualTo(60_000);
    }

    @Test
    void aFormatTwoStateIsReadIntoTheLargerRingAndCarriesOn() throws IOException {
        int[] ring = new int[32];
        for (int i = 0; i < 32; i++) ring[i] = 700 + i; // written at indices 0..31; head wrapped to 5 after 37 writes
        RrAnalyserState s = RrAnalyserState.fromBytes(formatTwo(2, ring, 5, 32, 0, RrAnalyserState.NO_TIME, true, T0 - 60_000));
        assertThat(s.rrCount).isEqualTo(32);
        // oldest first: the oldest was at the head (index 5), the newest just before it (index 4)
        assertThat(s.rr[0]).isEqualTo(705);
        assertThat(s.rr[31]).isEqualTo(704);
        assertThat(s.rrHead).isEqualTo(32);
        assertThat(s.afActive).isTrue();
        assertThat(s.afOnsetMs).isEqualTo(T0 - 60_000);
        assertThat(s.segBeats).isEqualTo(3);
        // an open irregular run's sums were old-score sums: the run restarts
        RrAnalyserState run = RrAnalyserState.fromBytes(formatTwo(2, ring, 5, 32, 3, T0 - 20_000, false, RrAnalyserState.NO_TIME));
        assertThat(run.irregularRun).isZero();
        assertThat(run.irregularRunEvidence).isZero();
        // version 1 left the start of a finished run in irregularRunStartMs: read as no warm-up start
        RrAnalyserState v1 = RrAnalyserState.fromBytes(formatTwo(1, ring, 5, 32, 0, T0, false, RrAnalyserState.NO_TIME));
        assertThat(v1.irregularRunStartMs).isEqualTo(RrAnalyserState.NO_TIME);
        // and it carries on: the next beats are analysed and a round trip keeps it
        RrAnalyser a = new RrAnalyser();
        List<RhythmEvent> ev = new ArrayList<>();
        for (int i = 1; i <= 40; i++) a.onBeat(s, T0 + i * 800L, 800, BeatQuality.CLEAN, ev::add);
        assertThat(ev).filteredOn(e -> e instanceof RhythmSegment).isNotEmpty();
        assertThat(RrAnalyserState.fromBytes(s.toBytes())).isEqualTo(s);
        assertThat(s.serializedSize()).isEqualTo(RrAnalyserState.maxSerializedSize()).isLessThanOrEqualTo(293);
    }

    @Test
    void outOfOrderBeatsAreIgnored() {
        RrAnalyser a = new RrAnalyser();
        RrAnalyserState s = new RrAnalyserState();
        assertThat(a.onBeat(s, T0 + 1000, 800, BeatQuality.CLEAN, e -> { })).isTrue();
        assertThat(a.onBeat(s, T0 + 900, 800, BeatQuality.CLEAN, e -> { })).isFalse();
        assertThat(s.beatsSeen).isEqualTo(1);
    }

    /** Feeds one RR batch as the job does ({@code DetectorPath.rrBatch}); returns the beats ignored as out of order. */
    private static int batch(RrAnalyser a, RrAnalyserState s, long startMs, int n, int rr, int glitchAt, int glitchMs) {
        int[] ms = new int[n];
        byte[] q = new byte[n];
        for (int i = 0; i < n; i++) {
            ms[i] = i == glitchAt ? glitchMs : rr;
            q[i] = (byte) (i == glitchAt ? BeatQuality.GAP.ordinal() : BeatQuality.CLEAN.ordinal());
        }
        return org.wardstream.episodes.DetectorPath.rrBatch(a, s, "p", startMs, ms, q, new ArrayList<>(), null)
                .outOfOrderBeats();
    }

    @Test
    void aLaterBatchWhollyBeforeTheBeatClockReAnchorsItAnOlderOneIsIgnored() {
        RrAnalyser a = new RrAnalyser();
        RrAnalyserState s = new RrAnalyserState();
        assertThat(batch(a, s, T0, 75, 800, -1, 0)).isZero();
        assertThat(s.batchLeadMs).isEqualTo(60_000);
        // the next minute's batch claims a GAP of 90 min: the clock goes 90 min ahead
        assertThat(batch(a, s, T0 + 60_000, 75, 800, 30, 90 * 60_000)).isZero();
        long falseClock = s.lastBeatMs;
        assertThat(falseClock).isGreaterThan(T0 + 90 * 60_000L);
        // an older batch (by its start) than the one that set the clock is out of order: ignored and counted
        assertThat(batch(a, s, T0 + 30_000, 10, 800, -1, 0)).isEqualTo(10);
        assertThat(s.lastBeatMs).isEqualTo(falseClock);
        // a later one (by its start) lying wholly before the clock shows the clock was false: re-anchored, analysed
        long beatsBefore = s.beatsSeen;
        assertThat(batch(a, s, T0 + 120_000, 75, 800, -1, 0)).isZero();
        assertThat(s.beatsSeen).isEqualTo(beatsBefore + 75);
        assertThat(s.lastBeatMs).isEqualTo(T0 + 120_000 + 75 * 800);
        assertThat(s.lastCleanBeatMs).isEqualTo(s.lastBeatMs);
        assertThat(s.batchLeadMs).isEqualTo(60_000);
        // and the batches after it carry on as usual
        assertThat(batch(a, s, T0 + 180_000, 75, 800, -1, 0)).isZero();
    }

    @Test
    void aBatchPartlyAfterTheClockOrOfAStateWithoutTheBatchLeadIsNotReAnchored() {
        RrAnalyser a = new RrAnalyser();
        RrAnalyserState s = new RrAnalyserState();
        batch(a, s, T0, 75, 800, -1, 0);
        // overlapping the previous batch's end: its beats up to the clock are ignored, the rest analysed
        assertThat(batch(a, s, T0 + 50_000, 20, 800, -1, 0)).isEqualTo(12);
        assertThat(s.lastBeatMs).isEqualTo(T0 + 66_000);
        // a state read from format 5 (no batch lead): beats before the clock are ignored, as before
        batch(a, s, T0 + 66_000, 75, 800, 30, 90 * 60_000);
        s.batchLeadMs = -1;
        assertThat(batch(a, s, T0 + 126_000, 75, 800, -1, 0)).isEqualTo(75);
    }

    @Test
    void stateStaysBoundedAndRoundTripsMidStream() throws IOException {
        RrAnalyser a = new RrAnalyser();
        Random rnd = new Random(23);
        Feeder f = new Feeder(a);
        Feeder twin = null;
        int maxSize = 0;
        for (int i = 0; i < 200_000; i++) {
            int phase = (i / 5000) % 3;
            int rr = phase == 0 ? sinus(rnd, 800) : phase == 1 ? 400 + rnd.nextInt(700) : (i % 2 == 0 ? 520 : 1080);
            BeatQuality q = rnd.nextDouble() < 0.02 ? BeatQuality.GAP : BeatQuality.CLEAN;
            f.beat(rr, q);
            if (twin != null) twin.beat(rr, q);
            if (i % 997 == 0) maxSize = Math.max(maxSize, f.state.serializedSize());
            if (i == 123_456) {
                // Snapshot and restore, as a Flink checkpoint would; the restored copy must continue identically.
                byte[] bytes = f.state.toBytes();
                RrAnalyserState restored = RrAnalyserState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
                assertThat(restored).isEqualTo(f.state);
                twin = new Feeder(a);
                twin.t = f.t;
                copyInto(restored, twin.state);
                f.events.clear();
            }
        }
        assertThat(maxSize).isLessThanOrEqualTo(RrAnalyserState.maxSerializedSize()).isLessThan(1024);
        assertThat(RrAnalyserState.maxSerializedSize()).isLessThan(1024);
        assertThat(f.of(AfOnset.class)).isNotEmpty();
        assertThat(twin.events).isEqualTo(f.events);
        assertThat(twin.state).isEqualTo(f.state);
    }

    private static void copyInto(RrAnalyserState from, RrAnalyserState to) throws IOException {
        RrAnalyserState c = RrAnalyserState.readFrom(new DataInputStream(new ByteArrayInputStream(from.toBytes())));
        to.rr = c.rr;
        to.rrHead = c.rrHead;
        to.rrCount = c.rrCount;
        to.lastBeatMs = c.lastBeatMs;
        to.lastCleanBeatMs = c.lastCleanBeatMs;
        to.beatsSeen = c.beatsSeen;
        to.segStartMs = c.segStartMs;
        to.segBeats = c.segBeats;
        to.segExcluded = c.segExcluded;
        to.segClean = c.segClean;
        to.segSumRrMs = c.segSumRrMs;
        to.segMinRrMs = c.segMinRrMs;
        to.segMaxRrMs = c.segMaxRrMs;
        to.afActive = c.afActive;
        to.afOnsetMs = c.afOnsetMs;
        to.irregularRun = c.irregularRun;
        to.regularRun = c.regularRun;
        to.irregularRunStartMs = c.irregularRunStartMs;
        to.regularRunStartMs = c.regularRunStartMs;
        to.irregularRunEvidence = c.irregularRunEvidence;
        to.irregularRunRateSum = c.irregularRunRateSum;
        to.regularRateBaseline = c.regularRateBaseline;
        to.batchLeadMs = c.batchLeadMs;
    }
}
