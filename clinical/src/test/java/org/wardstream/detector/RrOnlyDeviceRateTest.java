package org.wardstream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongUnaryOperator;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * A patient whose only device sends beat-to-beat (RR) intervals (a chest strap or an ECG patch; the device contract
 * lets a device send RR batches without heart-rate samples), through the plain-Java detector and lifecycle as the
 * job's operators drive them (adversarial probe 18a, D3: an hour at 35/min or 40 minutes at 150/min at rest from such
 * a device raised no alert, the heart-rate rules reading only heart-rate samples). The detector now reads a heart
 * rate a minute from the clean intervals when no device sends heart-rate samples, and one source at a time when both
 * come: the device's own samples while recent.
 */
class RrOnlyDeviceRateTest {
    private static final long T0 = 1_772_441_000_000L; // 08:43 UTC, waking hours
    private static final long MIN = 60_000L;
    private static final String P = "p-strap";
    private final EffectiveRules rules = Rules.loadClasspath().defaults();
    private final PatientDetector d = new PatientDetector(rules, ZoneId.of("UTC"));
    private final DetectorState s = new DetectorState();
    private final List<Reading> held = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    private final PatientDetector.Output out = ArrivalDriver.transitionsTo(transitions);
    private long watchEveryMs = 15_000;

    /**
     * The patient worn and still for {@code minutes}; a strap's RR batch each minute if {@code strap}; a watch's heart
     * rate every {@link #watchEveryMs} up to {@code watchUntilMin} minutes (0: no watch), the watch reading {@code watchBeats} when
     * given, else the same heart as the strap.
     */
    private List<AlertChange> run(List<Long> beats, int minutes, boolean strap, int watchUntilMin, List<Long> watchBeats) {
        long end = T0 + minutes * MIN;
        List<Reading> in = new ArrayList<>();
        if (strap) in.addAll(ArrivalDriver.rrMinutes(beats, T0, end, 2_000));
        if (watchUntilMin > 0) {
            in.addAll(ArrivalDriver.heartRates(watchBeats != null ? watchBeats : beats, T0, T0 + watchUntilMin * MIN, watchEveryMs));
        }
        in.addAll(ArrivalDriver.wornStill(T0, end));
        in.sort(Comparator.comparingLong(Reading::receivedMs));
        for (Reading reading : in) {
            ArrivalDriver.timersUpTo(d, s, P, held, reading.receivedMs() - 5 * MIN, out);
            ArrivalDriver.feed(d, s, P, reading, held, out);
        }
        ArrivalDriver.timersUpTo(d, s, P, held, end, out);
        Map<EpisodeType, EpisodeState> states = new EnumMap<>(EpisodeType.class);
        List<AlertChange> changes = new ArrayList<>();
        DetectorPath.lifecycle(transitions, ty -> states.computeIfAbsent(ty, x -> new EpisodeState()), rules,
                changes::add, null);
        return changes;
    }

    private static List<Long> regular(int rrMs, int minutes) {
        Random r = new Random(18);
        return ArrivalDriver.beats(T0 - MIN, T0 + (minutes + 1) * MIN, t -> rrMs - 10 + r.nextInt(21));
    }

    private List<AlertChange> run(int rrMs, int minutes, boolean watch) {
        return run(regular(rrMs, minutes), minutes, true, watch ? minutes : 0, null);
    }

    private static List<String> opened(List<AlertChange> all, EpisodeType type) {
        return all.stream().filter(c -> c.type() == type && c.kind() == AlertChange.Kind.OPENED)
                .map(c -> "OPENED " + c.severity()).toList();
    }

    private static List<String> kinds(List<AlertChange> all) {
        return all.stream().map(c -> c.type() + " " + c.kind()).toList();
    }

    private List<String> rateTransitions() {
        return transitions.stream().filter(t -> t.type() == EpisodeType.TACHYCARDIA || t.type() == EpisodeType.BRADYCARDIA)
                .map(t -> t.type() + " " + t.kind() + " " + t.episodeStartMs() + " " + t.evidence()).toList();
    }

    @Test
    void anHourAt35PerMinuteFromAStrapIsAlertedAsSevereBradycardia() {
        List<AlertChange> all = run(1714, 60, false);
        assertThat(opened(all, EpisodeType.BRADYCARDIA))
                .as("an hour of beats 1.7 s apart (35/min) from an RR-only device; all alert changes: %s", kinds(all))
                .containsExactly("OPENED urgent");
    }

