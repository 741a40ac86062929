package org.wardstream.whatif;

import org.wardstream.contract.ClinicianTime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.wardstream.equity.model.Strata;
import org.wardstream.whatif.WhatIfLedger.Alert;
import org.wardstream.whatif.WhatIfLedger.Matching;
import org.wardstream.whatif.WhatIfLedger.OutcomeClass;
import org.wardstream.whatif.WhatIfLedger.RuleSet;
import org.wardstream.whatif.WhatIfLedger.Span;

/**
 * The numbers of one what-if (plain Java): alerts per type and per 1,000 reading-span days for each rule set, the
 * episodes gained and lost, what the lost ones' clinician outcomes were (missed actionable alerts first: each is a
 * hazard), the same by stratum, and clinician hours per week. {@link #toJson} is the report's JSON; the HTML page
 * is rendered from it.
 */
public final class WhatIfResult {
    /** The stratification dimensions, in report order (the equity job's codes). */
    public static final List<String> DIMENSIONS = List.of("imd_quintile", "ethnic_group", "age_band", "sex");

    private final WhatIfLedger.Parameters parameters;
    private final long windowStartMs;
    private final long windowEndMs;
    private final List<Span> spans;
    private final Map<RuleSet, List<Alert>> alerts;
    private final Map<RuleSet, Integer> afterEnd;
    private final Matching matching;
    private final OutcomeMatching outcomes;
    private final Map<String, Strata> strata;
    private final Map<String, Long> refused;
    private final Map<RuleSet, Map<String, Map<String, Long>>> priorities;

    WhatIfResult(WhatIfLedger.Parameters parameters, long windowStartMs, long windowEndMs, List<Span> spans,
                 Map<RuleSet, List<Alert>> alerts, Map<RuleSet, Integer> afterEnd, Matching matching,
                 OutcomeMatching outcomes, Map<String, Strata> strata, Map<String, Long> refused,
                 Map<RuleSet, Map<String, Map<String, Long>>> priorities) {
        this.priorities = priorities;
        this.parameters = parameters;
        this.windowStartMs = windowStartMs;
        this.windowEndMs = windowEndMs;
        this.spans = spans;
        this.alerts = alerts;
        this.afterEnd = afterEnd;
        this.matching = matching;
        this.outcomes = outcomes;
        this.strata = strata;
        this.refused = refused;
    }

    public Matching matching() {
        return matching;
    }

    /** How the clinicians' outcomes were matched to the current alerts. */
    public OutcomeMatching outcomeMatching() {
        return outcomes;
    }

    public List<Alert> alerts(RuleSet r) {
        return alerts.get(r);
    }

    /**
     * Reading-span days: per patient, the UTC calendar days from their first to their last admitted reading, both
     * counted (gaps included, enrolment not considered), summed. Not the equity report's patient-days or its rate
     * base (local days of an ACTIVE enrolment): hence its own name (until session 20 "patient-days", the equity
     * report's word for another count).
     */
    public long readingSpanDays() {
        return spans.stream().mapToLong(Span::days).sum();
    }

    /** Calendar days (UTC) of the history, first and last counted. */
    public long windowDays() {
        return spans.isEmpty() ? 0 : Math.floorDiv(windowEndMs, WhatIfLedger.DAY_MS)
                - Math.floorDiv(windowStartMs, WhatIfLedger.DAY_MS) + 1;
    }

    /** Device events admitted by the ingest and analysed, over every patient. */
    public long readingsAdmitted() {
        return spans.stream().mapToLong(Span::readings).sum();
    }

    public String outcomeOf(Alert a) {
        return outcomes.byAlert().get(a.episodeId());
    }

    Strata strataOf(String programme, String patient) {
        return strata.getOrDefault(programme + "|" + patient, Strata.ALL_UNKNOWN);
    }

    static String stratum(Strata s, String dimension) {
        return switch (dimension) {
            case "imd_quintile" -> s.imdQuintile();
            case "ethnic_group" -> s.ethnicGroup();
            case "age_band" -> s.ageBand();
            case "sex" -> s.sex();
            default -> throw new IllegalArgumentException(dimension);
        };
    }

    /**
     * A kept alert counts as "later" when the candidate brings it to the highest priority the current rules gave it
     * more than this after the current rules did (raised later, or escalated later), or never (not escalated): an
     * alert that needed action and comes later or lower is a hazard as a missed one is (probe 19a D11, D13: a longer
     * minimum duration delaying every urgent alert by hours, or an escalation no longer made, showed "Hazards: None").
     */
    public static final long LATER_MS = 5 * 60_000L;

