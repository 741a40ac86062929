package org.wardstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wardstream.equity.EquityAggregator;
import org.wardstream.equity.EquitySettings;
import org.wardstream.equity.disclosure.Disclosure;
import org.wardstream.equity.io.AggregatesCsv;
import org.wardstream.equity.model.PatientDay;
import org.wardstream.equity.model.Strata;

/** {@code wardstream report} end to end through {@link Main#run}, like {@link CommandLineTest}. */
class ReportCommandTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedOut;
    PrintStream savedErr;

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    /**
     * 40 patients in two IMD quintiles over March; quintile 1 has data on half of its days. Every fourth patient has a
     * pacemaker recorded (10, all in quintile 1), the odd ones none recorded either way (20), the rest none.
     */
    Path aggregatesCsv() throws Exception {
        LocalDate mar = LocalDate.of(2026, 3, 1);
        List<PatientDay> days = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean deprived = i % 2 == 0;
            Strata s = new Strata(deprived ? "1" : "5", "IoD2019", "White", "65-74", "female", "QWE");
            for (int d = 0; d < 31; d++) {
                int data = deprived && d % 2 == 0 ? 300 : 1440;
                days.add(new PatientDay("vw", "pid-" + i, mar.plusDays(d), s, 1440, 1440, data,
                        PatientDay.isMonitored(1440, data, 0.7), Map.of(), 0, List.of(), 0, 0, d == 0, false)
                        .withPacemaker(i % 4 == 0 ? Boolean.TRUE : i % 2 == 1 ? null : Boolean.FALSE));
            }
        }
        Path csv = dir.resolve("aggregates.csv");
        AggregatesCsv.write(csv, Disclosure.publish(new EquityAggregator(EquitySettings.defaults())
                .aggregate("vw", "month", mar, mar.plusMonths(1), days, 0)));
        return csv;
    }

    @Test
    void writesTheReport() throws Exception {
        Path html = dir.resolve("out/equity-report.html");
        assertThat(Main.run("report", "--aggregates", aggregatesCsv().toString(), "--out", html.toString()))
                .as(err.toString(StandardCharsets.UTF_8)).isZero();
        String page = Files.readString(html);
        assertThat(page).contains("<svg class=\"chart\"").contains("Monitored days")
                .contains("Only the reference stratum (White) has patients in this window.")
                // quintile 1 is monitored on the 15 odd days of 31 (48.4 %), quintile 5 on all: ratio 0.48
                .contains("Patients in the most deprived quintile had 52 % fewer monitored days than those in the "
                        + "least deprived")
                .doesNotContain("pid-");
        // the pacemaker line, through the published CSV: how many of all enrolled, and how many not recorded
        assertThat(page).contains("Whole programme: 10 of 40 enrolled patients (25.0 %, 95 % interval ")
                .contains("for 20 of 40 the enrolment does not say whether they have a pacemaker")
                .contains("<td>Patients with a pacemaker recorded (AF not assessable from pulse timing)</td><td>25.0 %");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("wrote ");
    }

    @Test
    void helpAndErrors() throws Exception {
        assertThat(Main.run("report", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: wardstream report").contains("--aggregates");
        assertThat(Main.run("report", "--aggregates", dir.resolve("missing.csv").toString(), "--out",
                dir.resolve("x.html").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--aggregates: no readable file");
        assertThat(Main.run("report", "--out", "x.html")).isEqualTo(2);
    }

    /** Runs report and expects exit 2 with exactly one line on stderr containing {@code expected}, and no page. */
    void refused(List<String> args, String... expected) {
        err.reset();
        Path html = dir.resolve("refused.html");
        List<String> all = new ArrayList<>(List.of("report", "--out", html.toString()));
        all.addAll(args);
        assertThat(Main.run(all.toArray(String[]::new))).isEqualTo(2);
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e.lines().toList()).as(e).hasSize(1);
        assertThat(e).contains(expected).contains("(see: wardstream report --help)").doesNotContain("Usage:");
        assertThat(html).doesNotExist();
    }

    @Test
    void anEmptyResultIsAnErrorNeverAnEmptyPage() throws Exception {
        String csv = aggregatesCsv().toString();
        refused(List.of("--aggregates", csv, "--window", "2026-02-01"),
                "--window 2026-02-01: no month window starts on that day", "use one of 2026-03-01");
        refused(List.of("--aggregates", csv, "--granularity", "day"),
                "--granularity day: the file has no day rows; use --granularity month");
        refused(List.of("--aggregates", csv, "--granularity", "week"),
                "--granularity week: unknown granularity; use month or day");
        Path json = dir.resolve("summary.json");
        Files.writeString(json, "{\n  \"events_produced\": 5,\n  \"reconciled\": true\n}\n");
        refused(List.of("--aggregates", json.toString()), "--aggregates " + json + ": not a published aggregates CSV",
                "give the aggregates.csv");
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b\n1,2\n");
        refused(List.of("--aggregates", bad.toString()), "not a published aggregates CSV",
                "its header is not programme,window_start");
        Path headerOnly = dir.resolve("header-only.csv");
        Files.writeString(headerOnly, Files.readAllLines(Path.of(csv)).get(0) + "\n");
        refused(List.of("--aggregates", headerOnly.toString()), "the file has no rows");
        refused(List.of("--aggregates", dir.resolve("missing.csv").toString()), "--aggregates: no readable file");
        // the window that exists still works
        assertThat(Main.run("report", "--aggregates", csv, "--out", dir.resolve("march.html").toString(), "--window",
                "2026-03-01")).isZero();
    }
}
