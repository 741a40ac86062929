package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.equity.job.EquityHarness.MIN;
import static org.wardstream.equity.job.EquityHarness.at;
import static org.wardstream.equity.job.EquityHarness.localStart;
import static org.wardstream.equity.job.EquityHarness.send;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.wardstream.schema.Episode;
import org.wardstream.schema.EpisodeState;
import org.wardstream.schema.Severity;

/**
 * Adversarial probe 19a, D7 (fixed: an alert whose opening day is final counts on the day its evidence reached the
 * platform, with its delay): an alert raised from a backlog uploaded more than a day late was left out of every
 * commissioner figure, and with it the longest event-to-platform delays.
 *
 * <p>Scenario: a patient's home broadband is down from Monday 2 March 2026 morning to Thursday 5 March 10:00 (the
 * design notes: connectivity loss is more common in deprived areas, devices buffer and upload later). The device
 * buffered an AF episode that began Monday 10:00; when the upload arrives on Thursday the detection job analyses it
 * and raises the AF alert (its episode record: evidence time Monday 10:00, received Thursday 10:00, a 72-hour
 * event-to-platform delay). The equity job's event time follows the other patients' live readings (Thursday), so
 * Monday's patient-day is past its allowed lateness (24 h after the day ends): {@code PatientEquity.onEpisode} finds
 * no ledger and the episode is dropped-late (a metric for operators only). Measured: Monday's day says 0 clinical
 * alerts and no delay; the alert exists on the {@code alerts} topic but in no aggregate, so the alert rate does not
 * reconcile with the alerts, and {@code alert_delay_median_ms} / {@code alert_delay_p90_ms}, the measure meant to show
 * "how long device buffering and connectivity held the evidence back", can never contain a delay longer than about
 * a day or two: it is truncated exactly for the patients it exists to show. Expected: the alert counted (on the day it
 * was opened, or on the day it was raised) with its 72-hour delay.
 */
class AlertFromBacklogTest {
    static final String PROG = PatientDayFunctionTest.PROG;
    static final String P = PatientDayFunctionTest.P;

    @Test
    void anAlertRaisedFromAThreeDayBacklogCountsOnTheDayItArrivedWithItsDelay() throws Exception {
        PatientDayFunction function = new PatientDayFunction(EquityJobSettings.defaults());
        try (KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h =
                     EquityHarness.opened(function)) {
            send(h, PatientDayFunctionTest.enrolment("2026-03-01", "ACTIVE", null));
            long start = localStart("2026-03-01");
            long upload = localStart("2026-03-05") + 10 * 60 * MIN;
            // the rest of the service's live data moves event time on, hour by hour, to Thursday's upload
            for (long t = start + 60 * MIN; t <= upload; t += 60 * MIN) {
                h.processWatermark(t);
            }
            long onset = localStart("2026-03-02") + 10 * 60 * MIN;
            Episode af = Episode.newBuilder().setEpisodeId("ep-backlog").setPatientId(P).setProgramme(PROG)
                    .setEpisodeType("atrial-fibrillation").setState(EpisodeState.OPENED).setSeverity(Severity.ROUTINE)
                    .setStart(at(onset)).setEnd(null).setEvidenceTime(at(onset + 30 * MIN))
                    .setEvidenceReceived(at(upload)).setEmittedAt(at(upload + 2_000))
                    .setDelayedByMs(upload - onset - 30 * MIN).setDetector("wardstream-rr-analyser/8").build();
            send(h, EquityDeserializers.fromEpisode(af));
            for (long t = upload; t <= localStart("2026-03-08"); t += 60 * MIN) {
                h.processWatermark(t);
            }

            List<PatientDayRecord> out = h.extractOutputValues();
            int alerts = out.stream().filter(r -> r.revision == out.stream().filter(o -> o.epochDay == r.epochDay)
                    .mapToInt(o -> o.revision).max().orElse(0)).mapToInt(r -> r.alertsRaised).sum();
            List<Long> delays = out.stream().flatMap(r -> r.alertDelaysMs.stream()).toList();
            long dropped = function.droppedLate(EquityInput.Kind.EPISODE);
            System.out.printf("days emitted %d, clinical alerts counted %d, delays %s, dropped-late episodes %d%n",
                    out.size(), alerts, delays, dropped);
            assertThat(alerts).as("the AF alert raised on Thursday from Monday's buffered data, in any day").isEqualTo(1);
            assertThat(delays).as("its event-to-platform delay (72 h less the 30 min to the evidence)")
                    .containsExactly(Duration.ofHours(72).minusMinutes(30).toMillis());
            assertThat(out.stream().filter(r -> r.day().equals(LocalDate.parse("2026-03-05")))
                    .mapToInt(r -> r.clinicalAlerts.getOrDefault("atrial-fibrillation", 0)).max().orElse(0))
                    .as("counted on Thursday 5 March, the day the upload reached the platform").isEqualTo(1);
            assertThat(dropped).as("not dropped").isZero();
        }
    }
}
