package org.wardstream.equity.report;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.wardstream.equity.Measures;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.model.Dimension;

/**
 * The commissioner report: ONE self-contained HTML page (no scripts, no network, no external files) from published
 * rows. For each measure and dimension: the value by stratum with its 95 % interval as a bar chart, the ratio to
 * the reference stratum with its interval as a forest plot (log scale), a table, and a plain-English reading.
 * Charts are inline SVG drawn here: no charting library is needed for bars and whiskers, the page stays small,
 * prints well and renders without JavaScript.
 */
public final class EquityReport {
    /** Fill of a stratum's bar (tests look for this colour in a screenshot). */
    public static final String BAR_COLOUR = "#2b6cb0";
    /** Fill of the reference stratum's bar. */
    public static final String REFERENCE_COLOUR = "#718096";
    /** Background of the key findings box (tests look for it on the first screen). */
    public static final String FINDINGS_COLOUR = "#f0fff4";
    /** Colour of ratio points. */
    public static final String RATIO_COLOUR = "#c05621";

    private static final List<String> MEASURE_ORDER = List.of(Measures.MONITORED_DAYS,
            Measures.DATA_COMPLETENESS, Measures.CLINICAL_ALERTS, Measures.TECHNICAL_ALERTS,
            Measures.TRIAGE_ACK_WITHIN_TARGET, Measures.TIME_TO_ACK_MEDIAN_MS, Measures.NEEDED_ACTION,
            Measures.DISENROLMENT, Measures.PACEMAKER_RECORDED, Measures.PACEMAKER_NOT_RECORDED,
            Measures.ALERT_DELAY_MEDIAN_MS,
            Measures.ALERT_DELAY_P90_MS, Measures.ENROLLED_PATIENTS, Measures.PATIENT_DAYS);
    private static final List<String> DIMENSION_ORDER = List.of(Dimension.IMD_QUINTILE.code(),
            Dimension.ETHNIC_GROUP.code(), Dimension.AGE_BAND.code(), Dimension.SEX.code(), Dimension.ICB.code(),
            Dimension.IMD_QUINTILE_X_ETHNIC_GROUP.code());

    private static final int LABEL_W = 250;
    private static final int VALUE_W = 330;
    private static final int GAP = 50;
    private static final int RATIO_W = 230;
    private static final int ROW_H = 24;
    private static final int TOP = 26;
    private static final double RATIO_MIN = 0.25;
    private static final double RATIO_MAX = 4.0;

    private EquityReport() {
    }

    /** The report of the latest monthly window (daily if there is no monthly one) of every programme. */
    public static String render(List<PublishedRow> rows) {
        String granularity = rows.stream().anyMatch(r -> "month".equals(r.granularity())) ? "month" : "day";
        LocalDate latest = rows.stream().filter(r -> granularity.equals(r.granularity()))
                .map(PublishedRow::windowStart).max(Comparator.naturalOrder()).orElse(null);
        return render(rows, granularity, latest);
    }

    /**
     * The rows of each programme's window from its newest computation only: the highest generation, then the highest
     * revision ({@link PublishedRow#NEWEST_FIRST}; one row per key, the last given). The job re-emits a whole window
     * with the next revision when late data revise it, and a recomputation ({@code --bounded}) emits it again with
     * its generation and revisions from 0; a stratum that has no patients in the newer emission has no row in it, and
     * the store and the compacted topic keep the older rows of that stratum under their keys. Taking the highest
     * revision of each row reported them next to the newest (probe 18b D8); taking the window's highest revision
     * reported a stratum a recomputation had emptied, at the live job's higher revision (closing 20).
     */
    public static List<PublishedRow> newestComputation(List<PublishedRow> rows) {
        Map<String, PublishedRow> newest = new java.util.HashMap<>();
        for (PublishedRow r : rows) {
            newest.merge(windowOf(r), r, (a, b) -> PublishedRow.NEWEST_FIRST.compare(a, b) <= 0 ? a : b);
        }
        Map<String, PublishedRow> byKey = new LinkedHashMap<>();
        for (PublishedRow r : rows) {
            PublishedRow n = newest.get(windowOf(r));
            if (r.generation() == n.generation() && r.revision() == n.revision()) {
                byKey.put(r.key(), r);
            }
        }
        return new ArrayList<>(byKey.values());
    }

    private static String windowOf(PublishedRow r) {
        return r.programme() + "|" + r.granularity() + "|" + r.windowStart();
    }