    @Test
    void fortyMinutesAt150PerMinuteAtRestFromAStrapIsAlertedAsTachycardia() {
        List<AlertChange> all = run(400, 40, false);
        assertThat(opened(all, EpisodeType.TACHYCARDIA))
                .as("40 min of regular beats 400 ms apart (150/min) at rest from an RR-only device; all alert changes: %s",
                        kinds(all))
                .containsExactly("OPENED urgent");
        // the rate in the evidence is the strap's: 150/min
        Transition start = transitions.stream().filter(t -> t.type() == EpisodeType.TACHYCARDIA
                && t.kind() == Transition.Kind.START).findFirst().orElseThrow();
        assertThat(start.evidence().get("meanRateBpm")).isBetween(149.0, 151.0);
    }

    @Test
    void fiveMinutesAt36PerMinuteFromAStrapOpenAnUrgentBradycardiaWithinFourMinutes() {
        // the strap's rate is one sample per clock minute, each a minute of its own for the thresholds: two whole
        // minutes below 40 open the severe bradycardia (with minutes of beats counted from whichever beat began them,
        // two fell in one of the thresholds' minutes: this spell opened a minute later, and one beginning on another
        // beat, diluted by its edges, not at all: ValidateReplayIT's record)
        Random r = new Random(36);
        long slowFrom = T0 + 10 * MIN, slowTo = T0 + 15 * MIN;
        List<Long> beats = ArrivalDriver.beats(T0 - MIN, T0 + 26 * MIN,
                t -> (t >= slowFrom && t < slowTo ? 1_657 : 847) + r.nextInt(21));
        List<AlertChange> all = run(beats, 25, true, 0, null);
        assertThat(opened(all, EpisodeType.BRADYCARDIA)).as("all alert changes: %s", kinds(all))
                .containsExactly("OPENED urgent");
        Transition start = transitions.stream().filter(t -> t.type() == EpisodeType.BRADYCARDIA
                && t.kind() == Transition.Kind.START).findFirst().orElseThrow();
        assertThat(start.atMs()).as("decided at the end of the second whole minute below 40")
                .isLessThanOrEqualTo(slowFrom + 4 * MIN);
        assertThat(start.evidence().get("maxRateBpm")).isLessThan(40.0);
    }

    /** The tachycardia alert's changes, each with where its rate came from ({@code rateFromRrPercent}). */
    private static List<String> tachycardiaRateSources(List<AlertChange> all) {
        return all.stream().filter(c -> c.type() == EpisodeType.TACHYCARDIA)
                .map(c -> c.kind() + " " + c.evidence().get(org.wardstream.episodes.Transitions.RATE_FROM_RR_PERCENT))
                .distinct().toList();
    }

    @Test
    void theAlertSaysItsRateCameFromBeatToBeatIntervals() {
        // the strap alone: every sample of the episode a rate from RR intervals, on the opening and on every later
        // change (a reminder carries what opened the alert)
        List<AlertChange> all = run(400, 60, false);
        assertThat(tachycardiaRateSources(all)).as("all alert changes: %s", kinds(all))
                .contains("OPENED 100.0").allMatch(k -> k.endsWith(" 100.0"));
    }

    @Test
    void control_theAlertSaysItsRateCameFromTheDevicesHeartRateSamples() {
        List<AlertChange> all = run(400, 60, true); // the watch and the strap: the watch's samples are read
        assertThat(tachycardiaRateSources(all)).as("all alert changes: %s", kinds(all))
                .contains("OPENED 0.0").allMatch(k -> k.endsWith(" 0.0"));
    }

    @Test
    void anOrdinaryRateFromAStrapRaisesNoRateAlert() {
        List<AlertChange> all = run(850, 60, false); // ~71/min
        assertThat(all).filteredOn(c -> c.type() == EpisodeType.TACHYCARDIA || c.type() == EpisodeType.BRADYCARDIA)
                .isEmpty();
    }

    @Test
    void control_35PerMinuteFromAWatchIsAlertedAsSevereBradycardia() {
        assertThat(opened(run(1714, 60, true), EpisodeType.BRADYCARDIA)).containsExactly("OPENED urgent");
    }

