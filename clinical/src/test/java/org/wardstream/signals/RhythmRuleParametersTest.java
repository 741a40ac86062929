package org.wardstream.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.rhythm.RhythmParameters;
import org.wardstream.rules.Rules;
import org.wardstream.rules.RulesTest;

class RhythmRuleParametersTest {

    @Test
    void thePackagedRulesAreTheOnesTheModelWasValidatedWith() {
        Rules packaged = Rules.loadClasspath();
        assertThat(RhythmRuleParameters.departuresFromValidated(packaged)).isEmpty();
        RhythmParameters p = RhythmRuleParameters.from(packaged.forPatient(Map.of()));
        assertThat(p.onsetSegments()).isEqualTo(RhythmParameters.DEFAULTS.onsetSegments());
        assertThat(p.offsetSegments()).isEqualTo(RhythmParameters.DEFAULTS.offsetSegments());
    }

    @Test
    void aSiteRuleWithAnotherPersistenceIsNamedWithTheValueTheModelWasValidatedWith() throws IOException {
        int validated = RhythmParameters.DEFAULTS.offsetSegments();
        Map<String, String> files = RulesTest.edited("atrial-fibrillation", "offsetSegments: " + validated + " ",
                "offsetSegments: 5 ");

        var departures = RhythmRuleParameters.departuresFromValidated(Rules.parse("site-rules", files, true));

        assertThat(departures).containsExactly("site-rules/atrial-fibrillation.yaml: offsetSegments is 5, but "
                + RhythmParameters.DEFAULTS.model().version() + " was cross-validated with " + validated
                + ": the accuracy in docs/VALIDATION.md does not describe these rules (measure them with `wardstream validate --rules`)");
    }

    @Test
    void theOnsetBarComesFromTheRuleAndASiteValueIsNamed() throws IOException {
        double validated = RhythmParameters.DEFAULTS.onsetThreshold();
        assertThat(RhythmRuleParameters.from(Rules.loadClasspath().defaults()).onsetThreshold()).isEqualTo(validated);
        Map<String, String> files = RulesTest.edited("atrial-fibrillation", "onsetProbability: " + validated + " ",
                "onsetProbability: 0.91 ");
        Rules site = Rules.parse("site-rules", files, true);

        assertThat(RhythmRuleParameters.from(site.defaults()).onsetThreshold()).isEqualTo(0.91);
        assertThat(RhythmRuleParameters.departuresFromValidated(site)).containsExactly("site-rules/atrial-fibrillation.yaml: "
                + "onsetProbability is 0.91, but " + RhythmParameters.DEFAULTS.model().version() + " was cross-validated with "
                + validated + ": the accuracy in docs/VALIDATION.md does not describe these rules (measure them with `wardstream validate --rules`)");
        // a site's rule copy from before the parameter existed (no value, no citation) loads with the validated bar
        Map<String, String> old = RulesTest.edited("atrial-fibrillation", "  onsetProbability: " + validated + " ", "  ");
        old.put("atrial-fibrillation.yaml", old.get("atrial-fibrillation.yaml")
                .replace("  onsetProbabilityWithoutRateRise: " + RhythmParameters.DEFAULTS.steadyOnsetThreshold() + " ", "  ")
                .replace("supports: [onsetSegments, offsetSegments, onsetProbability, onsetProbabilityWithoutRateRise]",
                        "supports: [onsetSegments, offsetSegments]"));
        Rules before = Rules.parse("old-site-rules", old, true);
        assertThat(RhythmRuleParameters.from(before.defaults()).onsetThreshold()).isEqualTo(validated);
        assertThat(RhythmRuleParameters.from(before.defaults()).steadyOnsetThreshold())
                .isEqualTo(RhythmParameters.DEFAULTS.steadyOnsetThreshold());
        assertThat(RhythmRuleParameters.departuresFromValidated(before)).isEmpty();
        assertThat(RhythmRuleParameters.from(before.forPatient(Map.of("atrial-fibrillation.onsetProbability", 0.91)))
                .onsetThreshold()).isEqualTo(0.91);
        // a per-patient override outside 0.5-0.99 is refused and the rule's value kept
        var low = Rules.loadClasspath().forPatient(Map.of("atrial-fibrillation.onsetProbability", 0.3));
        assertThat(low.rejected()).hasSize(1);
        assertThat(RhythmRuleParameters.from(low).onsetThreshold()).isEqualTo(validated);
    }

