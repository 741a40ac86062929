package org.wardstream.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class RulesTest {

    /** The shipped rule files in the repository (module dir is the working directory under Maven). */
    static final Path SHIPPED = Path.of("..", "alert-rules");

    static Map<String, String> shippedFiles() throws IOException {
        Map<String, String> files = new TreeMap<>();
        for (EpisodeType t : EpisodeType.values()) {
            files.put(t.code() + ".yaml", Files.readString(SHIPPED.resolve(t.code() + ".yaml")));
        }
        return files;
    }

    /** The shipped files with one file's text edited by a literal replacement (which must match). */
    public static Map<String, String> edited(String type, String from, String to) throws IOException {
        Map<String, String> files = shippedFiles();
        String text = files.get(type + ".yaml");
        assertThat(text).as("test fixture: text to replace in %s", type).contains(from);
        files.put(type + ".yaml", text.replace(from, to));
        return files;
    }

    /** All problems reported for these files (the load must fail). */
    static java.util.List<String> errorsOf(Map<String, String> files) {
        try {
            Rules.parse("alert-rules", files, true);
        } catch (RuleValidationException e) {
            return e.errors();
        }
        throw new AssertionError("rules were accepted");
    }

    /** The single problem reported for these files, as the exception message. */
    static String errorOf(Map<String, String> files) {
        java.util.List<String> errors = errorsOf(files);
        assertThat(errors).as("exactly one problem expected").hasSize(1);
        return errors.get(0);
    }

    @Test
    void shippedRuleFilesLoadFromTheDirectory() {
        Rules rules = Rules.loadDirectory(SHIPPED);
        assertThat(rules.all()).containsOnlyKeys(EpisodeType.values());
        Rule tachy = rules.rule(EpisodeType.TACHYCARDIA);
        assertThat(tachy.number("rateBpm")).isEqualTo(120);
        assertThat(tachy.duration("minDuration")).isEqualTo(Duration.ofMinutes(10));
        assertThat(tachy.severity()).isEqualTo(Severity.URGENT);
        assertThat(tachy.origin()).isEqualTo("alert-rules/tachycardia.yaml");
        Rule af = rules.rule(EpisodeType.ATRIAL_FIBRILLATION);
        assertThat(af.duration("minDuration")).isEqualTo(Duration.ofSeconds(30));
        assertThat(af.number("fastRateBpm")).isEqualTo(110);
        assertThat(af.escalation(RuleSchema.FAST_VENTRICULAR_RATE).orElseThrow().severity()).isEqualTo(Severity.URGENT);
        Rule brady = rules.rule(EpisodeType.BRADYCARDIA);
        assertThat(brady.number("severeRateBpm")).isEqualTo(40);
        assertThat(brady.duration("severeMinDuration")).isEqualTo(Duration.ofMinutes(1));
        assertThat(brady.number("sustainedRateBpm")).isEqualTo(50);
        assertThat(rules.rule(EpisodeType.PAUSE).duration("minPause")).isEqualTo(Duration.ofSeconds(3));
        assertThat(rules.rule(EpisodeType.PAUSE).escalation(RuleSchema.FOLLOWED_BY_STILLNESS).orElseThrow().reason())
                .contains("possible syncope or fall");
        Rule inactivity = rules.rule(EpisodeType.INACTIVITY);
        assertThat(inactivity.timeOfDay("wakingStart")).isEqualTo(LocalTime.of(8, 0));
        assertThat(inactivity.timeOfDay("wakingEnd")).isEqualTo(LocalTime.of(22, 0));
        assertThat(rules.rule(EpisodeType.DEVICE_OFFLINE).duration("silenceLimit")).isEqualTo(Duration.ofHours(2));
        assertThat(rules.rule(EpisodeType.BEAT_TO_BEAT_OFFLINE).duration("silenceLimit")).isEqualTo(Duration.ofHours(2));
        assertThat(rules.rule(EpisodeType.BEAT_TO_BEAT_OFFLINE).coolDown()).isEqualTo(Duration.ZERO);
        for (Rule r : rules.all().values()) {
            // technical alerts (device-offline, beat-to-beat-offline) notify when their cause ends (data again)
            assertThat(r.notifyOnClose()).as(r.episodeType().code()).isEqualTo(r.episodeType().technical());
            assertThat(r.sources()).as(r.episodeType().code()).isNotEmpty();
            assertThat(r.description()).as(r.episodeType().code()).isNotBlank();
        }
    }

    @Test
    void packagedClasspathDefaultsEqualTheRepositoryFiles() {
        Rules fromJar = Rules.loadClasspath();
        assertThat(fromJar.origin()).isEqualTo("alert-rules");
        assertThat(fromJar).isEqualTo(Rules.loadDirectory(SHIPPED));
    }

    @Test
    void ruleSetIsSerializable() throws Exception {
        Rules rules = Rules.loadClasspath();
        EffectiveRules eff = rules.forPatient(Map.of("tachycardia.rateBpm", 130.0, "nope.x", 1.0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(rules);
            out.writeObject(eff);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(rules);
            EffectiveRules back = (EffectiveRules) in.readObject();
            assertThat(back).isEqualTo(eff);
            assertThat(back.rule(EpisodeType.TACHYCARDIA).number("rateBpm")).isEqualTo(130);
        }
    }

    @ParameterizedTest(name = "{0}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
        tachycardia | 'rateBpm: 120 ' | 'rateBpm: 20 ' | alert-rules/tachycardia.yaml: parameters.rateBpm: must be between 60 and 250 (was 20)
        tachycardia | 'rateBpm: 120 ' | 'rateBpm: fast ' | alert-rules/tachycardia.yaml: parameters.rateBpm: must be a number (was "fast")
        tachycardia | 'rateBpm: 120 ' | 'rateBmp: 120 ' | alert-rules/tachycardia.yaml: parameters.rateBmp: unknown field (expected one of: rateBpm, minDuration, endHysteresisBpm, endMinDuration, restBelowStepsPerMinute)
        tachycardia | 'minDuration: PT10M' | 'minDuration: PT0S' | alert-rules/tachycardia.yaml: parameters.minDuration: must be a positive duration (was PT0S)
        tachycardia | 'minDuration: PT10M' | 'minDuration: -PT10M' | alert-rules/tachycardia.yaml: parameters.minDuration: must be a positive duration (was -PT10M)
        tachycardia | 'minDuration: PT10M' | 'minDuration: 10 minutes' | alert-rules/tachycardia.yaml: parameters.minDuration: must be an ISO-8601 duration such as PT10M or PT30S (was "10 minutes")
        tachycardia | 'minDuration: PT10M' | 'minDuration: PT3H' | alert-rules/tachycardia.yaml: parameters.minDuration: must be between PT1M and PT2H (was PT3H)
        tachycardia | 'severity: urgent' | 'severity: high' | alert-rules/tachycardia.yaml: severity: unknown severity 'high' (expected one of: routine, urgent, asap, stat)
        tachycardia | 'episodeType: tachycardia' | 'episodeType: bradycardia' | alert-rules/tachycardia.yaml: episodeType: must match the file name (expected 'tachycardia', was 'bradycardia')
        tachycardia | 'version: 6' | 'version: one' | alert-rules/tachycardia.yaml: version: must be a whole number (was "one")
        tachycardia | 'version: 6' | 'version: 0' | alert-rules/tachycardia.yaml: version: must be at least 1 (was 0)
        tachycardia | 'version: 6' | 'revision: 1' | alert-rules/tachycardia.yaml: revision: unknown field (expected one of: episodeType, version, description, severity, escalations, parameters, coolDown, renotify, notifyOnClose, sources)
        tachycardia | 'coolDown: PT30M' | 'coolDown: -PT1H' | alert-rules/tachycardia.yaml: coolDown: must not be negative (was -PT1H)
        tachycardia | 'notifyOnClose: false' | 'notifyOnClose: no thanks' | alert-rules/tachycardia.yaml: notifyOnClose: must be true or false (was "no thanks")
        tachycardia | '  interval: PT6H' | '' | alert-rules/tachycardia.yaml: renotify.interval: missing (required when policy is while-open)
        tachycardia | 'policy: while-open' | 'policy: sometimes' | alert-rules/tachycardia.yaml: renotify.policy: must be never or while-open (was 'sometimes')
        tachycardia | 'supports: [minDuration, endHysteresisBpm, endMinDuration]' | 'supports: [endHysteresisBpm, endMinDuration]' | alert-rules/tachycardia.yaml: parameters.minDuration: no source cited (name it in the supports list of an entry under sources)
        tachycardia | 'supports: [minDuration, endHysteresisBpm, endMinDuration]' | 'supports: [minDuration, endHysteresisBpm, endMinDuration, restBpm]' | alert-rules/tachycardia.yaml: sources[2].supports[3]: unknown parameter 'restBpm' (known: rateBpm, minDuration, endHysteresisBpm, endMinDuration, restBelowStepsPerMinute)
        tachycardia | '  endMinDuration: PT2M          # ... for this long' | '' | alert-rules/tachycardia.yaml: parameters.endMinDuration: missing (required)
        bradycardia | 'severeRateBpm: 40 ' | 'severeRateBpm: 55 ' | alert-rules/bradycardia.yaml: parameters.severeRateBpm: must be below sustainedRateBpm (50, was 55)
        bradycardia | 'condition: severeBradycardia' | 'condition: fastVentricularRate' | alert-rules/bradycardia.yaml: escalations[0].condition: unknown condition 'fastVentricularRate' for bradycardia (known: severeBradycardia)
        bradycardia | '    severity: urgent' | '    severity: routine' | alert-rules/bradycardia.yaml: escalations[0].severity: must be higher than the rule's severity (routine, was routine)
        atrial-fibrillation | 'onsetSegments: 5 ' | 'onsetSegments: 5.5 ' | alert-rules/atrial-fibrillation.yaml: parameters.onsetSegments: must be a whole number (was 5.5)
        atrial-fibrillation | 'onsetProbability: 0.83 ' | 'onsetProbability: 0.3 ' | alert-rules/atrial-fibrillation.yaml: parameters.onsetProbability: must be between 0.5 and 0.99 (was 0.3)
        inactivity | 'wakingStart: "08:00"' | 'wakingStart: "8am"' | alert-rules/inactivity.yaml: parameters.wakingStart: must be a local time of day "HH:mm", e.g. "08:00" (was "8am")
        inactivity | 'morningEnd: "12:00"' | 'morningEnd: "07:00"' | alert-rules/inactivity.yaml: parameters.morningEnd: must be after wakingStart (08:00, was 07:00)
        pause | 'episodeWindow: PT15M' | 'episodeWindow: PT10M' | alert-rules/pause.yaml: parameters.episodeWindow: must be at least stillnessWithin + stillnessMinDuration (PT15M, was PT10M), so a pause episode is still open when the stillness that follows it escalates it
        device-offline | 'silenceLimit: PT2H' | 'silenceLimit: PT2M' | alert-rules/device-offline.yaml: parameters.silenceLimit: must be between PT10M and PT48H (was PT2M)
        """)
    void invalidRuleGivesPreciseMessage(String type, String from, String to, String expected) throws IOException {
        java.util.List<String> errors = errorsOf(edited(type, from, to.replace("\\n", "\n")));
        assertThat(errors).contains(expected);
        // a renamed field is reported as unknown and as missing; anything else is reported once
        assertThat(errors).hasSizeLessThanOrEqualTo(2);
        if (errors.size() == 2) assertThat(errors).anyMatch(e -> e.endsWith(": missing (required)"));
    }

    @Test
    void emptySourcesListIsRefused() throws IOException {
        Map<String, String> files = shippedFiles();
        String text = files.get("device-offline.yaml");
        files.put("device-offline.yaml", text.substring(0, text.indexOf("sources:")) + "sources: []\n");
        assertThat(errorOf(files)).isEqualTo(
                "alert-rules/device-offline.yaml: sources: no source cited: each parameter needs at least one source");
        Map<String, String> blank = shippedFiles();
        blank.put("device-offline.yaml", blank.get("device-offline.yaml").replaceFirst("description: >\n(  .*\n)+", "description: \"  \"\n"));
        assertThat(errorOf(blank)).isEqualTo("alert-rules/device-offline.yaml: description: must not be blank");
    }

    @Test
    void missingTopLevelFieldAndDuplicateKeyAndBrokenYaml() throws IOException {
        assertThat(errorOf(edited("pause", "coolDown: PT30M\n", "")))
                .isEqualTo("alert-rules/pause.yaml: coolDown: missing (required)");
        assertThat(errorOf(edited("pause", "coolDown: PT30M\n", "coolDown: PT30M\ncoolDown: PT2H\n")))
                .startsWith("alert-rules/pause.yaml: invalid YAML").contains("Duplicate field 'coolDown'");
        assertThat(errorOf(edited("pause", "coolDown: PT30M\n", "coolDown: [PT1H\n")))
                .startsWith("alert-rules/pause.yaml: invalid YAML at line ");
        Map<String, String> empty = shippedFiles();
        empty.put("pause.yaml", "");
        assertThat(errorOf(empty)).isEqualTo("alert-rules/pause.yaml: the file is empty");
    }

    @Test
    void missingAndUnknownFilesAreReported() throws IOException {
        Map<String, String> files = shippedFiles();
        files.remove("pause.yaml");
        assertThat(errorOf(files)).isEqualTo("alert-rules/pause.yaml: missing rule file");
        Map<String, String> extra = shippedFiles();
        extra.put("syncope.yaml", "episodeType: syncope\n");
        assertThat(errorOf(extra)).startsWith("alert-rules/syncope.yaml: unknown episode type 'syncope' in the file name");
    }

    @Test
    void everyProblemIsListedAndDirectoryLoadNamesTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        for (Map.Entry<String, String> f : edited("tachycardia", "rateBpm: 120 ", "rateBpm: 20 ").entrySet()) {
            String text = f.getKey().equals("tachycardia.yaml")
                    ? f.getValue().replace("severity: urgent", "severity: soon") : f.getValue();
            Files.writeString(dir.resolve(f.getKey()), text);
        }
        String label = dir.getFileName().toString();
        assertThatThrownBy(() -> Rules.loadDirectory(dir))
                .isInstanceOf(RuleValidationException.class)
                .satisfies(e -> assertThat(((RuleValidationException) e).errors()).containsExactly(
                        label + "/tachycardia.yaml: severity: unknown severity 'soon' (expected one of: routine, urgent, asap, stat)",
                        label + "/tachycardia.yaml: parameters.rateBpm: must be between 60 and 250 (was 20)"));
    }

    @Test
    void overridesApplyInTheirDocumentedUnits() {
        Rules rules = Rules.loadClasspath();
        Map<String, Double> o = new HashMap<>();
        o.put("tachycardia.rateBpm", 110.0);
        o.put("tachycardia.minDuration", 20.0);             // minutes
        o.put("pause.minPause", 4.5);                       // seconds
        o.put("inactivity.wakingStart", 7.5);               // hour of day: 07:30
        o.put("inactivity.maxStillMorning", 90.0);          // minutes
        o.put("atrial-fibrillation.onsetSegments", 6.0);
        EffectiveRules eff = rules.forPatient(o);
        assertThat(eff.rejected()).isEmpty();
        assertThat(eff.applied()).hasSize(6);
        assertThat(eff.rule(EpisodeType.TACHYCARDIA).number("rateBpm")).isEqualTo(110);
        assertThat(eff.rule(EpisodeType.TACHYCARDIA).duration("minDuration")).isEqualTo(Duration.ofMinutes(20));
        assertThat(eff.rule(EpisodeType.PAUSE).duration("minPause")).isEqualTo(Duration.ofMillis(4500));
        assertThat(eff.rule(EpisodeType.INACTIVITY).timeOfDay("wakingStart")).isEqualTo(LocalTime.of(7, 30));
        assertThat(eff.rule(EpisodeType.INACTIVITY).duration("maxStillMorning")).isEqualTo(Duration.ofMinutes(90));
        assertThat(eff.rule(EpisodeType.ATRIAL_FIBRILLATION).number("onsetSegments")).isEqualTo(6);
        // the defaults are untouched
        assertThat(rules.rule(EpisodeType.TACHYCARDIA).number("rateBpm")).isEqualTo(120);
        assertThat(rules.defaults().rule(EpisodeType.TACHYCARDIA)).isEqualTo(rules.rule(EpisodeType.TACHYCARDIA));
    }

    @Test
    void invalidOverridesAreRefusedWithAReasonAndNeverThrow() {
        Rules rules = Rules.loadClasspath();
        Map<String, Double> o = new LinkedHashMap<>();
        o.put("tachycardia.rateBpm", 20.0);
        o.put("tachycardia.minDuration", 0.0);
        o.put("tachycardia.restBpm", 60.0);
        o.put("syncope.rateBpm", 60.0);
        o.put("rateBpm", 60.0);
        o.put("bradycardia.severeRateBpm", 55.0);           // in range, but not below sustainedRateBpm 50
        o.put("atrial-fibrillation.onsetSegments", 4.5);
        o.put("pause.minPause", Double.NaN);
        o.put("device-offline.silenceLimit", null);
        o.put("bradycardia.sustainedRateBpm", 45.0);        // valid: applied (keys are applied in sorted order)
        EffectiveRules eff = rules.forPatient(o);
        Map<String, String> reasons = new TreeMap<>();
        eff.rejected().forEach(r -> reasons.put(r.key(), r.reason()));
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tachycardia.rateBpm", "must be between 60 and 250 bpm (was 20)",
                "tachycardia.minDuration", "must be between 1 and 120 minutes (was 0)",
                "tachycardia.restBpm", "unknown parameter 'restBpm' for tachycardia (known: rateBpm, minDuration, endHysteresisBpm, endMinDuration, restBelowStepsPerMinute)",
                "syncope.rateBpm", "unknown episode type 'syncope' (expected one of: atrial-fibrillation, tachycardia, bradycardia, pause, inactivity, device-offline, beat-to-beat-offline)",
                "rateBpm", "key must be <episode-type>.<parameter>, e.g. tachycardia.rateBpm",
                "bradycardia.severeRateBpm", "conflicts with the patient's other bradycardia parameters: severeRateBpm must be below sustainedRateBpm (50, was 55)",
                "atrial-fibrillation.onsetSegments", "must be a whole number (was 4.5)",
                "pause.minPause", "must be a finite number (was NaN)",
                "device-offline.silenceLimit", "must be a finite number (was null)"));
        assertThat(eff.applied()).containsOnlyKeys("bradycardia.sustainedRateBpm");
        assertThat(eff.rule(EpisodeType.BRADYCARDIA).number("sustainedRateBpm")).isEqualTo(45);
        assertThat(eff.rule(EpisodeType.BRADYCARDIA).number("severeRateBpm")).isEqualTo(40);
        assertThat(eff.rule(EpisodeType.TACHYCARDIA)).isEqualTo(rules.rule(EpisodeType.TACHYCARDIA));
        assertThat(rules.forPatient(null).rejected()).isEmpty();
    }

    @Test
    void timeOfDayMustBeHoursAndMinutes() throws IOException {
        // Jackson reads an unquoted 08:00 as the text "08:00" (not a YAML 1.1 sexagesimal number): same value.
        Rules unquoted = Rules.parse("alert-rules", edited("inactivity", "wakingStart: \"08:00\"", "wakingStart: 08:00"), true);
        assertThat(unquoted.rule(EpisodeType.INACTIVITY).timeOfDay("wakingStart")).isEqualTo(LocalTime.of(8, 0));
        assertThat(errorOf(edited("inactivity", "wakingStart: \"08:00\"", "wakingStart: 800"))).isEqualTo(
                "alert-rules/inactivity.yaml: parameters.wakingStart: must be a local time of day \"HH:mm\", e.g. \"08:00\" (was 800)");
        assertThat(errorOf(edited("inactivity", "wakingEnd: \"22:00\"", "wakingEnd: \"24:00\"")))
                .startsWith("alert-rules/inactivity.yaml: parameters.wakingEnd: must be a local time of day");
    }
}
