package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The simulated triage team: shift hours, one alert per clinician at a time, seeded and deterministic. */
class TriageTeamTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");

    static TriageTeam.Alert alert(String id, String at) {
        return new TriageTeam.Alert(id, "virtual-ward", "p1", "tachycardia", Instant.parse(at).toEpochMilli());
    }

    @Test
    void anAlertRaisedOnShiftIsAcknowledgedWithinMinutes() {
        var acks = TriageTeam.defaults(1).acknowledge(List.of(alert("e1", "2026-03-02T10:00:00Z")));
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).delay()).isBetween(Duration.ofSeconds(30), Duration.ofMinutes(3));
    }

    @Test
    void anAlertRaisedOvernightWaitsForTheMorningShift() {
        var acks = TriageTeam.defaults(1).acknowledge(List.of(alert("e1", "2026-03-02T23:00:00Z")));
        Instant ack = Instant.ofEpochMilli(acks.get(0).time());
        assertThat(ack).isBetween(Instant.parse("2026-03-03T08:00:00Z"), Instant.parse("2026-03-03T08:03:00Z"));
        assertThat(acks.get(0).delay()).isGreaterThan(Duration.ofHours(9));
    }

    @Test
    void theShiftFollowsLocalTimeAcrossTheClockChange() {
        // 2026-03-30 is in BST: the 08:00 local shift starts at 07:00 UTC
        var acks = TriageTeam.defaults(1).acknowledge(List.of(alert("e1", "2026-03-30T05:00:00Z")));
        assertThat(Instant.ofEpochMilli(acks.get(0).time()))
                .isBetween(Instant.parse("2026-03-30T07:00:00Z"), Instant.parse("2026-03-30T07:03:00Z"));
    }

    @Test
    void aBurstQueuesBehindOneClinicianAndMoreCliniciansClearItFaster() {
        List<TriageTeam.Alert> burst = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            burst.add(alert(String.format("e%02d", i), "2026-03-02T09:00:00Z"));
        }
        var one = TriageTeam.defaults(5).acknowledge(burst);
        var three = new TriageTeam(5, 3, LocalTime.of(8, 0), LocalTime.of(20, 0), LONDON, Duration.ofMinutes(12))
                .acknowledge(burst);
        Duration lastOne = one.get(one.size() - 1).delay();
        Duration lastThree = three.get(three.size() - 1).delay();
        assertThat(lastOne).isGreaterThan(Duration.ofHours(4)); // the 4 h target is missed for the tail
        assertThat(lastThree).isLessThan(lastOne.dividedBy(2));
        assertThat(three).extracting(TriageTeam.Acknowledgement::clinician).containsOnly(0, 1, 2);
    }

    @Test
    void theSameAlertsAndSeedGiveTheSameAcknowledgementsWhateverTheOrder() {
        List<TriageTeam.Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            alerts.add(alert("e" + i, Instant.parse("2026-03-02T06:00:00Z").plusSeconds(1800L * i).toString()));
        }
        var a = TriageTeam.defaults(9).acknowledge(alerts);
        List<TriageTeam.Alert> reversed = new ArrayList<>(alerts);
        java.util.Collections.reverse(reversed);
        assertThat(TriageTeam.defaults(9).acknowledge(reversed)).isEqualTo(a);
        assertThat(TriageTeam.defaults(10).acknowledge(alerts)).isNotEqualTo(a);
    }
}
