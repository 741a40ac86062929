package org.wardstream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.Transition;
import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rules.Rules;

/**
 * A wearable's "clean" interval outside 200-60,000 ms is a mislabelled beat, not a heart's interval: ingest keeps its
 * batch (unless most of it is so) and the detector analyses it as excluded, counting it: below 200 ms an artefact (a
 * double-detected beat), above a minute a gap. Neither is ever a pause; every clean interval of 3 s to a minute is.
 */
class ImplausibleBeatsTest {
    private static final long T0 = 1_772_441_000_000L;
    private final PatientDetector d = new PatientDetector(Rules.loadClasspath().defaults(), ZoneId.of("UTC"));
    private final DetectorState s = new DetectorState();
    private final List<RhythmEvent> rhythm = new ArrayList<>();
    private int implausible;
    private final PatientDetector.Output out = new PatientDetector.Output() {
        @Override
        public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
        }

        @Override
        public void cue(PatternCue cue) {
        }

        @Override
        public void rhythm(RhythmEvent e) {
            rhythm.add(e);
        }

        @Override
        public void implausibleBeats(int n) {
            implausible += n;
        }
    };

    private void analyse(long startMs, int... rrMs) {
        d.analyse(s, "p", null, new Reading.RrBatch(startMs, startMs, 0, null, startMs, rrMs, new byte[rrMs.length]), out);
    }

    private static int[] sinus(int n) {
        int[] rr = new int[n];
        Arrays.fill(rr, 800);
        return rr;
    }

    private List<PauseEvent> pauses() {
        return rhythm.stream().filter(PauseEvent.class::isInstance).map(PauseEvent.class::cast).toList();
    }

    @Test
    void aDoubleDetectedBeatIsAnArtefactCountedAndTheGenuinePauseBesideItIsStillAPause() {
        int[] minute = sinus(75);
        minute[20] = 150; // a double-detected beat: 150 + 650 where the heart beat once in 800
        minute[21] = 650;
        minute[50] = 5800; // a genuine pause
        analyse(T0, minute);
        assertThat(implausible).isEqualTo(1);
        assertThat(pauses()).singleElement().satisfies(p -> assertThat(p.rrMs()).isEqualTo(5800));
        assertThat(Arrays.stream(s.rr.rr).boxed().toList()).as("never a clean interval in the window").doesNotContain(150);
    }

    @Test
    void aCleanIntervalOverAMinuteIsAGapNotAPauseAndOneOfAMinuteIsAPause() {
        analyse(T0, sinus(75));
        int[] batch = sinus(20);
        batch[5] = 70_000;
        analyse(T0 + 60_000, batch);
        assertThat(implausible).isEqualTo(1);
        assertThat(pauses()).isEmpty();
        int[] minute = sinus(20);
        minute[5] = 60_000; // the longest clean interval that is data: a pause
        analyse(T0 + 200_000, minute);
        assertThat(implausible).isEqualTo(1);
        assertThat(pauses()).singleElement().satisfies(p -> assertThat(p.rrMs()).isEqualTo(60_000));
    }

    @Test
    void excludingImplausibleCopiesTheCodesAndLeavesFlaggedAndPlausibleIntervals() {
        int[] rr = {199, 200, 60_000, 60_001, 90, 90_000};
        byte[] q = {0, 0, 0, 0, (byte) BeatQuality.ARTEFACT.ordinal(), (byte) BeatQuality.GAP.ordinal()};
        assertThat(PatientDetector.implausibleCleanIntervals(rr, q)).isEqualTo(2);
        assertThat(PatientDetector.excludingImplausible(rr, q)).containsExactly(BeatQuality.ARTEFACT.code(), 0, 0,
                BeatQuality.GAP.code(), BeatQuality.ARTEFACT.code(), BeatQuality.GAP.code());
        assertThat(q[0]).isZero();
    }
}
