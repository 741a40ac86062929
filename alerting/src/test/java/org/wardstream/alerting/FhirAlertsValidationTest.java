package org.wardstream.alerting;

import ca.uhn.fhir.validation.SingleValidationMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.EpisodeLifecycle;
import org.wardstream.episodes.EpisodeState;
import org.wardstream.episodes.Transitions;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;
import org.wardstream.signals.HeartRateEvent;
import org.wardstream.signals.RhythmRuleParameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every alert message validates against the base R4 specification with HAPI's instance validator (structure,
 * cardinalities, invariants, bindings to code systems it knows: observation-category, v3 interpretation,
 * request-priority, task-status, ...; no terminology server). ERROR and FATAL fail the test; the only other
 * messages allowed are the ones listed in {@link #ACCEPTED} (README, "Validation").
 */
class FhirAlertsValidationTest {

    /** Warnings/information that remain, and why they are acceptable. */
    static final List<Pattern> ACCEPTED = List.of(
            // wardstream's own code systems are not published as CodeSystem resources the validator can load
            Pattern.compile("CodeSystem is unknown and can't be validated: https://wardstream\\.org/fhir/CodeSystem/.*"),
            // LOINC needs a terminology server (not part of the base spec package)
            Pattern.compile("CodeSystem is unknown and can't be validated: http://loinc\\.org .*"),
            // our extensions have no published StructureDefinition (information level)
            Pattern.compile("Unknown extension https://wardstream\\.org/fhir/StructureDefinition/.*"),
            // R4 best practice: an algorithm, not a person, made the observation; R4 performer cannot be a Device
            Pattern.compile("Best Practice Recommendation: In general, all observations should have a performer"));

    private static final Map<String, Integer> remaining = new TreeMap<>();

    static Stream<Arguments> everyTypeAndKind() {
        return Arrays.stream(EpisodeType.values()).flatMap(t -> Arrays.stream(AlertChange.Kind.values())
                .map(k -> Arguments.of(t, k)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyTypeAndKind")
    void everyTypeAndKindIsValidR4(EpisodeType type, AlertChange.Kind kind) {
        AlertContext ctx = kind == AlertChange.Kind.OPENED || kind == AlertChange.Kind.ESCALATED
                ? AlertContext.delayed(3 * 3_600_000L + 300_000, Samples.START + 4 * 3_600_000L)
                : AlertContext.receivedAt(Samples.change(type, kind).atMs() + 2_000);
        ctx = ctx.inProgramme("virtual-ward"); // as the job writes every message: the programme's meta.tag
        assertValid(FhirAlerts.toJson(Samples.change(type, kind), ctx));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(AlertChange.Kind.class)
    void anAfAlertWithThePacemakerCaveatIsValidR4(AlertChange.Kind kind) {
        AlertChange c = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, kind);
        String json = FhirAlerts.toJson(c, AlertContext.receivedAt(c.atMs() + 2_000).withPacemaker(true));
        assertThat(json).contains(FhirAlerts.PACEMAKER_CODE);
        assertValid(json);
    }

    @Test
    void unknownAndNonFiniteEvidenceStillValid() {
        AlertChange c = Samples.change(EpisodeType.TACHYCARDIA, AlertChange.Kind.OPENED);
        Map<String, Double> ev = new TreeMap<>(c.evidence());
        ev.put("someFutureFeature", 1.25);
        ev.put("meanRateBpm", Double.NaN);
        AlertChange odd = new AlertChange(c.kind(), c.notifyTeam(), c.episodeId(), c.patient(), c.type(), c.severity(),
                c.episodeStartMs(), c.episodeEndMs(), c.atMs(), c.reason(), ev, c.detectorVersion(), c.ruleVersion(), 0);
        assertValid(FhirAlerts.toJson(odd));
    }

    /** Changes produced by the real lifecycle with the packaged rules, not hand-made ones. */
    @Test
    void lifecycleOutputIsValidR4() {
        EffectiveRules rules = Rules.loadClasspath().defaults();
        EpisodeState state = new EpisodeState();
        long t0 = Samples.START;
        List<AlertChange> changes = new ArrayList<>();
        for (HeartRateEvent e : List.of(
                new HeartRateEvent(HeartRateEvent.Kind.BRADYCARDIA_START, t0, t0 + 600_000, t0 + 600_000, false, 44, 46.5, 49, 60, null, 100.0),
                new HeartRateEvent(HeartRateEvent.Kind.BRADYCARDIA_SEVERE, t0, t0 + 900_000, t0 + 900_000, true, 37, 44, 49, 90, null, 100.0),
                new HeartRateEvent(HeartRateEvent.Kind.BRADYCARDIA_END, t0, t0 + 1_800_000, t0 + 1_800_000, false, 37, 45, 58, 180, HeartRateEvent.RECOVERED, 62.5))) {
            Transitions.fromHeartRate(Samples.PATIENT, e).forEach(t -> changes.addAll(EpisodeLifecycle.onTransition(state, t, rules)));
        }
        assertThat(changes).extracting(AlertChange::kind)
                .containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.ESCALATED, AlertChange.Kind.CLOSED);
        for (AlertChange c : changes) {
            String json = FhirAlerts.toJson(c);
            assertThat(json).contains("\"heart-rate-from-rr-intervals\""); // where the rate came from
            assertValid(json);
            AlertMessage m = FhirAlerts.parse(json);
            assertThat(m.episodeId()).isEqualTo(changes.get(0).episodeId());
            assertThat(m.priority()).isEqualTo(c.severity().code());
        }
    }

    /** A device-offline alert of a device that has sent nothing since monitoring started (a boolean component). */
    @Test
    void aDeviceSilentSinceMonitoringStartedIsValidR4() {
        EffectiveRules rules = Rules.loadClasspath().defaults();
        EpisodeState state = new EpisodeState();
        long t0 = Samples.START;
        List<AlertChange> changes = new ArrayList<>();
        var silent = new org.wardstream.signals.WearActivityEvent.StateChange(org.wardstream.signals.ActivityState.NO_DATA,
                org.wardstream.signals.ActivityState.NO_DATA, t0 + 7_200_000, t0);
        var data = new org.wardstream.signals.WearActivityEvent.StateChange(org.wardstream.signals.ActivityState.NO_DATA,
                org.wardstream.signals.ActivityState.WORN_STILL, t0 + 9_000_000, t0 + 9_000_000);
        for (var e : List.of(silent, data)) {
            Transitions.fromWearActivity(Samples.PATIENT, e)
                    .forEach(t -> changes.addAll(EpisodeLifecycle.onTransition(state, t, rules)));
        }
        assertThat(changes).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        for (AlertChange c : changes) {
            String json = FhirAlerts.toJson(c, AlertContext.receivedAt(c.atMs() + 2_000).inZone("Europe/London"));
            assertThat(json).contains("\"" + FhirAlerts.NO_DATA_SINCE_START_CODE + "\"");
            assertValid(json);
        }
    }

    /** The record-only update of an AF alert whose data resumed with the AF still present: its own lifecycle display. */
    @Test
    void anAfUpdateWhenDataResumeIsValidR4() {
        AlertChange c = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, AlertChange.Kind.UPDATED);
        AlertChange resumed = new AlertChange(c.kind(), false, c.episodeId(), c.patient(), c.type(), c.severity(),
                c.episodeStartMs(), null, c.atMs(), AlertChange.afAfterNoData(900_000), c.evidence(), c.detectorVersion(),
                c.ruleVersion(), 0);
        String json = FhirAlerts.toJson(resumed, AlertContext.receivedAt(c.atMs() + 2_000));
        assertThat(json).contains("Updated (record only): data resumed after 15 min");
        assertValid(json);
    }

    /** An AF alert of a patient with both onset bars of their own (two more components and sentences): still valid. */
    @Test
    void anAfAlertWithAPatientsOwnOnsetBarsIsValidR4() {
        EffectiveRules rules = Rules.loadClasspath().defaults();
        EpisodeState state = new EpisodeState();
        long t0 = Samples.START;
        List<AlertChange> changes = new ArrayList<>();
        for (RhythmEvent e : List.of(new AfOnset(t0, t0 + 60_000, 0.95, 96.4),
                new AfOffset(t0, t0 + 40 * 60_000, t0 + 41 * 60_000, AfOffset.Reason.REGULAR_RHYTHM))) {
            Transitions.fromRhythm(Samples.PATIENT, e, new RhythmRuleParameters.OwnOnsetBars(0.91, 0.87))
                    .forEach(t -> changes.addAll(EpisodeLifecycle.onTransition(state, t, rules)));
        }
        assertThat(changes).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        for (AlertChange c : changes) {
            String json = FhirAlerts.toJson(c, AlertContext.receivedAt(c.atMs() + 2_000));
            assertThat(json).contains("\"af-onset-bar\"", "\"af-onset-bar-without-rate-rise\"");
            assertValid(json);
        }
    }

    /** A compound pattern confirmed after the episode closed: the escalation keeps the record final, with its end. */
    @Test
    void anEscalationAfterTheEpisodeEndedStaysFinalAndValid() {
        AlertChange closed = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, AlertChange.Kind.CLOSED);
        AlertChange esc = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, AlertChange.Kind.ESCALATED);
        AlertChange late = new AlertChange(esc.kind(), true, esc.episodeId(), esc.patient(), esc.type(), esc.severity(),
                esc.episodeStartMs(), closed.episodeEndMs(), closed.atMs() + 60_000, esc.reason(), esc.evidence(),
                esc.detectorVersion(), esc.ruleVersion(), 0);
        String json = FhirAlerts.toJson(late);
        assertValid(json);
        AlertMessage m = FhirAlerts.parse(json);
        assertThat(m.observationStatus()).isEqualTo("final");
        assertThat(m.end()).isEqualTo(java.time.Instant.ofEpochMilli(closed.episodeEndMs()));
        assertThat(m.priority()).isEqualTo("urgent");
        assertThat(m.taskStatus()).isEqualTo("requested");
        assertThat(m.episodeId()).isEqualTo(FhirAlerts.parse(FhirAlerts.toJson(closed)).episodeId());
        assertThat(m.description()).contains("confirmed after the episode ended");
    }

    private static void assertValid(String json) {
        List<SingleValidationMessage> messages = R4Validator.validate(json);
        assertThat(messages).filteredOn(R4Validator::isErrorOrFatal).extracting(R4Validator::format).isEmpty();
        List<String> unexpected = new ArrayList<>();
        for (SingleValidationMessage m : messages) {
            boolean ok = ACCEPTED.stream().anyMatch(p -> p.matcher(m.getMessage()).matches());
            if (!ok) unexpected.add(R4Validator.format(m));
            else remaining.merge(m.getSeverity() + ": " + m.getMessage().replaceAll(" for '.*'$", "")
                    .replaceAll("(StructureDefinition|CodeSystem)/[a-z-]+", "$1/*"), 1, Integer::sum);
        }
        assertThat(unexpected).as("validator messages not in the accepted list").isEmpty();
    }

    @AfterAll
    static void printRemaining() {
        remaining.forEach((k, v) -> System.out.println("remaining validator message x" + v + ": " + k));
    }
}