    /** The highest priority a current alert reached (FHIR request priority order; null: not known). */
    public String topPriority(Alert current) {
        String top = current.severity();
        for (String p : priorities.get(RuleSet.CURRENT).getOrDefault(current.episodeId(), Map.of()).keySet()) {
            if (rank(p) > rank(top)) {
                top = p;
            }
        }
        return top;
    }

    /**
     * How much later the candidate brings a kept current alert to the current's highest priority (ms; 0 or less: not
     * later; {@link Long#MAX_VALUE}: never).
     */
    public long laterBy(Alert kept) {
        Alert c = matching.candidateOf(kept);
        if (c == null) {
            return 0;
        }
        String top = topPriority(kept);
        long current = reached(RuleSet.CURRENT, kept, top);
        long candidate = reached(RuleSet.CANDIDATE, c, top);
        return candidate == Long.MAX_VALUE ? Long.MAX_VALUE : candidate - current;
    }

    /** When an alert first had at least that priority (its raising when nothing else is known). */
    private long reached(RuleSet r, Alert a, String priority) {
        long at = rank(a.severity()) >= rank(priority) ? a.raisedMs() : Long.MAX_VALUE;
        for (Map.Entry<String, Long> e : priorities.get(r).getOrDefault(a.episodeId(), Map.of()).entrySet()) {
            if (rank(e.getKey()) >= rank(priority)) {
                at = Math.min(at, e.getValue());
            }
        }
        return at;
    }

    /** routine < urgent < asap < stat (the Avro Severity's order); null or unknown: routine. */
    static int rank(String priority) {
        if (priority == null) {
            return 0;
        }
        try {
            return org.wardstream.schema.Severity.valueOf(priority.toUpperCase(java.util.Locale.ROOT)).ordinal();
        } catch (IllegalArgumentException unknown) {
            return 0;
        }
    }

    /** Kept current alerts that needed action (clinicians' outcome) and the candidate makes later or lower: hazards. */
    public List<Alert> laterActionable() {
        return matching.kept().stream().filter(a -> OutcomeClass.of(outcomeOf(a)) == OutcomeClass.ACTIONABLE
                && laterBy(a) > LATER_MS).toList();
    }

    /** Lost current alerts whose clinicians' outcome says they needed action: hazards. */
    public List<Alert> missedActionable() {
        return matching.lost().stream().filter(a -> OutcomeClass.of(outcomeOf(a)) == OutcomeClass.ACTIONABLE).toList();
    }

    /** The report's JSON (maps and lists in a fixed order); rule versions come from the caller. */
    public Map<String, Object> toJson(Map<String, Object> ruleSets) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("report", "wardstream what-if");
        j.put("rule_sets", ruleSets);
        Map<String, Object> window = new LinkedHashMap<>();
        // with no reading admitted there is no history to bound: the requested ends, or nothing (never 1970)
        window.put("from", !spans.isEmpty() ? iso(windowStartMs)
                : parameters.fromMs() == null ? null : iso(parameters.fromMs()));
        window.put("to", !spans.isEmpty() ? iso(windowEndMs) : parameters.toMs() == null ? null : iso(parameters.toMs()));
        window.put("calendar_days", windowDays());
        window.put("requested_from", parameters.fromMs() == null ? null : iso(parameters.fromMs()));
        window.put("requested_to", parameters.toMs() == null ? null : iso(parameters.toMs()));
        j.put("window", window);
        j.put("patients", spans.size());
        j.put("reading_span_days", readingSpanDays());
        j.put("reading_span_days_definition", READING_SPAN_DEFINITION);
        j.put("readings_admitted", readingsAdmitted());
        j.put("events_refused_by_ingest", refused); // by reason; duplicates are dropped without a record
        j.put("minutes_per_alert", parameters.minutesPerAlert());
        j.put("minutes_per_alert_basis", minutesBasis(parameters.minutesPerAlert()));

