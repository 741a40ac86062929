package org.wardstream.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.io.AggregatesCsv;
import org.wardstream.equity.report.EquityReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wardstream report}: the commissioner report (one self-contained HTML page) from a published aggregates CSV. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Renders the equity report for commissioners: one self-contained HTML page (no network, no "
                + "external files) with, per measure, the value by stratum and its 95 % interval as a chart, the "
                + "ratio to the reference stratum and a plain-English reading.",
                "Input: the published (disclosure-controlled) aggregates CSV, e.g. the demo's aggregates.csv. "
                        + "Definitions: docs/METRICS.md."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--aggregates", required = true, description = "Published aggregates CSV (aggregates.csv).")
    Path aggregates;

    @Option(names = "--out", required = true, description = "HTML file to write, e.g. equity-report.html.")
    Path out;

    @Option(names = "--granularity", description = "month or day (default: month if the file has monthly rows).")
    String granularity;

    @Option(names = "--window", description = "First day of the window to report, YYYY-MM-DD (default: the latest).")
    LocalDate window;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Args.readableFile(spec, "--aggregates", aggregates);
        if (granularity != null && !granularity.equals("month") && !granularity.equals("day")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--granularity must be month or day (was " + granularity + ")");
        }
        List<PublishedRow> rows = AggregatesCsv.read(aggregates);
        String html;
        if (granularity == null && window == null) {
            html = EquityReport.render(rows);
        } else {
            String g = granularity != null ? granularity
                    : rows.stream().anyMatch(r -> r.granularity().equals("month")) ? "month" : "day";
            LocalDate w = window != null ? window : rows.stream().filter(r -> r.granularity().equals(g))
                    .map(PublishedRow::windowStart).max(LocalDate::compareTo).orElse(null);
            html = EquityReport.render(rows, g, w);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, html, StandardCharsets.UTF_8);
        spec.commandLine().getOut().println("wrote " + out + " from " + rows.size() + " rows of " + aggregates);
        return 0;
    }
}
