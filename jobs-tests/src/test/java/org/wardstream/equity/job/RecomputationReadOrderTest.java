package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Session 23: a recomputation (a bounded run) reads enrolments, readings and alerts from the start of every topic at
 * once, so which comes first at a patient is an accident. Its figures must not depend on it, nor on whether the
 * compacted enrolments topic still holds a patient's first record next to its correction:
 * <ul>
 * <li>a corrected IMD decile (updatedAt after the month) applied to every day when the enrolments were read first, and
 * to none of the days whose readings were read before the correction (they kept the decile "lived");</li>
 * <li>readings read ahead moved event time on: days closed and passed their lateness before the enrolment was read, and
 * were lost ({@link EquityMetricsJob#holdUntilRead});</li>
 * <li>an enrolment corrected to an earlier first day ({@code enrolledOn}) gave the days between no enrolled minutes
 * and no data while the first record was still on the topic, and full days once compaction had removed it; the live
 * job did the same to such days within the allowed lateness.</li>
 * </ul>
 * Five days of 600 minutes of 5-minute activity samples, 1-5 March 2026, Europe/London.
 */
class RecomputationReadOrderTest {
    static final long MIN = 60_000L;
    static final long BEFORE_MARCH = PatientDayFunctionTest.localStart("2026-02-27");
    static final long AFTER_MARCH = PatientDayFunctionTest.localStart("2026-04-02");

    static EquityInput enrolment(String enrolledOn, String quintile, long updatedAt) {
        EquityInput e = PatientDayFunctionTest.enrolment(enrolledOn, "ACTIVE", null);
        e.imdQuintile = quintile;
        e.updatedAt = updatedAt;
        return e;
    }

    static List<EquityInput> readings() {
        List<EquityInput> out = new ArrayList<>();
        for (int d = 1; d <= 5; d++) {
            long start = PatientDayFunctionTest.localStart("2026-03-0" + d);
            for (int m = 0; m < 600; m += 5) {
                out.add(EquityInput.reading("virtual-ward", PatientDayFunctionTest.P, start + m * MIN, 5 * MIN,
                        start + (m + 5) * MIN + 2000));
            }
        }
        return out;
    }

    /** A bounded run: the enrolments before or after the readings, event time at its start until the end. */
    static List<String> bounded(List<EquityInput> enrolments, boolean enrolmentsFirst) throws Exception {
        List<EquityInput> in = new ArrayList<>();
        if (enrolmentsFirst) {
            in.addAll(enrolments);
        }
        in.addAll(readings());
        if (!enrolmentsFirst) {
            in.addAll(enrolments);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h = harness()) {
            for (EquityInput e : in) {
                h.processElement(new StreamRecord<>(e, e.time));
            }
            h.processWatermark(Long.MAX_VALUE);
            return days(h);
        }
    }

    static KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new PatientDayFunction(EquityJobSettings.defaults()), EquityInput::key, Types.STRING);
        h.open();
        return h;
    }

    /** The newest revision of each day emitted. */
    static List<String> days(KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h) {
        Map<LocalDate, PatientDayRecord> newest = new TreeMap<>();
        for (PatientDayRecord r : h.extractOutputValues()) {
            newest.put(r.day(), r);
        }
        List<String> out = new ArrayList<>();
        newest.values().forEach(r -> out.add(r.day() + " quintile " + r.imdQuintile + ", enrolled "
                + r.enrolledMinutes + " min, data " + r.dataMinutes + " min"));
        return out;
    }

    static List<String> expected(String quintile) {
        List<String> out = new ArrayList<>();
        for (int d = 1; d <= 5; d++) {
            out.add("2026-03-0" + d + " quintile " + quintile + ", enrolled 1440 min, data 600 min");
        }
        return out;
    }

    @Test
    void aCorrectedDecileAppliesToEveryDayOfARecomputationWhateverWasReadFirst() throws Exception {
        List<EquityInput> enrolments = List.of(enrolment("2026-03-01", "1", BEFORE_MARCH),
                enrolment("2026-03-01", "5", AFTER_MARCH));
        assertThat(bounded(enrolments, true)).as("enrolments read first").isEqualTo(expected("5"));
        assertThat(bounded(enrolments, false)).as("readings read first").isEqualTo(expected("5"));
        assertThat(bounded(List.of(enrolments.get(1)), false)).as("the first record compacted away")
                .isEqualTo(expected("5"));
    }

    @Test
    void anEnrolmentCorrectedToAnEarlierFirstDayEnrolsTheDaysBetweenWhetherOrNotTheFirstRecordIsStillThere()
            throws Exception {
        List<EquityInput> enrolments = List.of(enrolment("2026-03-03", "1", BEFORE_MARCH),
                enrolment("2026-03-01", "1", AFTER_MARCH));
        assertThat(bounded(List.of(enrolments.get(1)), true)).as("the first record compacted away")
                .isEqualTo(expected("1"));
        assertThat(bounded(enrolments, true)).as("enrolments read first").isEqualTo(expected("1"));
        assertThat(bounded(enrolments, false)).as("readings read first").isEqualTo(expected("1"));
    }

    @Test
    void theLiveJobEnrolsTheDaysOfABackdatedCorrectionStillWithinTheAllowedLateness() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> h = harness()) {
            h.processElement(new StreamRecord<>(enrolment("2026-03-03", "1", BEFORE_MARCH), 0L));
            long correctedAt = PatientDayFunctionTest.localStart("2026-03-03") + 12 * 60 * MIN;
            boolean corrected = false;
            for (EquityInput r : readings()) {
                if (!corrected && r.time >= correctedAt) {
                    // 3 March, noon: the patient was enrolled on 2 March (1 March is past its allowed lateness)
                    h.processElement(new StreamRecord<>(enrolment("2026-03-02", "1", correctedAt), correctedAt));
                    corrected = true;
                }
                h.processElement(new StreamRecord<>(r, r.time));
                h.processWatermark(r.time - 5 * MIN - 1);
            }
            h.processWatermark(Long.MAX_VALUE);
            List<String> days = days(h);
            assertThat(days).contains("2026-03-02 quintile 1, enrolled 1440 min, data 600 min")
                    .containsAll(expected("1").subList(2, 5))
                    .noneMatch(d -> d.startsWith("2026-03-01") && !d.contains("enrolled 0 min"));
        }
    }

    @Test
    void aBoundedRunsEnrolmentsHoldEventTimeUntilTheyAreAllRead() {
        List<String> bounded = periodicEmit(EquityMetricsJob.enrolmentWatermarks(true, java.time.Duration.ofSeconds(30))
                .createWatermarkGenerator(null));
        assertThat(bounded).as("bounded: neither a watermark nor idle (the finished source releases it)").isEmpty();
    }

    @Test
    void theEnrolmentsWatermarkStrategiesTravelWithTheJobGraph() throws Exception {
        for (boolean bounded : new boolean[] {true, false}) {
            org.apache.flink.util.InstantiationUtil.serializeObject(
                    EquityMetricsJob.enrolmentWatermarks(bounded, java.time.Duration.ofSeconds(30)));
        }
    }

    @Test
    void theLiveJobsEnrolmentsHoldEventTimeUntilTheirBacklogIsReadAndNeverAfter() {
        long[] now = {0};
        WatermarkGenerator<EquityInput> g = EquityMetricsJob.enrolmentWatermarks(false, java.time.Duration.ofSeconds(30), () -> now[0])
                .createWatermarkGenerator(null);
        List<String> out = new ArrayList<>();
        WatermarkOutput o = output(out);
        for (int s = 0; s < 60; s += 10) { // a backlog read for a minute: held
            now[0] = s * 1_000_000_000L;
            g.onEvent(new EquityInput(), 1L, o);
            g.onPeriodicEmit(o);
        }
        assertThat(out).as("held while the backlog is read").isEmpty();
        now[0] = 79 * 1_000_000_000L; // 29 s after the last record
        g.onPeriodicEmit(o);
        assertThat(out).isEmpty();
        now[0] = 80 * 1_000_000_000L;
        g.onPeriodicEmit(o);
        assertThat(out).containsExactly("idle");
        now[0] = 91 * 1_000_000_000L; // a later update never holds it again
        g.onEvent(new EquityInput(), 1L, o);
        g.onPeriodicEmit(o);
        assertThat(out).containsExactly("idle", "idle");
    }

    static List<String> periodicEmit(WatermarkGenerator<EquityInput> g) {
        List<String> out = new ArrayList<>();
        WatermarkOutput o = output(out);
        g.onEvent(new EquityInput(), 1L, o);
        g.onPeriodicEmit(o);
        return out;
    }

    static WatermarkOutput output(List<String> out) {
        return new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                out.add("watermark " + watermark.getTimestamp());
            }

            @Override
            public void markIdle() {
                out.add("idle");
            }

            @Override
            public void markActive() {
                out.add("active");
            }
        };
    }
}
