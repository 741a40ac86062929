package org.wardstream.whatif;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.wardstream.equity.model.Strata;

/**
 * The what-if arithmetic, in plain Java: what the current and the candidate rules alerted on (one {@link Alert} per
 * episode the lifecycle OPENED), each patient's monitored span, the clinicians' coded outcomes of the current alerts,
 * and each patient's strata; {@link #result} matches the two rule sets' episodes and attributes the outcomes.
 *
 * <p>Memory: one small record per alerted episode, one per patient and one per triage outcome; never one per device
 * event (the events stream through the detection job).
 */
public final class WhatIfLedger {
    /** Which rule set an alert came from. */
    public enum RuleSet { CURRENT, CANDIDATE }

    /** How a clinician resolved an alert, grouped as the report counts them. */
    public enum OutcomeClass {
        /** CONTACTED_PATIENT or ESCALATED_TO_CLINICIAN: the alert needed action. */
        ACTIONABLE,
        /** FALSE_ALARM or NO_ACTION_NEEDED. */
        NOT_NEEDED,
        /** DEVICE_PROBLEM or OTHER. */
        OTHER,
        /** No coded outcome recorded. */
        NONE;

        public static OutcomeClass of(String outcome) {
            if (outcome == null) {
                return NONE;
            }
            return switch (outcome) {
                case "CONTACTED_PATIENT", "ESCALATED_TO_CLINICIAN" -> ACTIONABLE;
                case "FALSE_ALARM", "NO_ACTION_NEEDED" -> NOT_NEEDED;
                default -> OTHER;
            };
        }
    }

    /**
     * One alerted episode.
     *
     * @param raisedMs device time the lifecycle opened it (the alert)
     * @param endMs    episode end when it closed, else null (still open at the end of the history)
     */
    public record Alert(RuleSet ruleSet, String episodeId, String programme, String patientId, String type,
                        String severity, long startMs, long raisedMs, Long endMs, int ruleVersion) {
        String patientKey() {
            return programme + "|" + patientId;
        }
    }

    /** A patient's first and last admitted reading (device time). */
    public record Span(String programme, String patientId, long firstMs, long lastMs, long readings) {
        /** Calendar days (UTC) from the first to the last reading, both counted. */
        public long days() {
            return Math.floorDiv(lastMs, DAY_MS) - Math.floorDiv(firstMs, DAY_MS) + 1;
        }
    }

    static final long DAY_MS = 86_400_000L;

    private final Map<RuleSet, Map<String, Alert>> alerts = new EnumMap<>(RuleSet.class);
    private final Map<String, Span> spans = new HashMap<>();
    /** Per recorded episode id: the outcome kept of its triage events. */
    private final Map<String, OutcomeMatching.Outcome> outcomes = new HashMap<>();
    /** Per recorded episode id: the alert as the live job sent it (type, period), to match outcomes by overlap. */
    private final Map<String, OutcomeMatching.Recorded> recorded = new HashMap<>();
    private final Map<String, Strata> strata = new HashMap<>();
    private final Map<String, Long> refused = new TreeMap<>();
    /** Per rule set and alert (episode id): when it first had each priority (its OPENED, then its escalations). */
    private final Map<RuleSet, Map<String, Map<String, Long>>> priorities = new EnumMap<>(RuleSet.class);

    public WhatIfLedger() {
        for (RuleSet r : RuleSet.values()) {
            alerts.put(r, new LinkedHashMap<>());
            priorities.put(r, new HashMap<>());
        }
    }

    /**
     * One alert state change of a rule set (the job's StreamedAlertChange fields). OPENED records the alert; CLOSED its end;
     * other kinds change nothing here (an escalation or re-notification is the same alert).
     */
    public void change(RuleSet ruleSet, String kind, String episodeId, String programme, String patientId,
                       String type, String severity, long startMs, long endMs, long atMs, int ruleVersion) {
        Map<String, Alert> byId = alerts.get(ruleSet);
        if (severity != null && ("OPENED".equals(kind) || "ESCALATED".equals(kind))) {
            priorities.get(ruleSet).computeIfAbsent(episodeId, k -> new HashMap<>()).merge(severity, atMs, Math::min);
        }
        if ("OPENED".equals(kind)) {
            byId.putIfAbsent(episodeId, new Alert(ruleSet, episodeId, programme, patientId, type, severity, startMs,
                    atMs, null, ruleVersion));
        } else if ("CLOSED".equals(kind) && endMs >= 0) {
            Alert a = byId.get(episodeId);
            if (a != null) {
                byId.put(episodeId, new Alert(a.ruleSet, a.episodeId, a.programme, a.patientId, a.type, a.severity,
                        a.startMs, a.raisedMs, endMs, a.ruleVersion));
            }
        }
    }

