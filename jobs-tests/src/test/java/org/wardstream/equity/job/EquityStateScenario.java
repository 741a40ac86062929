package org.wardstream.equity.job;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Two days of one patient through the equity job's keyed operators, in two halves: the state after the first half is
 * what a savepoint holds (enrolment, an emitted and an open day with data minutes, alerts, an alert delay, an
 * acknowledged episode, a triage action waiting for its episode; a month window holding patient-days with alerts).
 * {@code EquityStateUpgradeTest} restores it, in the format of each release, and runs the second half, which begins
 * with the enrolment republished with a pacemaker recorded (the field came after formats 1 and POJO).
 */
final class EquityStateScenario {
    static final String P = PatientDayFunctionTest.P;
    static final String PROG = PatientDayFunctionTest.PROG;
    static final long MIN = 60_000L;
    /** The first half ends here: the watermark has passed the end of 2026-03-02 (emitted), 2026-03-03 is open. */
    static final long HALF = PatientDayFunctionTest.localStart("2026-03-03") + 12 * 60 * MIN;
    /** The second half ends here: every day and the daily windows are complete (the month window is not). */
    static final long END = PatientDayFunctionTest.localStart("2026-03-06");

    private EquityStateScenario() {
    }

    static List<EquityInput> firstHalf() {
        long d1 = PatientDayFunctionTest.localStart("2026-03-02");
        List<EquityInput> in = new ArrayList<>();
        in.add(PatientDayFunctionTest.enrolment("2026-03-02", "ACTIVE", null));
        for (long t = d1; t < HALF; t += 10 * MIN) {
            in.add(PatientDayFunctionTest.hr(t));
        }
        long af = d1 + 10 * 60 * MIN;
        in.add(EquityInput.episode(PROG, P, "ep-1", "atrial-fibrillation", "OPENED", af, af + 5 * MIN, af + 6 * MIN));
        in.add(EquityInput.triage(PROG, P, "ep-1", "ACKNOWLEDGED", af + 30 * MIN, af + 6 * MIN));
        long off = d1 + 20 * 60 * MIN;
        in.add(EquityInput.episode(PROG, P, "ep-2", "device-offline", "OPENED", off, off + MIN, off + 2 * MIN));
        // a triage action whose episode arrives in the second half
        in.add(EquityInput.triage(PROG, P, "ep-3", "ACKNOWLEDGED", HALF - 30 * MIN, HALF - 50 * MIN));
        return in;
    }

    static List<EquityInput> secondHalf() {
        List<EquityInput> in = new ArrayList<>();
        long d2 = PatientDayFunctionTest.localStart("2026-03-03");
        in.add(withPacemaker());
        in.add(EquityInput.episode(PROG, P, "ep-3", "bradycardia", "OPENED", HALF - 55 * MIN, HALF - 51 * MIN, HALF - 50 * MIN));
        in.add(PatientDayFunctionTest.hr(d2 - 5 * MIN)); // late, for the emitted day: a revision
        for (long t = HALF; t < d2 + 36 * 60 * MIN; t += 10 * MIN) {
            in.add(PatientDayFunctionTest.hr(t));
        }
        return in;
    }

    /** The first half's enrolment, republished after the upgrade with a pacemaker recorded. */
    static EquityInput withPacemaker() {
        EquityInput e = PatientDayFunctionTest.enrolment("2026-03-02", "ACTIVE", null);
        e.pacemaker = Boolean.TRUE;
        e.updatedAt = HALF + MIN;
        e.time = HALF + MIN;
        return e;
    }

    /** The patient-day operator in a harness, not yet initialised (a restore may come first). */
    static KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> patientDays() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new PatientDayFunction(EquityJobSettings.defaults())), EquityInput::key, Types.STRING);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, WindowedDay, EquityRowOut> windows() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new WindowAggregateFunction(EquityJobSettings.defaults())), WindowedDay::windowKey, Types.STRING);
    }

    /** Sends the inputs, then the watermark; returns (and clears) what the operator emitted. */
    static List<PatientDayRecord> runPatientDays(KeyedOneInputStreamOperatorTestHarness<String, EquityInput,
            PatientDayRecord> h, List<EquityInput> inputs, long watermark) throws Exception {
        for (EquityInput e : inputs) {
            h.processElement(new StreamRecord<>(e, e.time));
        }
        h.processWatermark(watermark);
        List<PatientDayRecord> out = new ArrayList<>(h.extractOutputValues());
        h.getOutput().clear();
        return out;
    }

    static List<EquityRowOut> runWindows(KeyedOneInputStreamOperatorTestHarness<String, WindowedDay, EquityRowOut> h,
                                         List<PatientDayRecord> days, long watermark) throws Exception {
        for (PatientDayRecord r : days) {
            for (WindowedDay w : WindowedDay.windowsOf(r)) {
                h.processElement(new StreamRecord<>(w, r.dayEnd));
            }
        }
        h.processWatermark(watermark);
        List<EquityRowOut> out = new ArrayList<>(h.extractOutputValues());
        h.getOutput().clear();
        return out;
    }

    /** The two operators' snapshots after the first half. */
    static OperatorSubtaskState[] firstHalfSnapshots() throws Exception {
        try (var days = patientDays(); var windows = windows()) {
            days.open();
            windows.open();
            runWindows(windows, runPatientDays(days, firstHalf(), HALF), HALF);
            return new OperatorSubtaskState[] {days.snapshot(1, HALF), windows.snapshot(1, HALF)};
        }
    }
}
