package org.wardstream.signals;

import org.wardstream.rhythm.RhythmParameters;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rule-controlled parameters of the RR analyser: AF onset/offset segments, the AF onset bars and the pause threshold. */
public final class RhythmRuleParameters {
    private RhythmRuleParameters() {
    }

    /**
     * {@link RhythmParameters#DEFAULTS} with onsetSegments, offsetSegments, the onset bar ({@code onsetThreshold} =
     * the AF rule's {@code onsetProbability}), the bar of a run without a rise in rate ({@code steadyOnsetThreshold} =
     * {@code onsetProbabilityWithoutRateRise}) and pauseThresholdMs from the rules.
     */
    public static RhythmParameters from(EffectiveRules rules) {
        var af = rules.rule(EpisodeType.ATRIAL_FIBRILLATION);
        return RhythmParameters.DEFAULTS.withOverrides(Map.of(
                "onsetSegments", Integer.toString((int) af.number("onsetSegments")),
                "offsetSegments", Integer.toString((int) af.number("offsetSegments")),
                "onsetThreshold", Double.toString(af.number("onsetProbability")),
                "steadyOnsetThreshold", Double.toString(af.number("onsetProbabilityWithoutRateRise")),
                "pauseThresholdMs", Long.toString(rules.rule(EpisodeType.PAUSE).millis("minPause"))));
    }

    /**
     * Where a rule set's AF persistence or onset bar differs from the values the shipped AF model was cross-validated with
     * ({@link RhythmParameters#DEFAULTS}, docs/VALIDATION.md): one sentence per parameter, empty when they agree. A site
     * may choose other values (they are rule parameters, and per-patient overrides), but the published accuracy then
     * no longer describes its alerts: the job logs these at start-up and {@code validate} and {@code what-if} print them.
     */
    public static List<String> departuresFromValidated(Rules rules) {
        var af = rules.rule(EpisodeType.ATRIAL_FIBRILLATION);
        RhythmParameters validated = RhythmParameters.DEFAULTS;
        List<String> out = new ArrayList<>();
        check(out, rules, "onsetSegments", (int) af.number("onsetSegments"), validated.onsetSegments());
        check(out, rules, "offsetSegments", (int) af.number("offsetSegments"), validated.offsetSegments());
        check(out, rules, "onsetProbability", af.number("onsetProbability"), validated.onsetThreshold());
        check(out, rules, "onsetProbabilityWithoutRateRise", af.number("onsetProbabilityWithoutRateRise"),
                validated.steadyOnsetThreshold());
        return out;
    }

    /**
     * The AF onset bar of {@code p} if it is not the validated one (a per-patient override or a site rule,
     * {@code atrial-fibrillation.onsetProbability}), else NaN: what an AF alert then states as its own bar.
     */
    public static double ownOnsetBar(RhythmParameters p) {
        return departs(p.onsetThreshold(), RhythmParameters.DEFAULTS.onsetThreshold()) ? p.onsetThreshold() : Double.NaN;
    }

    /**
     * The onset bar of a run without a rise in rate of {@code p} (the rate-rise gate's) if the patient's
     * {@code atrial-fibrillation.onsetProbabilityWithoutRateRise} is not the validated one (a per-patient override or a
     * site rule), else NaN: what an AF alert then states as that bar. The value is the bar that applies, the higher of
     * it and the onset bar ({@link org.wardstream.rhythm.RrAnalyser#onsetBar}), so a value set below the onset bar
     * is stated as the onset bar.
     */
    public static double ownSteadyOnsetBar(RhythmParameters p) {
        return departs(p.steadyOnsetThreshold(), RhythmParameters.DEFAULTS.steadyOnsetThreshold())
                ? Math.max(p.onsetThreshold(), p.steadyOnsetThreshold()) : Double.NaN;
    }

    /** Both of {@code p}'s own AF onset bars ({@link #ownOnsetBar}, {@link #ownSteadyOnsetBar}), as an AF start states them. */
    public static OwnOnsetBars ownOnsetBars(RhythmParameters p) {
        return new OwnOnsetBars(ownOnsetBar(p), ownSteadyOnsetBar(p));
    }

    /**
     * A patient's own AF onset bars where they are not the validated ones, each NaN otherwise: {@code onset} the
     * ordinary bar ({@code onsetProbability}), {@code withoutRateRise} that of a run without a rise in rate
     * ({@code onsetProbabilityWithoutRateRise}).
     */
    public record OwnOnsetBars(double onset, double withoutRateRise) {
        /** The validated bars: nothing to state. */
        public static final OwnOnsetBars NONE = new OwnOnsetBars(Double.NaN, Double.NaN);
    }

    private static boolean departs(double value, double validatedValue) {
        return Math.abs(value - validatedValue) > 1e-9;
    }

    private static void check(List<String> out, Rules rules, String name, double value, double validatedValue) {
        if (departs(value, validatedValue)) {
            out.add(String.format("%s/%s.yaml: %s is %s, but %s was cross-validated with %s: the accuracy in "
                            + "docs/VALIDATION.md does not describe these rules (measure them with `wardstream validate --rules`)",
                    rules.origin(), EpisodeType.ATRIAL_FIBRILLATION.code(), name, plain(value),
                    RhythmParameters.DEFAULTS.model().version(), plain(validatedValue)));
        }
    }

    /** 5 as {@code 5}, 0.83 as {@code 0.83}. */
    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
