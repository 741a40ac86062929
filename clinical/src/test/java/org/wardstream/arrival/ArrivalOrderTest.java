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
                case DEAD_LETTER -> deadLettered.add(r);
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
        ArrivalOrder small = new ArrivalOrder(new ArrivalOrder.Parameters(5 * MIN, 10 * MIN, 5 * MIN, 3, 10 * MIN));
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
        byte[] b = s.toBytes();
        assertThat(b).hasSize(ArrivalState.SERIALIZED_SIZE);
        ArrivalState back = ArrivalState.fromBytes(b);
        assertThat(back.toBytes()).isEqualTo(b);
        assertThat(back.heldCount).isEqualTo(7);
        b[0] = 99;
        assertThatThrownBy(() -> ArrivalState.fromBytes(b)).hasMessageContaining("format version 99");
    }
}
