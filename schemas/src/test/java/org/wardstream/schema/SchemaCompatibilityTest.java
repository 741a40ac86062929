package org.wardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Every current schema must stay fully compatible with each released version of itself: a new
 * reader reads old data (backward) and an old reader reads new data (forward), so producers and
 * jobs can be upgraded in either order. No released schema may disappear.
 */
class SchemaCompatibilityTest {
    static final Path RELEASED = Path.of("released");

    @Test
    void currentSchemasAreFullyCompatibleWithEveryReleasedVersion() throws IOException {
        Map<String, Schema> current = SchemaConventionsTest.currentSchemas().stream()
                .collect(Collectors.toMap(Schema::getName, Function.identity()));
        List<String> versions = Files.readAllLines(RELEASED.resolve("versions.txt")).stream()
                .map(String::trim).filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        assertThat(versions).isNotEmpty();

        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (String version : versions) {
            Path dir = RELEASED.resolve(version);
            assertThat(dir).isDirectory();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
                    Schema released = new Schema.Parser().parse(f.toFile());
                    Schema now = current.get(released.getName());
                    if (now == null) {
                        problems.add(version + "/" + released.getName() + " was removed");
                        continue;
                    }
                    problems.addAll(incompatibilities(version, released, now));
                    compared++;
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(compared).isGreaterThanOrEqualTo(current.size());
    }

    @Test
    void detectsABreakingChange() {
        Schema released = new Schema.Parser().parse("""
                {"type":"record","name":"R","namespace":"org.wardstream.schema","fields":[
                  {"name":"a","type":"string"}]}""");
        Schema addedRequired = new Schema.Parser().parse("""
                {"type":"record","name":"R","namespace":"org.wardstream.schema","fields":[
                  {"name":"a","type":"string"},{"name":"b","type":"int"}]}""");
        Schema addedOptional = new Schema.Parser().parse("""
                {"type":"record","name":"R","namespace":"org.wardstream.schema","fields":[
                  {"name":"a","type":"string"},{"name":"b","type":["null","int"],"default":null}]}""");
        assertThat(incompatibilities("test", released, addedRequired)).singleElement().asString()
                .contains("new readers cannot read old data");
        assertThat(incompatibilities("test", released, addedOptional)).isEmpty();
    }

    static List<String> incompatibilities(String version, Schema released, Schema now) {
        List<String> out = new ArrayList<>();
        var backward = SchemaCompatibility.checkReaderWriterCompatibility(now, released);
        if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
            out.add(version + "/" + released.getName() + ": new readers cannot read old data: "
                    + backward.getResult().getIncompatibilities());
        }
        var forward = SchemaCompatibility.checkReaderWriterCompatibility(released, now);
        if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
            out.add(version + "/" + released.getName() + ": old readers cannot read new data: "
                    + forward.getResult().getIncompatibilities());
        }
        return out;
    }
}
