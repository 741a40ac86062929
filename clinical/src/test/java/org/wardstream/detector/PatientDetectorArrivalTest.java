package org.wardstream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.episodes.Transition;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

/**
 * The patient detector applies the arrival order (issue 14) itself: a backlog that no message announced is held and
 * analysed in device-time order, its delay is receipt minus device time, the outage it fills ends at the
 * reconnection, a reading too old to order is refused, and the one timer is the earlier of release and wear.
 */
class PatientDetectorArrivalTest {
    private static final long T0 = 1_772_441_000_000L;
    private static final long MIN = 60_000L;
    private static final String P = "p-arrival";
    private final PatientDetector d = new PatientDetector(Rules.loadClasspath().defaults(), ZoneId.of("UTC"));
    private final long silence = d.wearTracker().parameters().silenceLimitMs();

    record Seen(Transition t, long delayedByMs, long receivedMs) {
    }

    private final List<Seen> seen = new ArrayList<>();
    private final PatientDetector.Output out = new PatientDetector.Output() {
        @Override
        public void transition(Transition t, String programme, long delayedByMs, long receivedMs) {
            seen.add(new Seen(t, delayedByMs, receivedMs));
        }

        @Override
        public void cue(PatternCue cue) {
        }

        @Override
        public void clock(String patient, String programme, long atMs) { // recorded in order, as a TICK
            seen.add(new Seen(Transition.tick(patient, EpisodeType.DEVICE_OFFLINE, atMs, "clock"), 0, atMs));
        }

        @Override
        public void outOfOrderSamples(int n) {
            skippedSamples += n;
        }
    };
    private int skippedSamples;

    private List<Long> clocks() {
        return seen.stream().filter(x -> x.t.kind() == Transition.Kind.TICK).map(Seen::receivedMs).toList();
    }

    private static Reading hr(long deviceMs, long receivedMs) {
        return new Reading.HeartRate(deviceMs, receivedMs, 0, null, 72f);
    }

    /** Arrives and, when told, analyses; returns what {@link PatientDetector#arrive} decided. */
    private PatientDetector.Arrival feed(DetectorState s, Reading r, List<Reading> held) {
        return ArrivalDriver.feed(d, s, P, r, held, out);
    }

    private List<Seen> offline(Transition.Kind kind) {
        return seen.stream().filter(x -> x.t.type() == EpisodeType.DEVICE_OFFLINE && x.t.kind() == kind).toList();
    }

    @Test
    void anUnannouncedBacklogIsHeldSortedAndEndsTheOutageAtTheReconnection() {
        DetectorState s = new DetectorState();
        List<Reading> held = new ArrayList<>();
        for (int i = 0; i <= 5; i++) {
            assertThat(feed(s, hr(T0 + i * MIN, T0 + i * MIN + 2_000), held)).isEqualTo(PatientDetector.Arrival.ANALYSE);
        }
        long reconnect = T0 + 5 * MIN + silence + 60 * MIN;
        // the buffered readings come newest first, with no "reconnected" message: the first receipt after the
        // silence proves the outage (device-offline starts), the delayed readings are held
        for (int i = 30; i >= 6; i--) {
            assertThat(feed(s, hr(T0 + i * MIN, reconnect + (30 - i) * 100L), held))
                    .isEqualTo(PatientDetector.Arrival.HOLD);
        }
        // live data interleaved with the upload is held with it
        assertThat(feed(s, hr(reconnect, reconnect + 500), held)).isEqualTo(PatientDetector.Arrival.HOLD);
        assertThat(offline(Transition.Kind.START)).hasSize(1);
        assertThat(s.arrival.reconnectedAtMs).isEqualTo(reconnect);
        assertThat(held).hasSize(26);
        // one timer: the release (no more data) is earlier than anything the wear tracker has due
        assertThat(d.nextTimerMs(s)).isEqualTo(PatientDetector.ORDER.releaseTimerMs(s.arrival));

        // a reading after the hold releases the backlog in device-time order first
        long after = reconnect + 6 * MIN;
        assertThat(feed(s, hr(after - 1_000, after), held)).isEqualTo(PatientDetector.Arrival.ANALYSE);
        assertThat(held).isEmpty();
        assertThat(s.arrival.holding()).isFalse();
        // the first end after the outage began (the tracker repeats ends; the lifecycle keeps one)
        Seen end = offline(Transition.Kind.END).stream().filter(x -> x.receivedMs >= reconnect).findFirst().orElseThrow();
        // the outage lasted until the device reconnected, not until the first buffered reading (device time)
        assertThat(end.t.atMs()).isEqualTo(reconnect);
        // reported by the oldest buffered reading, analysed first: its delay is receipt minus device time
        assertThat(end.delayedByMs).isEqualTo(reconnect + 24 * 100L - (T0 + 6 * MIN));
        assertThat(end.receivedMs).isEqualTo(reconnect + 24 * 100L);
        assertThat(s.arrival.newestAnalysedMs).isEqualTo(after - 1_000);
    }

