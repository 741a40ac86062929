package org.wardstream.episodes;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import org.wardstream.rules.Escalation;
import org.wardstream.rules.Rule;
import org.wardstream.rules.RuleSchema;

/**
 * The reason an escalation gives, written from the same numbers as the alert's components: the patient's effective
 * thresholds (with overrides) and the escalation's evidence, so the words never contradict the numbers beside them
 * (no "below 40" when this patient's threshold is 45, or beside a range of 40-47). The rule's fixed reason text
 * leads; the numbers follow. Rates are shown to the nearest whole number unless that would cross the threshold
 * the text names (39.6 below 40 is shown as 39.6, not 40).
 */
public final class EscalationReasons {

    private EscalationReasons() {
    }

    public static String of(Rule rule, Escalation esc, Map<String, Double> evidence) {
        String condition = esc.condition();
        String lead = esc.reason() == null ? condition : esc.reason().strip();
        Double min = evidence.get("minRateBpm");
        Double max = evidence.get("maxRateBpm");
        Double mean = evidence.get("meanRateBpm");
        switch (condition) {
            case RuleSchema.SEVERE_BRADYCARDIA -> {
                double below = rule.number("severeRateBpm");
                String s = "heart rate below " + plain(below) + "/min for at least "
                        + minutes(rule.millis("severeMinDuration"));
                if (min != null && max != null) {
                    s += " (" + rateBelow(min, below) + "-" + rateBelow(max, below) + "/min)";
                }
                return s;
            }
            case RuleSchema.FAST_VENTRICULAR_RATE -> {
                double above = rule.number("fastRateBpm");
                Double fastMinutes = evidence.get("fastMinutes");
                String s = "AF with fast ventricular rate: smoothed mean above " + plain(above) + "/min";
                if (fastMinutes != null) s += " for " + decimal(fastMinutes, 1) + " min";
                Double rate = evidence.get("fastRateBpm") != null ? evidence.get("fastRateBpm") : mean;
                if (rate != null) s += ", reaching " + rateAbove(rate, above) + "/min";
                return s;
            }
            case RuleSchema.FOLLOWED_BY_STILLNESS -> {
                Double pauseMs = evidence.get("pauseMs");
                Double still = evidence.get("stillMinutes");
                String s = "possible syncope or fall: ";
                s += pauseMs == null ? "pause" : "pause of " + decimal(pauseMs / 1000.0, 1) + " s";
                s += " followed by stillness";
                if (still != null) s += " for " + decimal(still, 0) + " min";
                return s;
            }
            default -> {
                return lead;
            }
        }
    }

    /** A rate below {@code threshold}, rounded to a whole number unless that would reach the threshold. */
    static String rateBelow(double bpm, double threshold) {
        String whole = decimal(bpm, 0);
        return bpm < threshold && Double.parseDouble(whole) >= threshold ? decimal(bpm, 1) : whole;
    }

    static String rateAbove(double bpm, double threshold) {
        String whole = decimal(bpm, 0);
        return bpm > threshold && Double.parseDouble(whole) <= threshold ? decimal(bpm, 1) : whole;
    }

    private static String minutes(long ms) {
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : decimal(ms / 60_000.0, 1) + " min";
    }

    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    static String decimal(double v, int places) {
        return BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
