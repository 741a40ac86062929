package org.wardstream.whatif;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.wardstream.whatif.WhatIfLedger.Alert;
import org.wardstream.whatif.WhatIfLedger.OutcomeClass;

/**
 * Which current alert of the what-if each clinician's outcome judges (plain Java).
 *
 * <p>An outcome names the alert it was recorded against by episode id, and the id holds the version of the detector
 * that started the episode ({@code EpisodeIds}): history recorded before a detector upgrade (e.g.
 * {@code wardstream-rr-analyser/8} -> {@code /9}) re-runs under the new version with new ids, so an exact join alone
 * leaves its outcomes judging nothing. The rule, in this order:
 * <ol>
 *   <li><b>Exact</b>: the outcome's episode id is the id of a current alert of this run.</li>
 *   <li><b>By overlap</b>: otherwise, when the alert it was recorded against is known (the {@code alerts} topic or
 *   {@code --alerts} file: its type and period), the current alert of the same programme, patient pseudonym and
 *   alert type whose period overlaps the recorded one (closed intervals: {@code start <= otherEnd} both ways; an
 *   alert of this run still open runs to the end of the history, a recorded alert not seen closed to the end of
 *   time), among the current alerts without an exact outcome of their own. Of several, the one with the longest
 *   overlap, then the earliest start, then the smallest episode id. One outcome judges at most one alert.</li>
 *   <li>Otherwise <b>not matched</b> (counted; with no recorded alert for its id, counted apart).</li>
 * </ol>
 * Several outcomes matched by overlap to one alert (the older detector split what this one sees as one episode) are
 * combined as several outcomes of one alert are: an actionable outcome is kept, otherwise the latest.
 *
 * @param byAlert         current alert's episode id -> its clinicians' outcome
 * @param exact           outcomes matched by episode id
 * @param byOverlap       outcomes matched by programme, patient, type and overlapping period
 * @param notMatched      outcomes matched to no current alert (includes {@code withoutRecord})
 * @param withoutRecord   of those, outcomes whose alert is not in the recorded alerts (so no overlap could be tried)
 */
public record OutcomeMatching(Map<String, String> byAlert, long exact, long byOverlap, long notMatched,
                              long withoutRecord) {

    /** A clinician's coded outcome of a recorded alert (the one kept of its triage events); ids may be null. */
    public record Outcome(String episodeId, String programme, String patientId, String outcome, long timeMs) {
    }

    /** The alert an outcome was recorded against, as the live job sent it: type and period. */
    public record Recorded(String programme, String patientId, String type, long startMs, Long endMs) {
    }

    /** Whether {@code next} replaces {@code kept} as an alert's outcome: never over an actionable one (probe 19a D15). */
    static boolean replaces(String kept, long keptMs, String next, long nextMs) {
        if (OutcomeClass.of(kept) == OutcomeClass.ACTIONABLE && OutcomeClass.of(next) != OutcomeClass.ACTIONABLE) {
            return false;
        }
        return OutcomeClass.of(next) == OutcomeClass.ACTIONABLE && OutcomeClass.of(kept) != OutcomeClass.ACTIONABLE
                || nextMs >= keptMs;
    }

    static OutcomeMatching of(Collection<Outcome> outcomes, Map<String, Recorded> recorded, List<Alert> current,
                              long historyEndMs) {
        Map<String, Alert> byId = new HashMap<>();
        Map<String, List<Alert>> byKey = new HashMap<>();
        for (Alert a : current) {
            byId.put(a.episodeId(), a);
            byKey.computeIfAbsent(key(a.programme(), a.patientId(), a.type()), k -> new ArrayList<>()).add(a);
        }
        Set<String> exactAlerts = new HashSet<>();
        for (Outcome o : outcomes) {
            if (byId.containsKey(o.episodeId())) {
                exactAlerts.add(o.episodeId());
            }
        }
        Map<String, List<Outcome>> judged = new TreeMap<>();
        long exact = 0;
        long overlap = 0;
        long none = 0;
        long withoutRecord = 0;
        for (Outcome o : outcomes) {
            String alertId = null;
            if (byId.containsKey(o.episodeId())) {
                alertId = o.episodeId();
                exact++;
            } else {
                Recorded r = recorded.get(o.episodeId());
                if (r == null) {
                    withoutRecord++;
                } else {
                    Alert best = bestOverlap(r, o, byKey, exactAlerts, historyEndMs);
                    if (best != null) {
                        alertId = best.episodeId();
                        overlap++;
                    }
                }
            }
            if (alertId == null) {
                none++;
            } else {
                judged.computeIfAbsent(alertId, k -> new ArrayList<>()).add(o);
            }
        }
        Map<String, String> byAlert = new HashMap<>();
        judged.forEach((id, list) -> {
            list.sort(Comparator.comparingLong(Outcome::timeMs).thenComparing(Outcome::episodeId));
            Outcome kept = list.get(0);
            for (Outcome o : list.subList(1, list.size())) {
                if (replaces(kept.outcome(), kept.timeMs(), o.outcome(), o.timeMs())) {
                    kept = o;
                }
            }
            byAlert.put(id, kept.outcome());
        });
        return new OutcomeMatching(Map.copyOf(byAlert), exact, overlap, none, withoutRecord);
    }

    private static Alert bestOverlap(Recorded r, Outcome o, Map<String, List<Alert>> byKey, Set<String> exactAlerts,
                                     long historyEndMs) {
        String programme = o.programme() != null ? o.programme() : r.programme();
        String patient = o.patientId() != null ? o.patientId() : r.patientId();
        long rEnd = r.endMs() == null ? Long.MAX_VALUE : r.endMs();
        Alert best = null;
        long bestOverlap = -1;
        for (Alert a : byKey.getOrDefault(key(programme, patient, r.type()), List.of())) {
            long aEnd = a.endMs() == null ? historyEndMs : a.endMs();
            if (exactAlerts.contains(a.episodeId()) || a.startMs() > rEnd || r.startMs() > aEnd) {
                continue;
            }
            long length = Math.min(aEnd, rEnd) - Math.max(a.startMs(), r.startMs());
            if (best == null || length > bestOverlap || length == bestOverlap
                    && (a.startMs() < best.startMs()
                    || a.startMs() == best.startMs() && a.episodeId().compareTo(best.episodeId()) < 0)) {
                best = a;
                bestOverlap = length;
            }
        }
        return best;
    }

    private static String key(String programme, String patient, String type) {
        return programme + "|" + patient + "|" + type;
    }
}
