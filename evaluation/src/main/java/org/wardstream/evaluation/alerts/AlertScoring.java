package org.wardstream.evaluation.alerts;

import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.rules.EpisodeType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Accuracy of alert messages against the simulator's ground truth (issue 3, "Demo and accuracy").
 *
 * <p>Rules: alert messages are collapsed to <b>alerted episodes</b>, one per Observation id (an episode's OPENED,
 * ESCALATED, UPDATED and CLOSED messages count once), with the episode's patient, type and
 * effectivePeriod.start. A ground-truth episode is <b>found</b> when an alerted episode of the same patient and type
 * starts within the tolerance (default 10 minutes, inclusive) of its start. Each ground-truth episode and each
 * alerted episode is matched at most once, and the assignment is a maximum matching (augmenting paths, candidates
 * tried nearest first), so one alert near two episodes, or two alerts near one, never costs a pair that a
 * one-to-one assignment could make. Per type: recall = found / ground truth, precision = matched alerted episodes /
 * alerted episodes ({@code null} when the denominator is 0).
 */
public final class AlertScoring {

    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(10);
    public static final String GROUND_TRUTH_HEADER = "patient_id,episode_type,start,end";

    private AlertScoring() {
    }

    /** One row of the simulator's ground-truth CSV. */
    public record GroundTruthEpisode(String patientId, String episodeType, Instant start, Instant end) {
    }

    /** One alerted episode: the distinct Observation of one or more alert messages. */
    public record AlertedEpisode(String episodeId, String patient, String episodeType, Instant start) {
    }

    /** Counts for one episode type (or all types, {@code episodeType = "all"}). */
    public record TypeScore(String episodeType, int groundTruth, int alerted, int found) {
        /** found / ground truth, or null without ground truth. */
        public Double recall() {
            return groundTruth == 0 ? null : (double) found / groundTruth;
        }

        /** matched alerted episodes / alerted episodes, or null without alerts. */
        public Double precision() {
            return alerted == 0 ? null : (double) found / alerted;
        }
    }

    /**
     * @param perType   every contract episode type in {@link EpisodeType} order (also with zero counts), then any
     *                  other type seen, by name
     * @param total     all types together
     * @param missed    ground-truth episodes no alert matched
     * @param unmatched alerted episodes that matched no ground truth (false alerts)
     */
    public record Report(List<TypeScore> perType, TypeScore total, List<GroundTruthEpisode> missed,
                         List<AlertedEpisode> unmatched, Duration tolerance) {

        public TypeScore forType(String episodeType) {
            return perType.stream().filter(s -> s.episodeType().equals(episodeType)).findFirst()
                    .orElse(new TypeScore(episodeType, 0, 0, 0));
        }
    }

    // ------------------------------------------------------------------------------------------------ input

