package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.equity.model.Strata;
import org.wardstream.whatif.WhatIfLedger.Alert;
import org.wardstream.whatif.WhatIfLedger.RuleSet;

/** The what-if arithmetic without Flink: matching, outcome attribution, strata, the end of the history. */
class WhatIfLedgerTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00Z

    static void opened(WhatIfLedger l, RuleSet r, String id, String patient, String type, long start, long raised) {
        l.change(r, "OPENED", id, "p", patient, type, "urgent", start, -1, raised, 1);
    }

    static void closed(WhatIfLedger l, RuleSet r, String id, long end) {
        l.change(r, "CLOSED", id, "p", "ignored", "ignored", "urgent", 0, end, end, 1);
    }

    static WhatIfResult result(WhatIfLedger l) {
        return l.result(new WhatIfLedger.Parameters(6, null, null));
    }

    @Test
    void aShiftedStartIsTheSameEpisodeWhenThePeriodsOverlapAndADisjointOneIsLostAndGained() {
        WhatIfLedger l = new WhatIfLedger();
        l.span("p", "a", T0, T0 + 47 * H, 10);
        opened(l, RuleSet.CURRENT, "c1", "a", "tachycardia", T0 + H, T0 + H + 1);
        closed(l, RuleSet.CURRENT, "c1", T0 + 3 * H);
        opened(l, RuleSet.CANDIDATE, "d1", "a", "tachycardia", T0 + 2 * H, T0 + 2 * H + 1); // later start, overlaps
        opened(l, RuleSet.CURRENT, "c2", "a", "tachycardia", T0 + 10 * H, T0 + 10 * H + 1);
        closed(l, RuleSet.CURRENT, "c2", T0 + 11 * H);
        opened(l, RuleSet.CANDIDATE, "d2", "a", "tachycardia", T0 + 12 * H, T0 + 12 * H + 1); // after c2 ended
        opened(l, RuleSet.CANDIDATE, "d3", "a", "bradycardia", T0 + 10 * H, T0 + 10 * H + 1); // other type

        WhatIfLedger.Matching m = result(l).matching();
        assertThat(m.kept()).extracting(Alert::episodeId).containsExactly("c1");
        assertThat(m.lost()).extracting(Alert::episodeId).containsExactly("c2");
        assertThat(m.gained()).extracting(Alert::episodeId).containsExactly("d3", "d2");
    }

    @Test
    void anEpisodeStillOpenRunsToTheEndOfTheHistoryAndEachEpisodeMatchesOnce() {
        WhatIfLedger l = new WhatIfLedger();
        l.span("p", "a", T0, T0 + 20 * H, 10);
        opened(l, RuleSet.CURRENT, "c1", "a", "atrial-fibrillation", T0 + H, T0 + H); // never closes
        opened(l, RuleSet.CANDIDATE, "d1", "a", "atrial-fibrillation", T0 + 15 * H, T0 + 15 * H);
        opened(l, RuleSet.CANDIDATE, "d2", "a", "atrial-fibrillation", T0 + 16 * H, T0 + 16 * H);

        WhatIfLedger.Matching m = result(l).matching();
        assertThat(m.kept()).extracting(Alert::episodeId).containsExactly("c1");
        assertThat(m.gained()).extracting(Alert::episodeId).containsExactly("d2");
        assertThat(m.lost()).isEmpty();
    }

    @Test
    void theLatestCodedOutcomeCountsAndLostAlertsAreSplitByWhatCliniciansFound() {
        WhatIfLedger l = new WhatIfLedger();
        l.span("p", "a", T0, T0 + 5 * H, 10);
        for (String id : List.of("x1", "x2", "x3", "x4", "x5", "x6")) {
            opened(l, RuleSet.CURRENT, id, "a", "pause", T0 + H, T0 + H);
            closed(l, RuleSet.CURRENT, id, T0 + H + 1);
            l.change(RuleSet.CURRENT, "UPDATED", id, "p", "a", "pause", "urgent", T0 + H, -1, T0 + 2 * H, 1);
        }
        l.outcome("x1", "FALSE_ALARM", 10);
        l.outcome("x1", "ESCALATED_TO_CLINICIAN", 20); // revised: needed action after all
        l.outcome("x1", null, 30); // an acknowledgement carries no outcome
        l.outcome("x2", "NO_ACTION_NEEDED", 10);
        l.outcome("x2", "FALSE_ALARM", 5); // older: the latest wins
        // an actionable outcome read after a later "no action needed" (topic order is not time order): it needed
        // action, as when read in time order (probe 19a D15; until session 20 the answer depended on the order read)
        l.outcome("x6", "NO_ACTION_NEEDED", 10);
        l.outcome("x6", "CONTACTED_PATIENT", 5);
        l.outcome("x3", "DEVICE_PROBLEM", 10);
        l.outcome("x4", "FALSE_ALARM", 10);
        // x5: no outcome recorded
        Map<String, Object> j = result(l).toJson(Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) j.get("outcomes");
        assertThat(o.get("missed_actionable")).isEqualTo(2);
        assertThat(o.get("avoided_not_needed")).isEqualTo(2L);
        assertThat(o.get("avoided_false_alarm")).isEqualTo(1L);
        assertThat(o.get("avoided_no_action_needed")).isEqualTo(1L);
        assertThat(o.get("lost_other_outcome")).isEqualTo(1L);
        assertThat(o.get("lost_without_outcome")).isEqualTo(1L);
        assertThat(o.get("current_alerts_with_outcome")).isEqualTo(5L);
    }

    @Test
    void alertsAfterTheLastReadingAreNotCountedAndStrataDefaultToUnknown() {
        WhatIfLedger l = new WhatIfLedger();
        l.span("p", "a", T0, T0 + 30 * H, 10); // two calendar days
        l.span("p", "b", T0 + H, T0 + 2 * H, 10);
        l.strata("p", "a", new Strata("1", "IoD2019", "White", "65-74", "male", "QMJ"));
        opened(l, RuleSet.CURRENT, "in", "a", "inactivity", T0 + 5 * H, T0 + 5 * H);
        opened(l, RuleSet.CURRENT, "b1", "b", "inactivity", T0 + 1 * H, T0 + 2 * H);
        opened(l, RuleSet.CURRENT, "late", "a", "device-offline", T0 + 30 * H, T0 + 32 * H);
        WhatIfResult r = result(l);
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("tachycardia", 4));
        Map<String, Object> j = r.toJson(Map.of("current", set, "candidate", set, "changed_rules", List.of()));
        assertThat(r.readingSpanDays()).isEqualTo(3);
        assertThat(j.get("readings_admitted")).isEqualTo(20L);
        assertThat(j.get("events_refused_by_ingest")).isEqualTo(Map.of());
        assertThat(r.windowDays()).isEqualTo(2);
        assertThat(j.get("alerts_outside_history_not_counted")).isEqualTo(Map.of("current", 1, "candidate", 0));
        assertThat(r.matching().lost()).extracting(Alert::episodeId).containsExactly("b1", "in");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Map<String, Object>>> s = (Map<String, Map<String, Map<String, Object>>>) j.get("by_stratum");
        assertThat(s.get("imd_quintile").keySet()).containsExactly("1", "unknown");
        assertThat(s.get("imd_quintile").get("1").get("reading_span_days")).isEqualTo(2L);
        assertThat(s.get("imd_quintile").get("1").get("current_per_1000_reading_span_days")).isEqualTo(500.0);
        assertThat(s.get("sex").get("unknown").get("lost")).isEqualTo(1L);
        // 2 alerts * 6 min / 60 * 7 days / 2 calendar days
        assertThat(((Map<?, ?>) j.get("clinician_hours_per_week")).get("current")).isEqualTo(0.7);
    }

    /** Every event refused by the ingest: no history to bound (never a 1970 window) and the report says so. */
    @Test
    void noReadingAdmittedGivesNoWindowAndAReportThatSaysNothingWasCompared() {
        WhatIfLedger l = new WhatIfLedger();
        l.refused("future-time");
        WhatIfResult r = result(l);
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("tachycardia", 4));
        Map<String, Object> j = r.toJson(Map.of("current", set, "candidate", set, "changed_rules", List.of()));
        @SuppressWarnings("unchecked")
        Map<String, Object> window = (Map<String, Object>) j.get("window");
        assertThat(window.get("from")).isNull();
        assertThat(window.get("to")).isNull();
        assertThat(window.get("calendar_days")).isEqualTo(0L);
        assertThat(r.readingsAdmitted()).isZero();
        String html = WhatIfReport.html(j);
        assertThat(html).doesNotContain("1970").contains("No device event of this history was analysed");
    }
}