        long pd = readingSpanDays();
        Map<String, Object> counts = new LinkedHashMap<>();
        Map<String, Object> rates = new LinkedHashMap<>();
        Map<String, Object> hours = new LinkedHashMap<>();
        for (RuleSet r : RuleSet.values()) {
            Map<String, Long> byType = byType(alerts.get(r));
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("total", (long) alerts.get(r).size());
            c.put("by_type", byType);
            counts.put(name(r), c);
            Map<String, Object> rt = new LinkedHashMap<>();
            rt.put("total", per1000(alerts.get(r).size(), pd));
            Map<String, Object> rtType = new TreeMap<>();
            byType.forEach((t, n) -> rtType.put(t, per1000(n, pd)));
            rt.put("by_type", rtType);
            rates.put(name(r), rt);
            hours.put(name(r), hoursPerWeek(alerts.get(r).size()));
        }
        j.put("alerts", counts);
        j.put("alerts_per_1000_reading_span_days", rates);
        j.put("clinician_hours_per_week", hours);
        Map<String, Object> late = new LinkedHashMap<>();
        afterEnd.forEach((r, n) -> late.put(name(r), n));
        j.put("alerts_outside_history_not_counted", late);

        // hazards first
        Map<String, Object> o = new LinkedHashMap<>();
        List<Alert> missed = missedActionable();
        o.put("missed_actionable", missed.size());
        o.put("missed_actionable_list", missed.stream().map(this::row).toList());
        o.put("avoided_not_needed", count(matching.lost(), OutcomeClass.NOT_NEEDED));
        o.put("avoided_false_alarm", countOutcome(matching.lost(), "FALSE_ALARM"));
        o.put("avoided_no_action_needed", countOutcome(matching.lost(), "NO_ACTION_NEEDED"));
        o.put("lost_other_outcome", count(matching.lost(), OutcomeClass.OTHER));
        o.put("lost_without_outcome", count(matching.lost(), OutcomeClass.NONE));
        o.put("kept_actionable", count(matching.kept(), OutcomeClass.ACTIONABLE));
        o.put("kept_not_needed", count(matching.kept(), OutcomeClass.NOT_NEEDED));
        o.put("current_alerts_with_outcome", alerts.get(RuleSet.CURRENT).stream()
                .filter(a -> outcomeOf(a) != null).count());
        j.put("outcomes", o);
        // how the clinicians' outcomes found this run's alerts: by episode id, or (after a detector upgrade changed
        // the ids) by programme, patient, type and overlapping period (OutcomeMatching)
        Map<String, Object> om = new LinkedHashMap<>();
        om.put("outcomes", outcomes.exact() + outcomes.byOverlap() + outcomes.notMatched());
        om.put("matched_exactly", outcomes.exact());
        om.put("matched_by_overlap", outcomes.byOverlap());
        om.put("not_matched", outcomes.notMatched());
        om.put("not_matched_without_recorded_alert", outcomes.withoutRecord());
        j.put("outcome_matching", om);

        Map<String, Object> later = new LinkedHashMap<>();
        List<Alert> laterActionable = laterActionable();
        later.put("threshold_minutes", LATER_MS / 60_000L);
        later.put("later", matching.kept().stream().filter(a -> laterBy(a) > LATER_MS).count());
        later.put("later_actionable", laterActionable.size());
        later.put("later_actionable_list", laterActionable.stream().map(a -> {
            Map<String, Object> r = row(a);
            String top = topPriority(a);
            long at = reached(RuleSet.CURRENT, a, top);
            long by = laterBy(a);
            r.put("priority", top);
            r.put("current_at", iso(at));
            r.put("candidate_at", by == Long.MAX_VALUE ? null : iso(at + by));
            r.put("later_by_minutes", by == Long.MAX_VALUE ? null : by / 60_000L);
            return r;
        }).toList());
        j.put("kept_but_later", later);

        Map<String, Object> e = new LinkedHashMap<>();
        e.put("kept", matching.kept().size());
        e.put("lost", matching.lost().size());
        e.put("gained", matching.gained().size());
        e.put("lost_list", matching.lost().stream().map(this::row).toList());
        e.put("gained_list", matching.gained().stream().map(this::row).toList());
        j.put("episodes", e);

