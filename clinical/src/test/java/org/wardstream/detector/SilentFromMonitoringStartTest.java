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
 * A device silent when the patient's alerting starts (a new enrolment) or resumes (a pause ended, enrolled again):
 * device-offline was raised only after data had come and then stopped for 2 h, so a device that never sent anything
 * after the start was never reported (closing17, "noticed and left alone"). Now the silence counts from the start
 * ({@link PatientDetector#monitoringStarted}): device-offline 2 h after it, its episode beginning then.
 */
class SilentFromMonitoringStartTest {
    private static final long T0 = 1_772_441_000_000L; // 2026-03-02 08:43 UTC
    private static final long MIN = 60_000L, HOUR = 60 * MIN;
    private static final String P = "p-silent";
    private final EffectiveRules rules = Rules.loadClasspath().defaults();
    private final PatientDetector d = new PatientDetector(rules, ZoneId.of("Europe/London"));
    private final DetectorState s = new DetectorState();
    private final List<Reading> held = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    private final PatientDetector.Output out = ArrivalDriver.transitionsTo(transitions);

    private void heartRates(long fromMs, long toMs) {
        for (long t = fromMs; t < toMs; t += MIN) {
            ArrivalDriver.feed(d, s, P, new Reading.HeartRate(t, t + 2_000, 0, null, 70f), held, out);
        }
    }

    private List<Transition> deviceOffline() {
        return transitions.stream().filter(t -> t.type() == EpisodeType.DEVICE_OFFLINE).toList();
    }

    private List<AlertChange> alerts() {
        Map<EpisodeType, EpisodeState> states = new EnumMap<>(EpisodeType.class);
        List<AlertChange> changes = new ArrayList<>();
        DetectorPath.lifecycle(transitions, ty -> states.computeIfAbsent(ty, x -> new EpisodeState()), rules,
                changes::add, null);
        return changes.stream().filter(c -> c.type() == EpisodeType.DEVICE_OFFLINE).toList();
    }

    @Test
    void aNewEnrolmentWhoseDeviceNeverSendsRaisesDeviceOfflineTwoHoursAfterTheStart() {
        d.monitoringStarted(s, T0);
        assertThat(d.nextTimerMs(s)).isEqualTo(T0 + 2 * HOUR);
        ArrivalDriver.timersUpTo(d, s, P, held, T0 + 2 * HOUR - 1, out);
        assertThat(deviceOffline()).as("not before the limit").isEmpty();
        ArrivalDriver.timersUpTo(d, s, P, held, T0 + 30 * HOUR, out);
        assertThat(deviceOffline()).extracting(Transition::kind, Transition::episodeStartMs, Transition::atMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Transition.Kind.START, T0, T0 + 2 * HOUR));
        assertThat(alerts()).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED);
        // the device sends at last: the alert closes, "reconnected"
        heartRates(T0 + 31 * HOUR, T0 + 31 * HOUR + 5 * MIN);
        assertThat(deviceOffline()).extracting(Transition::kind)
                .containsExactly(Transition.Kind.START, Transition.Kind.END);
        assertThat(alerts()).extracting(AlertChange::kind)
                .containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
    }

    @Test
    void alertingResumedWithTheDeviceSilentRaisesDeviceOfflineFromTheResumption() {
        heartRates(T0, T0 + 30 * MIN); // data while paused (in hospital, the watch sending)
        long resumed = T0 + HOUR;
        d.monitoringChanged(s); // the pause ends: the detectors start afresh
        d.monitoringStarted(s, resumed);
        ArrivalDriver.timersUpTo(d, s, P, held, resumed + 6 * HOUR, out);
        assertThat(deviceOffline()).filteredOn(t -> t.kind() != Transition.Kind.END).extracting(Transition::kind, Transition::episodeStartMs, Transition::atMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Transition.Kind.START, resumed,
                        resumed + 2 * HOUR));
    }

    @Test
    void dataBeforeTheLimitEndWatchingTheStartAndTheSilenceCountsFromTheData() {
        d.monitoringStarted(s, T0);
        heartRates(T0 + HOUR, T0 + HOUR + 10 * MIN); // the device is set up an hour in, then stops
        long last = T0 + HOUR + 9 * MIN;
        ArrivalDriver.timersUpTo(d, s, P, held, T0 + 10 * HOUR, out);
        assertThat(deviceOffline()).filteredOn(t -> t.kind() == Transition.Kind.START)
                .extracting(Transition::episodeStartMs, Transition::atMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(last, last + 2 * HOUR));
    }

    @Test
    void theAlertSaysNoDataSinceMonitoringStartedOnEveryRecord() {
        // the evidence of the silence watched from the start, on the opening and on the close (whose END carries none
        // of its own: the episode's opening evidence kept in its state, as every later record, a reminder too, has
        // it), so the alert text can say "no data since monitoring started" rather than read as a device that stopped
        d.monitoringStarted(s, T0);
        ArrivalDriver.timersUpTo(d, s, P, held, T0 + 30 * HOUR, out);
        heartRates(T0 + 31 * HOUR, T0 + 31 * HOUR + 5 * MIN);
        String key = Transition.NO_DATA_SINCE_MONITORING_START;
        assertThat(deviceOffline()).filteredOn(t -> t.kind() == Transition.Kind.START)
                .extracting(t -> t.evidence().get(key)).containsExactly(1.0);
        assertThat(alerts()).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED,
                AlertChange.Kind.CLOSED);
        assertThat(alerts()).allSatisfy(c -> assertThat(c.evidence()).containsEntry(key, 1.0));
    }

    @Test
    void control_aDeviceThatStoppedHasNoSuchEvidence() {
        d.monitoringStarted(s, T0);
        heartRates(T0, T0 + 10 * MIN);
        ArrivalDriver.timersUpTo(d, s, P, held, T0 + 10 * HOUR, out);
        assertThat(alerts()).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED);
        assertThat(alerts()).allSatisfy(c -> assertThat(c.evidence())
                .doesNotContainKey(Transition.NO_DATA_SINCE_MONITORING_START));
    }

    @Test
    void withoutAStartNothingIsWatched() {
        // wardstream validate and the bench peers never start alerting: a record without data raises nothing
        assertThat(d.nextTimerMs(s)).isEqualTo(Long.MIN_VALUE);
        d.monitoringStarted(s, T0);
        heartRates(T0, T0 + 5 * MIN);
        d.monitoringStarted(s, T0 + 3 * HOUR); // data have come: the silence counts from them, not from a start
        // (from the last receipt, 2 s after the last reading: the detector's silence is also the platform's)
        assertThat(d.nextTimerMs(s)).isEqualTo(T0 + 4 * MIN + 2_000 + 2 * HOUR);
    }
}
