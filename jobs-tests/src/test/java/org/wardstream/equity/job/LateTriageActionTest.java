package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.equity.job.EquityHarness.MIN;
import static org.wardstream.equity.job.EquityHarness.at;
import static org.wardstream.equity.job.EquityHarness.localStart;
import static org.wardstream.equity.job.EquityHarness.send;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.wardstream.schema.Episode;
import org.wardstream.schema.EpisodeState;
import org.wardstream.schema.Severity;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;
import org.wardstream.schema.TriageOutcome;

/**
 * Adversarial probe 19a, D1 (fixed: an alert is followed after its day is final, until closed or
 * {@link PatientEquity#FOLLOW_UP}; a later acknowledgement or closure counts on the day it is made): an alert
 * acknowledged or closed more than a day after its local day ended was never counted in "time to acknowledge" or
 * "needed action", and not even as dropped-late.
 *
 * <p>Scenario: a routine pause alert is raised on Friday 6 March 2026 at 18:00 (a service whose team does not work
 * weekends, or a busy Friday evening). The team acknowledges it on Monday 9 March at 09:00 (63 h later) and closes it
 * with action (contacted the patient) at 09:30. The patient's readings keep event time moving over the weekend.
 *
 * <p>The job keeps an alert's episode reference only while its day is within the allowed lateness (day end + 24 h:
 * Sunday 00:00); after that the Monday acknowledgement finds no episode, is parked in {@code pendingTriage} waiting
 * for an OPENED record that has already been counted, and is purged a day later by {@code advance} without any
 * metric. The Friday patient-day therefore says 1 alert raised, 0 acknowledgement delays, 0 closures: the
 * commissioners' median time to acknowledge leaves out every slow acknowledgement (it reads faster the slower the
 * team is), "needed action" leaves out alerts that took more than a day to close, and
 * {@code equityDroppedLate{input=triage}} stays 0 (docs/JOBS.md: later data is dropped-late and counted, never
 * silently).
 */
class LateTriageActionTest {
    static final String PROG = PatientDayFunctionTest.PROG;
    static final String P = PatientDayFunctionTest.P;

    @Test
    void anAlertAcknowledgedAndClosedAfterTheWeekendCountsOnTheDayOfTheAction() throws Exception {
        PatientDayFunction function = new PatientDayFunction(EquityJobSettings.defaults());
        try (KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h =
                     EquityHarness.opened(function)) {
            send(h, PatientDayFunctionTest.enrolment("2026-03-05", "ACTIVE", null));
            long raised = localStart("2026-03-06") + 18 * 60 * MIN;
            Episode opened = Episode.newBuilder().setEpisodeId("ep-friday").setPatientId(P).setProgramme(PROG)
                    .setEpisodeType("pause").setState(EpisodeState.OPENED).setSeverity(Severity.ROUTINE)
                    .setStart(at(raised - MIN)).setEnd(null).setEvidenceTime(at(raised - MIN))
                    .setEvidenceReceived(at(raised - 2_000)).setEmittedAt(at(raised)).setDelayedByMs(0)
                    .setDetector("wardstream-rr-analyser/6").build();
            send(h, EquityDeserializers.fromEpisode(opened));

            // the patient's device keeps reporting over the weekend: event time moves on, hour by hour
            long ack = localStart("2026-03-09") + 9 * 60 * MIN;
            for (long t = raised + 60 * MIN; t < ack; t += 60 * MIN) {
                send(h, PatientDayFunctionTest.hr(t));
                h.processWatermark(t);
            }
            send(h, EquityDeserializers.fromTriage(TriageEvent.newBuilder().setProgramme(PROG).setPatientId(P)
                    .setEpisodeId("ep-friday").setAction(TriageAction.ACKNOWLEDGED).setTime(at(ack))
                    .setAlertRaisedAt(at(raised)).build()));
            send(h, EquityDeserializers.fromTriage(TriageEvent.newBuilder().setProgramme(PROG).setPatientId(P)
                    .setEpisodeId("ep-friday").setAction(TriageAction.CLOSED_WITH_ACTION)
                    .setOutcome(TriageOutcome.CONTACTED_PATIENT).setTime(at(ack + 30 * MIN))
                    .setAlertRaisedAt(at(raised)).build()));
            for (long t = ack; t < localStart("2026-03-12"); t += 60 * MIN) {
                send(h, PatientDayFunctionTest.hr(t));
                h.processWatermark(t);
            }

            Map<Long, PatientDayRecord> newest = new TreeMap<>();
            for (PatientDayRecord r : h.extractOutputValues()) {
                newest.merge(r.epochDay, r, (a, b) -> b.revision > a.revision ? b : a);
            }
            PatientDayRecord friday = newest.get(LocalDate.parse("2026-03-06").toEpochDay());
            PatientDayRecord monday = newest.get(LocalDate.parse("2026-03-09").toEpochDay());
            assertThat(friday.alertsRaised).as("the Friday alert is counted as raised on Friday").isEqualTo(1);
            assertThat(friday.acknowledgedWithinTarget).as("acknowledged 63 h later: not within target").isZero();
            assertThat(newest.values().stream().flatMap(r -> r.ackDelaysMs.stream()).toList())
                    .as("time to acknowledge of the Friday alert, counted on Monday, the day of the acknowledgement")
                    .containsExactly(Duration.ofHours(63).toMillis());
            assertThat(monday.ackDelaysMs).containsExactly(Duration.ofHours(63).toMillis());
            assertThat(monday.alertsClosed).as("its closure, on Monday").containsEntry("pause", 1);
            assertThat(monday.alertsClosedWithAction).as("closed with action (contacted the patient)")
                    .containsEntry("pause", 1);
            assertThat(monday.acknowledgedWithinTarget).as("never within target on another day than its own").isZero();
            assertThat(function.droppedLate(EquityInput.Kind.TRIAGE)).isZero();
        }
    }

    /** A triage action for an alert whose episode never arrives is dropped-late once it stops waiting, not silently. */
    @Test
    void aTriageActionWhoseAlertNeverArrivesIsCountedAsDroppedLate() throws Exception {
        PatientDayFunction function = new PatientDayFunction(EquityJobSettings.defaults());
        try (KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h =
                     EquityHarness.opened(function)) {
            send(h, PatientDayFunctionTest.enrolment("2026-03-05", "ACTIVE", null));
            long ack = localStart("2026-03-06") + 9 * 60 * MIN;
            send(h, EquityDeserializers.fromTriage(TriageEvent.newBuilder().setProgramme(PROG).setPatientId(P)
                    .setEpisodeId("ep-never").setAction(TriageAction.ACKNOWLEDGED).setTime(at(ack))
                    .setAlertRaisedAt(at(ack - 60 * MIN)).build()));
            for (long t = ack; t < localStart("2026-03-09"); t += 60 * MIN) {
                send(h, PatientDayFunctionTest.hr(t));
                h.processWatermark(t);
            }
            assertThat(function.droppedLate(EquityInput.Kind.TRIAGE)).isEqualTo(1);
        }
    }
}