    /** A patient's span of readings (merged with an earlier one of the same patient). */
    public void span(String programme, String patientId, long firstMs, long lastMs, long readings) {
        spans.merge(programme + "|" + patientId, new Span(programme, patientId, firstMs, lastMs, readings),
                (a, b) -> new Span(programme, patientId, Math.min(a.firstMs, b.firstMs), Math.max(a.lastMs, b.lastMs),
                        a.readings + b.readings));
    }

    /** A device event that the job's ingest refused (it would have been dead-lettered), by reason. */
    public void refused(String reason) {
        refused.merge(reason, 1L, Long::sum);
    }

    /** {@link #outcome(String, String, String, String, long)} without the patient (matched by episode id only). */
    public void outcome(String episodeId, String outcome, long timeMs) {
        outcome(episodeId, null, null, outcome, timeMs);
    }

    /**
     * A triage event with a coded outcome: the latest by time wins for its episode, except that an actionable outcome
     * is never replaced by another kind (probe 19a D15) and replaces one of another kind whenever it was recorded,
     * so the order the events are read in does not matter ({@link OutcomeMatching#replaces}); null outcomes are
     * ignored. The programme and patient (null: not known) let it be matched by overlap ({@link OutcomeMatching}).
     */
    public void outcome(String episodeId, String programme, String patientId, String outcome, long timeMs) {
        if (outcome == null) {
            return;
        }
        OutcomeMatching.Outcome seen = outcomes.get(episodeId);
        if (seen == null || OutcomeMatching.replaces(seen.outcome(), seen.timeMs(), outcome, timeMs)) {
            outcomes.put(episodeId, new OutcomeMatching.Outcome(episodeId,
                    programme != null ? programme : seen == null ? null : seen.programme(),
                    patientId != null ? patientId : seen == null ? null : seen.patientId(), outcome, timeMs));
        }
    }

    /**
     * One message of an alert as the live job sent it (the {@code alerts} topic): its episode's type and period, by
     * which an outcome recorded against it finds this run's alert when the ids differ ({@link OutcomeMatching}).
     */
    public void recordedAlert(String episodeId, String programme, String patientId, String type, long startMs,
                              Long endMs) {
        recorded.merge(episodeId, new OutcomeMatching.Recorded(programme, patientId, type, startMs, endMs),
                (a, b) -> new OutcomeMatching.Recorded(a.programme() != null ? a.programme() : b.programme(),
                        a.patientId(), a.type(), Math.min(a.startMs(), b.startMs()), later(a.endMs(), b.endMs())));
    }

    /** The later of two ends, either of them null (not closed in that message). */
    private static Long later(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Long.valueOf(Math.max(a, b));
    }

    /** A patient's strata from the enrolment (the latest wins). */
    public void strata(String programme, String patientId, Strata s) {
        strata.put(programme + "|" + patientId, Objects.requireNonNull(s));
    }

    /** What the report needs besides the data. */
    public record Parameters(double minutesPerAlert, Long fromMs, Long toMs) {
    }

    /** Matches the two rule sets' episodes and attributes outcomes; the ledger is not changed. */
    public WhatIfResult result(Parameters p) {
        long first = spans.values().stream().mapToLong(Span::firstMs).min().orElse(0);
        long last = spans.values().stream().mapToLong(Span::lastMs).max().orElse(0);
        // --from is broker time: a backlog uploaded after it holds device times before it, and its alerts were
        // analysed in this run (probe 19a D14: they were dropped as outside the history), so the window starts at
        // the earlier of the two
        long windowStart = p.fromMs() == null ? first : spans.isEmpty() ? p.fromMs() : Math.min(p.fromMs(), first);
        long windowEnd = p.toMs() != null ? Math.min(p.toMs(), last) : last;
        // alerts raised after the last reading come from timers that fire when the bounded history ends (e.g. the
        // silence after the last reading): they are not part of the history and are counted apart
        Map<RuleSet, List<Alert>> in = new EnumMap<>(RuleSet.class);
        Map<RuleSet, Integer> afterEnd = new EnumMap<>(RuleSet.class);
        for (RuleSet r : RuleSet.values()) {
            List<Alert> list = new ArrayList<>();
            int late = 0;
            for (Alert a : alerts.get(r).values()) {
                if (a.raisedMs > windowEnd || a.raisedMs < windowStart) {
                    late++;
                } else {
                    list.add(a);
                }
            }
            list.sort(ORDER);
            in.put(r, list);
            afterEnd.put(r, late);
        }
        Matching m = Matching.of(in.get(RuleSet.CURRENT), in.get(RuleSet.CANDIDATE), windowEnd);
        OutcomeMatching o = OutcomeMatching.of(outcomes.values(), recorded, in.get(RuleSet.CURRENT), windowEnd);
        return new WhatIfResult(p, windowStart, windowEnd, new ArrayList<>(spans.values()), in, afterEnd, m, o,
                Map.copyOf(strata), new TreeMap<>(refused), priorities);
    }

