package org.wardstream.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.wardstream.rules.ParameterSpec.OverrideUnit.BPM;
import static org.wardstream.rules.ParameterSpec.OverrideUnit.MINUTES;
import static org.wardstream.rules.ParameterSpec.OverrideUnit.PROBABILITY;
import static org.wardstream.rules.ParameterSpec.OverrideUnit.SECONDS;
import static org.wardstream.rules.ParameterSpec.OverrideUnit.STEPS_PER_MINUTE;
import static org.wardstream.rules.ParameterSpec.count;
import static org.wardstream.rules.ParameterSpec.duration;
import static org.wardstream.rules.ParameterSpec.number;
import static org.wardstream.rules.ParameterSpec.timeOfDay;

/**
 * The structure every rule file must have, per episode type: its parameters (kind, allowed range, override
 * unit), the escalation conditions the detectors can report, and the checks across parameters. The ranges
 * are deliberately wide (what is physiologically or operationally plausible), not the clinical defaults:
 * they catch typing errors ({@code rateBpm: 12} for 120) without second-guessing a clinician's choice.
 *
 * <p>Changing this schema (a new parameter, a renamed one) is a change to the rule files' structure: see
 * the README section "Rolling out a rule change".
 */
public final class RuleSchema {

    /** Escalation condition of atrial-fibrillation: mean ventricular rate above fastRateBpm for fastRateMinDuration. */
    public static final String FAST_VENTRICULAR_RATE = "fastVentricularRate";
    /** Escalation condition of bradycardia: the severe criterion (below severeRateBpm for severeMinDuration). */
    public static final String SEVERE_BRADYCARDIA = "severeBradycardia";
    /** Escalation condition of pause: stillness starts within stillnessWithin of the pause and lasts stillnessMinDuration. */
    public static final String FOLLOWED_BY_STILLNESS = "followedByStillness";

    /**
     * Parameter of atrial-fibrillation: AF found again after at most this long without data (the watch off, charging),
     * with no regular rhythm seen in between, continues the open alert; after a longer gap the alert closes ("AF status
     * unknown") and AF found later is a new alert ({@link org.wardstream.episodes.EpisodeLifecycle}).
     */
    public static final String DATA_GAP_BRIDGE = "dataGapBridge";
    /** The AF rule's {@link #DATA_GAP_BRIDGE} when a rule file leaves it out (files from before it was added). */
    public static final Duration DEFAULT_DATA_GAP_BRIDGE = Duration.ofHours(2);

    /** One check across parameters; returns (parameter, reason) problems. */
    interface CrossCheck {
        void check(Map<String, Double> p, List<String[]> problems);
    }

    record TypeSchema(Map<String, ParameterSpec> parameters, Set<String> escalationConditions,
                      List<CrossCheck> crossChecks) {
    }

    private static final Map<EpisodeType, TypeSchema> SCHEMAS = new EnumMap<>(EpisodeType.class);

    static {
        put(EpisodeType.ATRIAL_FIBRILLATION, Set.of(FAST_VENTRICULAR_RATE), List.of(),
                duration("minDuration", Duration.ofSeconds(10), Duration.ofMinutes(10), SECONDS),
                count("onsetSegments", 2, 20),
                count("offsetSegments", 2, 20),
                number("onsetProbability", 0.5, 0.99, PROBABILITY),
                number("onsetProbabilityWithoutRateRise", 0.5, 0.99, PROBABILITY),
                number("fastRateBpm", 80, 200, BPM),
                duration("fastRateMinDuration", Duration.ofMinutes(1), Duration.ofHours(2), MINUTES),
                duration(DATA_GAP_BRIDGE, Duration.ofMinutes(10), Duration.ofHours(24), MINUTES));
        put(EpisodeType.TACHYCARDIA, Set.of(), List.of(),
                number("rateBpm", 60, 250, BPM),
                duration("minDuration", Duration.ofMinutes(1), Duration.ofHours(2), MINUTES),
                number("endHysteresisBpm", 0, 40, BPM),
                duration("endMinDuration", Duration.ofSeconds(30), Duration.ofHours(1), MINUTES),
                number("restBelowStepsPerMinute", 1, 60, STEPS_PER_MINUTE));
        put(EpisodeType.BRADYCARDIA, Set.of(SEVERE_BRADYCARDIA), List.of(below("severeRateBpm", "sustainedRateBpm", 0)),
                number("severeRateBpm", 20, 60, BPM),
                duration("severeMinDuration", Duration.ofSeconds(10), Duration.ofHours(1), MINUTES),
                number("sustainedRateBpm", 25, 70, BPM),
                duration("sustainedMinDuration", Duration.ofMinutes(1), Duration.ofHours(2), MINUTES),
                number("endHysteresisBpm", 0, 20, BPM),
                duration("endMinDuration", Duration.ofSeconds(30), Duration.ofHours(1), MINUTES));
        put(EpisodeType.PAUSE, Set.of(FOLLOWED_BY_STILLNESS), List.of(RuleSchema::pauseWindow),
                duration("minPause", Duration.ofMillis(1500), Duration.ofSeconds(15), SECONDS),
                duration("episodeWindow", Duration.ofMinutes(1), Duration.ofHours(6), MINUTES),
                duration("stillnessWithin", Duration.ofSeconds(30), Duration.ofHours(1), MINUTES),
                duration("stillnessMinDuration", Duration.ofMinutes(1), Duration.ofHours(2), MINUTES));
        put(EpisodeType.INACTIVITY, Set.of(), List.of(RuleSchema::wakingBands),
                timeOfDay("wakingStart"),
                timeOfDay("morningEnd"),
                timeOfDay("eveningStart"),
                timeOfDay("wakingEnd"),
                duration("maxStillMorning", Duration.ofMinutes(30), Duration.ofHours(12), MINUTES),
                duration("maxStillAfternoon", Duration.ofMinutes(30), Duration.ofHours(12), MINUTES),
                duration("maxStillEvening", Duration.ofMinutes(30), Duration.ofHours(12), MINUTES),
                number("stillBelowStepsPerMinute", 0.1, 30, STEPS_PER_MINUTE));
        put(EpisodeType.DEVICE_OFFLINE, Set.of(), List.of(),
                duration("silenceLimit", Duration.ofMinutes(10), Duration.ofHours(48), MINUTES));
        put(EpisodeType.BEAT_TO_BEAT_OFFLINE, Set.of(), List.of(),
                duration("silenceLimit", Duration.ofMinutes(30), Duration.ofHours(48), MINUTES));
    }

