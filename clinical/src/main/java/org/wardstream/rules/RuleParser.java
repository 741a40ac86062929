package org.wardstream.rules;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates one rule file, collecting every problem as {@code <file>: <path>: <reason>}.
 * Works on Jackson's YAML tree rather than data binding so that each message can name the exact field
 * path and say what was found.
 */
final class RuleParser {

    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private static final Set<String> TOP_FIELDS = new LinkedHashSet<>(List.of("episodeType", "version", "description",
            "severity", "escalations", "parameters", "coolDown", "renotify", "notifyOnClose", "sources"));
    private static final Set<String> OPTIONAL_TOP = Set.of("escalations");
    private static final Pattern TIME_OF_DAY = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");

    private final String file;
    private final List<String> errors;

    RuleParser(String file, List<String> errors) {
        this.file = file;
        this.errors = errors;
    }

    /** Returns the rule, or null if the file had problems (then added to the error list). */
    Rule parse(String yaml, EpisodeType type) {
        int before = errors.size();
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            errors.add(file + ": invalid YAML" + (loc != null ? " at line " + loc.getLineNr() + ", column "
                    + loc.getColumnNr() : "") + ": " + e.getOriginalMessage());
            return null;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            errors.add(file + ": the file is empty");
            return null;
        }
        if (!root.isObject()) {
            errors.add(file + ": must be a mapping of fields (was " + describe(root) + ")");
            return null;
        }
        fields(root, "", TOP_FIELDS, OPTIONAL_TOP);

        String typeCode = text(root.get("episodeType"), "episodeType");
        if (typeCode != null && !typeCode.equals(type.code())) {
            err("episodeType", "must match the file name (expected '" + type.code() + "', was '" + typeCode + "')");
        }
        Integer version = null;
        JsonNode v = root.get("version");
        if (v != null) {
            if (!v.isIntegralNumber()) err("version", "must be a whole number (was " + describe(v) + ")");
            else if (v.asLong() < 1) err("version", "must be at least 1 (was " + v.asText() + ")");
            else version = v.asInt();
        }
        String description = text(root.get("description"), "description");
        Severity severity = severity(root.get("severity"), "severity");
        Map<String, Double> parameters = parameters(root.get("parameters"), type);
        List<Escalation> escalations = escalations(root.get("escalations"), type, severity);
        Duration coolDown = duration(root.get("coolDown"), "coolDown", true);
        Renotify renotify = renotify(root.get("renotify"));
        Boolean notifyOnClose = null;
        JsonNode n = root.get("notifyOnClose");
        if (n != null) {
            if (!n.isBoolean()) err("notifyOnClose", "must be true or false (was " + describe(n) + ")");
            else notifyOnClose = n.booleanValue();
        }
        List<Source> sources = sources(root.get("sources"), type, root.get("parameters"));

