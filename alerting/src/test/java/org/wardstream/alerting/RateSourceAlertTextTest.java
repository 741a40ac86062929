package org.wardstream.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.wardstream.detector.DetectorState;
import org.wardstream.detector.PatientDetector;
import org.wardstream.detector.Reading;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * The tachycardia alert a triage clinician reads says where its heart rate came from: the device's heart-rate samples
 * (a watch), or a rate derived from beat-to-beat (RR) intervals (a chest strap or patch that sends no heart rate:
 * {@code RrHeartRate}). Through the plain-Java detector, the lifecycle and the FHIR encoder, as the job runs them: 40
 * minutes at 150/min at rest, worn and still.
 */
class RateSourceAlertTextTest {
    private static final long T0 = 1_772_441_000_000L; // 2026-03-02 08:43 UTC
    private static final long MIN = 60_000L;
    private static final int MINUTES = 40;
    private static final String P = "p-rate-source";
    private final EffectiveRules rules = Rules.loadClasspath().defaults();

    /** The text (Task.description) and the Observation's components of every tachycardia alert change. */
    private List<String> tachycardiaAlerts(boolean watch, boolean strap) {
        Random r = new Random(19);
        List<Long> beats = new ArrayList<>();
        for (long t = T0 - MIN; t < T0 + (MINUTES + 1) * MIN; t += 390 + r.nextInt(21)) beats.add(t);
        List<Reading> in = new ArrayList<>();
        in.add(new Reading.Wear(T0, T0 + 1_000L, 0, null, true, "OPTICAL"));
        for (long w = T0; w + MIN <= T0 + MINUTES * MIN; w += MIN) {
            in.add(new Reading.Activity(w, w + MIN + 1_000L, 0, null, 60, 0));
            if (strap) in.add(rrBatch(beats, w));
            if (watch) {
                for (long t = w; t < w + MIN; t += 15_000L) {
                    in.add(new Reading.HeartRate(t, t + 2_000L, 0, null, 150f));
                }
            }
        }
        in.sort(Comparator.comparingLong(Reading::receivedMs));
        PatientDetector d = new PatientDetector(rules, ZoneId.of("UTC"));
        DetectorState s = new DetectorState();
        List<Transition> transitions = new ArrayList<>();
        PatientDetector.Output out = DetectorRun.collecting(transitions);
        List<Reading> held = new ArrayList<>();
        for (Reading reading : in) {
            PatientDetector.Arrival a = d.arrive(s, P, null, reading, out);
            if (a == PatientDetector.Arrival.RELEASE_FIRST) {
                d.releaseHeld(s, P, null, new ArrayList<>(held), reading.receivedMs(), out);
                held.clear();
                a = d.arrive(s, P, null, reading, out);
            }
            if (a == PatientDetector.Arrival.HOLD) held.add(reading);
            else if (a == PatientDetector.Arrival.ANALYSE) d.analyse(s, P, null, reading, out);
        }
        List<AlertChange> changes = DetectorRun.alertChanges(rules, transitions);
        List<String> texts = new ArrayList<>();
        for (AlertChange c : changes) {
            if (c.type() != EpisodeType.TACHYCARDIA) continue;
            String json = FhirAlerts.toJson(c);
            texts.add(c.kind() + ": " + FhirAlerts.parse(json).description() + " | " + json);
        }
        return texts;
    }

    /** The strap's batch of the minute from {@code w}: the intervals ending in it, from the last beat before it. */
    private static Reading rrBatch(List<Long> beats, long w) {
        int first = -1, last = -1;
        for (int i = 1; i < beats.size(); i++) {
            if (beats.get(i) >= w && beats.get(i) < w + MIN) {
                if (first < 0) first = i;
                last = i;
            }
        }
        int[] rr = new int[last - first + 1];
        for (int i = first; i <= last; i++) rr[i - first] = (int) (beats.get(i) - beats.get(i - 1));
        long start = beats.get(first - 1);
        return new Reading.RrBatch(start, w + MIN + 2_000L, 0, null, start, rr, new byte[rr.length]);
    }

    @Test
    void aBeatsOnlyPatientsTachycardiaAlertSaysItsRateCameFromBeatToBeatIntervals() {
        List<String> alerts = tachycardiaAlerts(false, true);
        assertThat(alerts).as("tachycardia alerts of a strap that sends RR intervals only").isNotEmpty();
        assertThat(alerts.get(0)).startsWith("OPENED: Sustained fast heart rate at rest");
        assertThat(alerts).allSatisfy(a -> assertThat(a)
                .contains("Rate derived from beat-to-beat (RR) intervals")
                .doesNotContain("Rate from the device's heart-rate samples")
                .contains("\"code\":\"heart-rate-from-rr-intervals\"")
                .contains("\"value\":100,\"unit\":\"%\""));
    }

    @Test
    void aHeartRateSamplePatientsTachycardiaAlertSaysItsRateCameFromTheDevice() {
        for (boolean strapToo : new boolean[]{false, true}) { // the watch alone, and with a strap: the watch is read
            List<String> alerts = tachycardiaAlerts(true, strapToo);
            assertThat(alerts).as("tachycardia alerts of a watch (strap too: %s)", strapToo).isNotEmpty();
            assertThat(alerts).allSatisfy(a -> assertThat(a)
                    .containsPattern("Rate from the device's heart-rate samples\\. (New alert|Still ongoing|Episode)")
                    .doesNotContain("Rate derived from beat-to-beat")
                    .contains("\"code\":\"heart-rate-from-rr-intervals\"")
                    .contains("\"value\":0,\"unit\":\"%\""));
        }
    }

    @Test
    void bothSourcesAreNamedWithTheShareFromBeatToBeatIntervals() {
        AlertChange c = Samples.change(EpisodeType.BRADYCARDIA, AlertChange.Kind.CLOSED);
        Map<String, Double> ev = new java.util.TreeMap<>(c.evidence());
        ev.put(org.wardstream.episodes.Transitions.RATE_FROM_RR_PERCENT, 37.5);
        AlertChange mixed = new AlertChange(c.kind(), c.notifyTeam(), c.episodeId(), c.patient(), c.type(),
                c.severity(), c.episodeStartMs(), c.episodeEndMs(), c.atMs(), c.reason(), ev, c.detectorVersion(),
                c.ruleVersion(), c.suppressedRecurrences());
        assertThat(FhirAlerts.parse(FhirAlerts.toJson(mixed)).description()).contains("Slow heart rate, lasted 42 min,"
                + " mean 45/min (range 36-49/min). Rate from the device's heart-rate samples and, where they were"
                + " missing, derived from beat-to-beat (RR) intervals (38 % of samples).");
        // a few minutes from RR intervals among a watch's samples every second: both named, never "0 %"
        ev.put(org.wardstream.episodes.Transitions.RATE_FROM_RR_PERCENT, 0.25);
        AlertChange few = new AlertChange(c.kind(), c.notifyTeam(), c.episodeId(), c.patient(), c.type(),
                c.severity(), c.episodeStartMs(), c.episodeEndMs(), c.atMs(), c.reason(), ev, c.detectorVersion(),
                c.ruleVersion(), c.suppressedRecurrences());
        assertThat(FhirAlerts.parse(FhirAlerts.toJson(few)).description())
                .contains("derived from beat-to-beat (RR) intervals (under 1 % of samples).");
        // an episode whose samples' source is not known (stored before it was recorded) says nothing of it
        assertThat(FhirAlerts.parse(FhirAlerts.toJson(c)).description()).doesNotContain("Rate from")
                .doesNotContain("Rate derived");
    }
}