    private RuleSchema() {
    }

    private static void put(EpisodeType t, Set<String> conditions, List<CrossCheck> checks, ParameterSpec... specs) {
        Map<String, ParameterSpec> m = new LinkedHashMap<>();
        for (ParameterSpec s : specs) m.put(s.name(), s);
        SCHEMAS.put(t, new TypeSchema(java.util.Collections.unmodifiableMap(m), Set.copyOf(conditions), List.copyOf(checks)));
    }

    /**
     * Parameters a rule file of this type may leave out, and the value it then has. The AF onset bar
     * ({@code onsetProbability}, added 2026-12-06) defaults to the shipped AF model's onset threshold, the value it was
     * cross-validated with, so that a site's rule copy from before it keeps loading and runs as it did; so does the onset
     * bar of a run without a rise in rate ({@code onsetProbabilityWithoutRateRise}, the rate-rise gate's, added the same
     * day: {@link org.wardstream.rhythm.RhythmParameters#STEADY_ONSET_THRESHOLD}); and how long a data gap an open AF
     * alert bridges ({@link #DATA_GAP_BRIDGE}, added 2026-12-07: {@link #DEFAULT_DATA_GAP_BRIDGE}).
     */
    public static Map<String, Double> defaulted(EpisodeType type) {
        return type == EpisodeType.ATRIAL_FIBRILLATION
                ? Map.of("onsetProbability", org.wardstream.rhythm.AfModel.DEFAULT.onsetThreshold(),
                        "onsetProbabilityWithoutRateRise", org.wardstream.rhythm.RhythmParameters.STEADY_ONSET_THRESHOLD,
                        DATA_GAP_BRIDGE, (double) DEFAULT_DATA_GAP_BRIDGE.toMillis())
                : Map.of();
    }

    /** The parameters a rule of this type has (all required in a rule file but those {@link #defaulted}), in file order. */
    public static Map<String, ParameterSpec> parameters(EpisodeType type) {
        return SCHEMAS.get(type).parameters();
    }

    /** The escalation conditions a rule of this type may use. */
    public static Set<String> escalationConditions(EpisodeType type) {
        return SCHEMAS.get(type).escalationConditions();
    }

    /** Problems across parameters as (parameter name, reason) pairs; empty when consistent. */
    static List<String[]> crossCheck(EpisodeType type, Map<String, Double> values) {
        List<String[]> problems = new ArrayList<>();
        for (CrossCheck c : SCHEMAS.get(type).crossChecks()) c.check(values, problems);
        return problems;
    }

    private static CrossCheck below(String lower, String upper, double gap) {
        return (p, problems) -> {
            Double a = p.get(lower), b = p.get(upper);
            if (a != null && b != null && !(a + gap < b)) {
                problems.add(new String[]{lower, "must be below " + upper + " (" + Format.number(b) + ", was "
                        + Format.number(a) + ")"});
            }
        };
    }

    private static void pauseWindow(Map<String, Double> p, List<String[]> problems) {
        Double w = p.get("episodeWindow"), a = p.get("stillnessWithin"), b = p.get("stillnessMinDuration");
        if (w != null && a != null && b != null && a + b > w) {
            problems.add(new String[]{"episodeWindow", "must be at least stillnessWithin + stillnessMinDuration ("
                    + Duration.ofMillis((long) (a + b)) + ", was " + Duration.ofMillis(w.longValue())
                    + "), so a pause episode is still open when the stillness that follows it escalates it"});
        }
    }

    private static void wakingBands(Map<String, Double> p, List<String[]> problems) {
        Double s = p.get("wakingStart"), m = p.get("morningEnd"), e = p.get("eveningStart"), w = p.get("wakingEnd");
        if (s == null || m == null || e == null || w == null) return;
        if (!(s < m)) problems.add(new String[]{"morningEnd", "must be after wakingStart (" + Format.timeOfDay(s)
                + ", was " + Format.timeOfDay(m) + ")"});
        else if (!(m <= e)) problems.add(new String[]{"eveningStart", "must not be before morningEnd ("
                + Format.timeOfDay(m) + ", was " + Format.timeOfDay(e) + ")"});
        else if (!(e < w)) problems.add(new String[]{"wakingEnd", "must be after eveningStart ("
                + Format.timeOfDay(e) + ", was " + Format.timeOfDay(w) + ")"});
    }
}