        if (errors.size() > before) return null;
        return new Rule(type, version, description, severity, escalations, parameters, coolDown, renotify,
                notifyOnClose, sources, file);
    }

    // --- sections ---

    private Map<String, Double> parameters(JsonNode node, EpisodeType type) {
        Map<String, Double> values = new LinkedHashMap<>();
        if (node == null) return values;
        if (!node.isObject()) {
            err("parameters", "must be a mapping of parameter names to values (was " + describe(node) + ")");
            return values;
        }
        Map<String, ParameterSpec> specs = RuleSchema.parameters(type);
        Map<String, Double> defaulted = RuleSchema.defaulted(type);
        fields(node, "parameters.", specs.keySet(), defaulted.keySet());
        boolean allValid = true;
        for (ParameterSpec spec : specs.values()) {
            JsonNode value = node.get(spec.name());
            if (value == null) {
                if (defaulted.containsKey(spec.name())) values.put(spec.name(), defaulted.get(spec.name()));
                continue;
            }
            Double d = parameter(value, spec, "parameters." + spec.name());
            if (d == null) allValid = false;
            else values.put(spec.name(), d);
        }
        if (allValid && values.size() == specs.size()) {
            for (String[] problem : RuleSchema.crossCheck(type, values)) err("parameters." + problem[0], problem[1]);
        }
        return values;
    }

    private Double parameter(JsonNode value, ParameterSpec spec, String path) {
        double v;
        switch (spec.kind()) {
            case NUMBER -> {
                if (!value.isNumber()) {
                    err(path, "must be a number (was " + describe(value) + ")");
                    return null;
                }
                v = value.doubleValue();
                if (spec.integer() && !value.isIntegralNumber()) {
                    err(path, "must be a whole number (was " + describe(value) + ")");
                    return null;
                }
                if (v < spec.min() || v > spec.max()) {
                    err(path, "must be between " + spec.fileRange() + " (was " + describe(value) + ")");
                    return null;
                }
            }
            case DURATION -> {
                Duration d = duration(value, path, false);
                if (d == null) return null;
                v = d.toMillis();
                if (v < spec.min() || v > spec.max()) {
                    err(path, "must be between " + spec.fileRange() + " (was " + value.asText() + ")");
                    return null;
                }
            }
            case TIME_OF_DAY -> {
                if (!value.isTextual() || !TIME_OF_DAY.matcher(value.asText()).matches()) {
                    err(path, "must be a local time of day \"HH:mm\", e.g. \"08:00\" (was "
                            + describe(value) + ")");
                    return null;
                }
                String t = value.asText();
                v = Integer.parseInt(t.substring(0, 2)) * 60 + Integer.parseInt(t.substring(3));
            }
            default -> throw new IllegalStateException();
        }
        return v;
    }

    private List<Escalation> escalations(JsonNode node, EpisodeType type, Severity ruleSeverity) {
        List<Escalation> out = new ArrayList<>();
        if (node == null || node.isNull()) return out;
        if (!node.isArray()) {
            err("escalations", "must be a list (was " + describe(node) + ")");
            return out;
        }
        Set<String> known = RuleSchema.escalationConditions(type);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String p = "escalations[" + i + "]";
            JsonNode e = node.get(i);
            if (!e.isObject()) {
                err(p, "must be a mapping with condition, severity and reason (was " + describe(e) + ")");
                continue;
            }
            fields(e, p + ".", List.of("condition", "severity", "reason"), Set.of());
            String condition = text(e.get("condition"), p + ".condition");
            if (condition != null && !known.contains(condition)) {
                err(p + ".condition", "unknown condition '" + condition + "' for " + type.code() + " (known: "
                        + (known.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(known))) + ")");
                condition = null;
            } else if (condition != null && !seen.add(condition)) {
                err(p + ".condition", "duplicate condition '" + condition + "'");
                condition = null;
            }
            Severity s = severity(e.get("severity"), p + ".severity");
            if (s != null && ruleSeverity != null && !s.isHigherThan(ruleSeverity)) {
                err(p + ".severity", "must be higher than the rule's severity (" + ruleSeverity.code() + ", was "
                        + s.code() + ")");
                s = null;
            }
            String reason = text(e.get("reason"), p + ".reason");
            if (condition != null && s != null && reason != null) out.add(new Escalation(condition, s, reason));
        }
        return out;
    }

    private Renotify renotify(JsonNode node) {
        if (node == null) return null;
        if (!node.isObject()) {
            err("renotify", "must be a mapping with policy (never | while-open) and, for while-open, interval (was "
                    + describe(node) + ")");
            return null;
        }
        fields(node, "renotify.", List.of("policy", "interval"), Set.of("interval"));
        String policy = text(node.get("policy"), "renotify.policy");
        if (policy == null) return null;
        switch (policy) {
            case "never" -> {
                if (node.has("interval")) err("renotify.interval", "must be absent when policy is never");
                return Renotify.NEVER;
            }
            case "while-open" -> {
                if (!node.has("interval")) {
                    err("renotify.interval", "missing (required when policy is while-open)");
                    return null;
                }
                Duration d = duration(node.get("interval"), "renotify.interval", false);
                return d == null ? null : new Renotify(Renotify.Policy.WHILE_OPEN, d);
            }
            default -> {
                err("renotify.policy", "must be never or while-open (was '" + policy + "')");
                return null;
            }
        }
    }

    /** The cited sources; every parameter the file sets needs one (a defaulted parameter it leaves out does not). */
    private List<Source> sources(JsonNode node, EpisodeType type, JsonNode parameters) {
        List<Source> out = new ArrayList<>();
        Map<String, ParameterSpec> specs = RuleSchema.parameters(type);
        Set<String> supported = new HashSet<>();
        if (node == null) return out;
        if (!node.isArray()) {
            err("sources", "must be a list of cited sources (was " + describe(node) + ")");
            return out;
        }
        if (node.isEmpty()) {
            err("sources", "no source cited: each parameter needs at least one source");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            String p = "sources[" + i + "]";
            JsonNode s = node.get(i);
            if (!s.isObject()) {
                err(p, "must be a mapping with cite and supports (was " + describe(s) + ")");
                continue;
            }
            fields(s, p + ".", List.of("cite", "supports", "note", "url"), Set.of("note", "url"));
            String cite = text(s.get("cite"), p + ".cite");
            String note = s.has("note") ? text(s.get("note"), p + ".note") : null;
            String url = s.has("url") ? text(s.get("url"), p + ".url") : null;
            List<String> supports = new ArrayList<>();
            JsonNode sup = s.get("supports");
            if (sup != null) {
                if (!sup.isArray() || sup.isEmpty()) {
                    err(p + ".supports", "must be a non-empty list of parameter names (was " + describe(sup) + ")");
                } else {
                    for (int j = 0; j < sup.size(); j++) {
                        String name = text(sup.get(j), p + ".supports[" + j + "]");
                        if (name == null) continue;
                        if (!specs.containsKey(name)) {
                            err(p + ".supports[" + j + "]", "unknown parameter '" + name + "' (known: "
                                    + String.join(", ", specs.keySet()) + ")");
                        } else {
                            supports.add(name);
                            supported.add(name);
                        }
                    }
                }
            }
            if (cite != null && !supports.isEmpty()) out.add(new Source(cite, supports, note, url));
        }
        Map<String, Double> defaulted = RuleSchema.defaulted(type);
        for (String name : specs.keySet()) {
            boolean leftToDefault = defaulted.containsKey(name)
                    && (parameters == null || !parameters.isObject() || !parameters.has(name));
            if (!supported.contains(name) && !leftToDefault) {
                err("parameters." + name, "no source cited (name it in the supports list of an entry under sources)");
            }
        }
        return out;
    }

    // --- scalar helpers ---

    private void fields(JsonNode node, String prefix, java.util.Collection<String> allowed, Set<String> optional) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                err(prefix + f, "unknown field (expected one of: " + String.join(", ", allowed) + ")");
            }
        }
        for (String f : allowed) {
            if (!node.has(f) && !optional.contains(f)) err(prefix + f, "missing (required)");
        }
    }

    private String text(JsonNode node, String path) {
        if (node == null) return null;
        if (!node.isTextual()) {
            err(path, "must be text (was " + describe(node) + ")");
            return null;
        }
        if (node.asText().isBlank()) {
            err(path, "must not be blank");
            return null;
        }
        return node.asText().strip();
    }

    private Severity severity(JsonNode node, String path) {
        String code = text(node, path);
        if (code == null) return null;
        return Severity.fromCode(code).orElseGet(() -> {
            err(path, "unknown severity '" + code + "' (expected one of: routine, urgent, asap, stat)");
            return null;
        });
    }

    private Duration duration(JsonNode node, String path, boolean zeroAllowed) {
        if (node == null) return null;
        if (!node.isTextual()) {
            err(path, "must be an ISO-8601 duration such as PT10M or PT30S (was " + describe(node) + ")");
            return null;
        }
        Duration d;
        try {
            d = Duration.parse(node.asText().strip());
        } catch (DateTimeParseException e) {
            err(path, "must be an ISO-8601 duration such as PT10M or PT30S (was " + describe(node) + ")");
            return null;
        }
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            err(path, (zeroAllowed ? "must not be negative" : "must be a positive duration") + " (was "
                    + node.asText().strip() + ")");
            return null;
        }
        return d;
    }

    private void err(String path, String reason) {
        errors.add(file + ": " + path + ": " + reason);
    }

    static String describe(JsonNode n) {
        if (n == null || n.isNull()) return "empty";
        if (n.isTextual()) return "\"" + n.asText() + "\"";
        if (n.isNumber()) return Format.number(n.doubleValue());
        if (n.isBoolean()) return n.asText();
        if (n.isArray()) return "a list";
        if (n.isObject()) return "a mapping";
        return n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
