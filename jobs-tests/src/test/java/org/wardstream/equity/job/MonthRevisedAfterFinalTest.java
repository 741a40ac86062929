package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.io.Recomputation;

/**
 * Session 22: a recomputation owns a month once it is final by the clock (its end + 12 h + the allowed lateness,
 * {@link Recomputation#finalAt}); the live job closes it by its watermark. When the live job was behind (stopped,
 * catching up), it revised a month a recomputation already owned, from late data the recomputation had not read: that
 * revision (generation 0) reaches no reader (PostgreSQL refuses it, the report takes the recomputation's generation),
 * and nothing told the operator to recompute again. The live job now counts such emissions
 * ({@code equityMonthsAfterFinal}) and logs the window; emissions before the month is final by the clock are not
 * counted.
 *
 * <p>Scenario: March 2026, Europe/London, allowed lateness 24 h: the month ends 1 April 00:00 BST (31 March 23:00
 * UTC) and is final by the clock on 2 April 12:00 UTC. The live job publishes March on 1 April at 10:00 UTC (on time);
 * its event time then stops at that (the job is stopped for a day); on 3 April 09:00 UTC it reads a device's backlog
 * for 31 March, within its allowed lateness by its watermark, and revises March.
 */
class MonthRevisedAfterFinalTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");

    /** A clock the test moves (wall-clock time of the live job). */
    static final class MovableClock extends Clock implements Serializable {
        private static final long serialVersionUID = 1L;
        Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aMonthRevisedAfterItIsFinalByTheClockIsCountedOnlyThen() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-04-01T10:00:00Z"));
        WindowAggregateFunction live = new WindowAggregateFunction(EquityJobSettings.defaults(), clock);
        assertThat(Recomputation.finalAt(LocalDate.parse("2026-04-01"), EquityJobSettings.defaults().allowedLateness()))
                .isEqualTo(Instant.parse("2026-04-02T12:00:00Z"));
        try (KeyedOneInputStreamOperatorTestHarness<String, WindowedDay, EquityRowOut> h =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(live, WindowedDay::windowKey, Types.STRING)) {
            h.open();
            for (int i = 0; i < 10; i++) {
                send(h, WindowAggregateFunctionTest.day("p" + i, "2026-03-02", i % 2 == 0 ? "1" : "5", 1200, 0));
            }
            long monthEnd = PatientEquity.LocalDayMillis.start(LocalDate.parse("2026-04-01"), LONDON);
            h.processWatermark(monthEnd + 10 * 3_600_000L); // 1 April 10:00 UTC: March published on time
            assertThat(published(h)).isNotEmpty().allSatisfy(r -> assertThat(r.revision).isZero());
            assertThat(live.monthsAfterFinal()).as("on time").isZero();

            clock.now = Instant.parse("2026-04-03T09:00:00Z"); // a day later by the clock; event time has not moved
            send(h, WindowAggregateFunctionTest.day("p0", "2026-03-31", "1", 1400, 0));
            h.processWatermark(monthEnd + 11 * 3_600_000L);
            assertThat(published(h)).as("the live job still revises March: within its allowed lateness by its"
                    + " watermark").isNotEmpty().allSatisfy(r -> assertThat(r.revision).isEqualTo(1));
            assertThat(live.monthsAfterFinal()).as("March revised after it was final by the clock").isEqualTo(1);
        }
        // a bounded run (no live clock) counts nothing: every window it emits is after the fact
        WindowAggregateFunction bounded = new WindowAggregateFunction(EquityJobSettings.defaults());
        try (KeyedOneInputStreamOperatorTestHarness<String, WindowedDay, EquityRowOut> h =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(bounded, WindowedDay::windowKey, Types.STRING)) {
            h.open();
            send(h, WindowAggregateFunctionTest.day("p0", "2026-03-02", "1", 1200, 0));
            h.processWatermark(Long.MAX_VALUE);
            assertThat(published(h)).isNotEmpty();
            assertThat(bounded.monthsAfterFinal()).isZero();
        }
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, WindowedDay, EquityRowOut> h, PatientDayRecord r)
            throws Exception {
        for (WindowedDay w : WindowedDay.windowsOf(r)) {
            h.processElement(new StreamRecord<>(w, r.dayEnd));
        }
    }

    static List<EquityRowOut> published(KeyedOneInputStreamOperatorTestHarness<String, WindowedDay, EquityRowOut> h) {
        List<EquityRowOut> out = new ArrayList<>();
        for (EquityRowOut r : h.extractOutputValues()) {
            if (r.isPublished()) {
                out.add(r);
            }
        }
        h.getOutput().clear();
        return out;
    }
}
