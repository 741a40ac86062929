package org.wardstream.rules;

import java.io.Serializable;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One validated rule (one {@code alert-rules/<episode-type>.yaml} file), possibly with a patient's
 * overrides applied. Immutable and {@link Serializable} (it ships inside Flink functions).
 *
 * <p>Parameter values are held in canonical units (see {@link ParameterSpec}); read them with the typed
 * accessors {@link #number}, {@link #duration}/{@link #millis} and {@link #timeOfDay}.
 */
public final class Rule implements Serializable {
    private static final long serialVersionUID = 1L;

    private final EpisodeType episodeType;
    private final int version;
    private final String description;
    private final Severity severity;
    private final List<Escalation> escalations;
    private final Map<String, Double> parameters;
    private final Duration coolDown;
    private final Renotify renotify;
    private final boolean notifyOnClose;
    private final List<Source> sources;
    private final String origin;

    Rule(EpisodeType episodeType, int version, String description, Severity severity, List<Escalation> escalations,
         Map<String, Double> parameters, Duration coolDown, Renotify renotify, boolean notifyOnClose,
         List<Source> sources, String origin) {
        this.episodeType = Objects.requireNonNull(episodeType);
        this.version = version;
        this.description = description;
        this.severity = Objects.requireNonNull(severity);
        this.escalations = List.copyOf(escalations);
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.coolDown = Objects.requireNonNull(coolDown);
        this.renotify = Objects.requireNonNull(renotify);
        this.notifyOnClose = notifyOnClose;
        this.sources = List.copyOf(sources);
        this.origin = origin;
    }

    Rule withParameters(Map<String, Double> newParameters) {
        return new Rule(episodeType, version, description, severity, escalations, newParameters, coolDown, renotify,
                notifyOnClose, sources, origin);
    }

    public EpisodeType episodeType() {
        return episodeType;
    }

    /** The rule file's {@code version} (goes into the alert's provenance). */
    public int version() {
        return version;
    }

    /** Plain-English description for a triage clinician. */
    public String description() {
        return description;
    }

    /** Severity (FHIR Task priority) of a new alert of this type. */
    public Severity severity() {
        return severity;
    }

    public List<Escalation> escalations() {
        return escalations;
    }

    public Optional<Escalation> escalation(String condition) {
        return escalations.stream().filter(e -> e.condition().equals(condition)).findFirst();
    }

    /** All parameters in canonical units (durations in ms, times of day in minutes since midnight). */
    public Map<String, Double> parameters() {
        return parameters;
    }

    /** A NUMBER parameter (bpm, steps per minute, a count). */
    public double number(String name) {
        return get(name, ParameterSpec.Kind.NUMBER);
    }

    /** A DURATION parameter in milliseconds. */
    public long millis(String name) {
        return Math.round(get(name, ParameterSpec.Kind.DURATION));
    }

    public Duration duration(String name) {
        return Duration.ofMillis(millis(name));
    }

    /** A TIME_OF_DAY parameter (local time of the patient). */
    public LocalTime timeOfDay(String name) {
        return LocalTime.ofSecondOfDay(Math.round(get(name, ParameterSpec.Kind.TIME_OF_DAY) * 60));
    }

    private double get(String name, ParameterSpec.Kind kind) {
        ParameterSpec spec = RuleSchema.parameters(episodeType).get(name);
        if (spec == null || spec.kind() != kind) {
            throw new IllegalArgumentException(episodeType.code() + " has no " + kind + " parameter '" + name + "'");
        }
        return parameters.get(name);
    }

    /** No new alert of this type for the patient within this time after the last alerted episode closed. */
    public Duration coolDown() {
        return coolDown;
    }

    public Renotify renotify() {
        return renotify;
    }

    /** Whether closing an episode notifies (device-offline: "reconnected"); otherwise closes are record-only. */
    public boolean notifyOnClose() {
        return notifyOnClose;
    }

    public List<Source> sources() {
        return sources;
    }

    /** Where the rule was read from, e.g. {@code alert-rules/tachycardia.yaml}. */
    public String origin() {
        return origin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rule r && episodeType == r.episodeType && version == r.version
                && description.equals(r.description) && severity == r.severity && escalations.equals(r.escalations)
                && parameters.equals(r.parameters) && coolDown.equals(r.coolDown) && renotify.equals(r.renotify)
                && notifyOnClose == r.notifyOnClose && sources.equals(r.sources);
    }

    @Override
    public int hashCode() {
        return Objects.hash(episodeType, version, parameters, severity);
    }

    @Override
    public String toString() {
        return "Rule[" + episodeType.code() + " v" + version + " " + parameters + "]";
    }
}
