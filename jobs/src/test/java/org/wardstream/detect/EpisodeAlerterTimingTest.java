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
 * Likewise an AF raise due while an end dated before it (back-dated by the detector) is on its way. And the patient's
 * enrolment, which reaches the alerter by its own input: a transition read before it waits.
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

    private static final long SEC = 1_000L;

    /** An AF onset back-dated to {@code startMs} (AF's minimum duration is 30 s: it waits, PENDING, until then). */
    private static StreamedTransition afStart(long startMs, long atMs) {
        return StreamedTransition.of(Transition.start("p-timing", EpisodeType.ATRIAL_FIBRILLATION, startMs, atMs,
                "rr-af-1", Map.of("meanRateBpm", 110.0)), "prog-a", 0, atMs);
    }

    /** The AF end, dated {@code atMs} (back-dated to the start of the run that confirmed it), received later. */
    private static StreamedTransition afEnd(long atMs, long receivedMs) {
        return StreamedTransition.of(Transition.end("p-timing", EpisodeType.ATRIAL_FIBRILLATION, atMs, "rr-af-1",
                Map.of()), "prog-a", 0, receivedMs);
    }

    /** The detector's clock: held readings released at {@code atMs} follow (DetectorOutput#clock). */
    private static StreamedTransition clock(long atMs) {
        return StreamedTransition.of(DetectorOutput.clockTick("p-timing", atMs), "prog-a", 0, atMs);
    }

    /** The enrolment, then {@code before}, then (if {@code watermarkFirst}) the watermark, then {@code after}, then it. */
    private static List<StreamedAlertChange> race(List<StreamedTransition> before, long watermark,
                                                  List<StreamedTransition> after, boolean watermarkFirst)
            throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(Rules.loadClasspath()),
                (StreamedTransition s) -> PatientKeys.of(s.programme, s.patientId), PatientKeys::of, Types.STRING)) {
            h.processElement2(new StreamRecord<>(enrolment(Map.of())));
            for (StreamedTransition s : before) {
                h.processElement1(new StreamRecord<>(s, s.atMs));
            }
            if (watermarkFirst) {
                h.processBothWatermarks(new Watermark(watermark));
            }
            for (StreamedTransition s : after) {
                h.processElement1(new StreamRecord<>(s, s.atMs));
            }
            h.processBothWatermarks(new Watermark(watermark));
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    /**
     * The race seen in a replay: the watermark passes the time AF's minimum duration is reached, and the AF end
     * arrives after it although dated before it (the detector back-dates it to the start of its confirming run).
     * Whichever reaches the alerter first, the records are the same: the end was known only after the raise was due,
     * so the alert is raised then (as a live system would) and closes at the end.
     */
    @Test
    void aBackDatedEndReadsTheSameWhetherTheWatermarkPassedTheRaiseFirst() throws Exception {
        List<StreamedTransition> before = List.of(afStart(T0, T0 + 20 * SEC));
        List<StreamedTransition> after = List.of(afEnd(T0 + 25 * SEC, T0 + 80 * SEC));
        long watermark = T0 + 40 * SEC; // past the raise at T0 + 30 s, before the end was received
        List<StreamedAlertChange> watermarkFirst = race(before, watermark, after, true);
        List<StreamedAlertChange> endFirst = race(before, watermark, after, false);
        assertThat(records(endFirst)).isEqualTo(records(watermarkFirst));
        assertThat(watermarkFirst).extracting(c -> c.kind).containsExactly("OPENED", "CLOSED");
        assertThat(watermarkFirst.get(0).atMs).isEqualTo(T0 + 30 * SEC);
    }

    /**
     * An end known before the raise was due discards the pending episode, whichever comes first; so does one that was
     * held by the detector (a backlog) and released later, once the detector's clock says when it became known.
     */
    @Test
    void anEndKnownBeforeTheRaiseDiscardsItAndAReleasedOneFollowsItsClock() throws Exception {
        List<StreamedTransition> before = List.of(afStart(T0, T0 + 20 * SEC));
        List<StreamedTransition> live = List.of(afEnd(T0 + 25 * SEC, T0 + 28 * SEC));
        // received before the raise was due: it arrives before the watermark passes its receipt, so never after the timer
        assertThat(race(before, T0 + 27 * SEC, live, true)).isEmpty();
        assertThat(race(before, T0 + 40 * SEC, live, false)).isEmpty();
        // the same end held, and released at T0 + 10 min: known from then, so the raise at T0 + 30 s comes first
        List<StreamedTransition> released = List.of(clock(T0 + 10 * MIN), afEnd(T0 + 25 * SEC, T0 + 28 * SEC));
        List<StreamedAlertChange> watermarkFirst = race(before, T0 + 40 * SEC, released, true);
        assertThat(records(race(before, T0 + 40 * SEC, released, false))).isEqualTo(records(watermarkFirst));
        assertThat(watermarkFirst).extracting(c -> c.kind).containsExactly("OPENED", "CLOSED");
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
