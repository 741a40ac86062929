package org.wardstream.arrival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wardstream.arrival.ArrivalOrder.Action;

class ArrivalOrderTest {
    static final long MIN = 60_000L;
    static final long T0 = 1_700_000_000_000L;
    final ArrivalOrder order = new ArrivalOrder(ArrivalOrder.Parameters.defaults());

    /** A reading: device time, receipt time. */
    record R(long device, long received) {
    }

    /** Runs the policy over readings in arrival order; returns the device times in the order they were analysed. */
    List<Long> run(ArrivalState s, List<R> arrivals, List<R> deadLettered) {
        List<Long> analysed = new ArrayList<>();
        List<R> held = new ArrayList<>();
        for (R r : arrivals) {
            Action a = order.onArrival(s, r.device, r.received);
            if (a == Action.RELEASE_FIRST) {
                release(s, held, analysed);
                a = order.onArrival(s, r.device, r.received);
            }
            switch (a) {
                case ANALYSE -> {
                    analysed.add(r.device);
                    order.analysed(s, r.device);
                }
                case HOLD -> held.add(r);
                case DEAD_LETTER, ALREADY_ANALYSED -> deadLettered.add(r);
                default -> throw new AssertionError(a);
            }
        }
        release(s, held, analysed);
        return analysed;
    }

    private void release(ArrivalState s, List<R> held, List<Long> analysed) {
        order.released(s);
        ArrivalOrder.inAnalysisOrder(held, R::device);
        for (R h : held) {
            analysed.add(h.device);
            order.analysed(s, h.device);
        }
        held.clear();
    }

    @Test
    void liveDataInOrderIsAnalysedAtOnce() {
        ArrivalState s = new ArrivalState();
        for (int i = 0; i < 10; i++) {
            assertThat(order.onArrival(s, T0 + i * MIN, T0 + i * MIN + 2_000)).isEqualTo(Action.ANALYSE);
            order.analysed(s, T0 + i * MIN);
        }
        assertThat(s.holding()).isFalse();
    }

    @Test
    void anUnannouncedBacklogInterleavedWithLiveDataIsAnalysedInDeviceTimeOrder() {
        // live data to T0+60, offline until T0+240 (readings buffered), then live data and the backlog interleaved
        List<R> arrivals = new ArrayList<>();
        for (int m = 0; m <= 60; m++) {
            arrivals.add(new R(T0 + m * MIN, T0 + m * MIN + 1_500));
        }
        long back = T0 + 240 * MIN;
        for (int m = 61; m < 240; m++) {
            // the live reading that wins the race with the upload arrives first, then the backlog
            if (m == 61) {
                arrivals.add(new R(back, back + 900));
            }
            arrivals.add(new R(T0 + m * MIN, back + 1_500 + 20L * m));
        }
        for (int m = 241; m < 260; m++) {
            arrivals.add(new R(T0 + m * MIN, T0 + m * MIN + 1_500));
        }
        List<R> dead = new ArrayList<>();
        List<Long> analysed = run(new ArrivalState(), arrivals, dead);
        assertThat(dead).isEmpty();
        assertThat(analysed).hasSize(arrivals.size()).isSorted();
    }

    @Test
    void aDelayedReadingStartsAHoldWithoutAnyStatusMessage() {
        ArrivalState s = new ArrivalState();
        order.analysed(s, T0);
        assertThat(order.isDelayed(T0 + MIN, T0 + 7 * MIN)).isTrue();
        assertThat(order.onArrival(s, T0 + MIN, T0 + 7 * MIN)).isEqualTo(Action.HOLD);
        assertThat(order.releaseTimerMs(s)).isEqualTo(T0 + 7 * MIN + 10 * MIN);
        // within the hold: held, whatever its device time
        assertThat(order.onArrival(s, T0 + 7 * MIN, T0 + 7 * MIN + 1_000)).isEqualTo(Action.HOLD);
        assertThat(s.heldCount).isEqualTo(2);
        // after the hold: release first
        assertThat(order.onArrival(s, T0 + 13 * MIN, T0 + 13 * MIN)).isEqualTo(Action.RELEASE_FIRST);
    }

    @Test
    void holdingIsBoundedByCount() {
        ArrivalOrder small = new ArrivalOrder(new ArrivalOrder.Parameters(5 * MIN, 10 * MIN, 5 * MIN, 3, 10 * MIN, 5, 2 * MIN));
        ArrivalState s = new ArrivalState();
        for (int i = 0; i < 3; i++) {
            assertThat(small.onArrival(s, T0 + i, T0 + i + 6 * MIN)).isEqualTo(Action.HOLD);
        }
        assertThat(small.onArrival(s, T0 + 3, T0 + 3 + 6 * MIN)).isEqualTo(Action.RELEASE_FIRST);
    }