        Map<String, Object> byStratum = new LinkedHashMap<>();
        for (String dim : DIMENSIONS) {
            byStratum.put(dim, byStratum(dim));
        }
        j.put("by_stratum", byStratum);
        return j;
    }

    private Map<String, Object> byStratum(String dim) {
        Map<String, long[]> n = new TreeMap<>();
        // 0 patients, 1 reading-span days, 2 current, 3 candidate, 4 gained, 5 lost, 6 missed actionable, 7 avoided
        Function<String, long[]> slot = s -> n.computeIfAbsent(s, x -> new long[8]);
        for (Span s : spans) {
            long[] v = slot.apply(stratum(strataOf(s.programme(), s.patientId()), dim));
            v[0]++;
            v[1] += s.days();
        }
        for (Alert a : alerts.get(RuleSet.CURRENT)) {
            slot.apply(stratumOf(a, dim))[2]++;
        }
        for (Alert a : alerts.get(RuleSet.CANDIDATE)) {
            slot.apply(stratumOf(a, dim))[3]++;
        }
        for (Alert a : matching.gained()) {
            slot.apply(stratumOf(a, dim))[4]++;
        }
        for (Alert a : matching.lost()) {
            long[] v = slot.apply(stratumOf(a, dim));
            v[5]++;
            OutcomeClass c = OutcomeClass.of(outcomeOf(a));
            if (c == OutcomeClass.ACTIONABLE) {
                v[6]++;
            } else if (c == OutcomeClass.NOT_NEEDED) {
                v[7]++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        n.forEach((s, v) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("patients", v[0]);
            row.put("reading_span_days", v[1]);
            row.put("missed_actionable", v[6]);
            row.put("avoided_not_needed", v[7]);
            row.put("current_alerts", v[2]);
            row.put("candidate_alerts", v[3]);
            row.put("current_per_1000_reading_span_days", per1000(v[2], v[1]));
            row.put("candidate_per_1000_reading_span_days", per1000(v[3], v[1]));
            row.put("gained", v[4]);
            row.put("lost", v[5]);
            out.put(s, row);
        });
        return out;
    }

    private String stratumOf(Alert a, String dim) {
        return stratum(strataOf(a.programme(), a.patientId()), dim);
    }

    private Map<String, Object> row(Alert a) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("patient", a.patientId());
        r.put("programme", a.programme());
        r.put("type", a.type());
        r.put("severity", a.severity());
        r.put("episode_start", iso(a.startMs()));
        r.put("raised", iso(a.raisedMs()));
        r.put("rule_version", a.ruleVersion());
        if (a.ruleSet() == RuleSet.CURRENT) {
            r.put("episode_id", a.episodeId());
            r.put("outcome", outcomeOf(a));
        }
        return r;
    }

    private long count(List<Alert> list, OutcomeClass c) {
        return list.stream().filter(a -> OutcomeClass.of(outcomeOf(a)) == c).count();
    }

    private long countOutcome(List<Alert> list, String outcome) {
        return list.stream().filter(a -> outcome.equals(outcomeOf(a))).count();
    }

    private static Map<String, Long> byType(List<Alert> list) {
        Map<String, Long> m = new TreeMap<>();
        for (Alert a : list) {
            m.merge(a.type(), 1L, Long::sum);
        }
        return m;
    }

    /** What the what-if's rates are per, in words (the JSON and the page say it). */
    public static final String READING_SPAN_DEFINITION = "per patient, the UTC calendar days from the first to the "
            + "last admitted reading, both counted (gaps included, enrolment not considered); alerts of every type, "
            + "device-offline included. Not the equity report's alert rates, which count clinical alerts (device-offline "
            + "apart) per 1,000 days of an active enrolment in the patient's time zone: do not compare the two";

    /** Alerts per 1,000 reading-span days, to 0.01; null without any. */
    static Double per1000(long alerts, long days) {
        return days == 0 ? null : Math.round(alerts * org.wardstream.equity.Measures.RATE_MULTIPLIER / days * 100) / 100.0;
    }

    /**
     * Where the minutes per alert come from: the planning figure shared with the equity report
     * ({@link ClinicianTime}), or the operator's {@code --minutes-per-alert}.
     */
    static String minutesBasis(double minutes) {
        return minutes == ClinicianTime.MINUTES_PER_ALERT
                ? "the default, the same figure as the equity report's alert burden: " + ClinicianTime.BASIS
                : "set with --minutes-per-alert (the default, and the equity report's alert burden, use "
                        + ClinicianTime.text(ClinicianTime.MINUTES_PER_ALERT) + ": " + ClinicianTime.BASIS + ")";
    }

    /** Clinician hours per week at the stated minutes per alert over the history's calendar days, to 0.01. */
    Double hoursPerWeek(long alerts) {
        long days = windowDays();
        return days == 0 ? null
                : Math.round(alerts * parameters.minutesPerAlert() / 60.0 * 7.0 / days * 100) / 100.0;
    }

    static String name(RuleSet r) {
        return r.name().toLowerCase(java.util.Locale.ROOT);
    }

    static String iso(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }
}
