package org.wardstream.equity.report;

import org.wardstream.contract.ClinicianTime;

import static org.wardstream.equity.report.EquityReport.esc;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.wardstream.equity.Measures;
import org.wardstream.equity.disclosure.PublishedRow;
import org.wardstream.equity.model.Dimension;
import org.wardstream.equity.stats.Funnel;
import org.wardstream.equity.stats.Inequality;

/**
 * The report's summary sections: inequality indices across deprivation, alert burden, triage outcomes, funnel
 * plots of ICBs, monthly trends and the sources of every measure. Everything is computed from the published
 * (disclosure-controlled) rows, so nothing here can reveal more than the published cells.
 */
final class ReportSections {
    /** Minutes of clinician time planned per alert for the alert-burden estimate (the what-if's default too). */
    static final double MINUTES_PER_ALERT = ClinicianTime.MINUTES_PER_ALERT;
    /** Seed of the SII simulation (fixed: the same rows always give the same limits). */
    static final long SII_SEED = 20_040_388L;
    /** Measures with an inequality index across IMD quintiles. */
    static final List<String> GRADIENT_MEASURES = List.of(Measures.ENROLLED_PATIENTS, Measures.MONITORED_DAYS,
            Measures.CLINICAL_ALERTS, Measures.TECHNICAL_ALERTS, Measures.TRIAGE_ACK_WITHIN_TARGET,
            Measures.NEEDED_ACTION);
    private static final String IMD = Dimension.IMD_QUINTILE.code();

    private static final String INEQUALITY_DEFINITION = """
            Slope index of inequality (SII): the modelled difference between the least and the most deprived ends \
            of the population, from a population-weighted line through the five IMD quintiles (positive: higher in \
            the least deprived). Relative index of inequality (RII): the ratio of the two ends. Computed as OHID \
            Fingertips does (PHEindicatormethods phe_sii), with 95&nbsp;%% limits by simulation (100,000 draws). \
            Shown only when every quintile is published and has at least %d patients and a denominator of at \
            least %d.""";
    private static final String TRIAGE_DEFINITION = """
            From the triage team's recorded actions and coded outcomes, for clinical alerts only (technical \
            alerts, device-offline and beat-to-beat-offline, are in none of these measures). Time to acknowledge: alert raised to the first triage action, \
            against the response target of the alert's priority, the worklist's own (by default immediate \
            15 minutes, as soon as possible 30 minutes, urgent 1 hour, routine 4 hours; alert-rules/response-targets.yaml as agreed locally). The priority is the highest the alert reached \
            by that first action: an alert escalated (a routine alert becoming urgent) before anyone acknowledged \
            it counts at the higher priority, as the worklist showed it, timed from when it was first raised. \
            Needed action: \
            closed with action (patient contacted or escalated) as a share of alerts closed, a \
            positive-predictive-value proxy: a low share means many alerts a clinician judged not to need action. \
            By group: see the sections on each measure.""";

    private ReportSections() {
    }

    /** One measure's SII/RII across the five IMD quintiles. */
    record Gradient(String measure, Inequality.Result result, boolean proportion) {
    }