    /** The report of one window, each programme's from its newest computation ({@link #newestComputation}). */
    public static String render(List<PublishedRow> all, String granularity, LocalDate windowStart) {
        List<PublishedRow> rows = newestComputation(all.stream()
                .filter(r -> r.granularity().equals(granularity) && r.windowStart().equals(windowStart)).toList());
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Remote monitoring equity report</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<main>\n<h1>Remote monitoring: who the service reaches</h1>\n");
        TreeSet<String> programmes = rows.stream().map(PublishedRow::programme)
                .collect(Collectors.toCollection(TreeSet::new));
        if (rows.isEmpty()) {
            h.append("<p class=\"empty\">No aggregates for this window.</p>\n");
            withoutRows(h, all, granularity, windowStart, programmes);
            h.append("</main>\n</body>\n</html>\n");
            return h.toString();
        }
        PublishedRow first = rows.get(0);
        int revision = rows.stream().mapToInt(PublishedRow::revision).max().orElse(0);
        long generation = rows.stream().mapToLong(PublishedRow::generation).max().orElse(0);
        String editions = rows.stream().map(PublishedRow::imdEdition).filter(Objects::nonNull)
                .filter(e -> !"unknown".equals(e)).flatMap(e -> List.of(e.split("\\+")).stream()).distinct()
                .sorted().collect(Collectors.joining(", "));
        h.append("<p class=\"meta\">Programme ").append(esc(String.join(", ", programmes)))
                .append(" &middot; ").append(esc(granularity)).append(" from ").append(first.windowStart())
                .append(" to ").append(first.windowEnd().minusDays(1)).append(generation > 0 ? " &middot; recomputed " + java.time.Instant.ofEpochMilli(generation)
                        .truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + " (corrected input)" : "")
                .append(" &middot; revision ").append(revision).append(" &middot; IMD edition ")
                .append(esc(editions.isEmpty() ? "unknown" : editions)).append("</p>\n");
        withoutRows(h, all, granularity, windowStart, programmes);
        boolean several = programmes.size() > 1;
        Set<String> usedSuffixes = new HashSet<>();
        for (String programme : programmes) {
            List<PublishedRow> prog = rows.stream().filter(r -> r.programme().equals(programme)).toList();
            String sfx = several ? uniqueSuffix(programme, usedSuffixes) : "";
            if (several) {
                h.append("<h2>Programme ").append(esc(programme)).append("</h2>\n");
            }
            keyFindings(h, prog, sfx);
            contents(h, prog, sfx);
            h.append("<details id=\"how-to-read").append(sfx).append("\"><summary><h2>How to read this report</h2>")
                    .append("</summary>\n").append(INTRO).append("</details>\n");
            overall(h, prog, sfx);
            ReportSections.inequality(h, prog, sfx);
            ReportSections.alertBurden(h, prog, sfx);
            ReportSections.triage(h, prog, sfx);
            ReportSections.funnels(h, prog, sfx);
            ReportSections.trends(h, all.stream().filter(r -> r.programme().equals(programme)
                    && "month".equals(r.granularity())).toList(), sfx);
            for (String measure : measures(prog)) {
                measureSection(h, prog, measure, sfx);
            }
            completeness(h, prog, sfx);
            ReportSections.sources(h, sfx);
        }
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    /**
     * The programmes of the file with no rows in this window, each with its latest window: a programme whose data
     * stopped (its feed broke, it lost its patients) is named at the top rather than left out of a page that would
     * then read as the whole service.
     */
    private static void withoutRows(StringBuilder h, List<PublishedRow> all, String granularity, LocalDate windowStart,
                                    Set<String> reported) {
        Map<String, LocalDate> latest = programmesWithoutRows(all, granularity, reported);
        if (latest.isEmpty()) {
            return;
        }
        h.append("<p class=\"reading\"><strong>Not in this report:</strong> ");
        List<String> parts = new ArrayList<>();
        latest.forEach((programme, last) -> parts.add("programme " + esc(programme) + " has no aggregates for this "
                + esc(granularity) + " (its latest " + esc(granularity) + " begins " + last + (last.isAfter(windowStart)
                ? ", after this one" : "") + ")"));
        h.append(String.join("; ", parts)).append(". Its monitoring may have stopped or its patients left: check "
                + "its feed, and read its own window with <code>--window</code>.</p>\n");
    }

    /** Programmes of the file (at this granularity) with no row among {@code reported}, each with its latest window. */
    public static Map<String, LocalDate> programmesWithoutRows(List<PublishedRow> all, String granularity,
                                                               Set<String> reported) {
        Map<String, LocalDate> latest = new java.util.TreeMap<>();
        for (PublishedRow r : all) {
            if (r.granularity().equals(granularity) && !reported.contains(r.programme())) {
                latest.merge(r.programme(), r.windowStart(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        return latest;
    }

    /** A group is compared in a key finding only with at least this many patients and this denominator. */
    public static final int MIN_PATIENTS = 30;
    public static final int MIN_DENOMINATOR = 30;
    /** At most this many key findings. */
    public static final int MAX_FINDINGS = 5;
    /** Measures a key finding may be about (data completeness is excluded: its interval treats minutes as
     *  independent and is too narrow for inference; monitored days carry the same signal per day). */
    static final List<String> FINDING_MEASURES = List.of(Measures.MONITORED_DAYS, Measures.TECHNICAL_ALERTS,
            Measures.CLINICAL_ALERTS, Measures.TRIAGE_ACK_WITHIN_TARGET, Measures.NEEDED_ACTION,
            Measures.DISENROLMENT);
    static final List<String> FINDING_DIMENSIONS = List.of(Dimension.IMD_QUINTILE.code(),
            Dimension.ETHNIC_GROUP.code(), Dimension.AGE_BAND.code(), Dimension.SEX.code(), Dimension.ICB.code());

    /** A key finding: the sentence (HTML) and the anchor of its detail. */
    record Finding(String html, double strength) {
    }

    /** Published patients of a stratum (the rounded count), or 0 when suppressed. */
    static long patients(List<PublishedRow> rows, String dim, String stratum) {
        return rows.stream().filter(r -> r.measure().equals(Measures.ENROLLED_PATIENTS)
                        && r.dimension().equals(dim) && r.stratum().equals(stratum))
                .map(PublishedRow::numeratorCount).filter(c -> c != null && c.matches("\\d+"))
                .mapToLong(Long::parseLong).findFirst().orElse(0);
    }

    static boolean meetsMinimum(List<PublishedRow> rows, PublishedRow r) {
        String d = r.denominatorCount();
        return d != null && d.matches("\\d+") && Long.parseLong(d) >= MIN_DENOMINATOR
                && patients(rows, r.dimension(), r.stratum()) >= MIN_PATIENTS;
    }

    /**
     * The IMD quintiles (1-5) with no enrolled patient in the window, when the rows hold the deprivation dimension and
     * at least one quintile has patients. The aggregator writes no row for a stratum without patients, so an absent
     * quintile is one nobody from is enrolled: for a commissioner a finding (whom the service misses), not a gap in
     * the data. A suppressed count (1 to 7) is not empty.
     */
    static List<String> emptyQuintiles(List<PublishedRow> rows) {
        String imd = Dimension.IMD_QUINTILE.code();
        Set<String> enrolled = new HashSet<>();
        rows.stream().filter(r -> r.measure().equals(Measures.ENROLLED_PATIENTS) && r.dimension().equals(imd)
                && !"0".equals(r.numeratorCount())).forEach(r -> enrolled.add(r.stratum()));
        List<String> empty = new ArrayList<>();
        for (int q = 1; q <= 5; q++) {
            if (!enrolled.contains(String.valueOf(q))) {
                empty.add(String.valueOf(q));
            }
        }
        return empty.size() == 5 ? List.of() : empty;
    }

    /** "IMD quintile 1 (most deprived, Core20) and IMD quintile 2" (plain text). */
    static String quintileList(List<String> quintiles) {
        List<String> labels = quintiles.stream().map(q -> stratumLabel(Dimension.IMD_QUINTILE.code(), q)).toList();
        return labels.size() == 1 ? labels.get(0)
                : String.join(", ", labels.subList(0, labels.size() - 1)) + " and " + labels.get(labels.size() - 1);
    }

    /** The sentence naming the quintiles without enrolled patients (plain text). */
    static String emptyQuintileSentence(List<String> quintiles) {
        return "No enrolled patients from " + quintileList(quintiles) + " in this window: the service reaches nobody "
                + (quintiles.size() == 1 ? "in that fifth" : "in those fifths") + " of areas by deprivation.";
    }

    /** The key findings of one programme's rows, strongest first (see {@link #keyFindings(StringBuilder, List, String)}). */
    static List<Finding> findings(List<PublishedRow> rows, String sfx) {
        List<Finding> out = new ArrayList<>();
        String unmonitored = unmonitoredSentence(rows);
        if (unmonitored != null) {
            // before any comparison: with no data at all there is no difference between groups to find
            out.add(new Finding("<strong>" + esc(unmonitored) + "</strong> <a href=\"#overall" + sfx
                    + "\">Detail</a>", Double.POSITIVE_INFINITY));
        }
        List<String> emptyQuintiles = emptyQuintiles(rows);
        if (!emptyQuintiles.isEmpty()) {
            // first of all: nobody from a quintile is the plainest inequality of access there is
            out.add(new Finding("<strong>" + esc(emptyQuintileSentence(emptyQuintiles)) + "</strong> <a href=\"#"
                    + Measures.ENROLLED_PATIENTS + "-" + Dimension.IMD_QUINTILE.code() + sfx + "\">Detail</a>",
                    Double.MAX_VALUE));
        }
        for (String m : FINDING_MEASURES) {
            for (String dim : FINDING_DIMENSIONS) {
                List<PublishedRow> strata = rows.stream().filter(r -> r.measure().equals(m)
                        && r.dimension().equals(dim)).toList();
                Optional<PublishedRow> ref = strata.stream().filter(r -> r.stratum().equals(r.referenceStratum()))
                        .findFirst();
                if (ref.isEmpty() || ref.get().value() == null || !meetsMinimum(rows, ref.get())) {
                    continue;
                }
                for (PublishedRow r : strata) {
                    if (r.stratum().equals(r.referenceStratum()) || r.stratum().contains(Strata_UNKNOWN)
                            || r.ratio() == null || r.ratioLower() == null || r.ratioUpper() == null
                            || r.value() == null || !meetsMinimum(rows, r)
                            || (r.ratioLower() <= 1 && r.ratioUpper() >= 1)) {
                        continue;
                    }
                    double nearest = r.ratioLower() > 1 ? r.ratioLower() : r.ratioUpper();
                    double ratio = r.ratio();
                    String change = ratio >= 1 ? pct(ratio - 1) + " more " + noun(m)
                            : pct(1 - ratio) + " " + (isCount(m) ? "fewer " : "less ") + noun(m);
                    String html = esc(who(dim, r.stratum())) + " had " + esc(change) + " than "
                            + esc(refLabel(dim, r.referenceStratum())) + ": <strong>" + esc(plainValue(r))
                            + "</strong> vs " + esc(plainValue(ref.get())) + " (ratio "
                            + String.format(Locale.UK, "%.2f", ratio) + ", 95&nbsp;% interval "
                            + String.format(Locale.UK, "%.2f to %.2f", r.ratioLower(), r.ratioUpper())
                            + "). <a href=\"#" + esc(m) + "-" + esc(dim) + sfx + "\">Detail</a>";
                    out.add(new Finding(html, Math.abs(Math.log(nearest)) + (dim.equals("imd_quintile") ? 1 : 0)));
                }
            }
        }
        for (ReportSections.Gradient g : ReportSections.gradients(rows)) {
            if (g.result().siiLower() > 0 || g.result().siiUpper() < 0) {
                out.add(new Finding(ReportSections.gradientSentence(g, sfx), 2 + Math.abs(g.result().sii())));
            }
        }
        out.sort(Comparator.comparingDouble(Finding::strength).reversed());
        return out.size() > MAX_FINDINGS ? out.subList(0, MAX_FINDINGS) : out;
    }

    private static final String Strata_UNKNOWN = "unknown";

    /**
     * "No patient was monitored ..." when the whole programme has active patient-days and not one of them was
     * monitored (published monitored days 0): the device data did not arrive (probe 19a D6); otherwise null.
     */
    static String unmonitoredSentence(List<PublishedRow> rows) {
        return rows.stream().filter(r -> r.dimension().equals("all") && r.measure().equals(Measures.MONITORED_DAYS)
                        && "0".equals(r.numeratorCount()) && !"0".equals(r.denominatorCount()))
                .findFirst().map(r -> "No patient was monitored in this window: none of the "
                        + (r.suppressed() ? "" : r.denominatorCount() + " ")
                        + "active patient-days had data for enough of the day. Check that the device data reached the "
                        + "service before reading any comparison below.").orElse(null);
    }

    private static void keyFindings(StringBuilder h, List<PublishedRow> rows, String sfx) {
        h.append("<section class=\"findings\" id=\"key-findings").append(sfx).append("\">\n<h2>Key findings</h2>\n");
        List<Finding> f = findings(rows, sfx);
        if (f.isEmpty()) {
            h.append("<p>No difference between groups is both large enough and certain enough to report in this "
                    + "window.</p>\n");
        } else {
            h.append("<ul>\n");
            for (Finding x : f) {
                h.append("<li>").append(x.html()).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("<p class=\"basis\">Only groups with at least ").append(MIN_PATIENTS).append(" patients and a ")
                .append("denominator of at least ").append(MIN_DENOMINATOR).append(" are compared here, and only ")
                .append("where the 95&nbsp;% interval excludes no difference. Counts are rounded (NHS disclosure ")
                .append("rule). <a href=\"#sources").append(sfx).append("\">Definitions and sources</a>.</p>\n")
                .append("</section>\n");
    }

    private static void contents(StringBuilder h, List<PublishedRow> rows, String sfx) {
        h.append("<nav class=\"contents\" id=\"contents").append(sfx).append("\" aria-label=\"Contents\">")
                .append("<h2>Contents</h2>\n<ol>\n");
        List<String[]> items = new ArrayList<>(List.of(new String[] {"how-to-read", "How to read this report"},
                new String[] {"overall", "Whole programme"},
                new String[] {"inequality", "Inequality across deprivation (slope and relative index)"},
                new String[] {"alert-burden", "Alert burden and clinician time"},
                new String[] {"triage", "Triage: time to acknowledge and alerts needing action"},
                new String[] {"funnels", "Integrated care boards compared with the whole (funnel plots)"},
                new String[] {"trends", "Trends by month"}));
        for (String m : measures(rows)) {
            items.add(new String[] {m, title(m)});
        }
        if (rows.stream().anyMatch(r -> r.measure().equals(Measures.STRATIFIER_COMPLETENESS))) {
            items.add(new String[] {"stratifier_completeness", "Completeness of the stratifiers"});
        }
        items.add(new String[] {"sources", "Definitions and sources"});
        for (String[] i : items) {
            h.append("<li><a href=\"#").append(esc(i[0])).append(sfx).append("\">").append(esc(i[1]))
                    .append("</a></li>\n");
        }
        h.append("</ol>\n</nav>\n");
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /**
     * The anchor suffix of a programme's sections: "-" and its slug, numbered when another programme's slug is the same
     * ("Heart Failure" and "heart-failure", or two names of letters outside a-z, which slug alike), so every
     * programme's links lead to its own sections.
     */
    static String uniqueSuffix(String programme, Set<String> used) {
        String base = "-" + slug(programme);
        String sfx = base;
        for (int n = 2; !used.add(sfx); n++) {
            sfx = base + "-" + n;
        }
        return sfx;
    }

    static List<String> measures(List<PublishedRow> rows) {
        TreeSet<String> present = rows.stream().map(PublishedRow::measure)
                .filter(m -> !Measures.STRATIFIER_COMPLETENESS.equals(m))
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> out = new ArrayList<>();
        for (String m : MEASURE_ORDER) {
            if (present.remove(m)) {
                out.add(m);
                if (Measures.CLINICAL_ALERTS.equals(m)) {
                    present.stream().filter(x -> x.startsWith(Measures.ALERTS_PREFIX)).forEach(out::add);
                }
                if (Measures.NEEDED_ACTION.equals(m)) {
                    present.stream().filter(x -> x.startsWith(Measures.NEEDED_ACTION_PREFIX)).forEach(out::add);
                }
            }
        }
        present.stream().filter(x -> !out.contains(x)).forEach(out::add);
        return out;
    }

    private static void overall(StringBuilder h, List<PublishedRow> rows, String sfx) {
        h.append("<details class=\"overall\" id=\"overall").append(sfx).append("\"><summary><h2>Whole programme")
                .append("</h2></summary>\n<table>\n<caption>Every measure for the whole programme</caption>\n")
                .append("<thead><tr><th>Measure</th>")
                .append("<th>Value</th><th>95 % interval</th><th>Numerator</th><th>Denominator</th></tr></thead>\n")
                .append("<tbody>\n");
        for (String m : measures(rows)) {
            rows.stream().filter(r -> r.measure().equals(m) && r.dimension().equals("all")).findFirst()
                    .ifPresent(r -> h.append("<tr><td>").append(esc(title(m))).append("</td><td>")
                            .append(valueText(r)).append("</td><td>").append(intervalText(r)).append("</td><td>")
                            .append(esc(r.numeratorCount())).append("</td><td>").append(esc(r.denominatorCount()))
                            .append("</td></tr>\n"));
        }
        h.append("</tbody></table></details>\n");
    }

    private static void measureSection(StringBuilder h, List<PublishedRow> rows, String measure, String sfx) {
        h.append("<details class=\"measure\" id=\"").append(esc(measure)).append(sfx).append("\">\n<summary><h2>")
                .append(esc(title(measure))).append("</h2></summary>\n<p class=\"definition\">")
                .append(esc(definition(measure))).append(" <a href=\"#sources").append(sfx)
                .append("\">Source and definition</a>.</p>\n");
        if (Measures.PACEMAKER_RECORDED.equals(measure)) {
            pacemakerSummary(rows).ifPresent(t -> h.append("<p class=\"reading\" id=\"pacemaker-summary").append(sfx)
                    .append("\">").append(esc(t)).append("</p>\n"));
        }
        for (String dim : DIMENSION_ORDER) {
            List<PublishedRow> strata = rows.stream()
                    .filter(r -> r.measure().equals(measure) && r.dimension().equals(dim))
                    .sorted(Comparator.comparing(r -> stratumSortKey(dim, r.stratum()))).toList();
            if (strata.isEmpty()) {
                continue;
            }
            h.append("<div class=\"dimension\" id=\"").append(esc(measure)).append('-').append(esc(dim)).append(sfx)
                    .append("\"><h3>By ").append(esc(dimensionTitle(dim))).append("</h3>\n");
            h.append("<p class=\"reading\">").append(esc(reading(measure, dim, strata))).append("</p>\n");
            List<String> empty = dim.equals(Dimension.IMD_QUINTILE.code()) ? emptyQuintiles(rows) : List.of();
            if (!empty.isEmpty()) {
                h.append("<p class=\"reading empty-quintiles\">").append(esc(emptyQuintileSentence(empty)))
                        .append(" Not in the chart and table below, which show the quintiles with patients.</p>\n");
            }
            chart(h, measure, dim, strata);
            table(h, strata);
            h.append("</div>\n");
        }
        h.append("</details>\n");
    }

    /**
     * The whole programme's pacemaker line in words, from the published rows (counts as published: rounded, or
     * "suppressed"): how many enrolled patients have a pacemaker recorded, what that means, and how many have none
     * recorded either way. Empty when the rows hold no pacemaker measure (aggregates from before it).
     */
    static Optional<String> pacemakerSummary(List<PublishedRow> rows) {
        Optional<PublishedRow> yes = rows.stream().filter(r -> r.measure().equals(Measures.PACEMAKER_RECORDED)
                && r.dimension().equals(Dimension.ALL.code())).findFirst();
        if (yes.isEmpty()) {
            return Optional.empty();
        }
        PublishedRow r = yes.get();
        StringBuilder s = new StringBuilder("Whole programme: ").append(countText(r.numeratorCount()))
                .append(" of ").append(countText(r.denominatorCount())).append(" enrolled patients");
        if (r.value() != null) {
            s.append(" (").append(plainValue(r));
            if (r.lower() != null && r.upper() != null) {
                s.append(String.format(Locale.UK, ", 95 %% interval %.1f-%.1f %%", 100 * r.lower(), 100 * r.upper()));
            }
            s.append(')');
        }
        s.append(" have a pacemaker recorded in their enrolment. The service reaches such patients, but pacing makes "
                + "the pulse regular, so their AF is not reliably assessable from pulse timing; their device clinic "
                + "(remote device monitoring) holds their atrial arrhythmia records.");
        rows.stream().filter(x -> x.measure().equals(Measures.PACEMAKER_NOT_RECORDED)
                        && x.dimension().equals(Dimension.ALL.code())).findFirst()
                .ifPresent(n -> s.append(" The share is of all enrolled patients: for ")
                        .append(countText(n.numeratorCount())).append(" of ").append(countText(n.denominatorCount()))
                        .append(" the enrolment does not say whether they have a pacemaker (not recorded, not counted "
                                + "as having none), so more may have one."));
        return Optional.of(s.toString());
    }

    /** A published count for reading: "suppressed" for {@code *}, "withheld" for {@code **}, else thousands separated. */
    private static String countText(String published) {
        if (Disclosure.SECONDARY_SUPPRESSED.equals(published)) {
            return "a withheld number (secondary suppression)";
        }
        if (published == null || !published.matches("\\d+")) {
            return "a suppressed number (1 to 7)";
        }
        return String.format(Locale.UK, "%,d", Long.parseLong(published));
    }

    private static void completeness(StringBuilder h, List<PublishedRow> rows, String sfx) {
        List<PublishedRow> c = rows.stream().filter(r -> r.measure().equals(Measures.STRATIFIER_COMPLETENESS))
                .sorted(Comparator.comparing(r -> DIMENSION_ORDER.indexOf(r.dimension()))).toList();
        if (c.isEmpty()) {
            return;
        }
        h.append("<details class=\"measure\" id=\"stratifier_completeness").append(sfx)
                .append("\"><summary><h2>Completeness of the stratifiers</h2></summary>\n")
                .append("<p class=\"definition\">").append(esc(definition(Measures.STRATIFIER_COMPLETENESS)))
                .append("</p>\n");
        chart(h, Measures.STRATIFIER_COMPLETENESS, "stratifier", c);
        h.append("<table><thead><tr><th>Stratifier</th><th>Known</th><th>95 % interval</th><th>Patients known</th>")
                .append("<th>Patients</th></tr></thead><tbody>\n");
        for (PublishedRow r : c) {
            h.append("<tr><td>").append(esc(dimensionTitle(r.dimension()))).append("</td><td>").append(valueText(r))
                    .append("</td><td>").append(intervalText(r)).append("</td><td>").append(esc(r.numeratorCount()))
                    .append("</td><td>").append(esc(r.denominatorCount())).append("</td></tr>\n");
        }
        h.append("</tbody></table></details>\n");
    }

    // ---- chart ------------------------------------------------------------------------------------------------

    static void chart(StringBuilder h, String measure, String dim, List<PublishedRow> rows) {
        boolean ratios = rows.stream().anyMatch(r -> r.referenceStratum() != null);
        boolean proportion = rows.stream().anyMatch(r -> Measures.isProportion(r.method()));
        double unitScale = isDelay(measure) ? 60_000.0 : 1.0;
        double max = proportion ? 1.0 : rows.stream()
                .flatMap(r -> java.util.stream.Stream.of(r.value(), r.upper())).filter(Objects::nonNull)
                .mapToDouble(d -> d / unitScale).max().orElse(1.0);
        if (!(max > 0)) {
            max = 1.0;
        }
        max = niceCeiling(max);
        int width = LABEL_W + VALUE_W + (ratios ? GAP + RATIO_W : 0) + 30;
        int height = TOP + rows.size() * ROW_H + 22;
        String scaleText = proportion ? "%, with 95 % interval" : isDelay(measure) ? "minutes"
                : Measures.isRate(rows.get(0).method()) || rows.stream().anyMatch(r -> r.lower() != null)
                ? unit(measure) + ", with 95 % interval" : unit(measure);
        h.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"").append(esc(title(measure))).append(" by ")
                .append(esc(dimensionTitle(dim))).append("\">\n");
        h.append("<text x=\"").append(LABEL_W).append("\" y=\"14\" class=\"axis-title\">")
                .append(esc(capitalise(scaleText))).append("</text>\n");
        if (ratios) {
            h.append("<text x=\"").append(LABEL_W + VALUE_W + GAP).append("\" y=\"14\" class=\"axis-title\">")
                    .append("Ratio to reference (log scale)</text>\n");
            h.append("<text x=\"").append(LABEL_W - 8).append("\" y=\"14\" class=\"axis-title\" text-anchor=\"end\">")
                    .append("Stratum</text>\n");
        }
        int x0 = LABEL_W;
        int bottom = TOP + rows.size() * ROW_H;
        // axis ticks
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            double x = x0 + VALUE_W * (double) t / 4;
            h.append("<line class=\"grid\" x1=\"").append(f(x)).append("\" y1=\"").append(TOP - 4).append("\" x2=\"")
                    .append(f(x)).append("\" y2=\"").append(bottom).append("\"/>\n");
            h.append("<text class=\"tick\" x=\"").append(f(x)).append("\" y=\"").append(bottom + 14)
                    .append("\" text-anchor=\"middle\">").append(esc(tick(v, proportion))).append("</text>\n");
        }
        double rx0 = LABEL_W + VALUE_W + GAP;
        if (ratios) {
            for (double t : new double[] {0.25, 0.5, 1, 2, 4}) {
                double x = rx0 + ratioX(t);
                h.append("<line class=\"").append(t == 1 ? "one" : "grid").append("\" x1=\"").append(f(x))
                        .append("\" y1=\"").append(TOP - 4).append("\" x2=\"").append(f(x)).append("\" y2=\"")
                        .append(bottom).append("\"/>\n");
                h.append("<text class=\"tick\" x=\"").append(f(x)).append("\" y=\"").append(bottom + 14)
                        .append("\" text-anchor=\"middle\">").append(t == 0.25 ? "0.25" : t == 0.5 ? "0.5"
                                : Integer.toString((int) t)).append("</text>\n");
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            PublishedRow r = rows.get(i);
            double y = TOP + i * ROW_H;
            boolean isRef = r.stratum().equals(r.referenceStratum());
            String label = "stratifier".equals(dim) ? dimensionTitle(r.dimension()) : stratumLabel(r.dimension(),
                    r.stratum()) + (isRef ? " (reference)" : "");
            h.append("<text class=\"label\" x=\"").append(LABEL_W - 8).append("\" y=\"").append(f(y + 16))
                    .append("\" text-anchor=\"end\">").append(esc(label)).append("</text>\n");
            if (r.value() == null) {
                h.append("<text class=\"suppressed\" x=\"").append(x0 + 4).append("\" y=\"").append(f(y + 16))
                        .append("\">").append(r.secondarySuppressed() ? "withheld (would reveal a suppressed group)"
                                : r.suppressed() ? "suppressed (small number)" : "not available")
                        .append("</text>\n");
                continue;
            }
            double scaled = r.value() / unitScale;
            double w = Math.max(1.0, VALUE_W * Math.min(1.0, scaled / max));
            h.append("<rect class=\"bar").append(isRef ? " reference" : "").append("\" x=\"").append(x0)
                    .append("\" y=\"").append(f(y + 5)).append("\" width=\"").append(f(w))
                    .append("\" height=\"").append(ROW_H - 10).append("\" fill=\"")
                    .append(isRef ? REFERENCE_COLOUR : BAR_COLOUR).append("\"><title>").append(esc(label))
                    .append(": ").append(esc(plainValue(r))).append("</title></rect>\n");
            if (r.lower() != null && r.upper() != null) {
                double xl = x0 + VALUE_W * Math.min(1.0, r.lower() / unitScale / max);
                double xu = x0 + VALUE_W * Math.min(1.0, r.upper() / unitScale / max);
                double ym = y + ROW_H / 2.0;
                h.append("<path class=\"ci\" d=\"M").append(f(xl)).append(' ').append(f(ym)).append("H")
                        .append(f(xu)).append("M").append(f(xl)).append(' ').append(f(ym - 5)).append("V")
                        .append(f(ym + 5)).append("M").append(f(xu)).append(' ').append(f(ym - 5)).append("V")
                        .append(f(ym + 5)).append("\"/>\n");
            }
            if (ratios && r.ratio() != null) {
                double ym = y + ROW_H / 2.0;
                if (r.ratioLower() != null && r.ratioUpper() != null) {
                    h.append("<path class=\"ci\" d=\"M").append(f(rx0 + ratioX(r.ratioLower()))).append(' ')
                            .append(f(ym)).append("H").append(f(rx0 + ratioX(r.ratioUpper()))).append("\"/>\n");
                }
                h.append("<circle class=\"ratio\" cx=\"").append(f(rx0 + ratioX(r.ratio()))).append("\" cy=\"")
                        .append(f(ym)).append("\" r=\"5\" fill=\"").append(RATIO_COLOUR).append("\"/>\n");
            } else if (ratios && r.referenceStratum() != null && !isRef) {
                h.append("<text class=\"suppressed\" x=\"").append(f(rx0 + 4)).append("\" y=\"").append(f(y + 16))
                        .append("\">no ratio (").append(switch (reference(r, rows)) {
                            case SUPPRESSED -> "reference too small to publish";
                            case ABSENT -> "no patients in the reference";
                            case PUBLISHED -> "numerator below 10";
                        }).append(")</text>\n");
            }
        }
        h.append("</svg>\n");
    }

    private static double ratioX(double ratio) {
        double c = Math.min(RATIO_MAX, Math.max(RATIO_MIN, ratio));
        return RATIO_W * (Math.log(c) - Math.log(RATIO_MIN)) / (Math.log(RATIO_MAX) - Math.log(RATIO_MIN));
    }

    private static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static void table(StringBuilder h, List<PublishedRow> rows) {
        h.append("<table><thead><tr><th>Stratum</th><th>Value</th><th>95 % interval</th><th>Numerator</th>")
                .append("<th>Denominator</th><th>Ratio to reference (95 % interval)</th></tr></thead><tbody>\n");
        for (PublishedRow r : rows) {
            boolean isRef = r.stratum().equals(r.referenceStratum());
            h.append("<tr").append(r.suppressed() ? " class=\"suppressed-row\"" : "").append("><td>")
                    .append(esc(stratumLabel(r.dimension(), r.stratum()))).append(isRef ? " (reference)" : "")
                    .append("</td><td>").append(valueText(r)).append("</td><td>").append(intervalText(r))
                    .append("</td><td>").append(esc(r.numeratorCount())).append("</td><td>")
                    .append(esc(r.denominatorCount())).append("</td><td>").append(ratioText(r, rows)).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    // ---- words ------------------------------------------------------------------------------------------------

    /** What a commissioner can do when the reference group cannot be compared against. */
    static final String REFERENCE_ADVICE = "To compare the groups, read a window in which the reference has more "
            + "patients, or ask whoever runs the equity job to make a larger group the reference of this dimension "
            + "(its settings; the reference_stratum column says which one was used).";

    /** The state of a row's reference stratum among the rows of its measure and dimension. */
    enum Reference { PUBLISHED, SUPPRESSED, ABSENT }

    /**
     * Whether the reference row of {@code r} is published, suppressed (a stratum of 1 to 7 people, or its own counts
     * of 1 to 7: no ratio is published against it) or absent (no patients in the window): tells why a stratum has no
     * ratio, which "numerator below 10" explains only in the first case (probe 18b D6).
     */
    static Reference reference(PublishedRow r, List<PublishedRow> strata) {
        Optional<PublishedRow> ref = strata.stream().filter(x -> x.stratum().equals(r.referenceStratum())).findFirst();
        if (ref.isEmpty()) {
            return Reference.ABSENT;
        }
        return ref.get().suppressed() ? Reference.SUPPRESSED : Reference.PUBLISHED;
    }

    /** The plain-English reading of one measure on one dimension. */
    static String reading(String measure, String dim, List<PublishedRow> strata) {
        if (strata.stream().allMatch(r -> r.value() == null)) {
            return "All strata are suppressed or unavailable for this measure in this window.";
        }
        Optional<PublishedRow> refRow = strata.stream().filter(r -> r.stratum().equals(r.referenceStratum()))
                .findFirst();
        List<PublishedRow> compared = strata.stream().filter(r -> r.ratio() != null
                && !r.stratum().equals(r.referenceStratum())).toList();
        if (strata.stream().noneMatch(r -> r.referenceStratum() != null)) {
            PublishedRow top = strata.stream().filter(r -> r.value() != null)
                    .max(Comparator.comparing(PublishedRow::value)).orElseThrow();
            if (isDelay(measure)) {
                return "Longest delay: " + stratumLabel(dim, top.stratum()) + " (" + plainValue(top) + ").";
            }
            return "Largest stratum: " + stratumLabel(dim, top.stratum()) + " (" + plainValue(top)
                    + (top.denominatorCount() != null ? " of " + top.denominatorCount() : "") + ").";
        }
        if (strata.stream().allMatch(r -> r.stratum().equals(r.referenceStratum()))) {
            return "Only the reference stratum (" + stratumLabel(dim, strata.get(0).referenceStratum())
                    + ") has patients in this window.";
        }
        if (compared.isEmpty()) {
            String ref = stratumLabel(dim, strata.get(0).referenceStratum());
            return switch (reference(strata.get(0), strata)) {
                case SUPPRESSED -> "No group can be compared with the reference (" + ref + ") in this window: the "
                        + "reference group is too small to compare against (fewer than 8 patients, or a count of 1 to "
                        + "7, so its figures are suppressed), however many patients the other groups have. Their "
                        + "values and 95 % intervals are still shown. " + REFERENCE_ADVICE;
                case ABSENT -> "No group can be compared with the reference (" + ref + "): it has no patients in "
                        + "this window. The other groups' values and 95 % intervals are still shown. "
                        + REFERENCE_ADVICE;
                case PUBLISHED -> "No stratum can be compared with the reference (" + ref
                        + ") in this window: ratios are shown only where both numerators are at least 10.";
            };
        }
        PublishedRow pick;
        if (dim.equals(Dimension.IMD_QUINTILE.code())
                && compared.stream().anyMatch(r -> r.stratum().equals("1"))) {
            pick = compared.stream().filter(r -> r.stratum().equals("1")).findFirst().orElseThrow();
        } else {
            pick = compared.stream().max(Comparator.comparingDouble(r -> Math.abs(Math.log(r.ratio()))))
                    .orElseThrow();
        }
        double ratio = pick.ratio();
        String who = who(dim, pick.stratum());
        String ref = refLabel(dim, pick.referenceStratum());
        String change = ratio >= 1
                ? pct(ratio - 1) + " more " + noun(measure)
                : pct(1 - ratio) + " " + (isCount(measure) ? "fewer " : "less ") + noun(measure);
        boolean same = Math.abs(ratio - 1) < 0.005;
        StringBuilder s = new StringBuilder();
        s.append(who).append(" had ").append(same ? "about the same " + noun(measure) + " as" : change + " than")
                .append(' ').append(ref).append(" (ratio ")
                .append(String.format(Locale.UK, "%.2f", ratio));
        if (pick.ratioLower() != null && pick.ratioUpper() != null) {
            s.append(", 95 % CI ").append(String.format(Locale.UK, "%.2f", pick.ratioLower())).append('-')
                    .append(String.format(Locale.UK, "%.2f", pick.ratioUpper())).append(')');
            if (same) {
                s.append("; the difference is under 1 %.");
            } else if (pick.ratioLower() <= 1 && pick.ratioUpper() >= 1) {
                s.append("; the interval includes 1, so the difference may be due to chance.");
            } else {
                s.append("; the interval excludes 1.");
            }
        } else {
            s.append(").");
        }
        if (refRow.isPresent() && refRow.get().value() != null && pick.value() != null) {
            s.append(' ').append(capitalise(stratumLabel(dim, pick.stratum()))).append(": ").append(plainValue(pick))
                    .append("; ").append(stratumLabel(dim, refRow.get().stratum())).append(": ")
                    .append(plainValue(refRow.get())).append('.');
        }
        return s.toString();
    }

    static boolean isCount(String measure) {
        return measure.equals(Measures.MONITORED_DAYS) || measure.equals(Measures.CLINICAL_ALERTS)
                || measure.equals(Measures.NEEDED_ACTION) || measure.equals(Measures.PACEMAKER_RECORDED)
                || measure.equals(Measures.TECHNICAL_ALERTS) || measure.startsWith(Measures.ALERTS_PREFIX);
    }

    static String who(String dim, String stratum) {
        boolean unknown = "unknown".equals(stratum);
        return switch (dim) {
            case "imd_quintile" -> "1".equals(stratum) ? "Patients in the most deprived quintile"
                    : unknown ? "Patients with no recorded deprivation quintile"
                    : "Patients in deprivation quintile " + stratum;
            case "ethnic_group" -> "not-stated".equals(stratum) ? "Patients who did not state their ethnicity"
                    : unknown ? "Patients whose ethnicity is not known"
                    : "Patients in the ethnic group " + stratum;
            case "age_band" -> unknown ? "Patients whose age band is not known" : "Patients aged " + stratum;
            case "sex" -> unknown ? "Patients whose sex is not known"
                    : "indeterminate".equals(stratum) ? "Patients of indeterminate sex"
                    : stratumLabel(dim, stratum) + " patients";
            case "icb" -> unknown ? "Patients with no recorded ICB" : "Patients in ICB " + stratum;
            default -> "Patients in " + stratumLabel(dim, stratum);
        };
    }

    static String refLabel(String dim, String stratum) {
        return switch (dim) {
            case "imd_quintile" -> "5".equals(stratum) ? "those in the least deprived quintile"
                    : "those in IMD quintile " + stratum;
            case "ethnic_group" -> "those in the ethnic group " + stratum;
            case "age_band" -> "those aged " + stratum;
            case "sex" -> stratumLabel(dim, stratum).toLowerCase(Locale.UK) + " patients";
            case "icb" -> "those in ICB " + stratum;
            default -> "those in " + stratumLabel(dim, stratum);
        };
    }

    static String stratumLabel(String dim, String stratum) {
        if (dim.equals(Dimension.IMD_QUINTILE.code())) {
            return switch (stratum) {
                case "1" -> "IMD quintile 1 (most deprived, Core20)";
                case "5" -> "IMD quintile 5 (least deprived)";
                case "unknown" -> "IMD quintile not known";
                default -> "IMD quintile " + stratum;
            };
        }
        if (dim.equals(Dimension.AGE_BAND.code())) {
            return "unknown".equals(stratum) ? "Age not known" : "Age " + stratum;
        }
        if (dim.equals(Dimension.ICB.code())) {
            return "unknown".equals(stratum) ? "ICB not known" : "ICB " + stratum;
        }
        if (dim.equals(Dimension.IMD_QUINTILE_X_ETHNIC_GROUP.code())) {
            String[] p = stratum.split(" x ", 2);
            return p.length == 2 ? "quintile " + p[0] + ", " + p[1] : stratum;
        }
        if (dim.equals(Dimension.ETHNIC_GROUP.code())) {
            return switch (stratum) {
                case "not-stated" -> "Not stated";
                case "unknown" -> "Not known";
                default -> stratum;
            };
        }
        if (dim.equals(Dimension.SEX.code())) {
            return switch (stratum) { // NHS Data Dictionary PERSON STATED GENDER CODE
                case "male" -> "Male";
                case "female" -> "Female";
                case "indeterminate" -> "Indeterminate";
                case "unknown" -> "Not known";
                default -> stratum;
            };
        }
        return stratum;
    }

    private static String stratumSortKey(String dim, String stratum) {
        boolean unknown = stratum.contains("unknown") || stratum.contains("not-stated");
        return (unknown ? "~" : " ") + stratum;
    }

    static String title(String measure) {
        return switch (measure) {
            case Measures.ENROLLED_PATIENTS -> "Enrolled patients";
            case Measures.PATIENT_DAYS -> "Patient-days";
            case Measures.MONITORED_DAYS -> "Monitored days";
            case Measures.DATA_COMPLETENESS -> "Data completeness";
            case Measures.CLINICAL_ALERTS -> "Clinical alerts per 1,000 enrolled days";
            case Measures.TECHNICAL_ALERTS -> "Device-offline alerts per 1,000 enrolled days";
            case Measures.ALERT_DELAY_MEDIAN_MS -> "Event-to-platform delay, median";
            case Measures.ALERT_DELAY_P90_MS -> "Event-to-platform delay, 90th percentile";
            case Measures.TRIAGE_ACK_WITHIN_TARGET -> "Clinical alerts acknowledged within target";
            case Measures.TIME_TO_ACK_MEDIAN_MS -> "Time to acknowledge a clinical alert, median";
            case Measures.NEEDED_ACTION -> "Clinical alerts that needed action";
            case Measures.DISENROLMENT -> "Disenrolment";
            case Measures.STRATIFIER_COMPLETENESS -> "Stratifier completeness";
            case Measures.PACEMAKER_RECORDED -> "Patients with a pacemaker recorded (AF not assessable from pulse "
                    + "timing)";
            case Measures.PACEMAKER_NOT_RECORDED -> "Patients whose pacemaker is not recorded either way";
            default -> measure.startsWith(Measures.ALERTS_PREFIX)
                    ? capitalise(measure.substring(Measures.ALERTS_PREFIX.length()).replace('-', ' '))
                    + " alerts per 1,000 enrolled days"
                    : measure.startsWith(Measures.NEEDED_ACTION_PREFIX)
                    ? capitalise(measure.substring(Measures.NEEDED_ACTION_PREFIX.length()).replace('-', ' '))
                    + " alerts that needed action" : measure;
        };
    }

    static String noun(String measure) {
        return switch (measure) {
            case Measures.MONITORED_DAYS -> "monitored days";
            case Measures.DATA_COMPLETENESS -> "complete data";
            case Measures.CLINICAL_ALERTS -> "clinical alerts per enrolled day";
            case Measures.TECHNICAL_ALERTS -> "technical alerts (device offline, beat-to-beat data offline) per enrolled day";
            case Measures.TRIAGE_ACK_WITHIN_TARGET -> "clinical alerts acknowledged within target";
            case Measures.NEEDED_ACTION -> "clinical alerts that needed action";
            case Measures.DISENROLMENT -> "disenrolment";
            case Measures.PACEMAKER_RECORDED -> "pacemakers recorded";
            case Measures.PACEMAKER_NOT_RECORDED -> "unrecorded pacemaker status";
            default -> measure.startsWith(Measures.ALERTS_PREFIX)
                    ? measure.substring(Measures.ALERTS_PREFIX.length()).replace('-', ' ')
                    + " alerts per enrolled day" : title(measure).toLowerCase(Locale.UK);
        };
    }

    static String definition(String measure) {
        return switch (measure) {
            case Measures.ENROLLED_PATIENTS -> "Distinct patients with at least one enrolled day in the window. "
                    + "Denominator: all patients of the programme in the window.";
            case Measures.PATIENT_DAYS -> "Enrolled patient-days in the window (any status). Denominator: all "
                    + "patient-days of the programme.";
            case Measures.MONITORED_DAYS -> "Share of active patient-days on which device data covered at least the "
                    + "coverage threshold of the active time (Wilson interval).";
            case Measures.DATA_COMPLETENESS -> "Minutes with at least one valid reading as a share of active "
                    + "minutes (Wilson interval on minutes; minutes of one patient are not independent, so the "
                    + "interval is too narrow).";
            case Measures.CLINICAL_ALERTS -> "Clinical episodes opened (all types except the technical ones: device-offline, beat-to-beat-offline) per 1,000 "
                    + "active (enrolled) patient-days, whether or not the day was monitored (exact Poisson interval "
                    + "below 10 alerts, Byar's from 10). Worse monitoring shows as fewer alerts here, never as more: "
                    + "read it beside monitored days.";
            case Measures.TECHNICAL_ALERTS -> "Technical episodes opened (device-offline; beat-to-beat-offline: rhythm monitoring stopped) per 1,000 active patient-days "
                    + "(exact Poisson below 10, Byar's from 10).";
            case Measures.ALERT_DELAY_MEDIAN_MS, Measures.ALERT_DELAY_P90_MS -> "Event-to-platform delay: time from "
                    + "the device recording the reading that opened an episode to the platform receiving it (device "
                    + "buffering and connectivity); shown only when at least 8 alerts contribute.";
            case Measures.TIME_TO_ACK_MEDIAN_MS -> "Median time from an alert being raised to the triage team's first "
                    + "action on it (clinical alerts only: technical alerts are not in it); shown only when at least 8 "
                    + "alerts contribute.";
            case Measures.NEEDED_ACTION -> "Clinical alerts the triage team closed with action (patient contacted or "
                    + "escalated to a clinician) as a share of clinical alerts closed: a positive-predictive-value "
                    + "proxy (Wilson interval).";
            case Measures.TRIAGE_ACK_WITHIN_TARGET -> "Clinical alerts acknowledged by the triage team within the "
                    + "response target of their priority (the worklist's: by default urgent 1 hour, routine 4 hours; "
                    + "the highest priority the alert reached by its acknowledgement, so an alert escalated before "
                    + "anyone acknowledged it counts at the higher one), as a share of clinical alerts raised (Wilson "
                    + "interval). Device-offline alerts are in neither count.";
            case Measures.DISENROLMENT -> "Patients discharged or withdrawn in the window as a share of enrolled "
                    + "patients (Wilson interval).";
            case Measures.STRATIFIER_COMPLETENESS -> "Share of patients whose stratifier is recorded with a usable "
                    + "value (for ethnicity: a group, not 'not stated' or 'not known').";
            case Measures.PACEMAKER_RECORDED -> "Enrolled patients whose enrolment records a pacemaker (a device that "
                    + "can pace the heart: pacemaker, CRT or pacing ICD; as last recorded in the window), as a share of all enrolled patients in the "
                    + "group, whether their enrolment says yes, no or nothing (Wilson interval). The service reaches "
                    + "them, but pacing makes the pulse regular, so their AF is not reliably assessable from pulse "
                    + "timing (their AF alerts say so); their device clinic's remote device monitoring holds their "
                    + "atrial arrhythmia records. A pacemaker not recorded is counted as not recorded, never as none.";
            case Measures.PACEMAKER_NOT_RECORDED -> "Enrolled patients whose enrolment does not say whether they have "
                    + "a pacemaker, as a share of all enrolled patients in the group (Wilson interval): up to this "
                    + "many more may have one.";
            default -> measure.startsWith(Measures.ALERTS_PREFIX) ? "Episodes of this type opened per 1,000 "
                    + "active (enrolled) patient-days (exact Poisson below 10, Byar's from 10)."
                    : measure.startsWith(Measures.NEEDED_ACTION_PREFIX) ? "Alerts of this type closed with action as "
                    + "a share of those closed (Wilson interval)." : "";
        };
    }

    static String dimensionTitle(String dim) {
        return switch (dim) {
            case "imd_quintile" -> "deprivation (IMD quintile)";
            case "ethnic_group" -> "ethnic group";
            case "age_band" -> "age band";
            case "sex" -> "sex";
            case "icb" -> "integrated care board";
            case "imd_quintile_x_ethnic_group" -> "deprivation and ethnic group";
            default -> dim;
        };
    }

    static boolean isDelay(String measure) {
        return measure.equals(Measures.ALERT_DELAY_MEDIAN_MS) || measure.equals(Measures.ALERT_DELAY_P90_MS)
                || measure.equals(Measures.TIME_TO_ACK_MEDIAN_MS);
    }

    private static String unit(String measure) {
        if (isDelay(measure)) {
            return "minutes";
        }
        if (measure.equals(Measures.ENROLLED_PATIENTS)) {
            return "patients";
        }
        if (measure.equals(Measures.PATIENT_DAYS)) {
            return "days";
        }
        return "per 1,000 days";
    }

    static String plainValue(PublishedRow r) {
        if (r.value() == null) {
            return r.secondarySuppressed() ? "withheld (secondary suppression)"
                    : r.suppressed() ? "suppressed" : "not available";
        }
        if (Measures.isProportion(r.method())) {
            return String.format(Locale.UK, "%.1f %%", 100 * r.value());
        }
        if (Measures.isRate(r.method())) {
            return String.format(Locale.UK, "%.1f per 1,000 days", r.value());
        }
        if ("median".equals(r.method()) || "p90".equals(r.method())) {
            return duration(r.value());
        }
        return String.format(Locale.UK, "%,.0f", r.value());
    }

    static String valueText(PublishedRow r) {
        if (r.value() == null) {
            return r.secondarySuppressed() ? "<span class=\"supp\">withheld (secondary suppression)</span>"
                    : r.suppressed() ? "<span class=\"supp\">suppressed</span>" : "&ndash;";
        }
        return esc(plainValue(r));
    }

    static String intervalText(PublishedRow r) {
        if (r.lower() == null || r.upper() == null) {
            return "&ndash;";
        }
        if (Measures.isProportion(r.method())) {
            return String.format(Locale.UK, "%.1f&ndash;%.1f %%", 100 * r.lower(), 100 * r.upper());
        }
        return String.format(Locale.UK, "%.1f&ndash;%.1f", r.lower(), r.upper());
    }

    private static String ratioText(PublishedRow r, List<PublishedRow> rows) {
        if (r.referenceStratum() == null) {
            return "&ndash;";
        }
        if (r.stratum().equals(r.referenceStratum())) {
            return "reference";
        }
        if (r.ratio() == null) {
            return switch (reference(r, rows)) {
                case SUPPRESSED -> "not shown (reference suppressed)";
                case ABSENT -> "not shown (no reference)";
                case PUBLISHED -> "not shown";
            };
        }
        String s = String.format(Locale.UK, "%.2f", r.ratio());
        if (r.ratioLower() != null && r.ratioUpper() != null) {
            s += String.format(Locale.UK, " (%.2f&ndash;%.2f)", r.ratioLower(), r.ratioUpper());
        }
        return s;
    }

    private static String tick(double v, boolean proportion) {
        if (proportion) {
            return String.format(Locale.UK, "%.0f%%", v * 100);
        }
        if (v == 0) {
            return "0";
        }
        return v >= 100 ? String.format(Locale.UK, "%,.0f", v)
                : new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** A duration in milliseconds for reading: under an hour in minutes, else hours (one decimal). */
    static String duration(double ms) {
        double min = ms / 60_000;
        if (min < 1) {
            return "under 1 min";
        }
        if (min < 60) {
            return String.format(Locale.UK, "%.0f min", min);
        }
        return String.format(Locale.UK, "%.1f h", min / 60);
    }

    static String pct(double fraction) {
        return String.format(Locale.UK, "%.0f %%", fraction * 100);
    }

    static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String f(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String INTRO = """
            <section class="intro">
            <p>Each chart shows a measure by stratum: the bar is the value, the black whisker its 95 % confidence
            interval, the grey bar the reference stratum, and the orange dot on the right the ratio to the reference
            with its interval (log scale; 1 = no difference). Counts follow the NHS Digital disclosure rule
            (0 stays 0, 1&ndash;7 shown as <span class="supp">suppressed</span>, others rounded to the nearest 5),
            and a stratum of fewer than 8 people shows nothing but <span class="supp">suppressed</span>; values and
            intervals are computed from the rounded counts, and ratios are shown only where both numerators are at
            least 10. A suppressed cell is not a zero. A stratum shown as <span class="supp">withheld (secondary
            suppression)</span> is not small itself: it is hidden so that a suppressed stratum cannot be worked out by
            subtracting the others from the total. Definitions and methods: docs/METRICS.md.</p>
            </section>
            """;

    /** The report style sheet (shared by the what-if report). */
    public static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a202c;margin:0;background:#fff}
            main{max-width:1000px;margin:0 auto;padding:16px 24px}
            h1{font-size:1.6rem;margin:.4em 0}h2{font-size:1.25rem;margin-top:1.6em;border-bottom:1px solid #cbd5e0}
            h3{font-size:1rem;margin:1em 0 .3em}.meta{color:#4a5568}.definition{color:#4a5568;font-size:.9rem}
            .reading{background:#ebf8ff;border-left:4px solid #2b6cb0;padding:6px 10px}
            table{border-collapse:collapse;font-size:.85rem;margin:.4em 0 1em}th,td{border:1px solid #e2e8f0;padding:3px 8px;text-align:left}
            th{background:#f7fafc}.supp{color:#4a5568;font-style:italic}.suppressed-row td{color:#4a5568}
            svg.chart{display:block;max-width:100%;height:auto}
            svg .label,svg .tick,svg .axis-title,svg .suppressed{font-size:12px;fill:#1a202c}
            svg .axis-title{font-weight:600}svg .suppressed{fill:#4a5568;font-style:italic}
            svg .grid{stroke:#e2e8f0;stroke-width:1}svg .one{stroke:#1a202c;stroke-width:1;stroke-dasharray:3 3}
            svg .ci{stroke:#1a202c;stroke-width:1.5;fill:none}
            details>summary{cursor:pointer;list-style-position:outside}details>summary h2{display:inline;border:0}
            details{border-bottom:1px solid #cbd5e0;padding:.2em 0}
            .findings{background:#f0fff4;border:1px solid #9ae6b4;padding:4px 14px;margin:.6em 0}
            .findings h2{margin-top:.3em;border:0}.findings li{margin:.35em 0}.basis{font-size:.85rem;color:#4a5568}
            nav.contents ol{columns:2;font-size:.9rem;margin:.2em 0}nav.contents h2{font-size:1.1rem}
            svg .limit{stroke:#4a5568;stroke-width:1.2;fill:none;stroke-dasharray:5 3}svg .limit.outer{stroke-dasharray:2 2}
            caption{text-align:left;font-weight:600;padding:2px 0}
            @media print{.reading{break-inside:avoid}svg{break-inside:avoid}details::details-content{content-visibility:visible;display:block}details>summary{list-style:none}}
            """;
}
