package org.wardstream.simulator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ground-truth contract: CSV {@code patient_id,episode_type,start,end}, times ISO-8601 UTC
 * ({@link Instant#toString()}), one row per episode in {@link GroundTruthEpisode#ORDER}, LF line ends.
 */
public final class GroundTruthCsv {
    public static final String HEADER = "patient_id,episode_type,start,end";

    private GroundTruthCsv() {
    }

    public static void write(List<GroundTruthEpisode> episodes, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write(toCsv(episodes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ground truth " + file, e);
        }
    }

    public static String toCsv(List<GroundTruthEpisode> episodes) {
        List<GroundTruthEpisode> sorted = new ArrayList<>(episodes);
        sorted.sort(GroundTruthEpisode.ORDER);
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (GroundTruthEpisode e : sorted) {
            sb.append(e.patientId()).append(',').append(e.episodeType()).append(',')
                    .append(e.start()).append(',').append(e.end()).append('\n');
        }
        return sb.toString();
    }

    /** Reads a file written by {@link #write}; fails with the line number on a malformed row. */
    public static List<GroundTruthEpisode> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ground truth " + file, e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IllegalArgumentException(file + ": first line must be '" + HEADER + "'");
        }
        List<GroundTruthEpisode> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 4) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 4 fields, found " + f.length);
            }
            try {
                out.add(new GroundTruthEpisode(f[0], f[1], Instant.parse(f[2]), Instant.parse(f[3])));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
