package org.wardstream.episodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;
import org.wardstream.rules.RuleSchema;
import org.wardstream.rules.Rules;

class EscalationReasonsTest {
    static final Rules RULES = Rules.loadClasspath();

    static String reason(EffectiveRules eff, EpisodeType type, String condition, Map<String, Double> evidence) {
        Rule rule = eff.rule(type);
        return EscalationReasons.of(rule, rule.escalation(condition).orElseThrow(), evidence);
    }

    @Test
    void severeBradycardiaNamesThePatientsThresholdAndTheRatesBesideIt() {
        // the patient's severe threshold is 48: the text says 48, never the default 40, beside a range of 40-47
        EffectiveRules eff = RULES.forPatient(Map.of("bradycardia.severeRateBpm", 48.0));
        String r = reason(eff, EpisodeType.BRADYCARDIA, RuleSchema.SEVERE_BRADYCARDIA,
                Map.of("minRateBpm", 40.2, "meanRateBpm", 44.0, "maxRateBpm", 47.4));
        assertThat(r).isEqualTo("heart rate below 48/min for at least 1 min (40-47/min)");
        assertThat(r).doesNotContain("below 40");
    }

    @Test
    void aRateJustBelowTheThresholdIsNotRoundedOntoIt() {
        String r = reason(RULES.defaults(), EpisodeType.BRADYCARDIA, RuleSchema.SEVERE_BRADYCARDIA,
                Map.of("minRateBpm", 36.0, "meanRateBpm", 38.0, "maxRateBpm", 39.6));
        assertThat(r).isEqualTo("heart rate below 40/min for at least 1 min (36-39.6/min)");
    }

    @Test
    void fastAfAndSyncopeCarryTheirEvidence() {
        assertThat(reason(RULES.defaults(), EpisodeType.ATRIAL_FIBRILLATION, RuleSchema.FAST_VENTRICULAR_RATE,
                Map.of("meanRateBpm", 123.4, "fastMinutes", 5.007967)))
                .isEqualTo("AF with fast ventricular rate: smoothed mean above 110/min for 5 min, reaching 123/min");
        assertThat(reason(RULES.defaults(), EpisodeType.PAUSE, RuleSchema.FOLLOWED_BY_STILLNESS,
                Map.of("pauseMs", 4200.0, "stillMinutes", 10.2)))
                .isEqualTo("possible syncope or fall: pause of 4.2 s followed by stillness for 10 min");
    }
}
