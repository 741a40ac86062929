package org.wardstream.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rhythm.RrAnalyserState;
import org.wardstream.rules.Rules;
import org.wardstream.signals.RhythmRuleParameters;

/** The EPL rules on hand-made readings, against the detectors' own definitions. */
class EsperPeerTest {
    private static final long T0 = 1_772_400_000_000L; // 2026-03-01T21:20Z
    private static final long MIN = 60_000L;
    private final Rules rules = Rules.loadClasspath();

    @Test
    void sustainedFastRateAtRestOpensOneTachycardiaAtTheFirstSampleOfTheRun() {
        List<AlertKey> alerts;
        try (EsperPeer peer = new EsperPeer(rules)) {
            feed(peer, patientAtRate("p1", 0, 130, 40));
            alerts = peer.finish();
        }
        assertThat(alerts).containsExactly(new AlertKey(AlertKey.TACHYCARDIA, "p1", T0 + 5 * MIN + 1000));
    }

    @Test
    void walkingFastRateAndTooShortRunsOpenNothing() {
        List<AlertKey> alerts;
        try (EsperPeer peer = new EsperPeer(rules)) {
            feed(peer, patientAtRate("walker", 120, 130, 40)); // 120 steps/min: exertion, not rest
            feed(peer, patientAtRate("brief", 0, 130, 8));     // 8 minutes above: shorter than the rule's 10
            alerts = peer.finish();
        }
        assertThat(alerts).isEmpty();
    }

    @Test
    void afOnsetIsTheAnalysersOnsetAndAnEpisodeIsReportedOnce() {
        Random rnd = new Random(7);
        List<Integer> rr = new ArrayList<>();
        for (int i = 0; i < 200; i++) rr.add(800);                    // regular
        for (int i = 0; i < 600; i++) rr.add(450 + rnd.nextInt(600)); // irregularly irregular: AF
        for (int i = 0; i < 200; i++) rr.add(800);                    // regular again
        // the analyser's own onset on the same beats
        RrAnalyser analyser = new RrAnalyser(RhythmRuleParameters.from(rules.defaults()));
        RrAnalyserState s = new RrAnalyserState();
        List<Long> onsets = new ArrayList<>();
        long beat = T0;
        for (int v : rr) {
            beat += v;
            analyser.onBeat(s, beat, v, BeatQuality.CLEAN, e -> {
                if (e instanceof AfOnset on) onsets.add(on.onsetMs());
            });
        }
        assertThat(onsets).hasSize(1);

        List<AlertKey> alerts;
        try (EsperPeer peer = new EsperPeer(rules)) {
            long start = T0;
            for (int from = 0; from < rr.size(); from += 60) { // one RR batch per minute or so
                int to = Math.min(rr.size(), from + 60);
                DeviceReading b = PeerRuns.reading("af", DeviceReading.Kind.RR_BATCH, start);
                b.rrStart = start;
                b.rrMs = rr.subList(from, to).stream().mapToInt(Integer::intValue).toArray();
                b.rrQuality = new byte[b.rrMs.length];
                for (int v : b.rrMs) start += v;
                b.time = start;
                peer.onReading(b);
            }
            alerts = peer.finish();
        }
        assertThat(alerts).containsExactly(new AlertKey(AlertKey.ATRIAL_FIBRILLATION, "af", onsets.get(0)));
    }

    /** Worn, {@code steps} per minute, 5 minutes at 80 bpm, then {@code minutes} at {@code bpm}, then 10 at 80. */
    private static List<DeviceReading> patientAtRate(String patient, int steps, float bpm, int minutes) {
        List<DeviceReading> out = new ArrayList<>();
        DeviceReading wear = PeerRuns.reading(patient, DeviceReading.Kind.WEAR, T0);
        wear.onBody = true;
        out.add(wear);
        for (int m = 0; m < 5 + minutes + 10; m++) {
            DeviceReading a = PeerRuns.reading(patient, DeviceReading.Kind.ACTIVITY, T0 + m * MIN);
            a.intervalSeconds = 60;
            a.steps = steps;
            out.add(a);
            DeviceReading hr = PeerRuns.reading(patient, DeviceReading.Kind.HEART_RATE, T0 + m * MIN + 1000);
            hr.bpm = m >= 5 && m < 5 + minutes ? bpm : 80;
            out.add(hr);
        }
        return out; // the first fast sample is at minute 5 plus 1 s
    }

    private static void feed(EsperPeer peer, List<DeviceReading> readings) {
        for (DeviceReading r : readings) {
            peer.onReading(r);
        }
    }
}
