package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A restart (failure recovery, upgrade from a savepoint) must not publish a final month again. Flink does not
 * checkpoint watermarks: after a restore both equity operators' watermarks are Long.MIN_VALUE until the first one
 * arrives. Until session 20 a backlog reading for 10 February read in that moment created 10 February again (the
 * patient-day operator judged lateness by the MIN_VALUE watermark), and the window operator, whose February state was
 * long purged, published February again (revision 0, 275 rows) from that one patient-day over the complete figures;
 * WindowAggregateFunction's comment said a patient-day past the window's lateness "cannot happen". Now both operators
 * keep the checkpoint's watermark ({@link WatermarkMemory}): the reading is dropped-late (counted), and a patient-day
 * for a closed window is dropped-late at the window operator (counted), never published.
 */
class RestartLateDayTest {
    static final long MIN = 60_000L;
    static final long FEB1 = PatientDayFunctionTest.localStart("2026-02-01");
    static final long MAR5 = PatientDayFunctionTest.localStart("2026-03-05");

    final PatientDayFunction dayFunction = new PatientDayFunction(EquityJobSettings.defaults());
    final WindowAggregateFunction windowFunction = new WindowAggregateFunction(EquityJobSettings.defaults());

    static KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> days(PatientDayFunction f)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), EquityInput::key,
                Types.STRING);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, WindowedDay, EquityRowOut> windows(
            WindowAggregateFunction f) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), WindowedDay::windowKey,
                Types.STRING);
    }

    /**
     * Enrolled 1 February, a reading every 10 min to 5 March, the watermark every 6 h: February is published (and
     * final) by then. Returns the two operators' snapshots and, in {@code february10}, the day record of 10 February.
     */
    static OperatorSubtaskState[] monitoredToMarch5(List<PatientDayRecord> february10) throws Exception {
        try (var days = days(new PatientDayFunction(EquityJobSettings.defaults()));
             var windows = windows(new WindowAggregateFunction(EquityJobSettings.defaults()))) {
            days.open();
            windows.open();
            List<EquityRowOut> published = new ArrayList<>();
            EquityInput enrolment = PatientDayFunctionTest.enrolment("2026-02-01", "ACTIVE", null);
            days.processElement(new StreamRecord<>(enrolment, FEB1));
            long feb10 = java.time.LocalDate.parse("2026-02-10").toEpochDay();
            for (long t = FEB1; t <= MAR5; t += 10 * MIN) {
                EquityInput r = PatientDayFunctionTest.hr(t);
                days.processElement(new StreamRecord<>(r, r.time));
                if ((t - FEB1) % (6 * 60 * MIN) == 0) {
                    List<PatientDayRecord> emitted = EquityStateScenario.runPatientDays(days, List.of(), t);
                    emitted.stream().filter(d -> d.epochDay == feb10).forEach(february10::add);
                    published.addAll(EquityStateScenario.runWindows(windows, emitted, t));
                }
            }
            assertThat(published).as("February published before the restart")
                    .anyMatch(r -> r.isPublished() && r.key.contains("|month|2026-02-01|"));
            return new OperatorSubtaskState[] {days.snapshot(1, MAR5), windows.snapshot(1, MAR5)};
        }
    }

    @Test
    void aBacklogReadingForAFinalMonthAfterARestartIsDroppedLateAndFebruaryIsNotPublishedAgain() throws Exception {
        OperatorSubtaskState[] snapshots = monitoredToMarch5(new ArrayList<>());
        try (var days = days(dayFunction); var windows = windows(windowFunction)) {
            days.initializeState(snapshots[0]);
            windows.initializeState(snapshots[1]);
            days.open();
            windows.open();
            // read before the first watermark after the restart: a device's backlog for 10 February
            EquityInput old = PatientDayFunctionTest.hr(PatientDayFunctionTest.localStart("2026-02-10") + 600 * MIN);
            List<PatientDayRecord> emitted = EquityStateScenario.runPatientDays(days, List.of(old), MAR5 + 10 * MIN);
            List<EquityRowOut> rows = EquityStateScenario.runWindows(windows, emitted, MAR5 + 10 * MIN);
            System.out.println("after the restart: patient-days " + emitted.size() + ", rows " + rows.size()
                    + ", February rows " + rows.stream().filter(r -> r.key.contains("|2026-02-")).count());
            assertThat(rows).as("no window of February published again")
                    .noneMatch(r -> r.key.contains("|2026-02-"));
            assertThat(emitted).isEmpty();
            assertThat(dayFunction.droppedLate(EquityInput.Kind.READING)).isEqualTo(1);
        }
    }

    @Test
    void aPatientDayForAPurgedWindowAfterARestartIsDroppedLateAndCounted() throws Exception {
        List<PatientDayRecord> february10 = new ArrayList<>();
        OperatorSubtaskState[] snapshots = monitoredToMarch5(february10);
        assertThat(february10).hasSize(1);
        try (var windows = windows(windowFunction)) {
            windows.initializeState(snapshots[1]);
            windows.open();
            PatientDayRecord again = february10.get(0);
            again.revision = 1;
            List<EquityRowOut> rows = EquityStateScenario.runWindows(windows, List.of(again), MAR5 + 10 * MIN);
            assertThat(rows).isEmpty();
            assertThat(windowFunction.droppedLateDays()).as("the day and the month window").isEqualTo(2);
        }
    }
}
