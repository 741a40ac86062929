package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.TreeMap;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Adversarial probe 21b, D3: an enrolment's time zone corrected while the patient is monitored. A UK patient was
 * enrolled with the zone "GMT" (an IANA id the validator accepts; UK time is "GMT" in common speech, but the zone has
 * no summer time); on 2 July at 12:00 UTC the enrolment service corrects it to Europe/London. The watch sends a
 * reading every minute throughout.
 *
 * <p>METRICS.md section 1: a patient-day is "one patient's local calendar day in the patient's own time zone", its
 * minutes "counted in real elapsed time"; data minutes are the minutes with a reading. The patient-day operator
 * keeps the days it had opened in the old zone with their old bounds (2 July runs to 00:00 UTC on 3 July, though
 * emitted as a Europe/London day), and opens the next day in the new zone from 23:00 UTC on 2 July: that hour is
 * enrolled on two patient-days, and its readings, booked on the first, are missing from the second: 3 July, with a
 * reading every minute, is published with 1,380 of its 1,440 minutes with data.
 *
 * <p>What should happen: no instant belongs to two patient-days (the enrolled minutes of the days add up to the
 * enrolled time), and a day with a reading every minute has data in every enrolled minute.
 */
class Probe21bZoneCorrectionTest {
    static final long MIN = 60_000L;
    final EquityJobSettings settings = EquityJobSettings.defaults();
    KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new PatientDayFunction(settings),
                EquityInput::key, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    static EquityInput enrolment(String zone, long updatedAt, String endedOn) {
        EquityInput e = PatientDayFunctionTest.enrolment("2026-07-01", endedOn == null ? "ACTIVE" : "DISCHARGED",
                endedOn);
        e.timeZone = zone;
        e.updatedAt = updatedAt;
        return e;
    }

    void send(EquityInput in) throws Exception {
        harness.processElement(new StreamRecord<>(in, in.time));
    }

    static long utc(String s) {
        return Instant.parse(s).toEpochMilli();
    }

    @Test
    void aCorrectedTimeZoneNeitherCountsAnHourTwiceNorLosesItsData() throws Exception {
        corrected("GMT", "Europe/London", utc("2026-07-01T00:00:00Z"), utc("2026-07-05T23:00:00Z"));
    }

    /** The other way (a gap, not an overlap): Europe/London corrected to Atlantic/Reykjavik (UTC all year). */
    @Test
    void aZoneCorrectedWestwardsLeavesNoHourOutOfEveryDay() throws Exception {
        corrected("Europe/London", "Atlantic/Reykjavik", utc("2026-06-30T23:00:00Z"), utc("2026-07-06T00:00:00Z"));
    }

    /** Enrolled from {@code start} (the start of 1 July in the first zone) to {@code end} (of 5 July in the second). */
    void corrected(String from, String to, long start, long end) throws Exception {
        send(enrolment(from, utc("2026-06-30T22:00:00Z"), null));
        long fix = utc("2026-07-02T12:00:00Z");
        for (long t = start; t < end; t += MIN) {
            if (t == fix) {
                send(enrolment(to, fix, null));
            }
            send(PatientDayFunctionTest.hr(t));
            if (t % (30 * MIN) == 0) {
                harness.processWatermark(t);
            }
        }
        send(enrolment(to, end, "2026-07-05")); // discharged at the end of 5 July
        harness.processWatermark(end + 2 * 24 * 3_600_000L);
        TreeMap<String, PatientDayRecord> newest = new TreeMap<>();
        for (PatientDayRecord r : harness.extractOutputValues()) {
            newest.put(r.day().toString(), r);
        }
        long enrolled = 0;
        StringBuilder days = new StringBuilder();
        for (PatientDayRecord r : newest.values()) {
            enrolled += r.enrolledMinutes;
            days.append(String.format("%n%s (%s, ends %s): enrolled %d, data %d", r.day(), r.timeZone,
                    Instant.ofEpochMilli(r.dayEnd), r.enrolledMinutes, r.dataMinutes));
        }
        long elapsed = (end - start) / MIN;
        assertThat(enrolled).as("enrolled minutes of the patient-days against %d minutes enrolled; days:%s", elapsed,
                days).isEqualTo(elapsed);
        assertThat(newest.values()).as("days after the correction, a reading every minute:%s", days)
                .filteredOn(r -> r.day().isAfter(java.time.LocalDate.parse("2026-07-02")))
                .allSatisfy(r -> assertThat(r.dataMinutes).isEqualTo(r.enrolledMinutes));
    }
}
