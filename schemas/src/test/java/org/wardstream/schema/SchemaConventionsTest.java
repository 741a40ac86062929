package org.wardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Build-time check of the schema conventions (docs/DEVELOPING.md, "Schemas"): documented records, enums and
 * fields; units on every numeric field; logical types on times; nullable fields default to null;
 * enums carry a default symbol so that adding a symbol stays readable by older readers.
 */
class SchemaConventionsTest {
    static final Path SOURCES = Path.of("src/main/avro");

    static List<Schema> currentSchemas() throws IOException {
        List<Schema> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
                out.add(new Schema.Parser().parse(f.toFile()));
            }
        }
        return out;
    }

    @Test
    void everySchemaFollowsTheConventions() throws IOException {
        List<Schema> schemas = currentSchemas();
        assertThat(schemas).extracting(Schema::getName).contains("DeviceEventKey", "DeviceEvent", "PatientKey",
                "Enrolment", "Episode", "TriageEvent");
        List<String> violations = new ArrayList<>();
        for (Schema s : schemas) {
            check(s, s.getName(), violations, new java.util.HashSet<>());
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theCheckerCatchesViolations() {
        Schema bad = new Schema.Parser().parse("""
                {"type":"record","name":"bad_record","namespace":"elsewhere","fields":[
                  {"name":"Rate","type":"int"},
                  {"name":"when","type":"long","doc":"Unit: milliseconds since the Unix epoch."},
                  {"name":"maybe","type":["null","string"],"doc":"Optional."},
                  {"name":"kind","type":{"type":"enum","name":"Kind","doc":"K.","symbols":["A","B"]},"doc":"Kind."}
                ]}""");
        List<String> violations = new ArrayList<>();
        check(bad, bad.getName(), violations, new java.util.HashSet<>());
        assertThat(String.join("\n", violations))
                .contains("bad_record: namespace")
                .contains("bad_record: name")
                .contains("bad_record: record doc")
                .contains("bad_record.Rate: field name")
                .contains("bad_record.Rate: doc")
                .contains("bad_record.Rate: numeric field without a unit")
                .contains("bad_record.when: time field without a timestamp logical type")
                .contains("bad_record.maybe: nullable field must default to null")
                .contains("Kind: enum without a default symbol");
    }

    static void check(Schema s, String path, List<String> v, Set<String> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (!seen.add(s.getFullName())) {
                    return;
                }
                if (!"org.wardstream.schema".equals(s.getNamespace())) {
                    v.add(path + ": namespace must be org.wardstream.schema");
                }
                if (!s.getName().matches("[A-Z][A-Za-z0-9]*")) {
                    v.add(path + ": name must be PascalCase");
                }
                if (blank(s.getDoc())) {
                    v.add(path + ": record doc is missing");
                }
                for (Schema.Field f : s.getFields()) {
                    String fp = path + "." + f.name();
                    if (!f.name().matches("[a-z][A-Za-z0-9]*")) {
                        v.add(fp + ": field name must be lowerCamelCase");
                    }
                    if (blank(f.doc())) {
                        v.add(fp + ": doc is missing");
                    }
                    checkField(f, fp, v);
                    check(f.schema(), fp, v, seen);
                }
            }
            case ENUM -> {
                if (!seen.add(s.getFullName())) {
                    return;
                }
                if (s.getEnumDefault() == null) {
                    v.add(s.getName() + ": enum without a default symbol");
                }
                if (blank(s.getDoc())) {
                    v.add(s.getName() + ": enum doc is missing");
                }
            }
            case UNION -> s.getTypes().forEach(t -> check(t, path, v, seen));
            case ARRAY -> check(s.getElementType(), path, v, seen);
            case MAP -> check(s.getValueType(), path, v, seen);
            default -> {
            }
        }
    }

    private static void checkField(Schema.Field f, String fp, List<String> v) {
        Schema t = f.schema();
        if (t.getType() == Schema.Type.UNION) {
            List<Schema> types = t.getTypes();
            boolean nullable = types.stream().anyMatch(x -> x.getType() == Schema.Type.NULL);
            if (nullable) {
                if (types.get(0).getType() != Schema.Type.NULL || !f.hasDefaultValue()
                        || f.defaultVal() != org.apache.avro.JsonProperties.NULL_VALUE) {
                    v.add(fp + ": nullable field must default to null with \"null\" first");
                }
                t = types.stream().filter(x -> x.getType() != Schema.Type.NULL).findFirst().orElse(t);
            }
        }
        if (t.getType() == Schema.Type.ARRAY) {
            t = t.getElementType();
        }
        if (t.getType() == Schema.Type.MAP) {
            t = t.getValueType();
        }
        boolean numeric = Set.of(Schema.Type.INT, Schema.Type.LONG, Schema.Type.FLOAT, Schema.Type.DOUBLE)
                .contains(t.getType());
        String name = f.name().toLowerCase(java.util.Locale.ROOT);
        boolean timeLike = t.getType() == Schema.Type.LONG
                && (name.equals("time") || name.equals("start") || name.equals("end") || name.equals("when")
                || name.startsWith("time") || name.endsWith("at") || name.endsWith("received"));
        if (timeLike && t.getLogicalType() == null) {
            v.add(fp + ": time field without a timestamp logical type");
        }
        if (numeric && (f.doc() == null || !f.doc().contains("Unit:"))) {
            v.add(fp + ": numeric field without a unit ('Unit: ...' in its doc)");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