    @Test
    void aReadingTooOldToAnalyseInOrderIsDeadLetteredWithAReason() {
        ArrivalState s = new ArrivalState();
        order.analysed(s, T0 + 60 * MIN);
        // a little out of order: analysed (the detectors skip what they cannot use)
        assertThat(order.onArrival(s, T0 + 55 * MIN, T0 + 60 * MIN)).isEqualTo(Action.ANALYSE);
        assertThat(order.onArrival(s, T0 + 30 * MIN, T0 + 61 * MIN)).isEqualTo(Action.DEAD_LETTER);
        assertThat(order.tooOldDetail(s, T0 + 30 * MIN)).contains("30 min before").contains("bound 10 min");
    }

    @Test
    void readingsThatContinueOnAnEarlierClockRestartTheAnalysisAtFiveSpanningTwoMinutes() {
        ArrivalState s = new ArrivalState();
        order.analysed(s, T0 + 60 * MIN);
        // a clock set back an hour: readings every 30 s, received live
        for (int i = 0; i < 4; i++) {
            long device = T0 + i * MIN / 2, received = T0 + 61 * MIN + i * MIN / 2;
            assertThat(order.onArrival(s, device, received)).isEqualTo(Action.DEAD_LETTER);
            assertThat(order.tooOldDetail(s, device)).contains((i + 1) + " such reading(s) in a row");
        }
        // the fifth spans 2 min of the earlier clock: restart, then it is analysed on that clock (held: delayed)
        assertThat(order.onArrival(s, T0 + 2 * MIN, T0 + 63 * MIN)).isEqualTo(Action.RESTART);
        order.restarted(s);
        assertThat(s.newestAnalysedMs).isEqualTo(ArrivalState.NO_TIME);
        assertThat(s.earlierCount).isZero();
        assertThat(order.onArrival(s, T0 + 2 * MIN, T0 + 63 * MIN)).isEqualTo(Action.HOLD);
    }

    @Test
    void aBurstWithinSecondsScatteredOldReadingsOrTheCurrentClockReportingNeverRestart() {
        ArrivalState s = new ArrivalState();
        order.analysed(s, T0 + 60 * MIN);
        // a retried request: ten readings of half an hour ago within seconds (five or more, but not 2 min of clock)
        for (int i = 0; i < 10; i++) {
            assertThat(order.onArrival(s, T0 + 30 * MIN + i * 1_000, T0 + 61 * MIN)).isEqualTo(Action.DEAD_LETTER);
        }
        // old readings each far from the one before: each starts a new earlier clock
        ArrivalState t = new ArrivalState();
        order.analysed(t, T0 + 600 * MIN);
        for (int i = 0; i < 10; i++) {
            assertThat(order.onArrival(t, T0 + i * 20 * MIN, T0 + 601 * MIN)).isEqualTo(Action.DEAD_LETTER);
            assertThat(t.earlierCount).isEqualTo(1);
        }
        // a second device an hour behind, interleaved with the current one: the current clock's readings reset it
        ArrivalState u = new ArrivalState();
        order.analysed(u, T0 + 60 * MIN);
        for (int i = 0; i < 20; i++) {
            long now = T0 + 60 * MIN + (i + 1) * MIN;
            assertThat(order.onArrival(u, now - 60 * MIN, now + 1_000)).isEqualTo(Action.DEAD_LETTER);
            assertThat(order.onArrival(u, now, now + 2_000)).isEqualTo(Action.ANALYSE);
            order.analysed(u, now);
        }
    }

