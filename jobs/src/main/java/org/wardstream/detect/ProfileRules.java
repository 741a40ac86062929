package org.wardstream.detect;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.Rules;
import org.wardstream.signals.TravelZone;

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
    /** {@link #homeZone} by the enrolment's zone string (a handful of zones: one parse each). */
    private final Map<String, ZoneId> zones = new HashMap<>();

    public ProfileRules(Rules rules, BiFunction<EffectiveRules, ZoneId, T> build) {
        this.rules = rules;
        this.build = build;
    }

    /** What {@code p} configures; looked up by the profile's cached {@link PatientProfile#rulesKey()}. */
    public T of(PatientProfile p) {
        T cached = cache.get(p == null ? NO_PROFILE : p.rulesKey());
        return cached != null ? cached : build(p);
    }

    /**
     * What {@code p} configures in the zone the patient's waking hours follow: the home zone, or while the patient's
     * device says they are away ({@link TravelZone}, non-null {@code awayOffsetMinutes}) that fixed offset.
     */
    public T of(PatientProfile p, Integer awayOffsetMinutes) {
        if (awayOffsetMinutes == null) {
            return of(p);
        }
        String key = (p == null ? NO_PROFILE : p.rulesKey()) + "@" + awayOffsetMinutes;
        T cached = cache.get(key);
        return cached != null ? cached : cache.computeIfAbsent(key,
                k -> build.apply(rules.forPatient(overrides(p)), TravelZone.zone(homeZone(p), awayOffsetMinutes)));
    }

    /** The patient's home zone (the enrolment's; {@link #DEFAULT_ZONE} when none or not a zone). */
    public static ZoneId homeZone(PatientProfile p) {
        String zone = p == null || p.timeZone == null ? DEFAULT_ZONE.getId() : p.timeZone;
        try {
            return ZoneId.of(zone);
        } catch (RuntimeException e) {
            return DEFAULT_ZONE;
        }
    }

    /** {@link #homeZone}, parsed once per zone string for this cache's lifetime (the signal stage asks per reading). */
    public ZoneId homeZoneOf(PatientProfile p) {
        if (p == null || p.timeZone == null) {
            return DEFAULT_ZONE;
        }
        ZoneId zone = zones.get(p.timeZone);
        if (zone == null) {
            zone = homeZone(p);
            zones.put(p.timeZone, zone);
        }
        return zone;
    }

    private static final String NO_PROFILE = "(no profile)";

    private static Map<String, Double> overrides(PatientProfile p) {
        return p == null || p.thresholdOverrides == null ? Map.of() : new TreeMap<>(p.thresholdOverrides);
    }

    private T build(PatientProfile p) {
        return cache.computeIfAbsent(p == null ? NO_PROFILE : p.rulesKey(),
                k -> build.apply(rules.forPatient(overrides(p)), homeZone(p)));
    }
}
