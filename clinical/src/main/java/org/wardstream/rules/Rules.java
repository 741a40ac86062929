package org.wardstream.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The validated clinical rule set: one {@link Rule} per {@link EpisodeType}, read from
 * {@code alert-rules/<episode-type>.yaml}. Immutable and {@link Serializable} (it ships inside Flink
 * functions). Loading validates everything and throws a {@link RuleValidationException} listing every
 * problem as {@code <file>: <field path>: <reason>}; a job must fail at start-up on it.
 *
 * <pre>{@code
 * Rules rules = Rules.loadClasspath();                 // the defaults packaged in the clinical jar
 * Rules rules = Rules.loadDirectory(Path.of("alert-rules"));   // an edited copy
 * EffectiveRules mine = rules.forPatient(enrolment.getThresholds());   // per-patient overrides
 * mine.rejected().forEach(r -> log.warn("override ignored: {}", r));
 * }</pre>
 */
public final class Rules implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Classpath folder of the packaged defaults. */
    public static final String CLASSPATH_FOLDER = "alert-rules";
    /** Not a rule: the triage service's response targets per priority, kept beside the rules it belongs to. */
    public static final String RESPONSE_TARGETS_FILE = "response-targets.yaml";

    private final EnumMap<EpisodeType, Rule> rules;
    private final String origin;

    private Rules(EnumMap<EpisodeType, Rule> rules, String origin) {
        this.rules = rules;
        this.origin = origin;
    }

    /** Loads {@code <dir>/<episode-type>.yaml} for every episode type; other yaml files in it are errors. */
    public static Rules loadDirectory(Path dir) {
        String label = dir.toAbsolutePath().normalize().getFileName() == null ? dir.toString()
                : dir.toAbsolutePath().normalize().getFileName().toString();
        if (!Files.isDirectory(dir)) {
            throw new RuleValidationException(List.of(label + "/: rule directory not found (" + dir.toAbsolutePath() + ")"));
        }
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                    files.put(name, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rule directory " + dir, e);
        }
        return parse(label, files, true);
    }

    /** Loads the defaults packaged in the clinical jar ({@code alert-rules/*.yaml} on the classpath). */
    public static Rules loadClasspath() {
        return loadClasspath(Rules.class.getClassLoader());
    }

    public static Rules loadClasspath(ClassLoader loader) {
        Map<String, String> files = new TreeMap<>();
        for (EpisodeType t : EpisodeType.values()) {
            String name = t.code() + ".yaml";
            try (InputStream in = loader.getResourceAsStream(CLASSPATH_FOLDER + "/" + name)) {
                if (in != null) files.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read classpath rule " + name, e);
            }
        }
        return parse(CLASSPATH_FOLDER, files, false);
    }

    /**
     * Validates rule files given as file name to YAML text ({@code "tachycardia.yaml" -> "..."}); messages
     * name each file as {@code <label>/<file name>}. Every episode type needs its file.
     */
    public static Rules parse(String label, Map<String, String> files, boolean rejectUnknownFiles) {
        List<String> errors = new ArrayList<>();
        EnumMap<EpisodeType, Rule> rules = new EnumMap<>(EpisodeType.class);
        Map<EpisodeType, String> byType = new EnumMap<>(EpisodeType.class);
        for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
            String name = f.getKey();
            if (name.equals(RESPONSE_TARGETS_FILE)) continue;
            String base = name.replaceFirst("\\.ya?ml$", "");
            var type = EpisodeType.fromCode(base);
            if (type.isEmpty()) {
                if (rejectUnknownFiles) {
                    errors.add(label + "/" + name + ": unknown episode type '" + base + "' in the file name (expected one of: "
                            + Arrays.stream(EpisodeType.values()).map(EpisodeType::code).collect(Collectors.joining(", ")) + ")");
                }
                continue;
            }
            if (byType.containsKey(type.get())) {
                errors.add(label + "/" + name + ": a second file for " + base + " (already read " + byType.get(type.get()) + ")");
                continue;
            }
            byType.put(type.get(), name);
            Rule r = new RuleParser(label + "/" + name, errors).parse(f.getValue(), type.get());
            if (r != null) rules.put(type.get(), r);
        }
        for (EpisodeType t : EpisodeType.values()) {
            if (!byType.containsKey(t)) errors.add(label + "/" + t.code() + ".yaml: missing rule file");
        }
        if (!errors.isEmpty()) throw new RuleValidationException(errors);
        return new Rules(rules, label);
    }

    public Rule rule(EpisodeType type) {
        return Objects.requireNonNull(rules.get(type));
    }

    public Map<EpisodeType, Rule> all() {
        return Collections.unmodifiableMap(rules);
    }

    /** Where the rules were read from ({@code alert-rules} or the directory name). */
    public String origin() {
        return origin;
    }

    /**
     * The effective rules for one patient: the defaults with the enrolment's overrides applied. Keys are
     * {@code <episode-type>.<parameter>}, e.g. {@code tachycardia.rateBpm}; values in the parameter's override
     * unit (bpm, steps/min, whole counts, seconds, minutes, or hour of day; see {@code clinical/README.md}).
     * Never throws on bad input: an invalid override is left out and reported in
     * {@link EffectiveRules#rejected()} with the reason.
     */
    public EffectiveRules forPatient(Map<String, Double> overrides) {
        return EffectiveRules.of(this, overrides);
    }

    /** The rules with no overrides. */
    public EffectiveRules defaults() {
        return EffectiveRules.of(this, Map.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rules r && rules.equals(r.rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }
}
