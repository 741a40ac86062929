package org.wardstream.rules;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The rules in force for one patient: {@link Rules} with that patient's valid overrides applied, plus the
 * overrides that were refused and why. Immutable and {@link Serializable}.
 */
public final class EffectiveRules implements Serializable {
    private static final long serialVersionUID = 1L;

    private final EnumMap<EpisodeType, Rule> rules;
    private final Map<String, Double> applied;
    private final List<RejectedOverride> rejected;

    private EffectiveRules(EnumMap<EpisodeType, Rule> rules, Map<String, Double> applied, List<RejectedOverride> rejected) {
        this.rules = rules;
        this.applied = Collections.unmodifiableMap(applied);
        this.rejected = List.copyOf(rejected);
    }

    static EffectiveRules of(Rules base, Map<String, Double> overrides) {
        EnumMap<EpisodeType, Rule> rules = new EnumMap<>(base.all());
        Map<String, Double> applied = new LinkedHashMap<>();
        List<RejectedOverride> rejected = new ArrayList<>();
        if (overrides == null) overrides = Map.of();
        // Sorted, so the result does not depend on the map's iteration order.
        TreeMap<String, Double> sorted = new TreeMap<>();
        for (Map.Entry<String, Double> e : overrides.entrySet()) {
            if (e.getKey() == null) rejected.add(new RejectedOverride(null, e.getValue(), "no key"));
            else sorted.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Double> e : sorted.entrySet()) {
            String key = e.getKey();
            Double value = e.getValue();
            String reason = apply(rules, key, value);
            if (reason == null) applied.put(key, value);
            else rejected.add(new RejectedOverride(key, value, reason));
        }
        return new EffectiveRules(rules, applied, rejected);
    }

    /** Applies one override to {@code rules}; returns null on success or the reason it was refused. */
    private static String apply(EnumMap<EpisodeType, Rule> rules, String key, Double value) {
        int dot = key.indexOf('.');
        if (dot <= 0 || dot == key.length() - 1) {
            return "key must be <episode-type>.<parameter>, e.g. tachycardia.rateBpm";
        }
        String typeCode = key.substring(0, dot);
        String name = key.substring(dot + 1);
        var type = EpisodeType.fromCode(typeCode);
        if (type.isEmpty()) {
            return "unknown episode type '" + typeCode + "' (expected one of: "
                    + Arrays.stream(EpisodeType.values()).map(EpisodeType::code).collect(Collectors.joining(", ")) + ")";
        }
        ParameterSpec spec = RuleSchema.parameters(type.get()).get(name);
        if (spec == null) {
            return "unknown parameter '" + name + "' for " + typeCode + " (known: "
                    + String.join(", ", RuleSchema.parameters(type.get()).keySet()) + ")";
        }
        if (value == null || value.isNaN() || value.isInfinite()) {
            return "must be a finite number (was " + value + ")";
        }
        if (spec.integer() && value != Math.rint(value)) {
            return "must be a whole number (was " + Format.number(value) + ")";
        }
        double canonical = spec.overrideUnit().toCanonical(value);
        if (spec.kind() != ParameterSpec.Kind.NUMBER) canonical = Math.round(canonical);
        if (canonical < spec.min() || canonical > spec.max()) {
            return "must be between " + spec.overrideRange() + " (was " + Format.number(value) + ")";
        }
        Rule current = rules.get(type.get());
        Map<String, Double> params = new LinkedHashMap<>(current.parameters());
        params.put(name, canonical);
        List<String[]> problems = RuleSchema.crossCheck(type.get(), params);
        if (!problems.isEmpty()) {
            String[] p = problems.get(0);
            return "conflicts with the patient's other " + typeCode + " parameters: " + p[0] + " " + p[1];
        }
        rules.put(type.get(), current.withParameters(params));
        return null;
    }

    /** The rule for this type, with the patient's overrides applied. */
    public Rule rule(EpisodeType type) {
        return Objects.requireNonNull(rules.get(type));
    }

    /** Overrides that took effect (key as given, value in the override unit). */
    public Map<String, Double> applied() {
        return applied;
    }

    /** Overrides that were refused, with the reason; log and count them, they never stop processing. */
    public List<RejectedOverride> rejected() {
        return rejected;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EffectiveRules e && rules.equals(e.rules) && applied.equals(e.applied)
                && rejected.equals(e.rejected);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rules, applied);
    }
}
