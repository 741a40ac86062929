package org.wardstream.signals;

import org.wardstream.rhythm.RhythmParameters;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;

import java.util.Map;

/** The rule-controlled parameters of the RR analyser: AF onset/offset segments and the pause threshold. */
public final class RhythmRuleParameters {
    private RhythmRuleParameters() {
    }

    /** {@link RhythmParameters#DEFAULTS} with onsetSegments, offsetSegments and pauseThresholdMs from the rules. */
    public static RhythmParameters from(EffectiveRules rules) {
        var af = rules.rule(EpisodeType.ATRIAL_FIBRILLATION);
        return RhythmParameters.DEFAULTS.withOverrides(Map.of(
                "onsetSegments", Integer.toString((int) af.number("onsetSegments")),
                "offsetSegments", Integer.toString((int) af.number("offsetSegments")),
                "pauseThresholdMs", Long.toString(rules.rule(EpisodeType.PAUSE).millis("minPause"))));
    }
}