    /** The SII/RII of each measure whose five quintiles are all published and meet the minimum. */
    static List<Gradient> gradients(List<PublishedRow> rows) {
        List<Gradient> out = new ArrayList<>();
        for (String m : GRADIENT_MEASURES) {
            if (m.equals(Measures.ENROLLED_PATIENTS)) {
                continue; // reach is a count, shown in the table below, not an indicator value
            }
            List<PublishedRow> q = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                String st = Integer.toString(i);
                rows.stream().filter(r -> r.measure().equals(m) && r.dimension().equals(IMD)
                        && r.stratum().equals(st)).findFirst().ifPresent(q::add);
            }
            if (q.size() != 5 || q.stream().anyMatch(r -> r.value() == null || r.lower() == null
                    || r.upper() == null || !EquityReport.meetsMinimum(rows, r))) {
                continue;
            }
            boolean proportion = Measures.isProportion(q.get(0).method());
            Inequality.ValueType type = proportion ? Inequality.ValueType.PROPORTION : Inequality.ValueType.RATE;
            double[] pop = new double[5];
            double[] val = new double[5];
            double[] se = new double[5];
            boolean ok = true;
            for (int i = 0; i < 5; i++) {
                PublishedRow r = q.get(i);
                double lo = r.lower();
                double hi = r.upper();
                boolean inside = proportion ? r.value() > 0 && r.value() < 1 && lo > 0 && hi < 1
                        : r.value() > 0 && lo > 0;
                if (!inside) {
                    ok = false;
                    break;
                }
                pop[i] = Double.parseDouble(r.denominatorCount());
                val[i] = r.value();
                se[i] = Inequality.seFromLimits(lo, hi, type);
            }
            if (ok) {
                out.add(new Gradient(m, Inequality.sii(pop, val, se, type, 0.95, Inequality.REPETITIONS, SII_SEED),
                        proportion));
            }
        }
        return out;
    }

    static String siiText(Gradient g, double v) {
        return g.proportion() ? String.format(Locale.UK, "%+.1f percentage points", 100 * v)
                : String.format(Locale.UK, "%+.1f per 1,000 days", v);
    }

    static String gradientSentence(Gradient g, String sfx) {
        Inequality.Result r = g.result();
        String direction = r.sii() > 0 ? "higher" : "lower";
        return esc(EquityReport.title(g.measure())) + " across the five IMD quintiles: " + direction + " in the least "
                + "than in the most deprived areas, slope index of inequality <strong>"
                + esc(siiText(g, r.sii())) + "</strong> (95&nbsp;% interval " + esc(siiText(g, r.siiLower()))
                + " to " + esc(siiText(g, r.siiUpper())) + "). <a href=\"#inequality" + sfx + "\">Detail</a>";
    }

    static void inequality(StringBuilder h, List<PublishedRow> rows, String sfx) {
        open(h, "inequality", sfx, "Inequality across deprivation", INEQUALITY_DEFINITION.formatted(
                EquityReport.MIN_PATIENTS, EquityReport.MIN_DENOMINATOR));
        List<Gradient> gs = gradients(rows);
        if (gs.isEmpty()) {
            List<String> empty = EquityReport.emptyQuintiles(rows);
            h.append("<p>No measure has every quintile large enough for an index in this window")
                    .append(empty.isEmpty() ? "." : ": " + esc(EquityReport.emptyQuintileSentence(empty)))
                    .append("</p>\n");
        } else {
            h.append("<table><caption>Slope and relative index of inequality by measure</caption><thead><tr>")
                    .append("<th>Measure</th><th>SII</th><th>95 % interval</th><th>RII</th><th>95 % interval</th>")
                    .append("</tr></thead><tbody>\n");
            for (Gradient g : gs) {
                Inequality.Result r = g.result();
                h.append("<tr><td>").append(esc(EquityReport.title(g.measure()))).append("</td><td>")
                        .append(esc(siiText(g, r.sii()))).append("</td><td>").append(esc(siiText(g, r.siiLower())))
                        .append(" to ").append(esc(siiText(g, r.siiUpper()))).append("</td><td>")
                        .append(r.rii() == null ? "&ndash;" : String.format(Locale.UK, "%.2f", r.rii()))
                        .append("</td><td>").append(r.riiLower() == null ? "&ndash;"
                                : String.format(Locale.UK, "%.2f to %.2f", r.riiLower(), r.riiUpper()))
                        .append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("</details>\n");
    }

    /** Opens a collapsed detail section with its heading and its definition (trusted HTML). */
    private static void open(StringBuilder h, String id, String sfx, String title, String definitionHtml) {
        h.append("<details id=\"").append(id).append(sfx).append("\"><summary><h2>").append(esc(title))
                .append("</h2></summary>\n<p class=\"definition\">").append(definitionHtml).append("</p>\n");
    }

    private static Optional<PublishedRow> all(List<PublishedRow> rows, String measure) {
        return rows.stream().filter(r -> r.measure().equals(measure) && r.dimension().equals("all")).findFirst();
    }

    private static Long count(String published) {
        return published != null && published.matches("\\d+") ? Long.valueOf(published) : null;
    }

    /** The minutes-per-alert figure's basis, as the what-if report states it too. */
    static String minutesBasis() {
        return "The " + ClinicianTime.text(MINUTES_PER_ALERT) + " minutes are " + esc(ClinicianTime.BASIS)
                + " (the what-if's workload estimate uses the same figure).";
    }

    static void alertBurden(StringBuilder h, List<PublishedRow> rows, String sfx) {
        h.append("<details id=\"alert-burden").append(sfx).append("\"><summary><h2>Alert burden and clinician time")
                .append("</h2></summary>\n<p class=\"definition\">Alerts per 1,000 enrolled (active) patient-days ")
                .append("by type, and the clinician hours a week ")
                .append("they would need for the current caseload at ").append(ClinicianTime.text(MINUTES_PER_ALERT))
                .append(" minutes per alert: rate &times; enrolled patients &times; 7 ")
                .append("&times; minutes / 60, so that each row's hours match its alerts. ")
                .append("For service planning; rounded. ").append(minutesBasis())
                .append("</p>\n");
        Long patients = all(rows, Measures.ENROLLED_PATIENTS).map(r -> count(r.numeratorCount())).orElse(null);
        // every alert rate is per enrolled (active) day (clinical ones since probe 19a D8; until then per monitored
        // day, multiplied here by the monitored share so that the hours matched the alerts)
        List<PublishedRow> types = rows.stream().filter(r -> r.dimension().equals("all")
                && (r.measure().startsWith(Measures.ALERTS_PREFIX) || r.measure().equals(Measures.TECHNICAL_ALERTS)))
                .sorted(Comparator.comparing(PublishedRow::measure)).toList();
        h.append("<table><caption>Alerts per 1,000 patient-days and clinician hours per week</caption><thead><tr>")
                .append("<th>Alert type</th><th>Per 1,000 days</th><th>95 % interval</th><th>Alerts</th>")
                .append("<th>Clinician hours per week</th></tr></thead><tbody>\n");
        double total = 0;
        int withheld = 0;
        for (PublishedRow r : types) {
            String name = r.measure().equals(Measures.TECHNICAL_ALERTS) ? "Device offline"
                    : EquityReport.capitalise(r.measure().substring(Measures.ALERTS_PREFIX.length()).replace('-', ' '));
            Double hours = r.value() == null || patients == null ? null
                    : r.value() / 1000 * patients * 7 * MINUTES_PER_ALERT / 60;
            if (hours != null) {
                total += hours;
            } else {
                withheld++;
            }
            h.append("<tr><td>").append(esc(name)).append("</td><td>").append(EquityReport.valueText(r)
                            .replace(" per 1,000 days", "")).append("</td><td>").append(EquityReport.intervalText(r))
                    .append("</td><td>").append(esc(r.numeratorCount())).append("</td><td>")
                    .append(hours == null ? "&ndash;" : String.format(Locale.UK, "%.1f", hours)).append("</td></tr>\n");
        }
        // a type whose hours are not shown (its count withheld for small numbers) is not 0: the total is then a lower
        // bound, and with no type shown there is no total at all
        String totalText = withheld == 0 ? String.format(Locale.UK, "%.1f", total)
                : withheld == types.size() ? "&ndash;" : String.format(Locale.UK, "at least %.1f", total);
        h.append("<tr><th>All types</th><td></td><td></td><td></td><th>").append(totalText).append("</th></tr>\n")
                .append("</tbody></table>\n");
        if (withheld > 0) {
            h.append("<p class=\"definition\">").append(withheld).append(withheld == 1 ? " alert type's" : " alert types'")
                    .append(" hours are not shown (counts withheld to protect small numbers): the total ")
                    .append(withheld == types.size() ? "is not shown either" : "leaves them out").append(".</p>\n");
        }
        h.append("</details>\n");
    }

    static void triage(StringBuilder h, List<PublishedRow> rows, String sfx) {
        open(h, "triage", sfx, "Triage: time to acknowledge and alerts needing action", TRIAGE_DEFINITION);
        h.append("<table><caption>Triage outcomes, whole programme</caption><thead><tr><th>Measure</th>")
                .append("<th>Value</th><th>95 % interval</th><th>Numerator</th><th>Denominator</th></tr></thead>")
                .append("<tbody>\n");
        List<String> ms = new ArrayList<>(List.of(Measures.TRIAGE_ACK_WITHIN_TARGET, Measures.TIME_TO_ACK_MEDIAN_MS,
                Measures.NEEDED_ACTION));
        rows.stream().map(PublishedRow::measure).filter(m -> m.startsWith(Measures.NEEDED_ACTION_PREFIX)).distinct()
                .sorted().forEach(ms::add);
        for (String m : ms) {
            all(rows, m).ifPresent(r -> h.append("<tr><td>").append(esc(EquityReport.title(m))).append("</td><td>")
                    .append(EquityReport.valueText(r)).append("</td><td>").append(EquityReport.intervalText(r))
                    .append("</td><td>").append(esc(r.numeratorCount())).append("</td><td>")
                    .append(esc(r.denominatorCount())).append("</td></tr>\n"));
        }
        h.append("</tbody></table>\n");
        List<PublishedRow> byImd = rows.stream().filter(r -> r.measure().equals(Measures.NEEDED_ACTION)
                && r.dimension().equals(IMD)).sorted(Comparator.comparing(PublishedRow::stratum)).toList();
        if (!byImd.isEmpty()) {
            h.append("<h3>Clinical alerts that needed action, by deprivation</h3>\n");
            EquityReport.chart(h, Measures.NEEDED_ACTION, IMD, byImd);
            h.append("<p>Table and ratios: <a href=\"#").append(Measures.NEEDED_ACTION).append('-').append(IMD)
                    .append(sfx).append("\">Clinical alerts that needed action by deprivation</a>.</p>\n");
        }
        h.append("</details>\n");
    }

    static void funnels(StringBuilder h, List<PublishedRow> rows, String sfx) {
        h.append("<details id=\"funnels").append(sfx).append("\"><summary><h2>Integrated care boards compared with ")
                .append("the whole</h2></summary>\n<p class=\"definition\">Funnel plots: each ICB's value against its ")
                .append("size, with 95&nbsp;% and 99.8&nbsp;% control limits around the whole programme's value ")
                .append("(Wilson-based limits for proportions, exact Poisson for rates, as OHID Fingertips draws them). ")
                .append("An ICB outside the 99.8&nbsp;% limits differs by more than chance would explain.</p>\n");
        for (String m : List.of(Measures.MONITORED_DAYS, Measures.TECHNICAL_ALERTS)) {
            Optional<PublishedRow> whole = all(rows, m);
            List<PublishedRow> icbs = rows.stream().filter(r -> r.measure().equals(m)
                    && r.dimension().equals(Dimension.ICB.code()) && !r.stratum().equals("unknown")
                    && r.value() != null && count(r.numeratorCount()) != null && count(r.denominatorCount()) != null
                    && count(r.denominatorCount()) > 0).toList();
            if (whole.isEmpty() || whole.get().value() == null || icbs.isEmpty() || !(whole.get().value() > 0)) {
                continue;
            }
            funnel(h, m, whole.get().value(), icbs);
        }
        h.append("</details>\n");
    }

    private static void funnel(StringBuilder h, String m, double average, List<PublishedRow> icbs) {
        boolean proportion = Measures.isProportion(icbs.get(0).method());
        double scale = proportion ? 1 : Measures.RATE_MULTIPLIER; // rates are published per 1,000 days
        double avg = average / scale;
        double maxN = icbs.stream().mapToDouble(r -> count(r.denominatorCount())).max().orElse(1) * 1.1;
        double maxY = proportion ? 1 : Math.max(avg * 3, icbs.stream().mapToDouble(PublishedRow::value).max()
                .orElse(1) / scale * 1.2);
        int w = 640;
        int ht = 300;
        int left = 60;
        int bottom = 260;
        int right = w - 20;
        int top = 20;
        StringBuilder desc = new StringBuilder();
        for (PublishedRow r : icbs) {
            desc.append(EquityReport.stratumLabel(r.dimension(), r.stratum())).append(' ')
                    .append(EquityReport.plainValue(r)).append(" of ").append(r.denominatorCount()).append("; ");
        }
        String label = "Funnel plot of " + EquityReport.title(m) + " by integrated care board against the whole "
                + "programme (" + (proportion ? String.format(Locale.UK, "%.1f %%", 100 * average)
                : String.format(Locale.UK, "%.1f per 1,000 days", average)) + "); points: " + desc;
        h.append("<h3>").append(esc(EquityReport.title(m))).append("</h3>\n");
        h.append("<svg class=\"chart funnel\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w)
                .append("\" height=\"").append(ht).append("\" viewBox=\"0 0 ").append(w).append(' ').append(ht)
                .append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\">\n<desc>")
                .append(esc(desc.toString())).append("</desc>\n");
        // limits as curves over the denominator
        for (double conf : new double[] {Funnel.INNER, Funnel.OUTER}) {
            for (boolean upper : new boolean[] {false, true}) {
                StringBuilder path = new StringBuilder();
                for (int i = 1; i <= 60; i++) {
                    double n = maxN * Math.pow(i / 60.0, 2);
                    double y;
                    if (proportion) {
                        y = Funnel.proportionLimit(Math.max(1, n), avg, conf, upper);
                    } else {
                        y = rateLimitAt(n, avg, conf, upper);
                    }
                    double px = left + (right - left) * n / maxN;
                    double py = bottom - (bottom - top) * Math.min(1, Math.max(0, y / maxY));
                    path.append(path.length() == 0 ? "M" : "L").append(EquityReport.f(px)).append(' ')
                            .append(EquityReport.f(py));
                }
                h.append("<path class=\"limit").append(conf == Funnel.OUTER ? " outer" : "").append("\" d=\"")
                        .append(path).append("\"/>\n");
            }
        }
        double ay = bottom - (bottom - top) * Math.min(1, avg / maxY);
        h.append("<line class=\"one\" x1=\"").append(left).append("\" x2=\"").append(right).append("\" y1=\"")
                .append(EquityReport.f(ay)).append("\" y2=\"").append(EquityReport.f(ay)).append("\"/>\n");
        h.append("<line class=\"grid\" x1=\"").append(left).append("\" x2=\"").append(right).append("\" y1=\"")
                .append(bottom).append("\" y2=\"").append(bottom).append("\"/>\n");
        h.append("<text class=\"tick\" x=\"").append(left).append("\" y=\"").append(bottom + 16).append("\">0</text>")
                .append("<text class=\"tick\" x=\"").append(right).append("\" y=\"").append(bottom + 16)
                .append("\" text-anchor=\"end\">").append(String.format(Locale.UK, "%,.0f", maxN))
                .append(proportion ? " days" : " patient-days").append("</text>\n");
        for (PublishedRow r : icbs) {
            double n = count(r.denominatorCount());
            double px = left + (right - left) * n / maxN;
            double py = bottom - (bottom - top) * Math.min(1, r.value() / scale / maxY);
            h.append("<circle class=\"ratio\" cx=\"").append(EquityReport.f(px)).append("\" cy=\"")
                    .append(EquityReport.f(py)).append("\" r=\"5\" fill=\"").append(EquityReport.RATIO_COLOUR)
                    .append("\"><title>").append(esc(EquityReport.stratumLabel(r.dimension(), r.stratum())))
                    .append("</title></circle>\n");
        }
        h.append("</svg>\n<table><caption>").append(esc(EquityReport.title(m))).append(" by ICB against the funnel")
                .append("</caption><thead><tr><th>ICB</th><th>Value</th><th>Denominator</th><th>Position</th></tr>")
                .append("</thead><tbody>\n");
        for (PublishedRow r : icbs) {
            long num = count(r.numeratorCount());
            double n = count(r.denominatorCount());
            Funnel.Position pos = proportion ? Funnel.proportionPosition(num, n, avg)
                    : Funnel.ratePosition(num, n, avg);
            h.append("<tr><td>").append(esc(EquityReport.stratumLabel(r.dimension(), r.stratum()))).append("</td><td>")
                    .append(EquityReport.valueText(r)).append("</td><td>").append(esc(r.denominatorCount()))
                    .append("</td><td>").append(position(pos)).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    /** The rate limit at denominator n: by bisection on the events at which n lies on the limit. */
    private static double rateLimitAt(double n, double avg, double conf, boolean upper) {
        if (!(n > 0)) {
            return upper ? Double.MAX_VALUE : 0;
        }
        long lo = 0;
        long hi = Math.max(10, Math.round(avg * n * 4 + 20));
        // the smallest e whose limit denominator reaches n
        while (lo < hi) {
            long mid = (lo + hi) / 2;
            if (Funnel.rateLimitDenominator(mid, avg, conf, upper) >= n) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo / n;
    }

    private static String position(Funnel.Position p) {
        return switch (p) {
            case BELOW_OUTER -> "below the 99.8 % limit";
            case BELOW_INNER -> "below the 95 % limit";
            case WITHIN -> "within the limits";
            case ABOVE_INNER -> "above the 95 % limit";
            case ABOVE_OUTER -> "above the 99.8 % limit";
        };
    }

    static final List<String> TREND_MEASURES = List.of(Measures.ENROLLED_PATIENTS, Measures.MONITORED_DAYS,
            Measures.DATA_COMPLETENESS, Measures.CLINICAL_ALERTS, Measures.TECHNICAL_ALERTS,
            Measures.TRIAGE_ACK_WITHIN_TARGET, Measures.TIME_TO_ACK_MEDIAN_MS, Measures.NEEDED_ACTION,
            Measures.DISENROLMENT);

    static void trends(StringBuilder h, List<PublishedRow> monthly, String sfx) {
        TreeSet<LocalDate> months = new TreeSet<>();
        Map<String, Map<LocalDate, PublishedRow>> by = new TreeMap<>();
        for (PublishedRow r : EquityReport.newestComputation(monthly.stream()
                .filter(r -> r.dimension().equals("all")).toList())) {
            months.add(r.windowStart());
            by.computeIfAbsent(r.measure(), k -> new TreeMap<>()).put(r.windowStart(), r);
        }
        h.append("<details id=\"trends").append(sfx).append("\"><summary><h2>Trends by month</h2></summary>\n")
                .append("<p class=\"definition\">Each headline measure for the whole programme, by calendar month ")
                .append("over the enrolment history (the newest computation of each month).</p>\n");
        if (months.isEmpty()) {
            h.append("<p>No monthly windows yet.</p>\n</details>\n");
            return;
        }
        // every calendar month from the first to the last: a month without aggregates is a column of its own, marked,
        // never left out so that the months either side read as neighbours (probe 19a D4)
        Set<LocalDate> present = new TreeSet<>(months);
        for (LocalDate m = months.first(); m.isBefore(months.last()); m = m.plusMonths(1)) {
            months.add(m);
        }
        List<LocalDate> missing = months.stream().filter(m -> !present.contains(m)).toList();
        if (!missing.isEmpty()) {
            h.append("<p class=\"reading\"><strong>No aggregates for ")
                    .append(esc(missing.stream().map(ReportSections::monthLabel)
                            .collect(java.util.stream.Collectors.joining(", "))))
                    .append("</strong> (marked &ldquo;no aggregates&rdquo; below): the months either side are not "
                            + "consecutive. The equity job published nothing for ").append(missing.size() == 1
                            ? "that month" : "those months").append(" (no enrolled patient, or the job did not run "
                            + "for it).</p>\n");
        }
        h.append("<table><caption>Headline measures by month</caption><thead><tr><th>Measure</th>");
        for (LocalDate m : months) {
            h.append("<th>").append(monthLabel(m)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (String m : TREND_MEASURES) {
            Map<LocalDate, PublishedRow> row = by.get(m);
            if (row == null) {
                continue;
            }
            h.append("<tr><td>").append(esc(EquityReport.title(m))).append("</td>");
            for (LocalDate mo : months) {
                PublishedRow r = row.get(mo);
                h.append("<td>").append(!present.contains(mo) ? "no aggregates"
                        : r == null ? "&ndash;" : EquityReport.valueText(r)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n</details>\n");
    }

    private static String monthLabel(LocalDate m) {
        return m.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, Locale.UK) + " " + m.getYear();
    }

    static void sources(StringBuilder h, String sfx) {
        h.append("<details id=\"sources").append(sfx).append("\"><summary><h2>Definitions and sources</h2></summary>\n")
                .append("<p>Every measure is defined once in <code>docs/METRICS.md</code>; this report, ")
                .append("<code>aggregates.csv</code> and the PostgreSQL table <code>equity_aggregates</code> carry ")
                .append("the same rows. Sources: device readings (topic <code>device-events</code>) for monitored ")
                .append("days and data completeness; enrolments (<code>enrolments</code>) for patients, strata and ")
                .append("disenrolment; alerts (<code>episodes</code>) for alert rates and the event-to-platform ")
                .append("delay; the triage team's actions and coded outcomes (<code>triage-events</code>) for time ")
                .append("to acknowledge, acknowledgement within target and alerts needing action. Intervals: Wilson ")
                .append("(proportions), exact Poisson or Byar's (rates), MOVER-R Wilson (ratios of proportions), ")
                .append("exact conditional (rate ratios), simulation (SII/RII, as PHEindicatormethods).</p>\n")
                .append("</details>\n");
    }
}
