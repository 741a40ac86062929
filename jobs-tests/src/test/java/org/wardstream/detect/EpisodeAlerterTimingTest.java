package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.wardstream.episodes.Transition;
import org.wardstream.ingest.EnrolmentUpdate;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.PatientKeys;
import org.wardstream.ingest.PatientProfile;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;
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
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(Rules.loadClasspath(), IngestSettings.defaults()),
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

    /**
     * The enrolment, then {@code before}, then (if {@code watermarkFirst}) the watermark, then {@code after}, then it,
     * then the end of the input.
     */
    private static List<StreamedAlertChange> race(List<StreamedTransition> before, long watermark,
                                                  List<StreamedTransition> after, boolean watermarkFirst)
            throws Exception {
        return race(before, watermark, after, watermarkFirst, IngestSettings.defaults());
    }

    /** ... with the job's {@code settings} (the watermark out-of-orderness is the alert clock's settle time). */
    private static List<StreamedAlertChange> race(List<StreamedTransition> before, long watermark,
                                                  List<StreamedTransition> after, boolean watermarkFirst,
                                                  IngestSettings settings) throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(Rules.loadClasspath(), settings),
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
            h.processBothWatermarks(Watermark.MAX_WATERMARK); // the end of the input: whatever is still due
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    /**
     * The race seen in a replay: the watermark passes the time AF's minimum duration (30 s) is reached, and the AF end
     * arrives after it although dated before it (the detector dates it at the first regular beat and confirms it
     * later). Whichever reaches the alerter first, the records are the same: an end confirmed within the settle time
     * ({@link org.wardstream.episodes.AlertClock#DEFAULT_SETTLE_MS}) counts as on time and discards the 25-second run; one
     * confirmed later than that was not known when the raise was due, so the alert is raised then and closes at the end.
     */
    @Test
    void aBackDatedEndReadsTheSameWhetherTheWatermarkPassedTheRaiseFirst() throws Exception {
        List<StreamedTransition> before = List.of(afStart(T0, T0 + 20 * SEC));
        long settle = org.wardstream.episodes.AlertClock.DEFAULT_SETTLE_MS;
        for (long received : new long[] {T0 + 80 * SEC, T0 + 30 * SEC + settle + 60 * SEC}) {
            List<StreamedTransition> after = List.of(afEnd(T0 + 25 * SEC, received));
            // past the raise at T0 + 30 s and its settle time, before the end was received
            long watermark = Math.max(T0 + 40 * SEC, T0 + 30 * SEC + settle);
            List<StreamedAlertChange> watermarkFirst = race(before, Math.min(watermark, received - 1), after, true);
            List<StreamedAlertChange> endFirst = race(before, Math.min(watermark, received - 1), after, false);
            assertThat(records(endFirst)).as("received " + (received - T0)).isEqualTo(records(watermarkFirst));
            if (received - (T0 + 30 * SEC) <= settle) {
                assertThat(watermarkFirst).isEmpty();
            } else {
                assertThat(watermarkFirst).extracting(c -> c.kind).containsExactly("OPENED", "CLOSED");
                assertThat(watermarkFirst.get(0).atMs).isEqualTo(T0 + 30 * SEC);
            }
        }
    }

    /**
     * An AF episode held by the detector (a backlog) and released later, with its end: known from its release, which
     * the detector's clock says first; the raise due before that comes first, whether or not the watermark passed it.
     */
    @Test
    void releasedTransitionsFollowTheDetectorsClock() throws Exception {
        long settle = org.wardstream.episodes.AlertClock.DEFAULT_SETTLE_MS;
        List<StreamedTransition> before = List.of(afStart(T0, T0 + 20 * SEC));
        long release = T0 + 30 * SEC + settle + 2 * MIN;
        List<StreamedTransition> released = List.of(clock(release), afEnd(T0 + 25 * SEC, T0 + 28 * SEC));
        long watermark = T0 + 30 * SEC + settle + MIN; // the timer fires before the release
        List<StreamedAlertChange> watermarkFirst = race(before, watermark, released, true);
        assertThat(records(race(before, watermark, released, false))).isEqualTo(records(watermarkFirst));
        assertThat(watermarkFirst).extracting(c -> c.kind).containsExactly("OPENED", "CLOSED");
        // received live (no hold), the same end is on time: the 25-second run raises nothing
        assertThat(race(before, T0 + 27 * SEC, List.of(afEnd(T0 + 25 * SEC, T0 + 28 * SEC)), true)).isEmpty();
    }

    /**
     * A backlog released at once (the detector's clock first) is one moment of knowledge: its transitions keep
     * event-time order with the changes their own evidence sets. A pause, then stillness 14 min later escalating it,
     * uploaded two hours late: escalated while open, then closed when its 15-minute window expired, as live.
     */
    @Test
    void aReleasedBacklogKeepsEventTimeOrder() throws Exception {
        long upload = T0 + 120 * MIN;
        StreamedTransition escalation = StreamedTransition.of(new Transition("p-timing", EpisodeType.PAUSE,
                Transition.Kind.ESCALATE, T0 - 4_000, T0 + 14 * MIN, RuleSchema.FOLLOWED_BY_STILLNESS, "rr-pause-1",
                Map.of("pauseMs", 4_000.0, "stillMinutes", 10.0)), "prog-a", upload + SEC - (T0 + 14 * MIN), upload + SEC);
        List<StreamedTransition> released = List.of(clock(upload + 6 * MIN),
                pause(T0, upload, upload - T0), escalation);
        List<StreamedAlertChange> watermarkFirst = race(List.of(), upload + 5 * MIN, released, true);
        assertThat(records(race(List.of(), upload + 5 * MIN, released, false))).isEqualTo(records(watermarkFirst));
        assertThat(watermarkFirst).extracting(c -> c.kind).containsExactly("OPENED", "ESCALATED", "CLOSED");
        assertThat(watermarkFirst.get(1).episodeEndMs).isEqualTo(-1); // escalated while open
        assertThat(watermarkFirst.get(2).atMs).isEqualTo(T0 + 15 * MIN + 1);
    }

    /** Two pauses 40 min apart (two episodes with the 15-minute window and 30-minute cool-down), the enrolment before or after them. */
    private static List<StreamedAlertChange> enrolled(boolean enrolmentFirst, Map<String, Double> overrides)
            throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new EpisodeAlerter(Rules.loadClasspath(), IngestSettings.defaults()),
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

    private static final long GRACE_MS = IngestSettings.defaults().enrolmentGrace().toMillis();

    private static KeyedTwoInputStreamOperatorTestHarness<String, StreamedTransition, EnrolmentUpdate, StreamedAlertChange>
            harnessAtProcessingTimeZero() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new EpisodeAlerter(Rules.loadClasspath(), IngestSettings.defaults()),
                (StreamedTransition s) -> PatientKeys.of(s.programme, s.patientId), PatientKeys::of, Types.STRING);
        h.setProcessingTime(0);
        return h;
    }

    /**
     * The detector emitted a pause before it read the patient's unenrolment; the alerter read the unenrolment first.
     * The pause is dropped (its evidence was received before the unenrolment), not held until a re-enrolment months
     * later; the unenrolment is forgotten after the enrolment grace, and nothing of the patient stays in state. A pause
     * received after the unenrolment (a re-enrolment's, overtaking it) waits for the re-enrolment instead.
     */
    @Test
    void aTransitionFromBeforeTheUnenrolmentIsDroppedOneFromAfterItWaitsForTheReEnrolment() throws Exception {
        try (var h = harnessAtProcessingTimeZero()) {
            h.processElement2(new StreamRecord<>(enrolment(Map.of())));
            h.processElement2(new StreamRecord<>(new EnrolmentUpdate("prog-a", "p-timing", null), T0 + 10 * MIN));
            h.processElement1(new StreamRecord<>(pause(T0, T0 + SEC, 0), T0));
            h.setProcessingTime(GRACE_MS);
            assertThat(h.numKeyedStateEntries()).isZero();
            h.processElement2(new StreamRecord<>(enrolment(Map.of()), T0 + 60 * 24 * 60 * MIN)); // months later
            h.processBothWatermarks(new Watermark(T0 + 180 * MIN));
            assertThat(h.extractOutputValues()).isEmpty();

            h.processElement2(new StreamRecord<>(new EnrolmentUpdate("prog-a", "p-timing", null), T0 + 200 * MIN));
            h.processElement1(new StreamRecord<>(pause(T0 + 201 * MIN, T0 + 201 * MIN, 0), T0 + 201 * MIN));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement2(new StreamRecord<>(enrolment(Map.of()), T0 + 202 * MIN)); // the re-enrolment arrives
            assertThat(h.extractOutputValues()).extracting(c -> c.kind).containsExactly("OPENED");
        }
    }

    /** A transition whose enrolment never reaches the alerter waits for it no longer than the enrolment grace. */
    @Test
    void aTransitionWaitsForItsEnrolmentNoLongerThanTheGrace() throws Exception {
        try (var h = harnessAtProcessingTimeZero()) {
            h.processElement1(new StreamRecord<>(pause(T0, T0, 0), T0));
            assertThat(h.numKeyedStateEntries()).isPositive();
            h.setProcessingTime(GRACE_MS);
            assertThat(h.numKeyedStateEntries()).isZero();
            h.processElement2(new StreamRecord<>(enrolment(Map.of())));
            h.processBothWatermarks(new Watermark(T0 + 180 * MIN));
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    /**
     * The settle time is the job's configured watermark out-of-orderness, not a constant: with 10 minutes, an AF
     * raise due at T0 + 30 s is decided when event time reaches the due time plus 10 minutes (not plus 5); and an
     * end confirmed 7 minutes after the due time is still on time (the 25-second run raises nothing).
     */
    @Test
    void theSettleTimeIsTheConfiguredOutOfOrderness() throws Exception {
        IngestSettings tenMinutes = IngestSettings.defaults().withOutOfOrderness(java.time.Duration.ofMinutes(10));
        long due = T0 + 30 * SEC;
        for (IngestSettings settings : List.of(IngestSettings.defaults(), tenMinutes)) {
            long settle = settings.outOfOrderness().toMillis();
            try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                    new EpisodeAlerter(Rules.loadClasspath(), settings),
                    (StreamedTransition s) -> PatientKeys.of(s.programme, s.patientId), PatientKeys::of, Types.STRING)) {
                h.processElement2(new StreamRecord<>(enrolment(Map.of())));
                h.processElement1(new StreamRecord<>(afStart(T0, T0 + 20 * SEC), T0 + 20 * SEC));
                h.processBothWatermarks(new Watermark(due + settle - 1));
                assertThat(h.extractOutputValues()).as("settle " + settle).isEmpty();
                h.processBothWatermarks(new Watermark(due + settle));
                assertThat(h.extractOutputValues()).as("settle " + settle).singleElement()
                        .satisfies(c -> assertThat(c.kind).isEqualTo("OPENED"))
                        .satisfies(c -> assertThat(c.atMs).isEqualTo(due));
            }
        }
        List<StreamedTransition> before = List.of(afStart(T0, T0 + 20 * SEC));
        List<StreamedTransition> after = List.of(afEnd(T0 + 25 * SEC, due + 7 * MIN));
        assertThat(race(before, due + 7 * MIN - 1, after, true, tenMinutes)).isEmpty();
        assertThat(race(before, due + 7 * MIN - 1, after, true, IngestSettings.defaults()))
                .extracting(c -> c.kind).containsExactly("OPENED", "CLOSED");
    }
    private static StreamedTransition offline(Transition.Kind kind, long startMs, long atMs) {
        Transition t = kind == Transition.Kind.START
                ? Transition.start("p-timing", EpisodeType.DEVICE_OFFLINE, startMs, atMs, "offline-1", Map.of())
                : Transition.end("p-timing", EpisodeType.DEVICE_OFFLINE, atMs, "offline-1", Map.of());
        return StreamedTransition.of(t, "prog-a", 0, atMs);
    }

    /**
     * A device offline again 10 minutes after it reconnected (inside device-offline's 1 h cool-down) stays silent: no
     * transition comes while it is offline, so only the event-time timer can tell the team, an hour after the outage
     * was found.
     */
    @Test
    void aRecurrenceHeldBackByTheCoolDownIsAlertedByItsTimerWhenNoTransitionComes() throws Exception {
        long h = 60 * MIN;
        try (var harness = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new EpisodeAlerter(Rules.loadClasspath(), IngestSettings.defaults()),
                (StreamedTransition s) -> PatientKeys.of(s.programme, s.patientId), PatientKeys::of, Types.STRING)) {
            harness.processElement2(new StreamRecord<>(enrolment(Map.of())));
            for (StreamedTransition t : List.of(offline(Transition.Kind.START, T0, T0 + 2 * h),
                    offline(Transition.Kind.END, 0, T0 + 3 * h),
                    offline(Transition.Kind.START, T0 + 3 * h + 10 * MIN, T0 + 5 * h + 10 * MIN))) {
                harness.processElement1(new StreamRecord<>(t, t.atMs));
            }
            assertThat(harness.extractOutputValues()).extracting(c -> c.kind).containsExactly("OPENED", "CLOSED");
            harness.processBothWatermarks(new Watermark(T0 + 30 * h)); // other patients' data move event time on
            List<StreamedAlertChange> out = harness.extractOutputValues();
            assertThat(out).extracting(c -> c.kind).containsExactly("OPENED", "CLOSED", "OPENED");
            StreamedAlertChange again = out.get(2);
            assertThat(again.episodeStartMs).isEqualTo(T0 + 3 * h + 10 * MIN);
            assertThat(again.atMs).isEqualTo(T0 + 6 * h + 10 * MIN);
            assertThat(again.notifyTeam).isTrue();
            assertThat(again.reason).isEqualTo(org.wardstream.episodes.AlertChange.SUSTAINED_RECURRENCE);
        }
    }
}
