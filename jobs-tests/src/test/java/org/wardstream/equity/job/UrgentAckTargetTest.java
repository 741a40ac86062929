package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.wardstream.schema.Episode;
import org.wardstream.schema.EpisodeState;
import org.wardstream.schema.Severity;
import org.wardstream.schema.TriageAction;
import org.wardstream.schema.TriageEvent;

/**
 * Adversarial probe 17b, D4 (fixed: each alert against its priority's target from the file the worklist reads): the
 * commissioners' "Alerts acknowledged within target" ignored the alert's priority.
 *
 * <p>The worklist times every alert against its priority's response target (alert-rules/response-targets.yaml:
 * urgent 1 h, asap 30 min, immediate 15 min, routine 4 h) and marks an urgent alert acknowledged after 2 h as past its
 * target. The equity job counts an acknowledgement as within target when it comes within one
 * {@code triageTarget} (4 h by default) of any alert: the episode's severity (carried on the {@code episodes} topic)
 * is never read ({@code EquityDeserializers.fromEpisode}, {@code PatientEquity.acknowledge}). So an urgent alert (fast
 * AF, a pause followed by stillness: possible syncope) left 2 h is "within target" in the report, and a programme
 * whose urgent alerts wait hours in its most deprived quintile shows no gap. Expected: acknowledgement after 2 h of an
 * urgent alert is not within target.
 *
 * <p>Runs the real Avro record through the job's own deserializer mapping and the per-patient-day operator (Flink's
 * harness).
 */
class UrgentAckTargetTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final String PROG = PatientDayFunctionTest.PROG;
    static final String P = PatientDayFunctionTest.P;
    static final long MIN = 60_000L;

    static long localStart(String date) {
        return LocalDate.parse(date).atStartOfDay(LONDON).toInstant().toEpochMilli();
    }

    @Test
    void anUrgentAlertAcknowledgedAfterTwoHoursIsNotWithinTarget() throws Exception {
        assertThat(acknowledgedWithinTarget(Severity.URGENT, 120))
                .as("an urgent alert (target 1 h, alert-rules/response-targets.yaml) acknowledged after 2 h").isZero();
    }

    @Test
    void eachPriorityHasItsOwnTarget() throws Exception {
        assertThat(acknowledgedWithinTarget(Severity.URGENT, 50)).as("urgent after 50 min (target 1 h)").isOne();
        assertThat(acknowledgedWithinTarget(Severity.ROUTINE, 120)).as("routine after 2 h (target 4 h)").isOne();
        assertThat(acknowledgedWithinTarget(Severity.ROUTINE, 250)).as("routine after 4 h 10 min").isZero();
        assertThat(acknowledgedWithinTarget(Severity.STAT, 20)).as("stat after 20 min (target 15 min)").isZero();
    }

    /**
     * An alert is counted at the highest priority it reached by its first acknowledgement, as the worklist showed it:
     * a routine AF alert escalated to urgent (a fast rate) 30 min after it was raised and acknowledged 2 h after it
     * was raised is past the urgent target (1 h); it was counted at its opening priority (routine, 4 h) and within
     * target. The same whichever of the escalation and the acknowledgement the job reads first (the episodes and
     * triage topics are read side by side, e.g. in a --bounded recomputation).
     */
    @Test
    void anAlertEscalatedBeforeItsAcknowledgementIsCountedAtTheHigherPriority() throws Exception {
        assertThat(acknowledgedWithinTarget(Severity.ROUTINE, 120, Severity.URGENT, 30, false))
                .as("routine, escalated to urgent at 30 min, acknowledged at 2 h").isZero();
        assertThat(acknowledgedWithinTarget(Severity.ROUTINE, 120, Severity.URGENT, 30, true))
                .as("the same, the acknowledgement read before the escalation").isZero();
        assertThat(acknowledgedWithinTarget(Severity.ROUTINE, 50, Severity.URGENT, 30, true))
                .as("escalated at 30 min, acknowledged at 50 min: within the urgent target").isOne();
    }

    /**
     * An escalation after the first acknowledgement does not re-judge it: the clinician acknowledged the alert as it
     * was then (the escalation re-opens it on the worklist, timed from the escalation), in either reading order.
     */
    @Test
    void anEscalationAfterTheAcknowledgementLeavesItAsJudged() throws Exception {
        assertThat(acknowledgedWithinTarget(Severity.ROUTINE, 120, Severity.URGENT, 180, false))
                .as("acknowledged at 2 h (routine, 4 h), escalated at 3 h").isOne();
        assertThat(acknowledgedWithinTarget(Severity.ROUTINE, 120, Severity.URGENT, 180, true))
                .as("the same, the acknowledgement read first").isOne();
    }

    /** One alert of that severity acknowledged that many minutes after it was raised: its day's within-target count. */
    private static int acknowledgedWithinTarget(Severity severity, long afterMinutes) throws Exception {
        return acknowledgedWithinTarget(severity, afterMinutes, null, 0, false);
    }

    /**
     * One alert raised at {@code severity}, escalated to {@code escalatedTo} (unless null) {@code escalatedAfter}
     * minutes after it was raised and acknowledged {@code afterMinutes} after it was raised, the acknowledgement read
     * before the escalation if {@code ackReadFirst}: its day's within-target count.
     */
    private static int acknowledgedWithinTarget(Severity severity, long afterMinutes, Severity escalatedTo,
                                                long escalatedAfter, boolean ackReadFirst) throws Exception {
        EquityJobSettings settings = EquityJobSettings.defaults();
        PatientDayFunction function = new PatientDayFunction(settings);
        try (KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> harness =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(function, EquityInput::key, Types.STRING)) {
            harness.open();
            send(harness, PatientDayFunctionTest.enrolment("2026-03-02", "ACTIVE", null));

            long raised = localStart("2026-03-02") + 600 * MIN;
            Episode urgent = Episode.newBuilder().setEpisodeId("ep-urgent").setPatientId(P).setProgramme(PROG)
                    .setEpisodeType("pause").setState(EpisodeState.OPENED).setSeverity(severity)
                    .setStart(at(raised - MIN)).setEnd(null).setEvidenceTime(at(raised - MIN))
                    .setEvidenceReceived(at(raised - 2_000)).setEmittedAt(at(raised)).setDelayedByMs(0).setDetector("wardstream-rr-analyser/6").build();
            send(harness, EquityDeserializers.fromEpisode(urgent));
            TriageEvent ack = TriageEvent.newBuilder().setProgramme(PROG).setPatientId(P).setEpisodeId("ep-urgent")
                    .setAction(TriageAction.ACKNOWLEDGED).setTime(at(raised + afterMinutes * MIN)).setAlertRaisedAt(at(raised)).build();
            EquityInput escalation = escalatedTo == null ? null : EquityDeserializers.fromEpisode(
                    Episode.newBuilder(urgent).setState(EpisodeState.ESCALATED).setSeverity(escalatedTo)
                            .setEvidenceTime(at(raised + (escalatedAfter - 1) * MIN))
                            .setEvidenceReceived(at(raised + escalatedAfter * MIN - 2_000))
                            .setEmittedAt(at(raised + escalatedAfter * MIN)).build());
            if (escalation != null && !ackReadFirst) send(harness, escalation);
            send(harness, EquityDeserializers.fromTriage(ack));
            if (escalation != null && ackReadFirst) send(harness, escalation);
            harness.processWatermark(localStart("2026-03-03"));

            List<PatientDayRecord> days = harness.extractOutputValues();
            PatientDayRecord d = days.get(0);
            assertThat(d.alertsRaised).isEqualTo(1);
            return d.acknowledgedWithinTarget;
        }
    }

    private static java.time.Instant at(long ms) {
        return java.time.Instant.ofEpochMilli(ms);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h,
                             EquityInput in) throws Exception {
        h.processElement(new StreamRecord<>(in, in.time));
    }
}
