package org.wardstream.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How soon an open alert should be acknowledged, per FHIR {@code Task.priority}: {@code alert-rules/response-targets.yaml}
 * (defaults to agree locally; packaged on the classpath by the clinical module beside the rules). The worklist orders
 * alerts by priority, then by the share of this target each has used, and flags those past it; the equity job counts
 * an acknowledgement "within target" against the same target of the alert's priority (one source of the targets).
 *
 * <p>A bad file fails at start-up with the file, the field and the reason, like the rule files: every priority
 * ({@code stat, asap, urgent, routine}) needs a positive ISO-8601 duration, given once, and a more urgent priority may
 * not have a longer target than a less urgent one.
 */
public final class ResponseTargets implements Serializable {
    private static final long serialVersionUID = 1L;

    /** FHIR Task.priority codes, most urgent first. */
    public static final List<String> PRIORITIES = List.of("stat", "asap", "urgent", "routine");
    public static final String CLASSPATH_RESOURCE = "alert-rules/response-targets.yaml";

    /** Duplicate keys refused, as in the rule files ({@code RuleParser}). */
    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private final LinkedHashMap<String, Duration> targets;
    private final String origin;

    private ResponseTargets(Map<String, Duration> targets, String origin) {
        this.targets = new LinkedHashMap<>(targets);
        this.origin = origin;
    }

    /** The packaged defaults ({@value #CLASSPATH_RESOURCE} on the classpath). */
    public static ResponseTargets defaults() {
        try (InputStream in = ResponseTargets.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) throw new IllegalStateException(CLASSPATH_RESOURCE + " is not on the classpath");
            return parse(CLASSPATH_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CLASSPATH_RESOURCE, e);
        }
    }

    /** Environment variable naming an operator's own targets file (an edited copy of the packaged one). */
    public static final String FILE_ENV = "WARDSTREAM_RESPONSE_TARGETS";

    /** The file named by {@value #FILE_ENV} when set, else the packaged defaults; a bad file fails the start. */
    public static ResponseTargets configured() {
        String file = System.getenv(FILE_ENV);
        return file == null || file.isBlank() ? defaults() : load(Path.of(file));
    }

    /** An edited copy (an operator's own targets). */
    public static ResponseTargets load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the response targets (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param label where the text came from, for messages
     * @throws IllegalArgumentException naming the file, the field and the reason for every problem found
     */
    public static ResponseTargets parse(String label, String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    && e.getProcessor() instanceof JsonParser parser) {
                // a priority given twice: the last line would silently win (probe 18b D9)
                String path = parser.getParsingContext().pathAsPointer().toString().substring(1).replace('/', '.');
                throw new IllegalArgumentException(label + ": " + path + ": given twice (line "
                        + e.getLocation().getLineNr() + " repeats it); keep one line", e);
            }
            throw new IllegalArgumentException(label + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(label + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        List<String> errors = new ArrayList<>();
        JsonNode t = root == null ? null : root.get("targets");
        Map<String, Duration> out = new LinkedHashMap<>();
        if (t == null || !t.isObject()) {
            errors.add(label + ": targets: missing (a map of Task priority to an ISO-8601 duration)");
        } else {
            for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
                String p = it.next();
                if (!PRIORITIES.contains(p)) errors.add(label + ": targets." + p + ": not a FHIR Task priority " + PRIORITIES);
            }
            for (String p : PRIORITIES) {
                JsonNode v = t.get(p);
                if (v == null || !v.isTextual()) {
                    errors.add(label + ": targets." + p + ": missing (an ISO-8601 duration such as PT1H)");
                    continue;
                }
                try {
                    Duration d = Duration.parse(v.asText());
                    if (d.isNegative() || d.isZero()) errors.add(label + ": targets." + p + ": must be positive (was " + v.asText() + ")");
                    else out.put(p, d);
                } catch (DateTimeParseException e) {
                    errors.add(label + ": targets." + p + ": not an ISO-8601 duration (was '" + v.asText() + "')");
                }
            }
            for (int i = 1; i < PRIORITIES.size(); i++) {
                Duration more = out.get(PRIORITIES.get(i - 1)), less = out.get(PRIORITIES.get(i));
                if (more != null && less != null && more.compareTo(less) > 0) {
                    errors.add(label + ": targets." + PRIORITIES.get(i - 1) + ": longer than targets." + PRIORITIES.get(i)
                            + " (" + more + " > " + less + "); a more urgent priority needs a shorter target");
                }
            }
        }
        if (!errors.isEmpty()) throw new IllegalArgumentException(String.join("\n", errors));
        return new ResponseTargets(out, label);
    }

    /** The target for a Task priority; an unknown or missing priority gets the routine target. */
    public Duration target(String priority) {
        Duration d = priority == null ? null : targets.get(priority);
        return d == null ? targets.get("routine") : d;
    }

    /** Priority code -> target, most urgent first. */
    public Map<String, Duration> all() {
        return Collections.unmodifiableMap(targets);
    }

    /** Where the targets were read from. */
    public String origin() {
        return origin;
    }

    /** The JSON the worklist page reads: {@code {"origin": ..., "targets": {"stat": "PT15M", ...}}}. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"origin\":\"").append(origin.replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\",\"targets\":{");
        boolean first = true;
        for (Map.Entry<String, Duration> e : targets.entrySet()) {
            if (!first) b.append(',');
            first = false;
            b.append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
        }
        return b.append("}}").toString();
    }

    @Override
    public String toString() {
        return "ResponseTargets" + targets + " from " + origin;
    }
}
