package org.wardstream.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.wardstream.episodes.AlertChange;
import org.wardstream.episodes.EpisodeIds;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.signals.RhythmRuleParameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wardstream.episodes.AlertChange.Kind.CLOSED;
import static org.wardstream.episodes.AlertChange.Kind.ESCALATED;
import static org.wardstream.episodes.AlertChange.Kind.OPENED;
import static org.wardstream.episodes.AlertChange.Kind.UPDATED;

class FhirAlertsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode tree(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static JsonNode resource(JsonNode bundle, String type) {
        for (JsonNode e : bundle.get("entry")) {
            if (type.equals(e.get("resource").get("resourceType").asText())) return e.get("resource");
        }
        throw new AssertionError("no " + type);
    }

    @Test
    void everyComponentHasACodeWithDisplayTextAndAUcumUnitAndReadableValues() throws Exception {
        for (EpisodeType type : EpisodeType.values()) {
            for (AlertChange.Kind kind : AlertChange.Kind.values()) {
                JsonNode obs = resource(tree(FhirAlerts.toJson(Samples.change(type, kind))), "Observation");
                for (JsonNode comp : obs.get("component")) {
                    String where = type + " " + kind + " " + comp;
                    JsonNode coding = comp.get("code").get("coding").get(0);
                    assertThat(coding.path("code").asText()).as(where).isNotBlank();
                    assertThat(coding.path("display").asText()).as(where).isNotBlank();
                    assertThat(comp.get("code").path("text").asText()).as(where).isNotBlank();
                    JsonNode q = comp.get("valueQuantity");
                    assertThat(q.path("system").asText()).as(where).isEqualTo("http://unitsofmeasure.org");
                    assertThat(q.path("code").asText()).as(where).isNotBlank();
                    assertThat(q.path("unit").asText()).as(where).isNotBlank();
                    // rounded for reading: at most 3 decimals (RR irregularity, pause in s), never 5.007967
                    assertThat(q.get("value").decimalValue().scale()).as(where).isLessThanOrEqualTo(3);
                }
            }
        }
        JsonNode escalated = resource(tree(FhirAlerts.toJson(Samples.change(EpisodeType.ATRIAL_FIBRILLATION, ESCALATED))),
                "Observation");
        boolean found = false;
        for (JsonNode comp : escalated.get("component")) {
            if (comp.get("code").get("coding").get(0).get("code").asText().equals("af-fast-rate-duration")) {
                assertThat(comp.get("valueQuantity").get("value").asText()).isEqualTo("5");
                assertThat(comp.get("valueQuantity").get("unit").asText()).isEqualTo("min");
                found = true;
            }
        }
        assertThat(found).as("fastMinutes is a coded component").isTrue();
    }

    @Test
    void theClosedAfRecordNamesTheOnsetRateAsWhatItIsInTextAndComponent() throws Exception {
        // issue 14: from a real AF onset (mean rate 96 over its confirming segments) through the lifecycle to the
        // closing record: the text and the component must name the same number the same way, never as the
        // episode's mean ventricular rate (the closing record holds no rate summary of the whole episode)
        String p = Samples.PATIENT;
        var rules = org.wardstream.rules.Rules.loadClasspath().defaults();
        var state = new org.wardstream.episodes.EpisodeState();
        long t0 = 1_772_442_900_000L;
        List<AlertChange> changes = new java.util.ArrayList<>();
        for (var e : List.<org.wardstream.rhythm.RhythmEvent>of(
                new org.wardstream.rhythm.AfOnset(t0, t0 + 60_000, 0.42, 96.4),
                new org.wardstream.rhythm.AfOffset(t0, t0 + 40 * 60_000, t0 + 41 * 60_000,
                        org.wardstream.rhythm.AfOffset.Reason.REGULAR_RHYTHM))) {
            for (var t : org.wardstream.episodes.Transitions.fromRhythm(p, e)) {
                changes.addAll(org.wardstream.episodes.EpisodeLifecycle.onTransition(state, t, rules));
            }
        }
        assertThat(changes).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
        JsonNode b = tree(FhirAlerts.toJson(changes.get(1)));
        String text = resource(b, "Task").get("description").asText();
        assertThat(text).startsWith("Possible atrial fibrillation, lasted 40 min, mean ventricular rate at onset 96/min")
                .doesNotContain("mean ventricular rate 96");
        JsonNode rate = null;
        for (JsonNode comp : resource(b, "Observation").get("component")) {
            if (comp.at("/valueQuantity/value").asText().equals("96")) rate = comp;
        }
        assertThat(rate).as("the onset rate is a component").isNotNull();
        assertThat(rate.at("/code/text").asText()).contains("at AF onset").doesNotStartWith("Mean heart rate");
        assertThat(rate.at("/valueQuantity/unit").asText()).isEqualTo("/min");
    }

    @Test
    void aPatientsOwnAfOnsetBarsAreSaidInEveryRecordOfTheEpisode() throws Exception {
        // a per-patient onset bar (atrial-fibrillation.onsetProbability) and bar without a rise in heart rate
        // (onsetProbabilityWithoutRateRise) ride on the AF start's evidence, are kept by the lifecycle, and the closing
        // record still names them, in the text and as components; a validated bar adds nothing
        String p = Samples.PATIENT;
        var rules = org.wardstream.rules.Rules.loadClasspath().defaults();
        long t0 = 1_772_442_900_000L;
        String onsetSentence = "This patient's AF onset bar is 0.91 (validated: "
                + org.wardstream.rhythm.AfModel.DEFAULT.onsetThreshold() + ").";
        String withoutRiseSentence = "Without a rise in heart rate over their regular rhythm, this patient's AF onset bar"
                + " is 0.87 (validated: 0.95).";
        for (var bars : List.of(new RhythmRuleParameters.OwnOnsetBars(0.91, Double.NaN),
                new RhythmRuleParameters.OwnOnsetBars(Double.NaN, 0.87), new RhythmRuleParameters.OwnOnsetBars(0.91, 0.87),
                RhythmRuleParameters.OwnOnsetBars.NONE)) {
            var state = new org.wardstream.episodes.EpisodeState();
            List<AlertChange> changes = new java.util.ArrayList<>();
            for (var e : List.<org.wardstream.rhythm.RhythmEvent>of(
                    new org.wardstream.rhythm.AfOnset(t0, t0 + 60_000, 0.95, 96.4),
                    new org.wardstream.rhythm.AfOffset(t0, t0 + 40 * 60_000, t0 + 41 * 60_000,
                            org.wardstream.rhythm.AfOffset.Reason.REGULAR_RHYTHM))) {
                for (var t : org.wardstream.episodes.Transitions.fromRhythm(p, e, bars)) {
                    changes.addAll(org.wardstream.episodes.EpisodeLifecycle.onTransition(state, t, rules));
                }
            }
            assertThat(changes).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.CLOSED);
            for (AlertChange c : changes) {
                String as = bars + " " + c.kind();
                JsonNode b = tree(FhirAlerts.toJson(c));
                String text = resource(b, "Task").get("description").asText();
                Map<String, JsonNode> components = new java.util.HashMap<>();
                for (JsonNode comp : resource(b, "Observation").get("component")) {
                    components.put(comp.at("/code/coding/0/code").asText(), comp);
                }
                JsonNode own = components.get("af-onset-bar"), withoutRise = components.get("af-onset-bar-without-rate-rise");
                if (Double.isNaN(bars.onset())) {
                    assertThat(text).as(as).doesNotContain("This patient's AF onset bar is");
                    assertThat(own).as(as).isNull();
                } else {
                    assertThat(text).as(as).contains(onsetSentence);
                    assertThat(own).as(as).isNotNull();
                    assertThat(own.at("/valueQuantity/value").asText()).isEqualTo("0.91");
                }
                if (Double.isNaN(bars.withoutRateRise())) {
                    assertThat(text).as(as).doesNotContain("Without a rise in heart rate");
                    assertThat(withoutRise).as(as).isNull();
                } else {
                    assertThat(text).as(as).contains(withoutRiseSentence);
                    assertThat(withoutRise).as(as).isNotNull();
                    assertThat(withoutRise.at("/valueQuantity/value").asText()).isEqualTo("0.87");
                    assertThat(withoutRise.at("/code/text").asText()).isEqualTo("AF onset bar without a rise in heart"
                            + " rate, set for this patient (the validated bar is 0.95)");
                }
                if (!Double.isNaN(bars.onset()) && !Double.isNaN(bars.withoutRateRise())) {
                    assertThat(text.indexOf(withoutRiseSentence)).as("after the onset bar's").isGreaterThan(text.indexOf(onsetSentence));
                }
            }
        }
    }

    @Test
    void anAfAlertOfAPatientWithAPacemakerSaysPacingCanHideAfAndOtherAlertsDoNot() throws Exception {
        for (AlertChange.Kind k : AlertChange.Kind.values()) {
            AlertChange af = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, k);
            JsonNode paced = tree(FhirAlerts.toJson(af, AlertContext.receivedAt(af.atMs()).withPacemaker(true)));
            assertThat(resource(paced, "Task").get("description").asText()).as(k.toString())
                    .contains("Detected from RR intervals only: confirm with an ECG. " + Descriptions.PACEMAKER_SENTENCE);
            JsonNode caveat = component(resource(paced, "Observation"), FhirAlerts.PACEMAKER_CODE);
            assertThat(caveat).as(k.toString()).isNotNull();
            assertThat(caveat.get("valueBoolean").asBoolean()).isTrue();
            assertThat(caveat.at("/code/text").asText()).isEqualTo(FhirAlerts.PACEMAKER_DISPLAY);

            JsonNode unpaced = tree(FhirAlerts.toJson(af, AlertContext.receivedAt(af.atMs())));
            assertThat(resource(unpaced, "Task").get("description").asText()).doesNotContain("pacemaker");
            assertThat(component(resource(unpaced, "Observation"), FhirAlerts.PACEMAKER_CODE)).isNull();
        }
        // a bradycardia or pause of a paced patient is not about AF: no caveat
        for (EpisodeType t : new EpisodeType[]{EpisodeType.BRADYCARDIA, EpisodeType.PAUSE, EpisodeType.TACHYCARDIA}) {
            AlertChange c = Samples.change(t, AlertChange.Kind.OPENED);
            JsonNode b = tree(FhirAlerts.toJson(c, AlertContext.receivedAt(c.atMs()).withPacemaker(true)));
            assertThat(resource(b, "Task").get("description").asText()).as(t.toString()).doesNotContain("pacemaker");
            assertThat(component(resource(b, "Observation"), FhirAlerts.PACEMAKER_CODE)).as(t.toString()).isNull();
        }
    }

    /** The Observation component with the alert-evidence code {@code code}, or null. */
    private static JsonNode component(JsonNode observation, String code) {
        for (JsonNode comp : observation.path("component")) {
            if (comp.at("/code/coding/0/code").asText().equals(code)) return comp;
        }
        return null;
    }

    @Test
    void theTextGivesLocalTimeInThePatientsZoneBesideUtc() throws Exception {
        AlertChange c = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, CLOSED); // 2 Mar 09:15Z, winter: GMT
        String london = resource(tree(FhirAlerts.toJson(c, AlertContext.receivedAt(c.atMs()).inZone("Europe/London"))),
                "Task").get("description").asText();
        assertThat(london).contains("Started 2 Mar 2026 09:15 Europe/London (09:15 UTC); ended 2 Mar 2026 09:57 "
                + "Europe/London (09:57 UTC).");
        String kolkata = resource(tree(FhirAlerts.toJson(c, AlertContext.receivedAt(c.atMs()).inZone("Asia/Kolkata"))),
                "Task").get("description").asText();
        assertThat(kolkata).contains("Started 2 Mar 2026 14:45 Asia/Kolkata (09:15 UTC)");
        String unknown = resource(tree(FhirAlerts.toJson(c, AlertContext.receivedAt(c.atMs()))), "Task")
                .get("description").asText();
        assertThat(unknown).contains("Started 2 Mar 2026 09:15 UTC");
        // the closed record still says why the alert was escalated, from the numbers it carries
        assertThat(london).contains("Escalated for a fast ventricular rate: smoothed mean 131/min sustained 5 min.");
    }

    @Test
    void bundleShapeFollowsTheContract() throws Exception {
        AlertChange c = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, OPENED);
        String json = FhirAlerts.toJson(c);
        assertThat(json).doesNotContain("\n");
        JsonNode b = tree(json);
        assertThat(b.get("resourceType").asText()).isEqualTo("Bundle");
        assertThat(b.get("type").asText()).isEqualTo("transaction");
        assertThat(b.get("entry")).hasSize(3);
        List<String> types = new ArrayList<>();
        for (JsonNode e : b.get("entry")) {
            String type = e.get("resource").get("resourceType").asText();
            types.add(type);
            assertThat(e.get("request").get("method").asText()).isEqualTo("PUT");
            assertThat(e.get("request").get("url").asText()).isEqualTo(type + "/" + e.get("resource").get("id").asText());
            assertThat(e.get("fullUrl").asText()).isEqualTo(FhirAlerts.fullUrl(type, e.get("resource").get("id").asText()))
                    .matches("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        }
        assertThat(types).containsExactly("Observation", "Task", "Provenance");

        JsonNode obs = resource(b, "Observation");
        assertThat(obs.get("id").asText()).isEqualTo(c.episodeId());
        assertThat(obs.get("status").asText()).isEqualTo("preliminary");
        assertThat(obs.at("/code/coding/0/system").asText()).isEqualTo(FhirAlerts.EPISODE_TYPE_SYSTEM);
        assertThat(obs.at("/code/coding/0/code").asText()).isEqualTo("atrial-fibrillation");
        assertThat(obs.at("/code/coding/1/system").asText()).isEqualTo("http://snomed.info/sct");
        assertThat(obs.at("/code/coding/1/code").asText()).isEqualTo("164889003");
        assertThat(obs.at("/subject/identifier/system").asText()).isEqualTo(FhirAlerts.PATIENT_PSEUDONYM_SYSTEM);
        assertThat(obs.at("/subject/identifier/value").asText()).isEqualTo(Samples.PATIENT);
        assertThat(obs.at("/effectivePeriod/start").asText()).isEqualTo("2026-03-02T09:15:00Z");
        assertThat(obs.at("/effectivePeriod/end").isMissingNode()).isTrue();
        assertThat(obs.at("/category/0/coding/0/code").asText()).isEqualTo("vital-signs");

        JsonNode task = resource(b, "Task");
        assertThat(task.get("id").asText()).isEqualTo(c.episodeId());
        assertThat(task.get("status").asText()).isEqualTo("requested");
        assertThat(task.get("intent").asText()).isEqualTo("order");
        assertThat(task.get("priority").asText()).isEqualTo("routine");
        assertThat(task.at("/authoredOn").asText()).isEqualTo("2026-03-02T09:25:00Z");
        assertThat(task.at("/focus/reference").asText()).isEqualTo(FhirAlerts.fullUrl("Observation", c.episodeId()));
        assertThat(task.at("/for/identifier/value").asText()).isEqualTo(Samples.PATIENT);
        assertThat(task.at("/businessStatus/coding/0/code").asText()).isEqualTo("opened");
        assertThat(task.get("description").asText())
                .startsWith("Possible atrial fibrillation, for 10 min so far, mean ventricular rate at onset 96/min.")
                .contains("New alert.").contains("2 similar episodes during the cool-down");

        JsonNode prov = resource(b, "Provenance");
        assertThat(prov.get("target")).hasSize(2);
        assertThat(prov.at("/agent/0/who/reference").asText()).isEqualTo("#detector");
        assertThat(prov.at("/contained/0/deviceName/0/name").asText()).isEqualTo("wardstream-rr-analyser");
        assertThat(prov.at("/contained/0/version/0/value").asText()) // the detector's own version, as in the transitions
                .isEqualTo(org.wardstream.episodes.Transitions.RHYTHM_DETECTOR_VERSION.split("/")[1]);
        assertThat(prov.at("/policy/0").asText()).isEqualTo("https://wardstream.org/alert-rules/atrial-fibrillation.yaml#version=1");
        assertThat(prov.at("/activity/coding/0/code").asText()).isEqualTo("CREATE");
    }

    @Test
    void evidenceBecomesComponentsWithUcumUnits() throws Exception {
        Map<String, String> unitByCode = new TreeMap<>();
        Set<String> loinc = new HashSet<>();
        for (EpisodeType t : EpisodeType.values()) {
            for (AlertChange.Kind k : AlertChange.Kind.values()) {
                for (JsonNode comp : resource(tree(FhirAlerts.toJson(Samples.change(t, k))), "Observation").get("component")) {
                    assertThat(comp.at("/valueQuantity/system").asText()).isEqualTo("http://unitsofmeasure.org");
                    unitByCode.put(comp.at("/code/coding/0/code").asText(), comp.at("/valueQuantity/code").asText());
                    if (comp.at("/code/coding/1/system").asText().equals("http://loinc.org")) loinc.add(comp.at("/code/coding/1/code").asText());
                }
            }
        }
        assertThat(unitByCode).containsEntry("episode-duration", "min").containsEntry("heart-rate-min", "/min")
                .containsEntry("heart-rate-mean", "/min").containsEntry("heart-rate-max", "/min")
                .containsEntry("rr-irregularity", "1").containsEntry("pause-duration", "s")
                .containsEntry("still-duration", "min").containsEntry("still-limit", "min");
        assertThat(loinc).containsExactly("8867-4");

        JsonNode pause = resource(tree(FhirAlerts.toJson(Samples.change(EpisodeType.PAUSE, OPENED))), "Observation");
        assertThat(pause.toString()).contains("\"pause-duration\"").contains("\"value\":4.23,\"unit\":\"s\"");
        JsonNode tachy = resource(tree(FhirAlerts.toJson(Samples.change(EpisodeType.TACHYCARDIA, OPENED))), "Observation");
        assertThat(tachy.toString()).contains("\"value\":131,\"unit\":\"/min\"");
        assertThat(tachy.at("/interpretation/0/coding/0/code").asText()).isEqualTo("H");
        assertThat(tachy.at("/code/coding/1/code").asText()).isEqualTo("3424008");
        JsonNode brady = resource(tree(FhirAlerts.toJson(Samples.change(EpisodeType.BRADYCARDIA, OPENED))), "Observation");
        assertThat(brady.at("/code/coding/1/code").asText()).isEqualTo("48867003");
        // device-offline: offline duration is the episode duration, 10 min at OPENED
        JsonNode offline = resource(tree(FhirAlerts.toJson(Samples.change(EpisodeType.DEVICE_OFFLINE, OPENED))), "Observation");
        assertThat(offline.at("/component/0/code/text").asText()).isEqualTo("Time without data");
        assertThat(offline.at("/component/0/valueQuantity/value").asDouble()).isEqualTo(10.0);
        assertThat(offline.at("/code/coding")).hasSize(1);
    }

    @Test
    void unknownEvidenceIsKeptAndNonFiniteDropped() throws Exception {
        AlertChange c = Samples.change(EpisodeType.TACHYCARDIA, OPENED);
        Map<String, Double> ev = new TreeMap<>(c.evidence());
        ev.put("zFeature", 0.5);
        ev.put("maxRateBpm", Double.POSITIVE_INFINITY);
        String json = FhirAlerts.toJson(with(c, ev));
        assertThat(json).contains("\"code\":\"zFeature\"").doesNotContain("heart-rate-max");
    }

    @Test
    void sameInputGivesIdenticalBytesAlsoAcrossThreads() throws Exception {
        AlertChange c = Samples.change(EpisodeType.INACTIVITY, ESCALATED);
        AlertContext ctx = AlertContext.delayed(7_200_000, Samples.START + 9_000_000);
        String first = FhirAlerts.toJson(c, ctx);
        AlertChange copy = new AlertChange(c.kind(), c.notifyTeam(), c.episodeId(), c.patient(), c.type(), c.severity(),
                c.episodeStartMs(), c.episodeEndMs(), c.atMs(), c.reason(), new TreeMap<>(c.evidence()),
                c.detectorVersion(), c.ruleVersion(), c.suppressedRecurrences());
        assertThat(FhirAlerts.toJson(copy, new AlertContext(7_200_000L, Samples.START + 9_000_000))).isEqualTo(first);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) fs.add(pool.submit(() -> FhirAlerts.toJson(c, ctx)));
            for (Future<String> f : fs) assertThat(f.get()).isEqualTo(first);
        } finally {
            pool.shutdown();
        }
        assertThat(FhirAlerts.fhirContext()).isSameAs(FhirAlerts.fhirContext());
    }

    @Test
    void observationAndTaskIdsAreStableAcrossTheLifecycleAndEachChangeIsItsOwnProvenance() throws Exception {
        Set<String> provenanceIds = new HashSet<>();
        Set<String> bundleIds = new HashSet<>();
        for (AlertChange.Kind k : List.of(OPENED, ESCALATED, UPDATED, CLOSED)) {
            AlertChange c = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, k);
            JsonNode b = tree(FhirAlerts.toJson(c));
            String expected = EpisodeIds.of(null, Samples.PATIENT, EpisodeType.ATRIAL_FIBRILLATION,
                    Samples.detector(EpisodeType.ATRIAL_FIBRILLATION), Samples.START);
            assertThat(resource(b, "Observation").get("id").asText()).isEqualTo(expected);
            assertThat(resource(b, "Task").get("id").asText()).isEqualTo(expected);
            provenanceIds.add(resource(b, "Provenance").get("id").asText());
            bundleIds.add(b.get("id").asText());
            assertThat(b.get("id").asText()).isEqualTo(resource(b, "Provenance").get("id").asText())
                    .isEqualTo(FhirAlerts.changeId(c));
        }
        assertThat(provenanceIds).hasSize(4);
        assertThat(bundleIds).hasSize(4);
        // another patient's episode with the same start gets other ids
        AlertChange other = Samples.change("p-other", EpisodeType.ATRIAL_FIBRILLATION, OPENED);
        assertThat(FhirAlerts.parse(FhirAlerts.toJson(other)).episodeId())
                .isNotEqualTo(Samples.change(EpisodeType.ATRIAL_FIBRILLATION, OPENED).episodeId());
    }

    /**
     * The same pseudonym in two programmes is two patients: their episodes of the same type, detector and start have
     * other ids (so other Observation, Task, Provenance and Bundle ids), and each message names its programme as a
     * meta.tag on the three resources, read back as {@link AlertMessage#programme}. A message without one (a release
     * before it) reads as null.
     */
    @Test
    void theProgrammeIsInTheIdsAndTaggedOnEveryResource() throws Exception {
        EpisodeType af = EpisodeType.ATRIAL_FIBRILLATION;
        String dv = Samples.detector(af);
        java.util.Map<String, AlertMessage> byProgramme = new java.util.HashMap<>();
        for (String programme : List.of("cardiac-north", "heart-failure")) {
            AlertChange base = Samples.change(af, OPENED);
            AlertChange c = new AlertChange(base.kind(), base.notifyTeam(),
                    EpisodeIds.of(programme, Samples.PATIENT, af, dv, Samples.START), base.patient(), af, base.severity(),
                    base.episodeStartMs(), base.episodeEndMs(), base.atMs(), base.reason(), base.evidence(),
                    base.detectorVersion(), base.ruleVersion(), base.suppressedRecurrences());
            String json = FhirAlerts.toJson(c, AlertContext.receivedAt(c.atMs()).inProgramme(programme));
            JsonNode b = tree(json);
            for (String type : List.of("Observation", "Task", "Provenance")) {
                JsonNode tags = resource(b, type).get("meta").get("tag");
                assertThat(tags).as(type).hasSize(1);
                assertThat(tags.get(0).get("system").asText()).isEqualTo(FhirAlerts.PROGRAMME_SYSTEM);
                assertThat(tags.get(0).get("code").asText()).isEqualTo(programme);
            }
            byProgramme.put(programme, FhirAlerts.parse(json));
        }
        AlertMessage north = byProgramme.get("cardiac-north"), failure = byProgramme.get("heart-failure");
        assertThat(north.programme()).isEqualTo("cardiac-north");
        assertThat(failure.programme()).isEqualTo("heart-failure");
        assertThat(north.patient()).isEqualTo(failure.patient());
        assertThat(north.episodeId()).isNotEqualTo(failure.episodeId());
        assertThat(north.bundleId()).isNotEqualTo(failure.bundleId());
        // without a programme (a message of an older release, or a producer that does not know it): no tag
        String legacy = FhirAlerts.toJson(Samples.change(af, OPENED));
        assertThat(legacy).doesNotContain(FhirAlerts.PROGRAMME_SYSTEM);
        assertThat(FhirAlerts.parse(legacy).programme()).isNull();
        // a Task and an Observation that name different programmes are not one alert
        String mixed = FhirAlerts.toJson(Samples.change(af, OPENED), AlertContext.NONE.inProgramme("cardiac-north"))
                .replaceFirst("\"code\":\"cardiac-north\"", "\"code\":\"heart-failure\"");
        assertThatThrownBy(() -> FhirAlerts.parse(mixed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different programmes");
        assertThatThrownBy(() -> FhirAlerts.toJson(Samples.change(af, OPENED), AlertContext.NONE.inProgramme(" x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lifecycleStatusesOnObservationAndTask() {
        for (EpisodeType t : EpisodeType.values()) {
            for (AlertChange.Kind k : AlertChange.Kind.values()) {
                AlertChange c = Samples.change(t, k);
                AlertMessage m = FhirAlerts.parse(FhirAlerts.toJson(c));
                boolean closed = k == CLOSED;
                assertThat(m.observationStatus()).isEqualTo(closed ? "final" : "preliminary");
                assertThat(m.end()).isEqualTo(closed ? Instant.ofEpochMilli(c.episodeEndMs()) : null);
                assertThat(m.taskStatus()).as("%s %s", t, k)
                        .isEqualTo(closed && t.technical() ? "cancelled" : "requested");
                assertThat(m.notifyTeam()).isEqualTo(c.notifyTeam());
            }
        }
        AlertMessage escalated = FhirAlerts.parse(FhirAlerts.toJson(Samples.change(EpisodeType.ATRIAL_FIBRILLATION, ESCALATED)));
        assertThat(escalated.priority()).isEqualTo("urgent");
        assertThat(escalated.description()).contains("Escalated to urgent: AF with fast ventricular rate");
        AlertMessage reconnected = FhirAlerts.parse(FhirAlerts.toJson(Samples.change(EpisodeType.DEVICE_OFFLINE, CLOSED)));
        assertThat(reconnected.description()).startsWith("Device reconnected after 42 min without data.");
        // rhythm monitoring stopped (probe 20a D7): a technical check, resolved by itself when the beats resume
        AlertMessage stopped = FhirAlerts.parse(FhirAlerts.toJson(Samples.change(EpisodeType.BEAT_TO_BEAT_OFFLINE, OPENED)));
        assertThat(stopped.description()).startsWith("No beat-to-beat (RR) data from the patient's devices for ")
                .contains("while heart rate still arrives: AF and pause monitoring have stopped. Technical alert: check"
                        + " the chest strap or patch");
        AlertMessage resumed = FhirAlerts.parse(FhirAlerts.toJson(Samples.change(EpisodeType.BEAT_TO_BEAT_OFFLINE, CLOSED)));
        assertThat(resumed.description()).startsWith("Beat-to-beat (RR) data resumed after 42 min: AF and pause"
                + " monitoring have started again.");
        assertThat(resumed.taskStatus()).isEqualTo("cancelled");
    }

    @Test
    void parseRoundTripsEveryTypeAndKind() {
        for (EpisodeType t : EpisodeType.values()) {
            for (AlertChange.Kind k : AlertChange.Kind.values()) {
                AlertChange c = Samples.change(t, k);
                AlertContext ctx = k == OPENED ? AlertContext.delayed(3_600_000, c.atMs() + 3_600_000) : AlertContext.NONE;
                AlertMessage m = FhirAlerts.parse(FhirAlerts.toJson(c, ctx));
                assertThat(m.patient()).isEqualTo(c.patient());
                assertThat(m.episodeType()).isEqualTo(t.code());
                assertThat(m.episodeId()).isEqualTo(c.episodeId());
                assertThat(m.bundleId()).isEqualTo(FhirAlerts.changeId(c));
                assertThat(m.start()).isEqualTo(Instant.ofEpochMilli(c.episodeStartMs()));
                assertThat(m.kind()).isEqualTo(k);
                assertThat(m.priority()).isEqualTo(c.severity().code());
                assertThat(m.detector()).isEqualTo(c.detectorVersion());
                assertThat(m.raisedAt()).isEqualTo(Instant.ofEpochMilli(ctx.raisedAtMs(c.atMs())));
                assertThat(m.delayed()).isEqualTo(k == OPENED);
                assertThat(m.delayedByMs()).isEqualTo(k == OPENED ? 3_600_000L : null);
            }
        }
    }

    @Test
    void millisecondsAreKeptAndTimesAreUtc() {
        AlertChange c = Samples.change(EpisodeType.TACHYCARDIA, CLOSED); // end has .500
        String json = FhirAlerts.toJson(c);
        assertThat(json).contains("\"end\":\"2026-03-02T09:57:00.500Z\"");
        assertThat(FhirAlerts.parse(json).end()).isEqualTo(Instant.ofEpochMilli(c.episodeEndMs()));
    }

    @Test
    void delayedDataIsMarkedAndSaysHowLate() throws Exception {
        AlertChange c = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, OPENED);
        long received = c.atMs() + 3 * 3_600_000L + 300_000;
        JsonNode b = tree(FhirAlerts.toJson(c, AlertContext.delayed(3 * 3_600_000L + 300_000, received)));
        JsonNode obs = resource(b, "Observation");
        assertThat(obs.at("/extension/0/url").asText()).isEqualTo(FhirAlerts.DELAYED_BY_URL);
        assertThat(obs.at("/extension/0/valueDuration/value").asLong()).isEqualTo(11_100);
        assertThat(obs.at("/extension/0/valueDuration/code").asText()).isEqualTo("s");
        assertThat(obs.at("/note/0/text").asText()).contains("3 h 5 min");
        assertThat(resource(b, "Task").get("description").asText()).endsWith("Raised from delayed data: uploaded 3 h 5 min after it was recorded.");
        assertThat(resource(b, "Task").get("authoredOn").asText()).isEqualTo(Instant.ofEpochMilli(received).toString());
        // not delayed: no extension, no note; authoredOn = the change's time
        JsonNode plain = tree(FhirAlerts.toJson(c));
        assertThat(resource(plain, "Observation").has("extension")).isFalse();
        assertThat(resource(plain, "Observation").has("note")).isFalse();
        assertThat(resource(plain, "Task").get("authoredOn").asText()).isEqualTo(Instant.ofEpochMilli(c.atMs()).toString());
    }

    /** The pseudonym is the only patient data and the only identifier in any message. */
    @Test
    void onlyThePseudonymIdentifiesThePatient() throws Exception {
        Pattern tenDigits = Pattern.compile("(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])");
        for (EpisodeType t : EpisodeType.values()) {
            for (AlertChange.Kind k : AlertChange.Kind.values()) {
                String json = FhirAlerts.toJson(Samples.change(t, k), AlertContext.delayed(60_000, Samples.START + 3_600_000));
                JsonNode b = tree(json);
                List<JsonNode> identifiers = new ArrayList<>();
                collect(b, "identifier", identifiers);
                assertThat(identifiers).hasSize(2).allSatisfy(id -> {
                    assertThat(id.get("system").asText()).isEqualTo(FhirAlerts.PATIENT_PSEUDONYM_SYSTEM);
                    assertThat(id.get("value").asText()).isEqualTo(Samples.PATIENT);
                });
                List<JsonNode> forbidden = new ArrayList<>();
                for (String field : List.of("address", "telecom", "birthDate", "gender", "postalCode")) {
                    collect(b, field, forbidden);
                }
                assertThat(forbidden).as("%s %s: demographic fields", t, k).isEmpty();
                List<JsonNode> names = new ArrayList<>();
                collect(b, "name", names);
                assertThat(names).as("only the detector's deviceName has a name")
                        .extracting(JsonNode::asText).containsExactly(FhirAlerts.splitDetector(Samples.detector(t))[0]);
                assertThat(json).doesNotContainIgnoringCase("nhs").doesNotContain("\"Patient/");
                List<String> texts = new ArrayList<>();
                strings(b, texts);
                assertThat(texts).as("%s %s: NHS-number-like digits", t, k)
                        .noneMatch(s -> tenDigits.matcher(s).find());
                for (JsonNode e : b.get("entry")) {
                    assertThat(e.get("resource").get("resourceType").asText()).isIn("Observation", "Task", "Provenance");
                }
            }
        }
    }

    @Test
    void refusesAnNhsNumberAsPatientKeyAndBadInput() {
        AlertChange c = Samples.change(EpisodeType.TACHYCARDIA, OPENED);
        for (String nhs : List.of("9434765919", "943 476 5919", "943-476-5919")) {
            assertThatThrownBy(() -> FhirAlerts.toJson(withPatient(c, nhs)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NHS number");
        }
        // 10 digits with a wrong check digit is not an NHS number (and the simulator's p000001 style is fine)
        assertThat(FhirAlerts.looksLikeNhsNumber("9434765918")).isFalse();
        assertThat(FhirAlerts.looksLikeNhsNumber("p000001")).isFalse();
        assertThatThrownBy(() -> FhirAlerts.toJson(withPatient(c, " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patient");
        assertThatThrownBy(() -> FhirAlerts.toJson(withPatient(c, "p1 ")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FhirAlerts.parse("{\"resourceType\":\"Patient\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FhirAlerts.parse("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FhirAlerts.parse("{\"resourceType\":\"Bundle\",\"type\":\"transaction\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without Observation");
    }

    @Test
    void descriptionsReadAsPlainEnglish() {
        assertThat(Descriptions.duration(42_000)).isEqualTo("42 s");
        assertThat(Descriptions.duration(14 * 60_000)).isEqualTo("14 min");
        assertThat(Descriptions.duration(3 * 3_600_000 + 5 * 60_000)).isEqualTo("3 h 5 min");
        assertThat(Descriptions.duration(2 * 3_600_000)).isEqualTo("2 h");
        assertThat(Descriptions.duration(52L * 3_600_000)).isEqualTo("2 d 4 h");
        AlertChange tachy = Samples.change(EpisodeType.TACHYCARDIA, OPENED);
        assertThat(FhirAlerts.parse(FhirAlerts.toJson(tachy)).description())
                .startsWith("Sustained fast heart rate at rest, for 10 min so far, mean 131/min (range 121-142/min). New alert.");
        AlertChange inactivity = Samples.change(EpisodeType.INACTIVITY, OPENED);
        assertThat(FhirAlerts.parse(FhirAlerts.toJson(inactivity)).description())
                .contains("(limit for this time of day 3 h)");
        AlertChange closedAf = Samples.change(EpisodeType.ATRIAL_FIBRILLATION, CLOSED);
        assertThat(FhirAlerts.parse(FhirAlerts.toJson(closedAf)).description())
                .contains("lasted 42 min").contains("Episode has ended; review still required.")
                .endsWith("Started 2 Mar 2026 09:15 UTC; ended 2 Mar 2026 09:57 UTC.");
    }

    /** Not a benchmark: a rough per-message cost for the Flink layer's sizing, printed to the test output. */
    @Test
    void encodeAndParseCostIsSmall() {
        List<AlertChange> changes = new ArrayList<>();
        for (EpisodeType t : EpisodeType.values()) for (AlertChange.Kind k : AlertChange.Kind.values()) changes.add(Samples.change(t, k));
        for (int i = 0; i < 300; i++) FhirAlerts.parse(FhirAlerts.toJson(changes.get(i % changes.size()))); // warm-up
        int n = 500;
        long t0 = System.nanoTime();
        long bytes = 0;
        for (int i = 0; i < n; i++) bytes += FhirAlerts.toJson(changes.get(i % changes.size())).length();
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) FhirAlerts.parse(FhirAlerts.toJson(changes.get(i % changes.size())));
        long t2 = System.nanoTime();
        System.out.printf("encode %.0f us/message (mean %d chars), encode+parse %.0f us/message%n",
                (t1 - t0) / 1e3 / n, bytes / n, (t2 - t1) / 1e3 / n);
        assertThat(bytes / n).isLessThan(8_000);
    }

    @Test
    void severityMapsToTaskPriority() {
        for (Severity s : Severity.values()) {
            AlertChange c = Samples.change(EpisodeType.PAUSE, OPENED);
            AlertChange withSeverity = new AlertChange(c.kind(), c.notifyTeam(), c.episodeId(), c.patient(), c.type(), s,
                    c.episodeStartMs(), null, c.atMs(), null, c.evidence(), c.detectorVersion(), 1, 0);
            assertThat(FhirAlerts.parse(FhirAlerts.toJson(withSeverity)).priority()).isEqualTo(s.code());
        }
    }

    private static AlertChange with(AlertChange c, Map<String, Double> evidence) {
        return new AlertChange(c.kind(), c.notifyTeam(), c.episodeId(), c.patient(), c.type(), c.severity(),
                c.episodeStartMs(), c.episodeEndMs(), c.atMs(), c.reason(), evidence, c.detectorVersion(), c.ruleVersion(),
                c.suppressedRecurrences());
    }

    private static AlertChange withPatient(AlertChange c, String patient) {
        return new AlertChange(c.kind(), c.notifyTeam(), c.episodeId(), patient, c.type(), c.severity(),
                c.episodeStartMs(), c.episodeEndMs(), c.atMs(), c.reason(), c.evidence(), c.detectorVersion(),
                c.ruleVersion(), c.suppressedRecurrences());
    }

    /** Every string value except resource ids and the hash-based references/urls (hex could hold digit runs). */
    private static void strings(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (List.of("id", "fullUrl", "reference", "url").contains(e.getKey())) return;
                if (e.getValue().isTextual()) out.add(e.getValue().asText());
                else strings(e.getValue(), out);
            });
        } else if (n.isArray()) {
            n.forEach(x -> strings(x, out));
        }
    }

    private static void collect(JsonNode n, String field, List<JsonNode> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (e.getKey().equals(field)) out.add(e.getValue());
                collect(e.getValue(), field, out);
            });
        } else if (n.isArray()) {
            n.forEach(x -> collect(x, field, out));
        }
    }
}