    @Test
    void control_150PerMinuteAtRestFromAWatchIsAlertedAsTachycardia() {
        assertThat(opened(run(400, 40, true), EpisodeType.TACHYCARDIA)).containsExactly("OPENED urgent");
    }

    @Test
    void aWatchAndAStrapOnOneHeartAreReadOnceFromTheWatch() {
        // the same heart from both devices: the heart-rate thresholds read the watch's samples only (its episode, its
        // evidence: the same transitions as from the watch alone), never the strap's minutes beside them
        List<Long> beats = regular(400, 40);
        run(beats, 40, false, 40, null);
        List<String> watchAlone = rateTransitions();
        assertThat(watchAlone).isNotEmpty();
        RrOnlyDeviceRateTest both = new RrOnlyDeviceRateTest();
        both.run(beats, 40, true, 40, null);
        assertThat(both.rateTransitions()).isEqualTo(watchAlone);
    }

    @Test
    void aWatchsOwnRateWinsOverAStrapThatDisagrees() {
        // the watch reads 150/min, measuring every 5 min in the background; the strap 70/min (the two disagree: a
        // watch locked onto motion, say, or a strap missing beats). While the watch sends, its samples alone are read:
        // its tachycardia is alerted as from the watch alone, the strap's minutes never mixed in between them
        watchEveryMs = 5 * MIN;
        List<Long> strap = regular(857, 40);
        List<Long> watch = regular(400, 40);
        List<AlertChange> all = run(strap, 40, true, 40, watch);
        assertThat(opened(all, EpisodeType.TACHYCARDIA)).as("all alert changes: %s", kinds(all))
                .containsExactly("OPENED urgent");
        Transition start = transitions.stream().filter(t -> t.type() == EpisodeType.TACHYCARDIA
                && t.kind() == Transition.Kind.START).findFirst().orElseThrow();
        assertThat(start.evidence().get("minRateBpm")).as("no strap minute (70/min) in the episode").isGreaterThan(140.0);
    }

    @Test
    void whenTheWatchStopsTheStrapTakesOverWithoutBreakingTheEpisode() {
        // 150/min for an hour; the watch stops after 25 min, the strap goes on: one tachycardia episode, open to the
        // end, never closed for a gap in the data (the strap's rate takes over within the gap the rule allows)
        List<Long> beats = regular(400, 60);
        List<AlertChange> all = run(beats, 60, true, 25, null);
        assertThat(opened(all, EpisodeType.TACHYCARDIA)).as("all alert changes: %s", kinds(all))
                .containsExactly("OPENED urgent");
        assertThat(transitions).filteredOn(t -> t.type() == EpisodeType.TACHYCARDIA && t.kind() == Transition.Kind.END)
                .as("no close while the strap shows the rate going on").isEmpty();
        // the strap's minutes took over: the detector's last heart-rate sample is near the end, long after the watch's
        assertThat(s.hr.lastSampleMs).isGreaterThan(T0 + 55 * MIN);
        assertThat(s.rrRate.lastDeviceSampleMs).isLessThanOrEqualTo(T0 + 25 * MIN);
        // the episode's samples: the watch's for its first 25 min, then the strap's: both sources, the alert says so
        assertThat(s.hr.tachy.fromDevice).isPositive();
        assertThat(s.hr.tachy.fromRr).isPositive();
    }

    @Test
    void aStrapInFastAfRaisesTheAfAlertNotATachycardiaAlert() {
        // AF at a mean of 150/min from an RR-only device: as with a watch's samples, the fast rate during the AF is the
        // AF alert's (escalated by the compound pattern downstream), not a tachycardia alert of its own
        Random r = new Random(7);
        List<Long> beats = ArrivalDriver.beats(T0 - MIN, T0 + 41 * MIN, t -> 250 + r.nextInt(301));
        List<AlertChange> all = run(beats, 40, true, 0, null);
        assertThat(opened(all, EpisodeType.ATRIAL_FIBRILLATION)).as("all alert changes: %s", kinds(all)).hasSize(1);
        assertThat(opened(all, EpisodeType.TACHYCARDIA)).as("all alert changes: %s", kinds(all)).isEmpty();
        // the detector did find the fast rate (its start is what the AF explains)
        assertThat(transitions).filteredOn(t -> t.type() == EpisodeType.TACHYCARDIA && t.kind() == Transition.Kind.START)
                .hasSize(1);
    }
}
