package org.wardstream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.io.AggregatesCsv;
import org.wardstream.equity.report.EquityReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wardstream report}: the commissioner report (one self-contained HTML page) from a published aggregates CSV. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Renders the equity report for commissioners: one self-contained HTML page (no network, no "
                + "external files) with, per measure, the value by stratum and its 95%% confidence interval as a chart, "
                + "the ratio to the reference stratum and a plain-English reading.",
                "Input: the published (disclosure-controlled) aggregates CSV, e.g. the demo's aggregates.csv. "
                        + "Definitions: docs/METRICS.md."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--aggregates", required = true, description = "Published aggregates CSV (aggregates.csv).")
    Path aggregates;

    @Option(names = "--out", required = true, description = "HTML file to write, e.g. equity-report.html.")
    Path out;

    @Option(names = "--granularity", description = "month or day (default: month if the file has monthly rows; the published aggregates "
            + "have monthly rows only).")
    String granularity;

    @Option(names = "--window", description = "First day of the window to report, YYYY-MM-DD, e.g. 2026-03-01 for March 2026 (default: "
            + "the latest window in the file).")
    LocalDate window;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Args.readableFile(spec, "--aggregates", aggregates);
        if (granularity != null && !granularity.equals("month") && !granularity.equals("day")) {
            throw Args.error(spec, "--granularity", granularity, "unknown granularity; use month or day");
        }
        List<PublishedRow> rows;
        try {
            rows = AggregatesCsv.read(aggregates);
        } catch (IOException | RuntimeException e) {
            String why = String.valueOf(e.getMessage()).contains("missing columns")
                    ? "its header is not programme,window_start,window_end,granularity,..." : firstLine(e);
            throw Args.error(spec, "--aggregates", aggregates, "not a published aggregates CSV (" + why
                    + "); give the aggregates.csv the demo or the equity job wrote");
        }
        if (rows.isEmpty()) {
            throw Args.error(spec, "--aggregates", aggregates, "the file has no rows; give an aggregates CSV with "
                    + "at least one window (e.g. out/demo/aggregates.csv after ./wardstream demo)");
        }
        Set<String> granularities = rows.stream().map(PublishedRow::granularity).collect(Collectors.toSet());
        String g = granularity != null ? granularity : granularities.contains("month") ? "month" : "day";
        if (!granularities.contains(g)) {
            throw Args.error(spec, "--granularity", g, "the file has no " + g + " rows; use --granularity "
                    + String.join(" or ", new TreeSet<>(granularities)));
        }
        SortedSet<LocalDate> windows = rows.stream().filter(r -> r.granularity().equals(g))
                .map(PublishedRow::windowStart).collect(Collectors.toCollection(TreeSet::new));
        LocalDate w = window != null ? window : windows.last();
        if (!windows.contains(w)) {
            throw Args.error(spec, "--window", w, "no " + g + " window starts on that day in " + aggregates
                    + "; use one of " + shortList(windows) + " (or leave --window out for the latest)");
        }
        String html = EquityReport.render(rows, g, w);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, html, StandardCharsets.UTF_8);
        spec.commandLine().getOut().println("wrote " + out + " (" + g + " window " + w + ") from " + rows.size()
                + " rows of " + aggregates);
        Set<String> reported = rows.stream().filter(r -> r.granularity().equals(g) && r.windowStart().equals(w))
                .map(PublishedRow::programme).collect(Collectors.toSet());
        EquityReport.programmesWithoutRows(rows, g, reported).forEach((programme, last) -> spec.commandLine().getErr()
                .println("note: programme " + programme + " has no rows for this window (its latest " + g
                        + " begins " + last + "); the report names it at the top"));
        return 0;
    }

    private static String shortList(SortedSet<LocalDate> windows) {
        List<String> all = windows.stream().map(LocalDate::toString).toList();
        return all.size() <= 6 ? String.join(", ", all)
                : String.join(", ", all.subList(0, 3)) + ", ..., " + String.join(", ", all.subList(all.size() - 2,
                        all.size()));
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        String first = nl < 0 ? m : m.substring(0, nl);
        return first.length() <= 160 ? first : first.substring(0, 157) + "...";
    }
}
