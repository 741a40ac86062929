package org.wardstream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * The rules every variant runs with: the packaged rule files, with two lifecycle policies of the compared rules
 * relaxed so that every detected tachycardia and AF episode is an alert (the peers express the detection
 * <i>pattern</i>; cool-downs and minimum durations are alert policy that a pattern engine has no notion of):
 * tachycardia and atrial-fibrillation {@code coolDown: PT0S}, atrial-fibrillation {@code minDuration: PT10S}
 * (the smallest the schema allows; shorter than any confirmed onset, which spans 40 beats).
 */
final class BenchRules {
    private BenchRules() {
    }

    static Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            for (EpisodeType t : EpisodeType.values()) {
                String name = t.code() + ".yaml";
                String text;
                try (InputStream in = Rules.class.getClassLoader().getResourceAsStream(Rules.CLASSPATH_FOLDER + "/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("packaged rule file missing: " + name);
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (t == EpisodeType.TACHYCARDIA || t == EpisodeType.ATRIAL_FIBRILLATION) {
                    text = replaceOnce(text, "(?m)^coolDown:.*$", "coolDown: PT0S");
                }
                if (t == EpisodeType.ATRIAL_FIBRILLATION) {
                    text = replaceOnce(text, "(?m)^(\\s+)minDuration:\\s*\\S+", "$1minDuration: PT10S");
                }
                Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Rules.loadDirectory(dir); // validates
        return dir;
    }

    private static String replaceOnce(String text, String regex, String replacement) {
        String out = text.replaceFirst(regex, replacement);
        String expected = replacement.replace("$1", "");
        if (!out.contains(expected)) {
            throw new IllegalStateException("rule file changed shape: cannot apply '" + expected + "'");
        }
        return out;
    }
}
