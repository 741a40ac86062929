package org.wardstream.whatif;

import org.wardstream.contract.ClinicianTime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.wardstream.equity.report.EquityReport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes a what-if's JSON and a self-contained HTML page rendered from the same JSON (the equity report's style;
 * every chart has a text alternative and its numbers in a table). Hazards (actionable alerts the candidate would
 * have missed) come first and are listed one by one.
 */
public final class WhatIfReport {
    public static final String JSON_FILE = "whatif.json";
    public static final String HTML_FILE = "whatif.html";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String CURRENT_COLOUR = EquityReport.REFERENCE_COLOUR;
    private static final String CANDIDATE_COLOUR = EquityReport.BAR_COLOUR;

    private WhatIfReport() {
    }

    public static void write(Path dir, Map<String, Object> json) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve(JSON_FILE).toFile(), json);
        Files.writeString(dir.resolve(HTML_FILE), html(json), StandardCharsets.UTF_8);
    }

    /** One line for the terminal. */
    public static String summaryLine(Map<String, Object> j) {
        Map<String, Object> o = map(j, "outcomes");
        Map<String, Object> e = map(j, "episodes");
        return String.format(Locale.ROOT, "  MISSED actionable: %s; avoided not needed: %s; episodes gained %s, "
                        + "lost %s; alerts %s -> %s", o.get("missed_actionable"), o.get("avoided_not_needed"),
                e.get("gained"), e.get("lost"), map(map(j, "alerts"), "current").get("total"),
                map(map(j, "alerts"), "candidate").get("total")) + (hazardsUnassessed(j)
                ? "\n  HAZARDS NOT ASSESSED: the candidate loses alerts and not one current alert has a clinician "
                        + "outcome (check --outcomes or the triage-events topic)" : "")
                + (laterActionable(j) > 0 ? "\n  LATER OR LOWER actionable: " + laterActionable(j) + " (see the hazards)"
                        : "");
    }

    /** The candidate loses alerts and no current alert has an outcome: "no missed actionable alert" is vacuous. */
    static boolean hazardsUnassessed(Map<String, Object> j) {
        Map<String, Object> o = map(j, "outcomes");
        return ((Number) o.get("missed_actionable")).longValue() == 0
                && ((Number) map(j, "episodes").get("lost")).longValue() > 0
                && ((Number) o.get("current_alerts_with_outcome")).longValue() == 0;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String k) {
        return (Map<String, Object>) m.get(k);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String k) {
        return (List<Map<String, Object>>) m.get(k);
    }

    static String esc(Object o) {
        return EquityReport.esc(o == null ? "" : String.valueOf(o));
    }

    /** The minutes per alert as printed ("15", not "15.0"). */
    private static String minutes(Map<String, Object> j) {
        return j.get("minutes_per_alert") instanceof Number n ? ClinicianTime.text(n.doubleValue())
                : String.valueOf(j.get("minutes_per_alert"));
    }

    public static String html(Map<String, Object> j) {
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>What-if: candidate alert rules on recorded history</title>\n<style>\n")
                .append(EquityReport.CSS)
                .append(".hazard{background:#fff5f5;border-left:4px solid #c53030;padding:6px 10px}\n")
                .append(".ok{background:#f0fff4;border-left:4px solid #2f855a;padding:6px 10px}\n")
                .append("</style>\n</head>\n<body>\n<main>\n")
                .append("<h1>What-if: candidate alert rules on recorded history</h1>\n");
        Map<String, Object> w = map(j, "window");
        h.append("<p class=\"meta\">History ").append(esc(w.get("from") == null ? "(start)" : w.get("from")))
                .append(" to ").append(esc(w.get("to") == null ? "(end)" : w.get("to")))
                .append(" (").append(esc(w.get("calendar_days"))).append(" calendar day(s)) &middot; ")
                .append(esc(j.get("patients"))).append(" patients &middot; ").append(esc(j.get("reading_span_days")))
                .append(" reading-span days &middot; ").append(esc(minutes(j)))
                .append(" clinician minutes per alert &middot; ").append(esc(j.get("readings_admitted")))
                .append(" device events analysed").append(refusedText(map(j, "events_refused_by_ingest")))
                .append("</p>\n");
        if (j.get("readings_admitted") instanceof Number n && n.longValue() == 0) {
            Map<String, Object> refused = map(j, "events_refused_by_ingest");
            Map<String, Object> en = map(j, "enrolments");
            h.append("<p class=\"hazard\"><strong>No device event of this history was analysed</strong> (")
                    .append(refused != null && !refused.isEmpty() ? "every one was refused by the ingest, reasons above"
                            : "none was refused by the ingest: no patient of these device events has a valid enrolment"
                            + (en == null ? "" : " in the " + esc(en.get("source")) + " (" + esc(en.get("valid"))
                            + " valid enrolment(s), all of other patients; " + esc(en.get("refused")) + " refused)")
                            + ", and the job analyses only enrolled patients' data: give the enrolments of the "
                            + "programme whose device events these are")
                    .append("): the two rule sets were not compared, and the zeros below say nothing about the "
                            + "candidate rules.</p>\n");
        }
        rules(h, map(j, "rule_sets"));
        hazards(h, j);
        avoided(h, j);
        alerts(h, j);
        episodes(h, map(j, "episodes"));
        strata(h, map(j, "by_stratum"));
        h.append("<h2>How these figures were obtained</h2>\n<p class=\"definition\">Both rule sets ran over the same "
                + "recorded device events through the episode-detection job's own ingest, patient detector, compound "
                + "patterns and alert lifecycle (one Flink job, bounded input). An alert is an episode the lifecycle "
                + "opened (escalations and re-notifications are the same alert). A current and a candidate episode "
                + "are the same when patient, programme and type agree and their periods overlap (an open episode "
                + "runs to the end of the history); unmatched current episodes are lost, unmatched candidate "
                + "episodes gained. Outcomes are the clinicians' coded outcomes of the current alerts "
                + "(triage-events), matched to an alert by its episode id, or, when the id is of another detector "
                + "version, by programme, patient, type and overlapping period with the alert as recorded (the "
                + "longest overlap; an actionable outcome wins when several fall on one alert); a gained alert was "
                + "never seen by a clinician and has none. Reading-span days (the rates' base): per patient, UTC "
                + "calendar days from the first to the last admitted reading. These are counts on this "
                + "service's own history (in-sample), not a prediction; a rule change tuned on this history should "
                + "be checked on a later period before it ships. Counts are not suppressed: this page is for the "
                + "clinical safety officer, not for publication.</p>\n");
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String refusedText(Map<String, Object> refused) {
        if (refused == null || refused.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (refused by ingest, as the job would dead-letter them: ");
        refused.forEach((reason, n) -> b.append(esc(reason)).append(' ').append(esc(n)).append(", "));
        b.setLength(b.length() - 2);
        return b.append(')').toString();
    }

    private static void rules(StringBuilder h, Map<String, Object> r) {
        Map<String, Object> cur = map(map(r, "current"), "versions");
        Map<String, Object> cand = map(map(r, "candidate"), "versions");
        @SuppressWarnings("unchecked")
        List<String> changed = (List<String>) r.get("changed_rules");
        h.append("<h2>Rule sets</h2>\n<p>Current: <code>").append(esc(map(r, "current").get("origin")))
                .append("</code>; candidate: <code>").append(esc(map(r, "candidate").get("origin")))
                .append("</code> (validated as at job start). Changed: ")
                .append(changed.isEmpty() ? "no rule (the candidate equals the current rules)"
                        : esc(String.join(", ", changed))).append(".</p>\n");
        h.append("<table><caption>Rule versions</caption><tr><th scope=\"col\">rule</th><th scope=\"col\">current "
                + "version</th><th scope=\"col\">candidate version</th><th scope=\"col\">changed</th></tr>\n");
        for (String t : new TreeSet<>(cur.keySet())) {
            h.append("<tr><td>").append(esc(t)).append("</td><td>").append(esc(cur.get(t))).append("</td><td>")
                    .append(esc(cand.get(t))).append("</td><td>").append(changed.contains(t) ? "yes" : "")
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void hazards(StringBuilder h, Map<String, Object> j) {
        Map<String, Object> o = map(j, "outcomes");
        long missed = ((Number) o.get("missed_actionable")).longValue();
        h.append("<h2>Hazards: alerts that needed action and the candidate would have missed, delayed or not escalated</h2>\n");
        if (hazardsUnassessed(j)) {
            long lost = ((Number) map(j, "episodes").get("lost")).longValue();
            // "None" would be vacuous: there was no outcome to miss
            h.append("<p class=\"hazard\"><strong>Hazards could not be assessed: not one current alert has a "
                    + "clinician outcome.</strong> The candidate rules lose ").append(lost).append(" alert")
                    .append(lost == 1 ? "" : "s").append(", and nothing says whether any of them needed action")
                    .append(outcomeSource(map(j, "triage_events"))).append(". Check <code>--outcomes</code> (a "
                            + "triage-events replay file) or the triage-events topic of the cluster, run the "
                            + "what-if again, and until then treat every lost alert below as a possible hazard."
                            + "</p>\n");
        } else if (missed == 0 && laterActionable(j) == 0) {
            h.append("<p class=\"ok\">None. Of the current alerts that clinicians resolved as needing action "
                    + "(contacted patient, escalated to a clinician), the candidate rules would have raised every "
                    + "one.</p>\n");
        } else if (missed > 0) {
            h.append("<p class=\"hazard\"><strong>").append(missed).append(" alert")
                    .append(missed == 1 ? "" : "s").append(" that clinicians resolved as needing action would not "
                            + "have been raised.</strong> Each is listed; assess each one before this change "
                            + "ships.</p>\n");
            episodeTable(h, list(o, "missed_actionable_list"), "Missed actionable alerts", true);
        }
        later(h, j);
        long unknown = ((Number) o.get("lost_without_outcome")).longValue()
                + ((Number) o.get("lost_other_outcome")).longValue();
        if (unknown > 0) {
            h.append("<p>").append(unknown).append(" further lost alert").append(unknown == 1 ? " has" : "s have")
                    .append(" no outcome that says whether action was needed (none recorded, device problem or "
                            + "other): see the lost episodes below.</p>\n");
        }
    }

    /** Alerts that needed action and the candidate would raise, but later than the current rules did. */
    static long laterActionable(Map<String, Object> j) {
        Map<String, Object> later = map(j, "kept_but_later");
        return later == null ? 0 : ((Number) later.get("later_actionable")).longValue();
    }

    private static void later(StringBuilder h, Map<String, Object> j) {
        long n = laterActionable(j);
        if (n == 0) {
            return;
        }
        Map<String, Object> later = map(j, "kept_but_later");
        h.append("<p class=\"hazard\"><strong>").append(n).append(" alert").append(n == 1 ? "" : "s")
                .append(" that clinicians resolved as needing action would have come later or lower</strong>: the "
                        + "candidate rules raise or escalate the same episode to the priority the current rules gave it "
                        + "more than ").append(esc(later.get("threshold_minutes"))).append(" minutes later, or never "
                        + "escalate it. A later alert is a later response: compare each with its priority's response "
                        + "target and assess each one before this change ships.</p>\n");
        h.append("<table><caption>Actionable alerts raised or escalated later (or never escalated)</caption><tr>"
                + "<th scope=\"col\">patient (pseudonym)</th><th scope=\"col\">programme</th><th scope=\"col\">"
                + "type</th><th scope=\"col\">priority</th><th scope=\"col\">current rules: at</th>"
                + "<th scope=\"col\">candidate: at</th><th scope=\"col\">later by (minutes)</th>"
                + "<th scope=\"col\">clinician outcome</th></tr>\n");
        for (Map<String, Object> r : list(later, "later_actionable_list")) {
            boolean never = r.get("candidate_at") == null;
            h.append("<tr><td>").append(esc(r.get("patient"))).append("</td><td>").append(esc(r.get("programme")))
                    .append("</td><td>").append(esc(r.get("type"))).append("</td><td>").append(esc(r.get("priority")))
                    .append("</td><td>").append(esc(r.get("current_at"))).append("</td><td>")
                    .append(never ? "never (not escalated)" : esc(r.get("candidate_at"))).append("</td><td>")
                    .append(never ? "&ndash;" : esc(r.get("later_by_minutes"))).append("</td><td>")
                    .append(esc(r.get("outcome"))).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** Where the outcomes came from and what was read, when the command recorded it. */
    private static String outcomeSource(Map<String, Object> t) {
        if (t == null) {
            return "";
        }
        return " (" + esc(t.get("source")) + ": " + esc(t.get("read")) + " triage event(s) read, "
                + esc(t.get("undecodable")) + " undecodable)";
    }

    private static void avoided(StringBuilder h, Map<String, Object> j) {
        Map<String, Object> o = map(j, "outcomes");
        h.append("<h2>Alerts avoided that clinicians judged not needed</h2>\n<p class=\"reading\">The candidate "
                        + "would have avoided ").append(esc(o.get("avoided_not_needed")))
                .append(" alerts resolved as not needing action (false alarm: ").append(esc(o.get("avoided_false_alarm")))
                .append(", no action needed: ").append(esc(o.get("avoided_no_action_needed")))
                .append("). It keeps ").append(esc(o.get("kept_not_needed")))
                .append(" such alerts and ").append(esc(o.get("kept_actionable")))
                .append(" that needed action; ").append(esc(o.get("current_alerts_with_outcome")))
                .append(" current alerts have a coded outcome.</p>\n");
        matching(h, map(j, "outcome_matching"));
    }

    /**
     * How the clinicians' outcomes found this run's alerts: by episode id, by patient, type and overlapping time (ids
     * of an older detector version), or not at all.
     */
    private static void matching(StringBuilder h, Map<String, Object> m) {
        if (m == null) {
            return;
        }
        long none = ((Number) m.get("not_matched")).longValue();
        long noRecord = ((Number) m.get("not_matched_without_recorded_alert")).longValue();
        h.append("<p class=\"").append(none > 0 ? "hazard" : "reading").append("\">Clinicians' outcomes: ")
                .append(esc(m.get("outcomes"))).append(" recorded; ").append(esc(m.get("matched_exactly")))
                .append(" matched an alert of this run by its episode id, ").append(esc(m.get("matched_by_overlap")))
                .append(" by patient, programme, alert type and overlapping episode time (recorded under another "
                        + "detector version, whose episode ids differ), ").append(none).append(" matched no alert");
        if (noRecord > 0) {
            h.append(" (").append(noRecord).append(" of them name an alert that is not among the recorded alerts, "
                    + "so no overlap could be tried: give the alerts the live job sent for this history, "
                    + "<code>--alerts</code> or the alerts topic)");
        }
        h.append(none > 0 ? ". An outcome that matched no alert judges nothing here: an alert it belonged to counts "
                + "as without outcome, so read its loss as a possible hazard.</p>\n" : ".</p>\n");
    }

    private static void alerts(StringBuilder h, Map<String, Object> j) {
        Map<String, Object> cur = map(map(j, "alerts"), "current");
        Map<String, Object> cand = map(map(j, "alerts"), "candidate");
        Map<String, Object> curRate = map(map(j, "alerts_per_1000_reading_span_days"), "current");
        Map<String, Object> candRate = map(map(j, "alerts_per_1000_reading_span_days"), "candidate");
        TreeSet<String> types = new TreeSet<>(map(cur, "by_type").keySet());
        types.addAll(map(cand, "by_type").keySet());
        h.append("<h2>Alerts per 1,000 reading-span days</h2>\n<p class=\"definition\">Reading-span days: ")
                .append(esc(j.get("reading_span_days_definition"))).append(".</p>\n");
        List<String> labels = new ArrayList<>(types);
        List<double[]> values = new ArrayList<>();
        for (String t : types) {
            values.add(new double[] {num(map(curRate, "by_type").get(t)), num(map(candRate, "by_type").get(t))});
        }
        chart(h, "Alerts per 1,000 reading-span days by type, current and candidate rules", labels, values);
        h.append("<table><caption>Alerts by type</caption><tr><th scope=\"col\">type</th><th scope=\"col\">current"
                + "</th><th scope=\"col\">candidate</th><th scope=\"col\">current per 1,000 reading-span days</th>"
                + "<th scope=\"col\">candidate per 1,000 reading-span days</th></tr>\n");
        for (String t : types) {
            h.append("<tr><td>").append(esc(t)).append("</td><td>").append(esc(or0(map(cur, "by_type").get(t))))
                    .append("</td><td>").append(esc(or0(map(cand, "by_type").get(t)))).append("</td><td>")
                    .append(esc(or0(map(curRate, "by_type").get(t)))).append("</td><td>")
                    .append(esc(or0(map(candRate, "by_type").get(t)))).append("</td></tr>\n");
        }
        h.append("<tr><th scope=\"row\">all</th><td>").append(esc(cur.get("total"))).append("</td><td>")
                .append(esc(cand.get("total"))).append("</td><td>").append(esc(curRate.get("total")))
                .append("</td><td>").append(esc(candRate.get("total"))).append("</td></tr>\n</table>\n");
        Map<String, Object> hours = map(j, "clinician_hours_per_week");
        h.append("<p class=\"reading\">Clinician time at ").append(esc(minutes(j)))
                .append(" minutes per alert: ").append(esc(hours.get("current"))).append(" hours a week with the "
                        + "current rules, ").append(esc(hours.get("candidate"))).append(" with the candidate. The ")
                .append(esc(minutes(j))).append(" minutes are ").append(esc(j.get("minutes_per_alert_basis")))
                .append(".</p>\n");
        Map<String, Object> late = map(j, "alerts_outside_history_not_counted");
        h.append("<p class=\"definition\">Not counted: alerts raised after the last reading of the history (timers "
                        + "firing as the replay ends): current ").append(esc(late.get("current"))).append(", candidate ")
                .append(esc(late.get("candidate"))).append(".</p>\n");
    }

    private static void episodes(StringBuilder h, Map<String, Object> e) {
        h.append("<h2>Episodes lost and gained</h2>\n<p>").append(esc(e.get("kept"))).append(" alerted episodes "
                        + "in both, ").append(esc(e.get("lost"))).append(" lost (current only), ")
                .append(esc(e.get("gained"))).append(" gained (candidate only).</p>\n");
        episodeTable(h, list(e, "lost_list"), "Lost: alerted by the current rules only", true);
        episodeTable(h, list(e, "gained_list"), "Gained: alerted by the candidate rules only", false);
    }

    private static void episodeTable(StringBuilder h, List<Map<String, Object>> rows, String caption,
                                     boolean outcome) {
        if (rows.isEmpty()) {
            h.append("<p>").append(esc(caption)).append(": none.</p>\n");
            return;
        }
        h.append("<table><caption>").append(esc(caption)).append("</caption><tr><th scope=\"col\">patient "
                + "(pseudonym)</th><th scope=\"col\">programme</th><th scope=\"col\">type</th><th scope=\"col\">"
                + "episode start</th><th scope=\"col\">raised</th>");
        if (outcome) {
            h.append("<th scope=\"col\">clinician outcome</th>");
        }
        h.append("</tr>\n");
        for (Map<String, Object> r : rows) {
            h.append("<tr><td>").append(esc(r.get("patient"))).append("</td><td>").append(esc(r.get("programme")))
                    .append("</td><td>").append(esc(r.get("type"))).append("</td><td>")
                    .append(esc(r.get("episode_start"))).append("</td><td>").append(esc(r.get("raised")))
                    .append("</td>");
            if (outcome) {
                h.append("<td>").append(r.get("outcome") == null ? "none recorded" : esc(r.get("outcome")))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void strata(StringBuilder h, Map<String, Object> s) {
        h.append("<h2>By stratum</h2>\n<p>Whether the change shifts misses or workload onto one group: missed "
                + "actionable alerts first, then alerts per 1,000 reading-span days.</p>\n");
        for (Map.Entry<String, Object> dim : s.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> rows = (Map<String, Object>) dim.getValue();
            String title = switch (dim.getKey()) {
                case "imd_quintile" -> "IMD quintile (1 = most deprived)";
                case "ethnic_group" -> "Ethnic group";
                case "age_band" -> "Age band";
                case "sex" -> "Sex";
                default -> dim.getKey();
            };
            h.append("<h3>").append(esc(title)).append("</h3>\n");
            List<String> labels = new ArrayList<>(rows.keySet());
            List<double[]> values = new ArrayList<>();
            for (String k : labels) {
                Map<String, Object> r = map(rows, k);
                values.add(new double[] {num(r.get("current_per_1000_reading_span_days")),
                        num(r.get("candidate_per_1000_reading_span_days"))});
            }
            chart(h, "Alerts per 1,000 reading-span days by " + title.toLowerCase(Locale.ROOT)
                    + ", current and candidate rules", labels, values);
            h.append("<table><caption>").append(esc(title)).append("</caption><tr><th scope=\"col\">stratum</th>"
                    + "<th scope=\"col\">missed actionable</th><th scope=\"col\">avoided not needed</th>"
                    + "<th scope=\"col\">patients</th><th scope=\"col\">reading-span days</th><th scope=\"col\">current "
                    + "alerts</th><th scope=\"col\">candidate alerts</th><th scope=\"col\">current per 1,000</th>"
                    + "<th scope=\"col\">candidate per 1,000</th><th scope=\"col\">gained</th><th scope=\"col\">"
                    + "lost</th></tr>\n");
            for (String k : labels) {
                Map<String, Object> r = map(rows, k);
                h.append("<tr><td>").append(esc(k)).append("</td>");
                for (String f : List.of("missed_actionable", "avoided_not_needed", "patients", "reading_span_days",
                        "current_alerts", "candidate_alerts", "current_per_1000_reading_span_days",
                        "candidate_per_1000_reading_span_days", "gained", "lost")) {
                    h.append("<td>").append(esc(or0(r.get(f)))).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
    }

    /** Paired horizontal bars (current grey, candidate blue) with a text alternative listing every value. */
    static void chart(StringBuilder h, String title, List<String> labels, List<double[]> values) {
        int labelW = 220;
        int barW = 480;
        int rowH = 34;
        int top = 24;
        double max = 0;
        for (double[] v : values) {
            max = Math.max(max, Math.max(v[0], v[1]));
        }
        if (max <= 0) {
            max = 1;
        }
        StringBuilder alt = new StringBuilder(title).append(": ");
        for (int i = 0; i < labels.size(); i++) {
            alt.append(i == 0 ? "" : "; ").append(labels.get(i)).append(" current ").append(fmt(values.get(i)[0]))
                    .append(", candidate ").append(fmt(values.get(i)[1]));
        }
        int height = top + rowH * labels.size() + 10;
        h.append("<figure><svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(labelW + barW + 80).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(alt)).append("\">\n<title>")
                .append(esc(alt)).append("</title>\n");
        h.append("<rect x=\"").append(labelW).append("\" y=\"4\" width=\"12\" height=\"10\" fill=\"")
                .append(CURRENT_COLOUR).append("\"/><text class=\"label\" x=\"").append(labelW + 16)
                .append("\" y=\"13\">current</text><rect x=\"").append(labelW + 90)
                .append("\" y=\"4\" width=\"12\" height=\"10\" fill=\"").append(CANDIDATE_COLOUR)
                .append("\"/><text class=\"label\" x=\"").append(labelW + 106).append("\" y=\"13\">candidate</text>\n");
        for (int i = 0; i < labels.size(); i++) {
            int y = top + i * rowH;
            h.append("<text class=\"label\" x=\"").append(labelW - 6).append("\" y=\"").append(y + 18)
                    .append("\" text-anchor=\"end\">").append(esc(labels.get(i))).append("</text>\n");
            for (int k = 0; k < 2; k++) {
                double v = values.get(i)[k];
                long w = Math.round(barW * v / max);
                int by = y + 3 + k * 14;
                h.append("<rect x=\"").append(labelW).append("\" y=\"").append(by).append("\" width=\"").append(w)
                        .append("\" height=\"12\" fill=\"").append(k == 0 ? CURRENT_COLOUR : CANDIDATE_COLOUR)
                        .append("\"/><text class=\"tick\" x=\"").append(labelW + w + 4).append("\" y=\"")
                        .append(by + 10).append("\">").append(fmt(v)).append("</text>\n");
            }
        }
        h.append("</svg><figcaption class=\"definition\">").append(esc(title))
                .append(" (the table below has the same numbers).</figcaption></figure>\n");
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    private static Object or0(Object o) {
        return o == null ? 0 : o;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