    @Test
    void releasedReadingsComeAfterTheClockOfTheirRelease() {
        // held readings reach the alert stage late: the clock first says from when their output is known, which is
        // when the hold ended: the receipt of the reading that ended it, or the release timer if that was earlier
        for (long after : new long[] {6 * MIN, 30 * MIN}) { // before the release timer, and after it
            seen.clear();
            List<Reading> held = new ArrayList<>();
            DetectorState s = afterLiveMinutes(held);
            long holdFrom = T0 + 20 * MIN;
            for (int i = 6; i <= 8; i++) {
                feed(s, hr(T0 + i * MIN, holdFrom + i * 100L), held);
            }
            long timer = PatientDetector.ORDER.releaseTimerMs(s.arrival);
            int before = seen.size();
            assertThat(clocks()).isEmpty();
            feed(s, hr(holdFrom + after - 1_000, holdFrom + after), held);
            assertThat(clocks()).as("after " + after).containsExactly(Math.min(holdFrom + after, timer));
            assertThat(seen.get(before).t().kind()).isEqualTo(Transition.Kind.TICK); // before the released output
        }
    }

    @Test
    void aReadingTooOldToOrderIsRefusedWithTheBound() {
        DetectorState s = new DetectorState();
        List<Reading> held = new ArrayList<>();
        feed(s, hr(T0 + 60 * MIN, T0 + 60 * MIN + 1_000), held);
        Reading old = hr(T0 + 30 * MIN, T0 + 61 * MIN);
        assertThat(feed(s, old, held)).isEqualTo(PatientDetector.Arrival.DEAD_LETTER);
        assertThat(PatientDetector.tooOldDetail(s, old)).contains("30 min before").contains("bound 10 min");
        assertThat(s.arrival.newestAnalysedMs).isEqualTo(T0 + 60 * MIN);
    }

    /**
     * A heart-rate sample within the reorder bound but not after the heart-rate detector's last one is analysed as far
     * as it can be (its device's wear) and counted as skipped: the detector takes samples in time order only. Once a
     * heart-rate backlog is judged against the heart rate analysed so far, such samples were no longer dead-lettered
     * but still unused: never silently.
     */
    @Test
    void aHeartRateSampleNotAfterTheLastIsSkippedAndCounted() {
        DetectorState s = new DetectorState();
        List<Reading> held = new ArrayList<>();
        feed(s, hr(T0 + 60 * MIN, T0 + 60 * MIN + 1_000), held);
        assertThat(feed(s, hr(T0 + 57 * MIN, T0 + 60 * MIN + 2_000), held)).isEqualTo(PatientDetector.Arrival.ANALYSE);
        assertThat(skippedSamples).isEqualTo(1);
        assertThat(s.hr.lastSampleMs).isEqualTo(T0 + 60 * MIN);
        feed(s, hr(T0 + 61 * MIN, T0 + 61 * MIN + 1_000), held);
        assertThat(skippedSamples).isEqualTo(1);
    }

    @Test
    void theTimerReleasesAHoldWhenNoMoreDataComes() {
        DetectorState s = new DetectorState();
        List<Reading> held = new ArrayList<>();
        feed(s, hr(T0, T0 + 1_000), held);
        long received = T0 + 20 * MIN;
        assertThat(feed(s, hr(T0 + 2 * MIN, received), held)).isEqualTo(PatientDetector.Arrival.HOLD);
        assertThat(feed(s, hr(T0 + MIN, received + 500), held)).isEqualTo(PatientDetector.Arrival.HOLD);
        long due = d.nextTimerMs(s);
        assertThat(PatientDetector.releaseDue(s, due - 1)).isFalse();
        assertThat(PatientDetector.releaseDue(s, due)).isTrue();
        d.onTime(s, P, null, due, held, out);
        assertThat(s.arrival.holding()).isFalse();
        assertThat(s.arrival.newestAnalysedMs).isEqualTo(T0 + 2 * MIN);
    }

