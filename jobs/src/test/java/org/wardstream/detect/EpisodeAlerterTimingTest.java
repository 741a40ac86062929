package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.wardstream.episodes.Transition;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * The alert lifecycle's time-driven changes do not depend on whether the watermark (its timer) or the next transition
 * reaches the alerter first, which is thread timing in the job: a pause episode's window expires, and a later pause
 * arrives; both orders write the same records (the close at the window's end, raised when its evidence was received).
 * Likewise the patient's enrolment, which reaches the alerter by its own input: a transition read before it waits.
 */
class EpisodeAlerterTimingTest {
    private static final long T0 = 1_772_441_000_000L, MIN = 60_000L;

    private static StreamedTransition pause(long atMs, long receivedMs, long delayedByMs) {
        return StreamedTransition.of(Transition.start("p-timing", EpisodeType.PAUSE, atMs - 4_000, atMs, "rr-pause-1",
                Map.of("pauseMs", 4_000.0)), "prog-a", delayedByMs, receivedMs);
    }

    private static EnrolmentUpdate enrolment(Map<String, Double> overrides) {
        PatientProfile p = new PatientProfile();
        p.programme = "prog-a";
        p.status = "ACTIVE";
        p.timeZone = "Europe/London";
        p.thresholdOverrides = new java.util.HashMap<>(overrides);
        return new EnrolmentUpdate("prog-a", "p-timing", p);
    }

    private static List<StreamedAlertChange> run(boolean watermarkFirst, long delayedByMs) throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(Rules.loadClasspath()),
                (StreamedTransition s) -> PatientKeys.of(s.programme, s.patientId), PatientKeys::of, Types.STRING)) {
            h.processElement2(new StreamRecord<>(enrolment(Map.of())));
            long received = T0 + delayedByMs;
            h.processElement1(new StreamRecord<>(pause(T0, received, delayedByMs), T0));
            StreamedTransition later = pause(T0 + 40 * MIN, received + 40 * MIN, delayedByMs);
            if (watermarkFirst) {
                h.processBothWatermarks(new Watermark(T0 + 30 * MIN)); // past the 15-minute window
            }
            h.processElement1(new StreamRecord<>(later, later.atMs));
            h.processBothWatermarks(new Watermark(T0 + 30 * MIN));
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    private static List<String> records(List<StreamedAlertChange> changes) {
        return changes.stream().map(c -> c.kind + " " + c.episodeStartMs + " " + c.atMs + " " + c.delayedByMs + " "
                + c.evidenceReceivedMs + " " + c.episodeEndMs).toList();
    }

    @Test
    void aWindowCloseReadsTheSameWhicheverComesFirst() throws Exception {
        for (long delay : new long[] {0, 3 * 3_600_000L}) { // live, and a backlog received three hours late
            List<StreamedAlertChange> timerFirst = run(true, delay), transitionFirst = run(false, delay);
            assertThat(records(transitionFirst)).as("delay " + delay).isEqualTo(records(timerFirst));
            StreamedAlertChange closed = timerFirst.stream().filter(c -> c.kind.equals("CLOSED")).findFirst()
                    .orElseThrow();
            assertThat(closed.atMs).isEqualTo(T0 + 15 * MIN + 1); // when the window expired
            // raised when the evidence that it ended was available: at the expiry, or at the backlog's receipt
            assertThat(closed.evidenceReceivedMs).isEqualTo(delay == 0 ? closed.atMs : T0 + delay);
            assertThat(closed.delayedByMs).isEqualTo(delay);
        }
    }

    /** Two pauses 40 min apart (two episodes with the 15-minute window and 30-minute cool-down), the enrolment before or after them. */
    private static List<StreamedAlertChange> enrolled(boolean enrolmentFirst, Map<String, Double> overrides)
            throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(Rules.loadClasspath()),
                (StreamedTransition s) -> PatientKeys.of(s.programme, s.patientId), PatientKeys::of, Types.STRING)) {
            if (enrolmentFirst) {
                h.processElement2(new StreamRecord<>(enrolment(overrides)));
            }
            h.processElement1(new StreamRecord<>(pause(T0, T0, 0), T0));
            h.processElement1(new StreamRecord<>(pause(T0 + 40 * MIN, T0 + 40 * MIN, 0), T0 + 40 * MIN));
            if (!enrolmentFirst) {
                assertThat(h.extractOutputValues()).isEmpty(); // waiting for the patient's rules and time zone
                h.processElement2(new StreamRecord<>(enrolment(overrides)));
            }
            h.processBothWatermarks(new Watermark(T0 + 180 * MIN));
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    @Test
    void aTransitionReadBeforeThePatientsEnrolmentWaitsForIt() throws Exception {
        List<StreamedAlertChange> first = enrolled(true, Map.of()), after = enrolled(false, Map.of());
        assertThat(records(after)).isEqualTo(records(first));
        assertThat(after).isNotEmpty().allSatisfy(c -> assertThat(c.timeZone).isEqualTo("Europe/London"));
        assertThat(after).filteredOn(c -> c.kind.equals("OPENED")).hasSize(2);
        // the patient's own rules decide: a 60-minute pause window makes the two pauses one episode, either way
        Map<String, Double> window = Map.of("pause.episodeWindow", 60.0); // minutes
        List<StreamedAlertChange> own = enrolled(false, window);
        assertThat(records(own)).isEqualTo(records(enrolled(true, window)));
        assertThat(own).filteredOn(c -> c.kind.equals("OPENED")).hasSize(1);
    }
}
