package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.equity.job.EquityHarness.MIN;
import static org.wardstream.equity.job.EquityHarness.at;
import static org.wardstream.equity.job.EquityHarness.localStart;
import static org.wardstream.equity.job.EquityHarness.send;

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
 * An alert a clinician resolved and the pipeline then re-opened by raising its priority (an escalation, or since
 * session 21 any change at a higher priority: the triage service's {@code PipelineOrder}), as the equity job reads
 * it. The triage service writes nothing on {@code triage-events} for the re-opening (its {@code TriageAction} has no
 * such symbol; {@code TriageIngestIT} pins that side); the clinician's second acknowledgement and resolution of the
 * re-opened Task are ACKNOWLEDGED and CLOSED_* records like the first ones, with the alert's first raise time.
 *
 * <p>docs/METRICS.md, section 1 and the notes of section 3: the time to acknowledge is from the raise to the first
 * triage action, "within target" is judged at the priority the alert had reached by that first acknowledgement (an
 * escalation after it does not re-judge it), and the first closure of an alert counts, later ones are ignored. So
 * the alert below counts once: raised 1, acknowledged within the routine target after 30 min, closed 1 without
 * action; the re-opened alert's acknowledgement (20 min after the escalation) and its closure with action are in no
 * figure, and nothing is counted as dropped-late.
 */
class ReopenedAlertTriageTest {
    static final String PROG = PatientDayFunctionTest.PROG;
    static final String P = PatientDayFunctionTest.P;

    @Test
    void aResolvedAlertReopenedByAPriorityRiseCountsItsFirstAcknowledgementAndFirstClosureOnly() throws Exception {
        PatientDayFunction function = new PatientDayFunction(EquityJobSettings.defaults());
        try (KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h =
                     EquityHarness.opened(function)) {
            long raised = raisedAndResolvedWithoutAction(h);
            // an hour after the raise the pipeline raises it to urgent (re-opened), resolved again 20 min later
            reopenedAndResolvedWithAction(h, raised, raised + 60 * MIN, raised + 80 * MIN);
            hourly(h, raised, localStart("2026-03-09"));

            Map<Long, PatientDayRecord> newest = newestByDay(h);
            PatientDayRecord day = newest.get(LocalDate.parse("2026-03-06").toEpochDay());
            assertThat(day.alertsRaised).isEqualTo(1);
            assertThat(day.ackDelaysMs).as("time to acknowledge: the first triage action, 30 min after the raise")
                    .containsExactly(30 * MIN);
            assertThat(day.acknowledgedWithinTarget)
                    .as("within the routine target by its first acknowledgement; the later escalation does not re-judge it")
                    .isEqualTo(1);
            assertThat(day.alertsClosed).as("closed once").isEqualTo(Map.of("pause", 1));
            assertThat(day.alertsClosedWithAction).as("the first closure counts: without action (METRICS.md)")
                    .doesNotContainKey("pause");
            assertCountedOnce(newest);
            assertThat(function.droppedLate(EquityInput.Kind.TRIAGE)).isZero();
        }
    }

    /**
     * The same, re-opened two days later, after the alert's day is final: its second acknowledgement and closure are
     * repeats of an alert already counted, ignored like the ones above. Until session 21 the job forgot an alert as soon
     * as it was closed and its day final, so these actions waited for an episode already counted and were counted as
     * {@code equityDroppedLate{input=triage}}, which docs/JOBS.md says is a triage action whose alert never arrived.
     */
    @Test
    void theActionsOnAnAlertReopenedAfterItsDayIsFinalAreIgnoredNotCountedAsDroppedLate() throws Exception {
        PatientDayFunction function = new PatientDayFunction(EquityJobSettings.defaults());
        try (KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h =
                     EquityHarness.opened(function)) {
            long raised = raisedAndResolvedWithoutAction(h);
            long escalated = localStart("2026-03-08") + 10 * 60 * MIN; // 6 March is final from 8 March 00:00
            hourly(h, raised, escalated);
            reopenedAndResolvedWithAction(h, raised, escalated, escalated + 20 * MIN);
            hourly(h, escalated, localStart("2026-03-12"));

            Map<Long, PatientDayRecord> newest = newestByDay(h);
            assertCountedOnce(newest);
            assertThat(newest.values().stream().mapToInt(r -> r.alertsClosedWithAction.size()).sum())
                    .as("the first closure counts: without action").isZero();
            assertThat(function.droppedLate(EquityInput.Kind.TRIAGE))
                    .as("the re-opened alert's actions are repeats of a counted alert, not actions whose alert never came")
                    .isZero();
        }
    }

    /** Enrols the patient, raises a routine pause alert on 6 March 10:00 and resolves it 30 min later without action. */
    private static long raisedAndResolvedWithoutAction(
            KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h) throws Exception {
        send(h, PatientDayFunctionTest.enrolment("2026-03-05", "ACTIVE", null));
        long raised = localStart("2026-03-06") + 10 * 60 * MIN;
        send(h, EquityDeserializers.fromEpisode(episode(EpisodeState.OPENED, Severity.ROUTINE, raised, raised)));
        send(h, triage(TriageAction.ACKNOWLEDGED, null, raised + 30 * MIN, raised));
        send(h, triage(TriageAction.CLOSED_NO_ACTION, TriageOutcome.NO_ACTION_NEEDED, raised + 30 * MIN, raised));
        return raised;
    }

    /**
     * The pipeline raises the alert to urgent at {@code escalated}: the triage service re-opens the Task (no triage
     * event); the clinician acknowledges and resolves it again at {@code resolved}: contacted the patient.
     */
    private static void reopenedAndResolvedWithAction(
            KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h, long raised, long escalated,
            long resolved) throws Exception {
        send(h, EquityDeserializers.fromEpisode(episode(EpisodeState.ESCALATED, Severity.URGENT, raised, escalated)));
        send(h, triage(TriageAction.ACKNOWLEDGED, null, resolved, raised));
        send(h, triage(TriageAction.CLOSED_WITH_ACTION, TriageOutcome.CONTACTED_PATIENT, resolved, raised));
    }

    /** A heart-rate reading every hour from {@code from} until {@code until}, each followed by a watermark. */
    private static void hourly(KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h,
                               long from, long until) throws Exception {
        for (long t = from; t < until; t += 60 * MIN) {
            send(h, PatientDayFunctionTest.hr(t));
            h.processWatermark(t);
        }
    }

    /** Each day's newest revision. */
    private static Map<Long, PatientDayRecord> newestByDay(
            KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h) {
        Map<Long, PatientDayRecord> newest = new TreeMap<>();
        for (PatientDayRecord r : h.extractOutputValues()) {
            newest.merge(r.epochDay, r, (a, b) -> b.revision > a.revision ? b : a);
        }
        return newest;
    }

    /** One acknowledgement and one closure in all the days together. */
    private static void assertCountedOnce(Map<Long, PatientDayRecord> newest) {
        assertThat(newest.values().stream().mapToInt(r -> r.ackDelaysMs.size()).sum())
                .as("one acknowledgement in every day").isEqualTo(1);
        assertThat(newest.values().stream().mapToInt(r -> r.alertsClosed.values().stream().mapToInt(i -> i).sum())
                .sum()).as("one closure in every day").isEqualTo(1);
    }

    private static Episode episode(EpisodeState state, Severity severity, long raised, long emitted) {
        return Episode.newBuilder().setEpisodeId("ep-reopened").setPatientId(P).setProgramme(PROG)
                .setEpisodeType("pause").setState(state).setSeverity(severity)
                .setStart(at(raised - MIN)).setEnd(null).setEvidenceTime(at(emitted - MIN))
                .setEvidenceReceived(at(emitted - 2_000)).setEmittedAt(at(emitted)).setDelayedByMs(0)
                .setDetector("wardstream-rr-analyser/6").build();
    }

    private static EquityInput triage(TriageAction action, TriageOutcome outcome, long time, long raised) {
        return EquityDeserializers.fromTriage(TriageEvent.newBuilder().setProgramme(PROG).setPatientId(P)
                .setEpisodeId("ep-reopened").setAction(action).setOutcome(outcome).setTime(at(time))
                .setAlertRaisedAt(at(raised)).build());
    }
}
