package org.wardstream.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.wardstream.whatif.WhatIfLedger.RuleSet;

/**
 * The what-if's alert rate is not the equity report's, so it does not carry its name. The what-if divides alerts of
 * every type by each patient's UTC days from first to last reading; the equity report divides clinical alerts by days
 * of an active enrolment in the patient's time zone (docs/METRICS.md). Until session 20 both were "alerts per 1,000
 * patient-days" (probe 19a, smaller observations), and a commissioner reading both pages saw two figures for one
 * history under one name. The what-if's rate is now per 1,000 "reading-span days", defined on the page and in the JSON.
 */
class WhatIfRateNameTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00Z

    @Test
    void theWhatIfRateIsPerReadingSpanDayAndSaysItIsNotTheEquityRate() {
        WhatIfLedger l = new WhatIfLedger();
        l.span("p", "a", T0 + 22 * H, T0 + 26 * H, 10); // 22:00 to 02:00 UTC: two calendar days
        l.span("p", "b", T0 + H, T0 + 2 * H, 10);
        l.change(RuleSet.CURRENT, "OPENED", "c1", "p", "a", "device-offline", "routine", T0 + 23 * H, -1, T0 + 23 * H,
                1);
        Map<String, Object> set = Map.of("origin", "classpath", "versions", Map.of("pause", 3));
        Map<String, Object> json = l.result(new WhatIfLedger.Parameters(15, null, null))
                .toJson(Map.of("current", set, "candidate", set, "changed_rules", List.of()));

        assertThat(json.get("reading_span_days")).isEqualTo(3L);
        assertThat(json.get("alerts_per_1000_reading_span_days"))
                .isEqualTo(Map.of("current", Map.of("total", 333.33, "by_type", Map.of("device-offline", 333.33)),
                        "candidate", Map.of("total", 0.0, "by_type", Map.of())));
        assertThat((String) json.get("reading_span_days_definition")).contains("first to the last admitted reading")
                .contains("Not the equity report's alert rates").contains("do not compare the two");
        assertThat(keys(json)).as("no what-if figure is called patient-days, the equity report's name")
                .noneMatch(k -> k.contains("patient_days"));
        String html = WhatIfReport.html(json);
        assertThat(html).doesNotContain("patient-days").contains("Alerts per 1,000 reading-span days")
                .contains("Not the equity report&#39;s alert rates");
    }

    @SuppressWarnings("unchecked")
    static List<String> keys(Object node) {
        List<String> out = new ArrayList<>();
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                out.add(String.valueOf(k));
                out.addAll(keys(v));
            });
        } else if (node instanceof List<?> list) {
            list.forEach(v -> out.addAll(keys(v)));
        }
        return out;
    }
}
