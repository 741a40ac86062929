package org.wardstream.demo;

import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.avro.LogicalType;
import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Names the first field of a replay line that does not fit its Avro schema, with the type expected there, e.g.
 * {@code payload.HeartRateSample.bpm: expected a number (float), got "fast"}. Avro's own JSON decoder says only
 * "Expected float. Got VALUE_STRING", without the field.
 */
final class AvroJsonErrors {
    private AvroJsonErrors() {
    }

    /** The first mismatch in {@code node} against {@code schema}, or null when none is found. */
    static String firstMismatch(Schema schema, JsonNode node) {
        return check(schema, node, "");
    }

    private static String check(Schema s, JsonNode n, String path) {
        switch (s.getType()) {
            case RECORD: {
                if (!n.isObject()) {
                    return mismatch(path, "an object (" + s.getName() + ")", n);
                }
                for (Schema.Field f : s.getFields()) {
                    JsonNode child = n.get(f.name());
                    if (child == null) {
                        if (f.hasDefaultValue()) {
                            continue;
                        }
                        return join(path, f.name()) + ": missing; expected " + describe(f.schema());
                    }
                    String m = check(f.schema(), child, join(path, f.name()));
                    if (m != null) {
                        return m;
                    }
                }
                for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (s.getField(name) == null) {
                        return join(path, name) + ": not a field of " + s.getName() + " (fields: "
                                + s.getFields().stream().map(Schema.Field::name).collect(Collectors.joining(", ")) + ")";
                    }
                }
                return null;
            }
            case UNION: {
                if (n.isNull()) {
                    return s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL) ? null
                            : mismatch(path, describe(s), n);
                }
                if (!n.isObject() || n.size() != 1) {
                    return mismatch(path, describe(s), n);
                }
                Map.Entry<String, JsonNode> only = n.fields().next();
                for (Schema branch : s.getTypes()) {
                    if (branchName(branch).equals(only.getKey())) {
                        return check(branch, only.getValue(), join(path, branch.getName()));
                    }
                }
                return mismatch(path, describe(s), n);
            }
            case ARRAY: {
                if (!n.isArray()) {
                    return mismatch(path, "an array of " + describe(s.getElementType()), n);
                }
                for (int i = 0; i < n.size(); i++) {
                    String m = check(s.getElementType(), n.get(i), path + "[" + i + "]");
                    if (m != null) {
                        return m;
                    }
                }
                return null;
            }
            case MAP: {
                if (!n.isObject()) {
                    return mismatch(path, "an object of " + describe(s.getValueType()), n);
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String m = check(s.getValueType(), e.getValue(), join(path, e.getKey()));
                    if (m != null) {
                        return m;
                    }
                }
                return null;
            }
            case ENUM:
                return n.isTextual() && s.getEnumSymbols().contains(n.asText()) ? null : mismatch(path, describe(s), n);
            case INT:
            case LONG:
                return n.isIntegralNumber() ? null : mismatch(path, describe(s), n);
            case FLOAT:
            case DOUBLE:
                return n.isNumber() ? null : mismatch(path, describe(s), n);
            case BOOLEAN:
                return n.isBoolean() ? null : mismatch(path, describe(s), n);
            case STRING:
            case BYTES:
            case FIXED:
                return n.isTextual() ? null : mismatch(path, describe(s), n);
            case NULL:
                return n.isNull() ? null : mismatch(path, "null", n);
            default:
                return null;
        }
    }

    /** How a union branch is named in Avro's JSON encoding: the full name of a named type, else the type. */
    private static String branchName(Schema branch) {
        return switch (branch.getType()) {
            case RECORD, ENUM, FIXED -> branch.getFullName();
            default -> branch.getType().getName();
        };
    }

    static String describe(Schema s) {
        LogicalType logical = s.getLogicalType();
        if (logical != null && logical.getName().startsWith("timestamp-millis")) {
            return "a whole number (timestamp-millis: milliseconds since 1970-01-01T00:00Z)";
        }
        if (logical != null && logical.getName().equals("date")) {
            return "a whole number (date: days since 1970-01-01)";
        }
        return switch (s.getType()) {
            case RECORD -> "an object (" + s.getName() + ")";
            case ENUM -> "one of " + String.join(", ", s.getEnumSymbols());
            case INT, LONG -> "a whole number (" + s.getType().getName() + ")";
            case FLOAT, DOUBLE -> "a number (" + s.getType().getName() + ")";
            case BOOLEAN -> "true or false";
            case STRING, BYTES, FIXED -> "a string";
            case ARRAY -> "an array";
            case MAP -> "an object";
            case NULL -> "null";
            case UNION -> s.getTypes().stream()
                    .map(t -> t.getType() == Schema.Type.NULL ? "null" : "{\"" + branchName(t) + "\": ...}")
                    .collect(Collectors.joining(" or "));
        };
    }

    private static String mismatch(String path, String expected, JsonNode got) {
        String shown = got.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return (path.isEmpty() ? "the line" : path) + ": expected " + expected + ", got " + shown;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