    static final Comparator<Alert> ORDER = Comparator.comparingLong(Alert::raisedMs).thenComparing(Alert::programme)
            .thenComparing(Alert::patientId).thenComparing(Alert::type).thenComparing(Alert::episodeId);

    /**
     * Which current episode is the same as which candidate episode: same programme, patient and episode type, and
     * either the same episode id (same start) or overlapping periods [start, end] (an open episode runs to the end
     * of the history), taken in start order, each episode matched at most once. Unmatched current episodes are
     * lost, unmatched candidate episodes gained.
     */
    public record Matching(List<Alert> kept, List<Alert> lost, List<Alert> gained, Map<String, Alert> keptAs) {
        /** The candidate's alert that a kept current alert (by episode id) was matched with. */
        public Alert candidateOf(Alert kept) {
            return keptAs.get(kept.episodeId);
        }

        static Matching of(List<Alert> current, List<Alert> candidate, long historyEndMs) {
            Map<String, List<Alert>> cur = group(current);
            Map<String, List<Alert>> cand = group(candidate);
            List<Alert> kept = new ArrayList<>();
            List<Alert> lost = new ArrayList<>();
            List<Alert> gained = new ArrayList<>();
            Map<String, Alert> keptAs = new HashMap<>();
            java.util.Set<String> keys = new java.util.TreeSet<>(cur.keySet());
            keys.addAll(cand.keySet());
            for (String k : keys) {
                List<Alert> cs = cur.getOrDefault(k, List.of());
                List<Alert> ds = new ArrayList<>(cand.getOrDefault(k, List.of()));
                boolean[] used = new boolean[ds.size()];
                List<Alert> unmatched = new ArrayList<>();
                for (Alert c : cs) { // same id first
                    int j = indexOf(ds, used, d -> d.episodeId.equals(c.episodeId));
                    if (j >= 0) {
                        used[j] = true;
                        kept.add(c);
                        keptAs.put(c.episodeId, ds.get(j));
                    } else {
                        unmatched.add(c);
                    }
                }
                for (Alert c : unmatched) {
                    int j = indexOf(ds, used, d -> overlaps(c, d, historyEndMs));
                    if (j >= 0) {
                        used[j] = true;
                        kept.add(c);
                        keptAs.put(c.episodeId, ds.get(j));
                    } else {
                        lost.add(c);
                    }
                }
                for (int j = 0; j < ds.size(); j++) {
                    if (!used[j]) {
                        gained.add(ds.get(j));
                    }
                }
            }
            kept.sort(ORDER);
            lost.sort(ORDER);
            gained.sort(ORDER);
            return new Matching(kept, lost, gained, keptAs);
        }

        private static Map<String, List<Alert>> group(List<Alert> alerts) {
            Map<String, List<Alert>> out = new TreeMap<>();
            for (Alert a : alerts) {
                out.computeIfAbsent(a.patientKey() + "|" + a.type, x -> new ArrayList<>()).add(a);
            }
            out.values().forEach(l -> l.sort(Comparator.comparingLong(Alert::startMs)));
            return out;
        }

        private static int indexOf(List<Alert> ds, boolean[] used, java.util.function.Predicate<Alert> p) {
            for (int j = 0; j < ds.size(); j++) {
                if (!used[j] && p.test(ds.get(j))) {
                    return j;
                }
            }
            return -1;
        }

        static boolean overlaps(Alert a, Alert b, long historyEndMs) {
            long aEnd = a.endMs == null ? historyEndMs : a.endMs;
            long bEnd = b.endMs == null ? historyEndMs : b.endMs;
            return a.startMs <= bEnd && b.startMs <= aEnd;
        }
    }
}