    @Test
    void theBarWithoutARiseInRateComesFromTheRuleAPatientMayHaveTheirOwnAndASiteValueIsNamed() throws IOException {
        double validated = RhythmParameters.DEFAULTS.steadyOnsetThreshold();
        assertThat(validated).isEqualTo(RhythmParameters.STEADY_ONSET_THRESHOLD);
        assertThat(RhythmRuleParameters.from(Rules.loadClasspath().defaults()).steadyOnsetThreshold()).isEqualTo(validated);
        // a patient whose AF does not raise the heart rate (rate-control drugs): the clinical lead lowers it for them
        var own = Rules.loadClasspath().forPatient(Map.of("atrial-fibrillation.onsetProbabilityWithoutRateRise", 0.87));
        assertThat(own.rejected()).isEmpty();
        RhythmParameters p = RhythmRuleParameters.from(own);
        assertThat(p.steadyOnsetThreshold()).isEqualTo(0.87);
        assertThat(p.onsetThreshold()).isEqualTo(RhythmParameters.DEFAULTS.onsetThreshold());
        // out of range: refused, the rule's value kept
        var high = Rules.loadClasspath().forPatient(Map.of("atrial-fibrillation.onsetProbabilityWithoutRateRise", 1.2));
        assertThat(high.rejected()).hasSize(1);
        assertThat(RhythmRuleParameters.from(high).steadyOnsetThreshold()).isEqualTo(validated);
        // a site rule with another value is named
        Map<String, String> files = RulesTest.edited("atrial-fibrillation", "onsetProbabilityWithoutRateRise: " + validated + " ",
                "onsetProbabilityWithoutRateRise: 0.91 ");
        assertThat(RhythmRuleParameters.departuresFromValidated(Rules.parse("site-rules", files, true)))
                .containsExactly("site-rules/atrial-fibrillation.yaml: onsetProbabilityWithoutRateRise is 0.91, but "
                        + RhythmParameters.DEFAULTS.model().version() + " was cross-validated with " + validated
                        + ": the accuracy in docs/VALIDATION.md does not describe these rules (measure them with `wardstream validate --rules`)");
    }

    @Test
    void aPatientsOwnBarsAreStatedOnlyWhereTheyAreNotTheValidatedOnes() {
        Rules rules = Rules.loadClasspath();
        double validated = RhythmParameters.DEFAULTS.steadyOnsetThreshold();
        // the validated bars: nothing to state
        RhythmParameters shipped = RhythmRuleParameters.from(rules.defaults());
        assertThat(RhythmRuleParameters.ownSteadyOnsetBar(shipped)).isNaN();
        assertThat(RhythmRuleParameters.ownOnsetBars(shipped)).isEqualTo(RhythmRuleParameters.OwnOnsetBars.NONE);
        // a patient whose AF does not raise the heart rate, with the bar lowered for them: that bar is stated, not the other
        RhythmParameters lowered = RhythmRuleParameters.from(rules.forPatient(
                Map.of("atrial-fibrillation.onsetProbabilityWithoutRateRise", 0.87)));
        assertThat(RhythmRuleParameters.ownSteadyOnsetBar(lowered)).isEqualTo(0.87);
        assertThat(RhythmRuleParameters.ownOnsetBars(lowered)).isEqualTo(new RhythmRuleParameters.OwnOnsetBars(Double.NaN, 0.87));
        // a value below the onset bar is stated as the bar that applies, the onset bar (the higher of the two applies)
        RhythmParameters below = RhythmRuleParameters.from(rules.forPatient(
                Map.of("atrial-fibrillation.onsetProbabilityWithoutRateRise", 0.7)));
        assertThat(RhythmRuleParameters.ownSteadyOnsetBar(below)).isEqualTo(RhythmParameters.DEFAULTS.onsetThreshold());
        // a raised onset bar alone is the onset bar's to state (it raises both bars; the validated 0.95 is not stated)
        RhythmParameters raised = RhythmRuleParameters.from(rules.forPatient(Map.of("atrial-fibrillation.onsetProbability", 0.97)));
        assertThat(RhythmRuleParameters.ownOnsetBars(raised)).isEqualTo(new RhythmRuleParameters.OwnOnsetBars(0.97, Double.NaN));
        // both set
        RhythmParameters both = RhythmRuleParameters.from(rules.forPatient(Map.of("atrial-fibrillation.onsetProbability", 0.87,
                "atrial-fibrillation.onsetProbabilityWithoutRateRise", 0.91)));
        assertThat(RhythmRuleParameters.ownOnsetBars(both)).isEqualTo(new RhythmRuleParameters.OwnOnsetBars(0.87, 0.91));
        assertThat(validated).isEqualTo(0.95);
    }
}