    @Test
    void aLateUploadInsideAnEpisodeStillOpenNeverRestartsButAClockSetBackInsideItDoes() {
        long openSince = T0 + 10 * MIN;
        ArrivalState s = new ArrivalState();
        order.analysed(s, T0 + 60 * MIN);
        // a retried request of minutes 20-29, all received within a second: an upload lying after the open episode's
        // start, dead-lettered whole
        for (int i = 0; i < 10; i++) {
            assertThat(order.onArrival(s, T0 + (20 + i) * MIN, T0 + 61 * MIN + i * 50, openSince))
                    .isEqualTo(Action.DEAD_LETTER);
        }
        assertThat(order.tooOldDetail(s, T0 + 29 * MIN)).contains("10 such reading(s) in a row")
                .contains("unless they are a late upload inside an episode still open");
        // the same upload reaching back before the episode began restarts (its time is not covered by the alert)
        ArrivalState before = new ArrivalState();
        order.analysed(before, T0 + 60 * MIN);
        List<Action> actions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            actions.add(order.onArrival(before, T0 + (5 + i) * MIN, T0 + 61 * MIN + i * 50, openSince));
        }
        assertThat(actions).containsExactly(Action.DEAD_LETTER, Action.DEAD_LETTER, Action.DEAD_LETTER,
                Action.DEAD_LETTER, Action.RESTART);
        // readings of that earlier clock that go on arriving live, as fast as device time (a clock set back during
        // the episode): once they have taken more than half their device time to arrive, restart
        ArrivalState live = new ArrivalState();
        order.analysed(live, T0 + 60 * MIN);
        actions.clear();
        for (int i = 0; i < 5; i++) {
            actions.add(order.onArrival(live, T0 + (20 + i) * MIN, T0 + 61 * MIN + i * MIN, openSince));
        }
        assertThat(actions).containsExactly(Action.DEAD_LETTER, Action.DEAD_LETTER, Action.DEAD_LETTER,
                Action.DEAD_LETTER, Action.RESTART);
        // and an upload followed by the same clock going on live: it restarts once the run is no longer an upload
        for (int i = 10; i < 20; i++) {
            long device = T0 + (20 + i) * MIN;
            Action a = order.onArrival(s, device, T0 + 61 * MIN + (i - 9) * MIN, openSince);
            if (a == Action.RESTART) {
                // 10 readings of 10 min arrived in a second, then live: minutes 20-(20+i) in (i-9) min of receipt
                assertThat(2 * (i - 9)).isGreaterThanOrEqualTo(i);
                return;
            }
            assertThat(a).isEqualTo(Action.DEAD_LETTER);
        }
        throw new AssertionError("an earlier clock going on live never restarted");
    }

    /** Minutes {@code from} to {@code to} (exclusive) analysed live, each received 2 s after its device time. */
    private void live(ArrivalState s, int from, int to) {
        for (int m = from; m < to; m++) {
            assertThat(order.onArrival(s, T0 + m * MIN, T0 + m * MIN + 2_000)).isEqualTo(Action.ANALYSE);
            order.analysed(s, T0 + m * MIN);
        }
    }

    @Test
    void aReadingCoveringTimeFromInsideTheRunOpensNoHoleHoweverFarItsEndReaches() {
        // scenario 22, V1: live minutes 0-59 (a strap's minute batches); then a watch's 5-min activity interval from
        // minute 59 (the strap taken off at minute 60), ending at minute 64; at minute 66 a phone re-sends minutes 8-13:
        // inside the analysed run, already analysed, never an earlier clock (before: the interval's end, 5 min after
        // the newest analysed minute, began a new run there, and the re-send restarted the analysis)
        ArrivalState s = new ArrivalState();
        live(s, 0, 60);
        order.analysed(s, T0 + 59 * MIN, T0 + 64 * MIN);
        assertThat(s.analysedSinceMs).isEqualTo(T0);
        List<Action> actions = new ArrayList<>();
        for (int m = 8; m < 14; m++) {
            actions.add(order.onArrival(s, T0 + m * MIN, T0 + 66 * MIN + m * 200));
        }
        assertThat(actions.get(0)).isEqualTo(Action.DEAD_LETTER);
        assertThat(actions.subList(1, actions.size())).containsOnly(Action.ALREADY_ANALYSED);

        // a reading that starts after a hole still begins a new run
        order.analysed(s, T0 + 70 * MIN, T0 + 75 * MIN);
        assertThat(s.analysedSinceMs).isEqualTo(T0 + 75 * MIN);
    }

    @Test
    void anUploadRepeatingDataAlreadyAnalysedIsDeadLetteredNotAnEarlierClock() {
        // live minutes 0-59 (the analysed run since minute 0); at minute 60 an upload re-sends minutes 6-44 within
        // two seconds (adversarial probe 16a, D1): the first is out of order (one reading is no upload), the rest
        // already analysed; never a restart
        ArrivalState s = new ArrivalState();
        live(s, 0, 60);
        assertThat(s.analysedSinceMs).isEqualTo(T0);
        List<Action> actions = new ArrayList<>();
        for (int m = 6; m < 45; m++) {
            actions.add(order.onArrival(s, T0 + m * MIN, T0 + 60 * MIN + m * 50));
        }
        assertThat(actions.get(0)).isEqualTo(Action.DEAD_LETTER);
        assertThat(actions.subList(1, actions.size())).containsOnly(Action.ALREADY_ANALYSED);
        assertThat(order.alreadyAnalysedDetail(s, T0 + 44 * MIN)).contains("15 min before")
                .contains("inside the 59 min of data analysed without a gap").contains("39 reading(s)")
                .contains("not an earlier clock");
        // the live clock goes on
        assertThat(order.onArrival(s, T0 + 60 * MIN, T0 + 60 * MIN + 2_000)).isEqualTo(Action.ANALYSE);
        assertThat(s.earlierCount).isZero();

        // a request that failed (minutes 20-29: a hole in the analysed data), retried at minute 50: it reaches before
        // the analysed run (which began again after the hole) and restarts; as it lies inside the last gap of the
        // analysed data (19 to 30, more than the resume gap), at its first reading (probe 20a D1; before: after four
        // readings dead-lettered)
        ArrivalState failed = withAGap(20, 30, 50);
        assertThat(failed.analysedSinceMs).isEqualTo(T0 + 30 * MIN);
        assertThat(order.onArrival(failed, T0 + 20 * MIN, T0 + 50 * MIN + 1_000)).isEqualTo(Action.RESTART);

        // a clock set back inside the analysed run, its readings arriving live: restarts, as before
        ArrivalState setBack = new ArrivalState();
        live(setBack, 0, 60);
        actions.clear();
        for (int i = 0; i < 5; i++) {
            actions.add(order.onArrival(setBack, T0 + 10 * MIN + i * MIN / 2, T0 + 60 * MIN + i * MIN / 2));
        }
        assertThat(actions).containsExactly(Action.DEAD_LETTER, Action.DEAD_LETTER, Action.DEAD_LETTER,
                Action.DEAD_LETTER, Action.RESTART);
        order.restarted(setBack);
        assertThat(setBack.analysedSinceMs).isEqualTo(ArrivalState.NO_TIME);
    }

    @Test
    void aReadingIsJudgedAgainstTheNewestAnalysedOfItsOwnStream() {
        ArrivalState s = new ArrivalState();
        order.analysed(s, T0 + 60 * MIN); // the patient's newest: a watch's live heart rate
        long strap = T0 + 30 * MIN;       // the newest beat the RR analyser has seen
        assertThat(order.tooOld(s, T0 + 25 * MIN)).isTrue();
        assertThat(order.tooOld(s, T0 + 25 * MIN, strap)).isFalse();
        assertThat(order.tooOld(s, T0 + 19 * MIN, strap)).isTrue();
        assertThat(order.tooOld(s, T0, ArrivalState.NO_TIME)).as("no data of that stream yet").isFalse();
        assertThat(order.tooOld(s, T0 + 49 * MIN, T0 + 90 * MIN)).as("never later than the patient's").isTrue();
        // a delayed reading of that stream, in order for it: held (a backlog), not an earlier clock
        assertThat(order.onArrival(s, T0 + 31 * MIN, T0 + 61 * MIN, ArrivalState.NO_TIME, strap))
                .isEqualTo(Action.HOLD);
        assertThat(s.earlierCount).isZero();
    }

    @Test
    void anUploadIsMuchDeviceTimeInLittleReceiptTime() {
        assertThat(ArrivalOrder.isUpload(T0, T0 + 1_000, T0 - 30 * MIN, T0 - 20 * MIN)).isTrue();
        assertThat(ArrivalOrder.isUpload(T0, T0 + 5 * MIN, T0 - 30 * MIN, T0 - 20 * MIN)).isFalse(); // half: live
        assertThat(ArrivalOrder.isUpload(T0, T0 + 6 * MIN, T0 - 30 * MIN, T0 - 20 * MIN)).isFalse();
        assertThat(ArrivalOrder.isUpload(ArrivalState.NO_TIME, T0, T0 - 30 * MIN, T0 - 20 * MIN)).isFalse();
    }

    @Test
    void aRestartWaitsForTheHeldReadingsOfTheCurrentClock() {
        ArrivalState s = new ArrivalState();
        order.analysed(s, T0 + 60 * MIN);
        assertThat(order.onArrival(s, T0 + 59 * MIN, T0 + 66 * MIN)).isEqualTo(Action.HOLD); // delayed: a hold
        for (int i = 0; i < 4; i++) {
            assertThat(order.onArrival(s, T0 + i * MIN, T0 + 66 * MIN + i)).isEqualTo(Action.DEAD_LETTER);
        }
        assertThat(order.onArrival(s, T0 + 4 * MIN, T0 + 67 * MIN)).isEqualTo(Action.RELEASE_FIRST);
        assertThat(s.earlierCount).isEqualTo(4); // not counted twice when it is decided again
        order.released(s);
        assertThat(order.onArrival(s, T0 + 4 * MIN, T0 + 67 * MIN)).isEqualTo(Action.RESTART);
    }

    @Test
    void delayIsReceiptMinusDeviceTimeAndOnlyReportedBeyondTheThreshold() {
        assertThat(ArrivalOrder.delayMs(T0, T0 + 126 * MIN)).isEqualTo(126 * MIN);
        assertThat(order.reportedDelayMs(T0, T0 + 126 * MIN)).isEqualTo(126 * MIN);
        assertThat(order.reportedDelayMs(T0, T0 + 4 * MIN)).isZero();
        assertThat(ArrivalOrder.delayMs(T0, T0 - 1_000)).isZero();
    }

    @Test
    void anOutageEndsAtTheReconnectionNotAtTheFirstBufferedReading() {
        ArrivalState s = new ArrivalState();
        long limit = 120 * MIN;
        order.heard(s, T0, limit);
        order.heard(s, T0 + 30 * MIN, limit);
        assertThat(s.reconnectedAtMs).isEqualTo(ArrivalState.NO_TIME);
        assertThat(order.heard(s, T0 + 210 * MIN, limit)).isTrue(); // 3 h without a receipt
        assertThat(s.reconnectedAtMs).isEqualTo(T0 + 210 * MIN);
        // the offline episode began at the last data (T0+30) and the backlog's first reading is at T0+31
        assertThat(ArrivalOrder.outageEndMs(s, T0 + 31 * MIN)).isEqualTo(T0 + 210 * MIN);
        // an episode after that reconnection keeps its own end
        assertThat(ArrivalOrder.outageEndMs(s, T0 + 500 * MIN)).isEqualTo(T0 + 500 * MIN);
    }

    @Test
    void stateRoundTripsAndRefusesAnUnknownFormat() {
        ArrivalState s = new ArrivalState();
        s.newestAnalysedMs = T0;
        s.holdSinceReceivedMs = T0 + 1;
        s.heldCount = 7;
        s.reconnectedAtMs = T0 + 2;
        s.lastReceivedMs = T0 + 3;
        s.earlierCount = 2;
        s.earlierOldestMs = T0 - 20 * MIN;
        s.earlierNewestMs = T0 - 19 * MIN;
        s.earlierFirstReceivedMs = T0 + 4;
        s.analysedSinceMs = T0 - 90 * MIN;
        byte[] b = s.toBytes();
        assertThat(b).hasSize(ArrivalState.SERIALIZED_SIZE);
        s.addGap(T0 - 80 * MIN, T0 - 60 * MIN);
        assertThat(s.toBytes()).hasSize(ArrivalState.SERIALIZED_SIZE + 16);
        assertThat(ArrivalState.fromBytes(s.toBytes()).gapFromMs(0)).isEqualTo(T0 - 80 * MIN);
        ArrivalState back = ArrivalState.fromBytes(b);
        assertThat(back.toBytes()).isEqualTo(b);
        assertThat(back.heldCount).isEqualTo(7);
        assertThat(back.earlierFirstReceivedMs).isEqualTo(T0 + 4);
        assertThat(back.analysedSinceMs).isEqualTo(T0 - 90 * MIN);
        // format 3: the same without the analysed run's start (not known: it starts at the next reading analysed)
        byte[] v3 = java.util.Arrays.copyOf(b, b.length - 8);
        v3[0] = 3;
        ArrivalState three = ArrivalState.fromBytes(v3);
        assertThat(three.earlierFirstReceivedMs).isEqualTo(T0 + 4);
        assertThat(three.analysedSinceMs).isEqualTo(ArrivalState.NO_TIME);
        order.analysed(three, T0 - MIN);
        assertThat(three.analysedSinceMs).isEqualTo(T0 - MIN);
        b[0] = 99;
        assertThatThrownBy(() -> ArrivalState.fromBytes(b)).hasMessageContaining("format version 99");
    }

    @Test
    void formatTwoStateIsReadWithTheEarlierClockCountingAsLive() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        var out = new java.io.DataOutputStream(bytes);
        out.writeByte(2);
        out.writeLong(T0 + 60 * MIN);
        out.writeLong(ArrivalState.NO_TIME);
        out.writeInt(0);
        out.writeLong(ArrivalState.NO_TIME);
        out.writeLong(T0 + 61 * MIN);
        out.writeInt(4);
        out.writeLong(T0 + 20 * MIN);
        out.writeLong(T0 + 23 * MIN);
        ArrivalState back = ArrivalState.fromBytes(bytes.toByteArray());
        assertThat(back.earlierCount).isEqualTo(4);
        assertThat(back.earlierFirstReceivedMs).isEqualTo(ArrivalState.NO_TIME);
        // its run is not known to be an upload: the fifth reading restarts, even inside an open episode
        assertThat(order.onArrival(back, T0 + 24 * MIN, T0 + 61 * MIN + 100, T0)).isEqualTo(Action.RESTART);
    }

    @Test
    void formatOneStateIsReadWithNoEarlierClock() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        var out = new java.io.DataOutputStream(bytes);
        out.writeByte(1);
        out.writeLong(T0);
        out.writeLong(ArrivalState.NO_TIME);
        out.writeInt(0);
        out.writeLong(T0 + 2);
        out.writeLong(T0 + 3);
        ArrivalState back = ArrivalState.fromBytes(bytes.toByteArray());
        assertThat(back.newestAnalysedMs).isEqualTo(T0);
        assertThat(back.lastReceivedMs).isEqualTo(T0 + 3);
        assertThat(back.earlierCount).isZero();
        assertThat(back.earlierNewestMs).isEqualTo(ArrivalState.NO_TIME);
    }

    /** Live to minute 30, then minutes 30-149 uploaded newest first from minute 150, one every {@code everyMs}. */
    List<R> newestFirstUpload(long everyMs) {
        List<R> arrivals = new ArrayList<>();
        for (long m = 0; m < 30; m++) {
            arrivals.add(new R(T0 + m * MIN, T0 + m * MIN + 2_000));
        }
        for (long m = 149; m >= 30; m--) {
            arrivals.add(new R(T0 + m * MIN, T0 + 150 * MIN + (149 - m) * everyMs));
        }
        return arrivals;
    }

    @Test
    void aBacklogArrivingNewestFirstExtendsTheHoldUntilItsOldestPartHasCome() {
        // 120 minutes over 10 min of receipt time: held throughout, analysed in device-time order (probe 20a D6)
        ArrivalState s = new ArrivalState();
        List<R> dead = new ArrayList<>();
        List<Long> analysed = run(s, newestFirstUpload(5_000), dead);
        assertThat(dead).isEmpty();
        assertThat(analysed).hasSize(150).isSorted();
    }

    @Test
    void anExtendedHoldEndsAtSixHolds() {
        // 120 minutes over 60 min of receipt time: extended for 30 min only, then released 5 min after the last
        // extension; the older part is an earlier clock, as before (live readings never wait longer than that)
        ArrivalState s = new ArrivalState();
        List<R> arrivals = newestFirstUpload(30_000);
        Action a = null;
        long releasedAt = -1;
        for (R r : arrivals) {
            a = order.onArrival(s, r.device, r.received);
            if (a == Action.RELEASE_FIRST) {
                releasedAt = r.received;
                break;
            }
            assertThat(a).isIn(Action.ANALYSE, Action.HOLD);
            if (a == Action.ANALYSE) {
                order.analysed(s, r.device);
            }
        }
        assertThat(a).isEqualTo(Action.RELEASE_FIRST);
        assertThat(releasedAt - (T0 + 150 * MIN)).isGreaterThan(30 * MIN).isLessThanOrEqualTo(35 * MIN + 30_000);
    }

    @Test
    void liveReadingsDuringAHoldNeverExtendIt() {
        // a backlog uploaded oldest first, newer than what was analysed: the hold is not extended (released at 5 min)
        ArrivalState s = new ArrivalState();
        for (long m = 0; m < 30; m++) {
            order.onArrival(s, T0 + m * MIN, T0 + m * MIN + 2_000);
            order.analysed(s, T0 + m * MIN);
        }
        for (long m = 30; m < 150; m++) {
            Action a = order.onArrival(s, T0 + m * MIN, T0 + 150 * MIN + (m - 30) * 5_000);
            if (a == Action.RELEASE_FIRST) {
                assertThat(m).as("released at the first reading received after 5 min").isEqualTo(30 + 61);
                return;
            }
        }
        throw new AssertionError("never released");
    }

    /**
     * Live minutes 0 to {@code from} - 1, nothing from {@code from} to {@code resumes} - 1 (the device buffers them or a
     * request failed), live from {@code resumes} to {@code to} - 1: the resumption held, then analysed.
     */
    private ArrivalState withAGap(int from, int resumes, int to) {
        ArrivalState s = new ArrivalState();
        live(s, 0, from);
        assertThat(order.onArrival(s, T0 + resumes * MIN, T0 + resumes * MIN + 2_000)).isEqualTo(Action.HOLD); // resumes
        order.released(s);
        order.analysed(s, T0 + resumes * MIN);
        live(s, resumes + 1, to);
        return s;
    }

    /** Live minutes 0-29, nothing 30-89 (the device buffers them), live 90-110 (probe 20a D1). */
    private ArrivalState withAGapFrom30To90() {
        return withAGap(30, 90, 111);
    }

    @Test
    void aReadingInsideTheLastGapOfTheAnalysedDataFillsItAndRestartsTheAnalysisAtOnce() {
        // probe 20a D1: live 0-29, nothing 30-89, live 90-110; then the buffer of 30-89 is uploaded
        ArrivalState s = withAGapFrom30To90();
        assertThat(s.gapCount()).isEqualTo(1);
        assertThat(s.gapFromMs(0)).isEqualTo(T0 + 29 * MIN);
        assertThat(s.gapToMs(0)).isEqualTo(T0 + 90 * MIN);
        long received = T0 + 111 * MIN;
        assertThat(order.onArrival(s, T0 + 30 * MIN, received)).as("no confirmation, nothing dead-lettered")
                .isEqualTo(Action.RESTART);
        order.restarted(s);
        assertThat(s.gapCount()).as("filled").isZero();
        assertThat(order.onArrival(s, T0 + 30 * MIN, received)).isEqualTo(Action.HOLD); // delayed: held as a backlog
    }

    @Test
    void aReadingOutsideTheGapOrWithAnEpisodeOpenSinceBeforeItIsAnEarlierClockAsBefore() {
        ArrivalState s = withAGapFrom30To90();
        long received = T0 + 111 * MIN;
        assertThat(order.onArrival(s, T0 + 20 * MIN, received)).as("analysed before the gap").isEqualTo(Action.DEAD_LETTER);
        ArrivalState open = withAGapFrom30To90();
        assertThat(order.onArrival(open, T0 + 40 * MIN, received, T0 + 35 * MIN))
                .as("inside an episode the detectors have open").isEqualTo(Action.DEAD_LETTER);
        assertThat(order.onArrival(open, T0 + 41 * MIN, received + 5_000, T0 + 95 * MIN))
                .as("an episode open only since the resumption: a gap fill").isEqualTo(Action.RESTART);
    }

    @Test
    void aGapFillArrivingDuringAHoldReleasesTheHeldReadingsFirst() {
        ArrivalState s = withAGapFrom30To90();
        assertThat(order.onArrival(s, T0 + 111 * MIN, T0 + 125 * MIN)).isEqualTo(Action.HOLD); // delayed: a hold
        assertThat(order.onArrival(s, T0 + 30 * MIN, T0 + 125 * MIN + 1_000)).isEqualTo(Action.RELEASE_FIRST);
    }

    @Test
    void aWatchsActivityIntervalOverTheStartOfAGapDoesNotShortenIt() {
        // scenario 23, seed 6321011161159751783: the strap's last beat at minute 20:59, the watch's activity summary of
        // minutes 20-25 (its end the newest analysed time), the data resuming at minute 34 (9 min after 25)
        ArrivalState s = new ArrivalState();
        live(s, 0, 20);
        order.analysed(s, T0 + 20 * MIN, T0 + 20 * MIN + 59_000); // the strap's batch of minute 20
        order.analysed(s, T0 + 20 * MIN, T0 + 25 * MIN, T0 + 20 * MIN); // the activity interval 20-25: its instant, 20
        order.analysed(s, T0 + 33 * MIN, T0 + 33 * MIN + 59_000); // the data resume
        assertThat(s.gapFromMs(0)).as("the gap starts at the strap's last beat").isEqualTo(T0 + 20 * MIN + 59_000);
        long received = T0 + 52 * MIN;
        live(s, 35, 52);
        // the buffer's activity interval 30-35 reaches past the gap's end: judged by its start, it fills the gap
        assertThat(order.onArrival(s, T0 + 35 * MIN, received, ArrivalState.NO_TIME, s.newestAnalysedMs, T0 + 30 * MIN))
                .isEqualTo(Action.RESTART);
        assertThat(order.restartFillsGap(s, T0 + 35 * MIN, ArrivalState.NO_TIME, s.newestAnalysedMs, T0 + 30 * MIN))
                .isTrue();
    }

    /** Live 0-29, nothing 30-44, live 45-59, nothing 60-74, live 75-99. */
    private ArrivalState withTwoGaps() {
        ArrivalState s = withAGap(30, 45, 60);
        assertThat(order.onArrival(s, T0 + 75 * MIN, T0 + 75 * MIN + 2_000)).isEqualTo(Action.HOLD);
        order.released(s);
        order.analysed(s, T0 + 75 * MIN);
        live(s, 76, 100);
        return s;
    }

    @Test
    void eachOfTwoGapsIsFilledByItsBufferInEitherOrder() {
        long received = T0 + 101 * MIN;
        assertThat(order.onArrival(withTwoGaps(), T0 + 31 * MIN, received)).as("the first gap's buffer first")
                .isEqualTo(Action.RESTART);
        ArrivalState s = withTwoGaps();
        assertThat(order.onArrival(s, T0 + 61 * MIN, received)).as("the second gap's buffer first")
                .isEqualTo(Action.RESTART);
        order.restarted(s, true, T0 + 61 * MIN);
        assertThat(s.fillingGapToMs).isEqualTo(T0 + 75 * MIN);
        assertThat(s.gapCount()).isEqualTo(1);
        assertThat(s.gapFromMs(0)).as("the first gap is kept").isEqualTo(T0 + 29 * MIN);
        // the restarted analysis: the second buffer, then the live data after the upload (a new gap from 74 to 101)
        for (int m = 60; m < 75; m++) order.analysed(s, T0 + m * MIN);
        order.analysed(s, T0 + 101 * MIN);
        live(s, 102, 120);
        assertThat(order.onArrival(s, T0 + 31 * MIN, T0 + 121 * MIN)).as("then the first gap's buffer")
                .isEqualTo(Action.RESTART);
    }

    /** Live 0-19, then {@code n} gaps of 15 min each with 10 min of live data after each (gap k: minutes 20+25k to 35+25k). */
    private ArrivalState withGaps(int n) {
        ArrivalState s = new ArrivalState();
        live(s, 0, 20);
        for (int k = 0; k < n; k++) {
            int resumes = 35 + 25 * k;
            assertThat(order.onArrival(s, T0 + resumes * MIN, T0 + resumes * MIN + 2_000)).isEqualTo(Action.HOLD);
            order.released(s);
            order.analysed(s, T0 + resumes * MIN);
            live(s, resumes + 1, resumes + 10);
        }
        return s;
    }

    @Test
    void eachOfThreeGapsIsFilledByItsBufferInAnyOrder() {
        // session 25: with the last two gaps alone remembered, the third, older gap's buffer was an earlier clock
        ArrivalState s = withGaps(3); // gaps 19-35, 44-60, 69-85; live to minute 94
        assertThat(s.gapCount()).isEqualTo(3);
        long received = T0 + 100 * MIN;
        assertThat(order.onArrival(withGaps(3), T0 + 21 * MIN, received)).as("the oldest gap's buffer first")
                .isEqualTo(Action.RESTART);
        assertThat(order.restartFillsGap(withGaps(3), T0 + 21 * MIN, ArrivalState.NO_TIME, T0 + 94 * MIN, T0 + 21 * MIN))
                .isTrue();
        // newest first: gap 3's buffer, then gap 2's, then gap 1's, each a gap fill
        int[] order321 = {70, 45, 21};
        for (int i = 0; i < order321.length; i++) {
            int m = order321[i];
            long at = received + i * 30 * MIN;
            assertThat(order.onArrival(s, T0 + m * MIN, at)).as("buffer at minute %d", m).isEqualTo(Action.RESTART);
            order.restarted(s, true, T0 + m * MIN);
            for (int b = m; b < m + 14; b++) order.analysed(s, T0 + b * MIN); // the buffer, analysed
            order.analysed(s, at);                                           // then the live data
            live(s, (int) ((at - T0) / MIN) + 1, (int) ((at - T0) / MIN) + 10);
        }
        assertThat(order.onArrival(s, T0 + 22 * MIN, received + 100 * MIN)).as("filled: a repeat is an earlier clock")
                .isEqualTo(Action.DEAD_LETTER);
    }

    @Test
    void upToEightGapsAreRememberedAndBeyondThatTheTwoOldestMergeSoNoBufferIsTakenForAnEarlierClock() {
        ArrivalState s = withGaps(ArrivalState.MAX_GAPS);
        assertThat(s.gapCount()).isEqualTo(ArrivalState.MAX_GAPS);
        assertThat(s.toBytes()).hasSize(ArrivalState.MAX_SERIALIZED_SIZE);
        ArrivalState nine = withGaps(ArrivalState.MAX_GAPS + 1);
        assertThat(nine.gapCount()).isEqualTo(ArrivalState.MAX_GAPS);
        assertThat(nine.toBytes()).hasSize(ArrivalState.MAX_SERIALIZED_SIZE);
        int oldest = ArrivalState.MAX_GAPS - 1;
        assertThat(nine.gapFromMs(oldest)).as("the two oldest merged").isEqualTo(T0 + 19 * MIN);
        assertThat(nine.gapToMs(oldest)).isEqualTo(T0 + 60 * MIN);
        long received = T0 + (35 + 25 * ArrivalState.MAX_GAPS + 20) * MIN;
        for (int m : new int[] {21, 45, 50}) { // the oldest gap's buffer, the second oldest's, and a re-send between
            assertThat(order.onArrival(withGaps(ArrivalState.MAX_GAPS + 1), T0 + m * MIN, received))
                    .as("minute %d: a gap fill, not an earlier clock", m).isEqualTo(Action.RESTART);
        }
        assertThat(ArrivalState.fromBytes(nine.toBytes()).toBytes()).isEqualTo(nine.toBytes());
    }
}
