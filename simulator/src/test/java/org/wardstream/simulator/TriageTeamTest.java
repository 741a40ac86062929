package org.wardstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.contract.ClinicianTime;

/** The simulated triage team: shift hours, one alert per clinician at a time, seeded and deterministic. */
class TriageTeamTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");

    static TriageTeam.Alert alert(String id, String at) {
        return new TriageTeam.Alert(id, "virtual-ward", "p1", "tachycardia", Instant.parse(at).toEpochMilli());
    }

    /**
     * The team is sized with the one planning figure of clinician minutes per alert that the equity report and the
     * what-if use ({@link ClinicianTime}, in schemas), not a copy of its own (the simulator kept one until session 18);
     * the figure's stated basis names this team's median handling time.
     */
    @Test
    void aTeamIsSizedWithTheMinutesPerAlertOfTheReportAndTheWhatIf() {
        double alertsPerDay = 100; // the alert load, not the 10 patients, decides the team
        int byAlerts = (int) Math.ceil(alertsPerDay * ClinicianTime.MINUTES_PER_ALERT
                / (12 * 60 * TriageTeam.TARGET_UTILISATION));
        assertThat(byAlerts).isGreaterThan(1);
        assertThat(TriageTeam.sizedFor(1, 10, alertsPerDay).clinicians()).isEqualTo(byAlerts);
        assertThat(ClinicianTime.BASIS).contains("median " + TriageTeam.MEDIAN_HANDLING.toMinutes() + " minutes");
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

    @Test
    void closesMatchedAlertsMostlyWithActionAndUnmatchedOnesAsFalseAlarmsOrDeviceProblems() {
        List<TriageTeam.Alert> alerts = new ArrayList<>();
        List<GroundTruthEpisode> truth = new ArrayList<>();
        Instant t0 = Instant.parse("2026-03-02T09:00:00Z");
        for (int i = 0; i < 400; i++) {
            Instant start = t0.plus(Duration.ofMinutes(3L * i));
            String type = i % 2 == 0 ? "tachycardia" : "device-offline";
            // even hundreds match an injected episode starting 4 min before the detected start; odd ones match none
            boolean injected = (i / 100) % 2 == 0;
            if (injected) {
                truth.add(new GroundTruthEpisode("p" + i, type, start.minus(Duration.ofMinutes(4)),
                        start.plus(Duration.ofMinutes(20))));
            } else {
                truth.add(new GroundTruthEpisode("p" + i, "pause", start, start.plus(Duration.ofMinutes(20))));
            }
            alerts.add(new TriageTeam.Alert("e" + i, "virtual-ward", "p" + i, type,
                    start.plus(Duration.ofMinutes(1)).toEpochMilli(), start.toEpochMilli()));
        }
        var closures = TriageTeam.sizedFor(3, 1000, 100).triage(alerts, truth);
        assertThat(closures).hasSize(400);
        assertThat(closures).allSatisfy(c -> assertThat(c.closedAt()).isGreaterThanOrEqualTo(
                c.acknowledgement().time()));
        var matched = closures.stream().filter(TriageTeam.Closure::matchedInjected).toList();
        var unmatched = closures.stream().filter(c -> !c.matchedInjected()).toList();
        assertThat(matched).hasSize(200);
        assertThat(matched.stream().filter(TriageTeam.Closure::withAction).count()).isBetween(160L, 195L);
        assertThat(unmatched).noneMatch(TriageTeam.Closure::withAction);
        assertThat(unmatched.stream().filter(c -> c.acknowledgement().alert().episodeType().equals("tachycardia")))
                .allMatch(c -> c.outcome() == org.wardstream.schema.TriageOutcome.FALSE_ALARM);
        long deviceProblems = unmatched.stream()
                .filter(c -> c.acknowledgement().alert().episodeType().equals("device-offline"))
                .filter(c -> c.outcome() == org.wardstream.schema.TriageOutcome.DEVICE_PROBLEM).count();
        assertThat(deviceProblems).isBetween(70L, 98L);
        assertThat(TriageTeam.sizedFor(3, 1000, 100).triage(alerts, truth)).isEqualTo(closures);
    }

    @Test
    void theSizedTeamHasOneClinicianPerTwoHundredFiftyPatientsOrMoreForTheAlertLoad() {
        assertThat(TriageTeam.sizedFor(1, 200, 5).clinicians()).isEqualTo(1);
        assertThat(TriageTeam.sizedFor(1, 1000, 5).clinicians()).isEqualTo(4);
        assertThat(TriageTeam.sizedFor(1, 1001, 5).clinicians()).isEqualTo(5);
        // 112 alerts a day at 15 planned minutes = 1,680 min; half of a 12 h shift is 360 min: 5 clinicians
        assertThat(TriageTeam.sizedFor(1, 200, 112).clinicians()).isEqualTo(5);
        assertThat(TriageTeam.sizedFor(1, 200, 112).onCall()).isEqualTo(1);
    }

    @Test
    void anOnCallClinicianAcknowledgesOvernightAlertsWithinMinutes() {
        var acks = TriageTeam.sizedFor(1, 200, 10).acknowledge(List.of(alert("e1", "2026-03-02T23:00:00Z")));
        assertThat(acks.get(0).delay()).isBetween(Duration.ofSeconds(30), Duration.ofMinutes(3));
        assertThat(acks.get(0).clinician()).isZero();
    }
}
