package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Probe 19a, D9 (fixed in session 20): a patient who moves house (a new IMD quintile) had the days before the move
 * recounted in the new quintile.
 *
 * <p>docs/METRICS.md section 2: "A patient whose stratifier changes within a window (an updated enrolment) is counted
 * in each stratum on the days it applied." Scenario: enrolled 1 March 2026 from an IMD decile 1 area (quintile 1,
 * Core20); on Sunday 15 March at 10:00 the enrolment is updated to decile 10 (quintile 5) after a move. Event time
 * moves on with the patient's readings. {@code PatientEquity.onEnrolment} marked every emitted day still within the
 * allowed lateness dirty and {@code record} wrote each with the enrolment's current strata: Saturday 14 March was
 * re-emitted as quintile 5 (revision 1), 13 days in quintile 1 instead of 14. Now a day that had ended by the update's
 * time keeps the strata it was lived in ({@code DayLedger.livedStrata}, PatientEquity format 6); the day of the move
 * counts in the new quintile.
 */
class StratumChangeTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final long MIN = 60_000L;

    @Test
    void daysBeforeAMoveStayInTheQuintileTheyWereLivedIn() throws Exception {
        PatientDayFunction function = new PatientDayFunction(EquityJobSettings.defaults());
        try (KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(function, EquityInput::key, Types.STRING)) {
            h.open();
            EquityInput enrol = PatientDayFunctionTest.enrolment("2026-03-01", "ACTIVE", null); // quintile 1
            send(h, enrol);
            long move = localStart("2026-03-15") + 10 * 60 * MIN;
            for (long t = localStart("2026-03-01"); t < localStart("2026-04-02"); t += 30 * MIN) {
                if (t == move) {
                    EquityInput moved = PatientDayFunctionTest.enrolment("2026-03-01", "ACTIVE", null);
                    moved.imdQuintile = "5";
                    moved.updatedAt = move;
                    send(h, moved);
                }
                send(h, PatientDayFunctionTest.hr(t));
                h.processWatermark(t);
            }
            Map<Long, PatientDayRecord> newest = new TreeMap<>();
            for (PatientDayRecord r : h.extractOutputValues()) {
                newest.merge(r.epochDay, r, (a, b) -> b.revision > a.revision ? b : a);
            }
            long march = LocalDate.parse("2026-03-01").toEpochDay();
            long q1 = newest.values().stream().filter(r -> r.epochDay >= march && r.epochDay < march + 31
                    && "1".equals(r.imdQuintile)).count();
            System.out.println("March days in quintile 1: " + q1 + "; 14 March: quintile "
                    + newest.get(LocalDate.parse("2026-03-14").toEpochDay()).imdQuintile + " (revision "
                    + newest.get(LocalDate.parse("2026-03-14").toEpochDay()).revision + ")");
            assertThat(newest.get(LocalDate.parse("2026-03-14").toEpochDay()).imdQuintile)
                    .as("Saturday 14 March, lived in the quintile-1 area (the move was on the 15th at 10:00)")
                    .isEqualTo("1");
            assertThat(q1).as("March days in quintile 1 (1-14 March)").isEqualTo(14);
            assertThat(newest.get(LocalDate.parse("2026-03-15").toEpochDay()).imdQuintile)
                    .as("the day of the move: the new quintile").isEqualTo("5");
            assertThat(newest.get(LocalDate.parse("2026-03-14").toEpochDay()).revision)
                    .as("the day before the move is not re-emitted by the update").isZero();
        }
    }

    static long localStart(String date) {
        return LocalDate.parse(date).atStartOfDay(LONDON).toInstant().toEpochMilli();
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h,
                             EquityInput in) throws Exception {
        h.processElement(new StreamRecord<>(in, in.time));
    }
}
