package org.wardstream.detect;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.Rules;

/**
 * Per-operator cache of what a patient's profile configures (the effective rules with the patient's
 * overrides, in the patient's time zone), shared by every patient with the same zone and overrides. Not
 * serialisable: create it in {@code open()}.
 */
public final class ProfileRules<T> {
    static final ZoneId DEFAULT_ZONE = ZoneId.of("Europe/London");

    private final Rules rules;
    private final BiFunction<EffectiveRules, ZoneId, T> build;
    private final Map<String, T> cache = new HashMap<>();

    public ProfileRules(Rules rules, BiFunction<EffectiveRules, ZoneId, T> build) {
        this.rules = rules;
        this.build = build;
    }

    /** What {@code p} configures; looked up by the profile's cached {@link PatientProfile#rulesKey()}. */
    public T of(PatientProfile p) {
        T cached = cache.get(p == null ? NO_PROFILE : p.rulesKey());
        return cached != null ? cached : build(p);
    }

    private static final String NO_PROFILE = "(no profile)";

    private T build(PatientProfile p) {
        String zone = p == null || p.timeZone == null ? DEFAULT_ZONE.getId() : p.timeZone;
        Map<String, Double> overrides = p == null || p.thresholdOverrides == null ? Map.of()
                : new TreeMap<>(p.thresholdOverrides);
        return cache.computeIfAbsent(p == null ? NO_PROFILE : p.rulesKey(), k -> {
            ZoneId z;
            try {
                z = ZoneId.of(zone);
            } catch (RuntimeException e) {
                z = DEFAULT_ZONE;
            }
            return build.apply(rules.forPatient(overrides), z);
        });
    }
}