    /** Reads the simulator's ground truth ({@value #GROUND_TRUTH_HEADER}, ISO-8601 UTC). */
    public static List<GroundTruthEpisode> readGroundTruth(Path csv) {
        try {
            return parseGroundTruth(Files.readString(csv, StandardCharsets.UTF_8), csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ground truth " + csv, e);
        }
    }

    /** Parses ground-truth CSV text; fails with {@code <source>:<line>: reason} on a malformed row. */
    public static List<GroundTruthEpisode> parseGroundTruth(String csv, String source) {
        String[] lines = csv.split("\r?\n", -1);
        if (lines.length == 0 || !lines[0].strip().equals(GROUND_TRUTH_HEADER)) {
            throw new IllegalArgumentException(source + ":1: first line must be '" + GROUND_TRUTH_HEADER + "'");
        }
        List<GroundTruthEpisode> out = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            String[] f = line.split(",", -1);
            if (f.length != 4) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected 4 fields, found " + f.length);
            }
            try {
                out.add(new GroundTruthEpisode(f[0].strip(), f[1].strip(), Instant.parse(f[2].strip()),
                        Instant.parse(f[3].strip())));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Reads {@code alerts.ndjson} (one Bundle per line; blank lines skipped) with {@link FhirAlerts#parse}. */
    public static List<AlertMessage> readAlerts(Path ndjson) {
        List<String> lines;
        try {
            lines = Files.readAllLines(ndjson, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read alerts " + ndjson, e);
        }
        return parseAlerts(lines, ndjson.toString());
    }

    public static List<AlertMessage> parseAlerts(List<String> lines, String source) {
        List<AlertMessage> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            try {
                out.add(FhirAlerts.parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Collapses messages to distinct episodes by Observation id (earliest start if messages disagree). */
    public static List<AlertedEpisode> episodes(Collection<AlertMessage> messages) {
        Map<String, AlertedEpisode> byId = new LinkedHashMap<>();
        for (AlertMessage m : messages) {
            if (m.start() == null) continue;
            AlertedEpisode e = new AlertedEpisode(m.episodeId(), m.patient(), m.episodeType(), m.start());
            byId.merge(m.episodeId(), e, (a, b) -> b.start().isBefore(a.start()) ? b : a);
        }
        return new ArrayList<>(byId.values());
    }

    // ------------------------------------------------------------------------------------------------ scoring

    public static Report score(List<GroundTruthEpisode> truth, Collection<AlertMessage> messages) {
        return scoreEpisodes(truth, episodes(messages), DEFAULT_TOLERANCE);
    }

    public static Report scoreEpisodes(List<GroundTruthEpisode> truth, List<AlertedEpisode> alerted, Duration tolerance) {
        long tolMs = tolerance.toMillis();
        Map<String, List<GroundTruthEpisode>> truthByKey = new TreeMap<>();
        for (GroundTruthEpisode g : truth) truthByKey.computeIfAbsent(key(g.patientId(), g.episodeType()), k -> new ArrayList<>()).add(g);
        Map<String, List<AlertedEpisode>> alertByKey = new TreeMap<>();
        for (AlertedEpisode a : alerted) alertByKey.computeIfAbsent(key(a.patient(), a.episodeType()), k -> new ArrayList<>()).add(a);

        Map<String, int[]> counts = new HashMap<>(); // type -> {groundTruth, alerted, found}
        for (GroundTruthEpisode g : truth) counts.computeIfAbsent(g.episodeType(), t -> new int[3])[0]++;
        for (AlertedEpisode a : alerted) counts.computeIfAbsent(a.episodeType(), t -> new int[3])[1]++;

        List<GroundTruthEpisode> missed = new ArrayList<>();
        List<AlertedEpisode> unmatched = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>(truthByKey.keySet());
        keys.addAll(alertByKey.keySet());
        for (String k : keys) {
            List<GroundTruthEpisode> gs = new ArrayList<>(truthByKey.getOrDefault(k, List.of()));
            List<AlertedEpisode> as = new ArrayList<>(alertByKey.getOrDefault(k, List.of()));
            gs.sort(Comparator.comparing(GroundTruthEpisode::start).thenComparing(GroundTruthEpisode::end));
            as.sort(Comparator.comparing(AlertedEpisode::start).thenComparing(AlertedEpisode::episodeId));
            int[] matchOfAlert = match(gs, as, tolMs);
            boolean[] truthMatched = new boolean[gs.size()];
            for (int a = 0; a < as.size(); a++) {
                if (matchOfAlert[a] >= 0) {
                    truthMatched[matchOfAlert[a]] = true;
                    counts.get(as.get(a).episodeType())[2]++;
                } else {
                    unmatched.add(as.get(a));
                }
            }
            for (int g = 0; g < gs.size(); g++) if (!truthMatched[g]) missed.add(gs.get(g));
        }

        List<String> order = new ArrayList<>();
        Arrays.stream(EpisodeType.values()).map(EpisodeType::code).forEach(order::add);
        counts.keySet().stream().filter(t -> !order.contains(t)).sorted().forEach(order::add);
        List<TypeScore> perType = new ArrayList<>();
        int tg = 0, ta = 0, tf = 0;
        for (String t : order) {
            int[] c = counts.getOrDefault(t, new int[3]);
            perType.add(new TypeScore(t, c[0], c[1], c[2]));
            tg += c[0];
            ta += c[1];
            tf += c[2];
        }
        missed.sort(Comparator.comparing(GroundTruthEpisode::start).thenComparing(GroundTruthEpisode::patientId));
        unmatched.sort(Comparator.comparing(AlertedEpisode::start).thenComparing(AlertedEpisode::patient));
        return new Report(List.copyOf(perType), new TypeScore("all", tg, ta, tf), List.copyOf(missed),
                List.copyOf(unmatched), tolerance);
    }

    /**
     * Maximum bipartite matching of one patient's episodes of one type (Kuhn's augmenting paths; groups are small).
     * Returns, per alert, the index of its ground-truth episode or -1.
     */
    private static int[] match(List<GroundTruthEpisode> gs, List<AlertedEpisode> as, long tolMs) {
        int[] matchOfAlert = new int[as.size()];
        Arrays.fill(matchOfAlert, -1);
        List<List<Integer>> candidates = new ArrayList<>(gs.size());
        for (GroundTruthEpisode g : gs) {
            List<Integer> c = new ArrayList<>();
            for (int a = 0; a < as.size(); a++) {
                if (Math.abs(as.get(a).start().toEpochMilli() - g.start().toEpochMilli()) <= tolMs) c.add(a);
            }
            long gStart = g.start().toEpochMilli();
            c.sort(Comparator.comparingLong(a -> Math.abs(as.get(a).start().toEpochMilli() - gStart)));
            candidates.add(c);
        }
        for (int g = 0; g < gs.size(); g++) {
            augment(g, candidates, matchOfAlert, new boolean[as.size()]);
        }
        return matchOfAlert;
    }

    private static boolean augment(int g, List<List<Integer>> candidates, int[] matchOfAlert, boolean[] seen) {
        for (int a : candidates.get(g)) {
            if (seen[a]) continue;
            seen[a] = true;
            if (matchOfAlert[a] < 0 || augment(matchOfAlert[a], candidates, matchOfAlert, seen)) {
                matchOfAlert[a] = g;
                return true;
            }
        }
        return false;
    }

    private static String key(String patient, String type) {
        return patient + "\u0000" + type;
    }

    /**
     * Of the ground-truth episodes no alert matched, how many (per type) began while an alerted episode of the same
     * patient and type was open or within {@code coolDowns} of its end: the lifecycle held these back on purpose
     * (alert fatigue; the next alert counts them), so they were detected but had no alert of their own.
     */
    public static Map<String, Integer> heldBack(Report report, Collection<AlertMessage> messages,
                                                Map<String, Duration> coolDowns) {
        Map<String, Instant[]> spans = new HashMap<>(); // episode id -> {start, end or null}
        Map<String, AlertMessage> anyMessage = new HashMap<>();
        for (AlertMessage m : messages) {
            if (m.start() == null) continue;
            Instant[] span = spans.computeIfAbsent(m.episodeId(), id -> new Instant[] {m.start(), null});
            if (m.end() != null && (span[1] == null || m.end().isAfter(span[1]))) span[1] = m.end();
            anyMessage.putIfAbsent(m.episodeId(), m);
        }
        Map<String, Integer> out = new TreeMap<>();
        for (GroundTruthEpisode g : report.missed()) {
            Duration coolDown = coolDowns.getOrDefault(g.episodeType(), Duration.ZERO);
            boolean held = false;
            for (Map.Entry<String, Instant[]> e : spans.entrySet()) {
                AlertMessage m = anyMessage.get(e.getKey());
                if (!m.patient().equals(g.patientId()) || !m.episodeType().equals(g.episodeType())) continue;
                Instant start = e.getValue()[0];
                Instant until = e.getValue()[1] == null ? Instant.MAX : e.getValue()[1].plus(coolDown);
                if (!g.start().isBefore(start) && !g.start().isAfter(until)) {
                    held = true;
                    break;
                }
            }
            if (held) out.merge(g.episodeType(), 1, Integer::sum);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ output

    /** The accuracy table with the episodes held back by cool-downs (see {@link #heldBack}). */
    public static String markdown(Report r, Map<String, Integer> heldBack) {
        StringBuilder sb = new StringBuilder();
        sb.append("| episode type | ground-truth episodes | alerted episodes | found | recall | precision "
                + "| held back by cool-down | recall incl. held back |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        int allHeld = 0;
        for (TypeScore t : r.perType()) {
            int h = heldBack.getOrDefault(t.episodeType(), 0);
            allHeld += h;
            rowWithHeld(sb, t.episodeType(), t, h);
        }
        rowWithHeld(sb, "**all**", r.total(), allHeld);
        return sb.toString();
    }

    private static void rowWithHeld(StringBuilder sb, String name, TypeScore s, int held) {
        sb.append("| ").append(name).append(" | ").append(s.groundTruth()).append(" | ").append(s.alerted())
                .append(" | ").append(s.found()).append(" | ").append(fmt(s.recall())).append(" | ")
                .append(fmt(s.precision())).append(" | ").append(held).append(" | ")
                .append(fmt(s.groundTruth() == 0 ? null : (double) (s.found() + held) / s.groundTruth())).append(" |\n");
    }

    /** The per-type accuracy table for the README (recall/precision to 3 decimals, "n/a" without denominator). */
    public static String markdown(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("| episode type | ground-truth episodes | alerted episodes | found | recall | precision |\n");
        sb.append("|---|---:|---:|---:|---:|---:|\n");
        for (TypeScore s : r.perType()) row(sb, s.episodeType(), s);
        row(sb, "**all**", r.total());
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, TypeScore s) {
        sb.append("| ").append(name).append(" | ").append(s.groundTruth()).append(" | ").append(s.alerted())
                .append(" | ").append(s.found()).append(" | ").append(fmt(s.recall())).append(" | ")
                .append(fmt(s.precision())).append(" |\n");
    }

    private static String fmt(Double d) {
        return d == null ? "n/a" : String.format(Locale.ROOT, "%.3f", d);
    }
}