    @Test
    void formatTwoKeepsTheArrivalState() {
        DetectorState s = new DetectorState();
        feed(s, hr(T0, T0 + 20 * MIN), new ArrayList<>());
        DetectorState back = DetectorState.fromBytes(s.toBytes());
        assertThat(back.arrival.holding()).isTrue();
        assertThat(back.arrival.heldCount).isEqualTo(1);
        assertThat(back.arrival.lastReceivedMs).isEqualTo(T0 + 20 * MIN);
    }

    /** A new patient's state after six live minutes of heart rate (T0 to T0 + 5 min, each received 2 s later). */
    private DetectorState afterLiveMinutes(List<Reading> held) {
        DetectorState s = new DetectorState();
        for (int i = 0; i <= 5; i++) {
            feed(s, hr(T0 + i * MIN, T0 + i * MIN + 2_000), held);
        }
        return s;
    }

    @Test
    void silenceReadsTheSameWhetherTheTimerOrTheReconnectingReadingFindsIt() {
        // the same input twice: live minutes, then silence, then the device is heard again. In the job, whether the
        // watermark passes the silence timer before that receipt arrives is thread timing; the transitions, their
        // receipt and their delay must not depend on it
        List<List<Seen>> runs = new ArrayList<>();
        long lastData = T0 + 5 * MIN, lastHeard = lastData + 2_000, back = lastData + silence + 40 * MIN;
        for (boolean timerFirst : new boolean[] {true, false}) {
            seen.clear();
            List<Reading> held = new ArrayList<>();
            DetectorState s = afterLiveMinutes(held);
            if (timerFirst) {
                long timer = d.nextTimerMs(s);
                assertThat(timer).isEqualTo(lastHeard + silence); // silent to the platform for the limit
                d.onTime(s, P, null, timer, List.of(), out);
            }
            feed(s, hr(back, back + 1_000), held);
            runs.add(List.copyOf(seen));
        }
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
        List<Seen> started = runs.get(0).stream().filter(x -> x.t.type() == EpisodeType.DEVICE_OFFLINE
                && x.t.kind() == Transition.Kind.START).toList();
        assertThat(started).singleElement().satisfies(x -> {
            assertThat(x.t.episodeStartMs()).isEqualTo(lastData);
            assertThat(x.receivedMs()).isEqualTo(lastHeard + silence); // known when its timer is due, not at the receipt
            assertThat(x.delayedByMs()).isZero();
        });
    }

    @Test
    void aHeldBacklogReadsTheSameWhetherItsReleaseTimerOrTheReconnectingReadingComesFirst() {
        // live minutes, then a delayed batch is held; the device then falls silent past the limit and is heard again.
        // Whether the watermark fires the release (and silence) timers before that receipt arrives is thread timing
        // in the job; the outage must start at the newest reading the device sent, either way
        List<List<Seen>> runs = new ArrayList<>();
        long holdFrom = T0 + 20 * MIN, back = holdFrom + silence + 30 * MIN;
        for (boolean timersFirst : new boolean[] {true, false}) {
            seen.clear();
            List<Reading> held = new ArrayList<>();
            DetectorState s = afterLiveMinutes(held);
            for (int i = 6; i <= 8; i++) {
                assertThat(feed(s, hr(T0 + i * MIN, holdFrom + i * 100L), held)).isEqualTo(PatientDetector.Arrival.HOLD);
            }
            if (timersFirst) {
                for (long t = d.nextTimerMs(s); t != Long.MIN_VALUE && t <= back; t = d.nextTimerMs(s)) {
                    d.onTime(s, P, null, t, new ArrayList<>(held), out);
                    if (!s.arrival.holding()) {
                        held.clear();
                    }
                }
                assertThat(held).isEmpty();
            }
            feed(s, hr(back - 1_000, back), held);
            runs.add(List.copyOf(seen));
        }
        List<Seen> started = runs.get(1).stream().filter(x -> x.t.type() == EpisodeType.DEVICE_OFFLINE
                && x.t.kind() == Transition.Kind.START).toList();
        assertThat(started).singleElement().satisfies(x -> assertThat(x.t.episodeStartMs()).isEqualTo(T0 + 8 * MIN));
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }
}
