package org.wardstream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * A patient with two devices: a watch on the wrist (heart rate, steps) and a chest strap. Wear is judged per device
 * (adversarial probe 16a, D2): the strap put on its charger, saying so, must not make the patient wearing the watch
 * "not worn", which silenced sustained tachycardia at rest (140/min for 40 min raised no alert) and inactivity.
 */
class SeveralDevicesTest {
    private static final long T0 = 1_772_441_000_000L; // 2026-03-02 08:43 UTC
    private static final long MIN = 60_000L;
    private static final String P = "p-devices";
    private final EffectiveRules rules = Rules.loadClasspath().defaults();

    /**
     * The watch worn (optical), the patient sitting (no steps each minute), 140/min every 15 s for 40 min; with
     * {@code strapOnCharger} device {@code strap} reports off body (CHARGER) each minute from minute 2, each report
     * newer than every report of device {@code watch}.
     */
    private List<AlertChange> tachycardia(boolean strapOnCharger, String watch, String strap) {
        PatientDetector d = new PatientDetector(rules, ZoneId.of("Europe/London"));
        DetectorState s = new DetectorState();
        List<Reading> held = new ArrayList<>();
        List<Transition> transitions = new ArrayList<>();
        PatientDetector.Output out = ArrivalDriver.transitionsTo(transitions);
        ArrivalDriver.feed(d, s, P, new Reading.Wear(T0, T0 + 1_000, 0, null, true, "OPTICAL", watch), held, out);
        for (long t = T0; t < T0 + 40 * MIN; t += 15_000) {
            if ((t - T0) % MIN == 0) {
                ArrivalDriver.feed(d, s, P, new Reading.Activity(t, t + MIN + 1_000, 0, null, 60, 0, watch), held, out);
            }
            ArrivalDriver.feed(d, s, P, new Reading.HeartRate(t, t + 2_000, 0, null, 140f, watch), held, out);
            if (strapOnCharger && (t - T0) % MIN == 0 && t >= T0 + 2 * MIN) {
                // the chest strap, on its charger, says so (newer than every report of the watch)
                ArrivalDriver.feed(d, s, P, new Reading.Wear(t + 1, t + 1_500, 0, null, false, "CHARGER", strap),
                        held, out);
            }
        }
        Map<EpisodeType, EpisodeState> states = new EnumMap<>(EpisodeType.class);
        List<AlertChange> changes = new ArrayList<>();
        DetectorPath.lifecycle(transitions, ty -> states.computeIfAbsent(ty, x -> new EpisodeState()), rules,
                changes::add, null);
        return changes.stream().filter(c -> c.type() == EpisodeType.TACHYCARDIA).toList();
    }

    @Test
    void theWornWatchAloneRaisesTheTachycardiaAlert() {
        assertThat(tachycardia(false, "watch", "strap")).extracting(AlertChange::kind).contains(AlertChange.Kind.OPENED);
    }

    @Test
    void aSecondDeviceOnItsChargerDoesNotSilenceTachycardiaFromTheWornWatch() {
        List<AlertChange> alerts = tachycardia(true, "watch", "strap");
        assertThat(alerts).as("tachycardia alerts while the strap charges").extracting(AlertChange::kind)
                .contains(AlertChange.Kind.OPENED);
        // about 10 min (the rule's minimum) after the rate rose, as without the strap
        assertThat(alerts.get(0).episodeStartMs()).isEqualTo(T0);
        assertThat(alerts.get(0).atMs()).isEqualTo(tachycardia(false, "watch", "strap").get(0).atMs());
    }

    @Test
    void oneDeviceOnItsChargerIsStillNotWorn() {
        // the same reports from ONE device (the watch itself goes on its charger): its heart rate is not trusted
        assertThat(tachycardia(true, "watch", "watch")).isEmpty();
        // readings without source ids are one device, as before
        assertThat(tachycardia(true, null, null)).isEmpty();
    }

    @Test
    void theWatchOnBodyAndTheStrapOnItsChargerLeaveThePatientWornAndStillForInactivity() {
        PatientDetector d = new PatientDetector(rules, ZoneId.of("UTC"));
        DetectorState s = new DetectorState();
        List<Reading> held = new ArrayList<>();
        List<Transition> transitions = new ArrayList<>();
        PatientDetector.Output out = ArrivalDriver.transitionsTo(transitions);
        long t0 = T0; // 08:43 UTC, waking hours (the morning's limit: 3 h still)
        ArrivalDriver.feed(d, s, P, new Reading.Wear(t0, t0 + 1_000, 0, null, true, "OPTICAL", "watch"), held, out);
        ArrivalDriver.feed(d, s, P, new Reading.Wear(t0 + 1_000, t0 + 2_000, 0, null, false, "CHARGER", "strap"),
                held, out);
        for (long t = t0; t < t0 + 200 * MIN; t += MIN) {
            ArrivalDriver.feed(d, s, P, new Reading.Activity(t, t + MIN + 1_000, 0, null, 60, 0, "watch"), held, out);
            ArrivalDriver.feed(d, s, P, new Reading.HeartRate(t + 30_000, t + 32_000, 0, null, 70f, "watch"), held, out);
        }
        assertThat(s.wear.activityState()).isEqualTo(org.wardstream.signals.ActivityState.WORN_STILL);
        assertThat(transitions).filteredOn(t -> t.type() == EpisodeType.INACTIVITY)
                .extracting(Transition::kind, Transition::episodeStartMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Transition.Kind.START, t0));
    }
}
