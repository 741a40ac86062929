package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-patient-day operator with Flink's harness: local days across both clock changes, event-time
 * emission, late data within the allowed lateness producing a revision, data beyond it counted as dropped.
 */
class PatientDayFunctionTest {
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final String PROG = "virtual-ward";
    static final String P = "p000001";
    static final long MIN = 60_000L;

    final EquityJobSettings settings = EquityJobSettings.defaults();
    PatientDayFunction function;
    KeyedOneInputStreamOperatorTestHarness<String, EquityInput, PatientDayRecord> harness;

    @BeforeEach
    void setUp() throws Exception {
        function = new PatientDayFunction(settings);
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(function, EquityInput::key, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    static long localStart(String date) {
        return LocalDate.parse(date).atStartOfDay(LONDON).toInstant().toEpochMilli();
    }

    static EquityInput enrolment(String enrolledOn, String status, String endedOn) {
        EquityInput e = new EquityInput();
        e.kind = EquityInput.Kind.ENROLMENT;
        e.programme = PROG;
        e.patientId = P;
        e.status = status;
        e.enrolledOnEpochDay = LocalDate.parse(enrolledOn).toEpochDay();
        e.endedOnEpochDay = endedOn == null ? Long.MIN_VALUE : LocalDate.parse(endedOn).toEpochDay();
        e.timeZone = "Europe/London";
        e.updatedAt = localStart(enrolledOn) - 3_600_000L; // enrolled before the day began
        e.imdQuintile = "1";
        e.imdEdition = "IoD2019";
        e.ethnicGroup = "White";
        e.ageBand = "65-74";
        e.sex = "female";
        e.icb = "QWE";
        return e;
    }

    static EquityInput hr(long time) {
        return EquityInput.reading(PROG, P, time, 0, time + 2_000);
    }

    void send(EquityInput in) throws Exception {
        harness.processElement(new StreamRecord<>(in, in.time));
    }

    List<PatientDayRecord> drain() {
        List<PatientDayRecord> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    @Test
    void springForwardDayHas23HoursAndIsEmittedWhenTheWatermarkPassesItsEnd() throws Exception {
        send(enrolment("2026-03-29", "ACTIVE", null));
        long start = localStart("2026-03-29");
        long end = localStart("2026-03-30");
        assertThat(end - start).isEqualTo(23 * 60 * MIN);
        for (long t = start; t < end; t += MIN) {
            send(hr(t));
        }
        harness.processWatermark(end - 1);
        assertThat(drain()).isEmpty();

        harness.processWatermark(end);
        List<PatientDayRecord> out = drain();
        assertThat(out).hasSize(1);
        PatientDayRecord d = out.get(0);
        assertThat(d.day()).isEqualTo(LocalDate.parse("2026-03-29"));
        assertThat(d.patientId).isEqualTo(P);
        assertThat(d.dayMinutes).isEqualTo(1380);
        assertThat(d.enrolledMinutes).isEqualTo(1380);
        assertThat(d.dataMinutes).isEqualTo(1380);
        assertThat(d.monitored).isTrue();
        assertThat(d.enrolledStart).isTrue();
        assertThat(d.revision).isZero();
        assertThat(d.imdQuintile).isEqualTo("1");
        assertThat(d.toPatientDay().strata().ethnicGroup()).isEqualTo("White");
    }

    @Test
    void fallBackDayHas25HoursAndHalfOfItWithDataIsNotMonitored() throws Exception {
        send(enrolment("2026-10-25", "ACTIVE", null));
        long start = localStart("2026-10-25");
        long end = localStart("2026-10-26");
        assertThat(end - start).isEqualTo(25 * 60 * MIN);
        // data for the first 750 minutes only: 01:00-02:00 local happens twice and both count
        for (long t = start; t < start + 750 * MIN; t += MIN) {
            send(hr(t));
        }
        harness.processWatermark(end);
        PatientDayRecord d = drain().get(0);
        assertThat(d.dayMinutes).isEqualTo(1500);
        assertThat(d.enrolledMinutes).isEqualTo(1500);
        assertThat(d.dataMinutes).isEqualTo(750);
        assertThat(d.monitored).isFalse(); // 50 % < the 70 % coverage threshold
    }

    @Test
    void enrolledDaysWithoutAnyDataStillExistAsUnmonitoredDays() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        long day3 = localStart("2026-03-04");
        for (long t = day3; t < day3 + 60 * MIN; t += MIN) {
            send(hr(t)); // data only on the third day
        }
        harness.processWatermark(localStart("2026-03-05"));
        List<PatientDayRecord> out = drain();
        assertThat(out).extracting(PatientDayRecord::day).containsExactly(LocalDate.parse("2026-03-02"),
                LocalDate.parse("2026-03-03"), LocalDate.parse("2026-03-04"));
        assertThat(out).extracting(r -> r.dataMinutes).containsExactly(0, 0, 60);
        assertThat(out).allSatisfy(r -> assertThat(r.enrolledMinutes).isEqualTo(1440));
        assertThat(out).allSatisfy(r -> assertThat(r.monitored).isFalse());
    }

    @Test
    void dataUploadedLongAfterItsTimeDoesNotCountAsMonitoringData() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        long start = localStart("2026-03-02");
        for (long t = start; t < start + 100 * MIN; t += MIN) {
            send(EquityInput.reading(PROG, P, t, 0, t + 2_000));
        }
        for (long t = start + 100 * MIN; t < start + 200 * MIN; t += MIN) {
            // buffered through a connectivity loss and uploaded 5 h later
            send(EquityInput.reading(PROG, P, t, 0, t + Duration.ofHours(5).toMillis()));
        }
        harness.processWatermark(localStart("2026-03-03"));
        assertThat(drain().get(0).dataMinutes).isEqualTo(100);
    }

    @Test
    void lateEpisodeAndTriageWithinTheAllowedLatenessReviseTheDay() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        long start = localStart("2026-03-02");
        long end = localStart("2026-03-03");
        send(hr(start + 600 * MIN));
        harness.processWatermark(end);
        PatientDayRecord first = drain().get(0);
        assertThat(first.revision).isZero();
        assertThat(first.alertsRaised).isZero();

        // an AF episode from a delayed upload: its evidence lies in the emitted day
        long evidence = start + 1200 * MIN;
        long emitted = end + 3 * 3_600_000L;
        send(EquityInput.episode(PROG, P, "ep-1", "atrial-fibrillation", "OPENED", evidence, emitted - 1_000,
                emitted));
        send(EquityInput.episode(PROG, P, "ep-1", "atrial-fibrillation", "UPDATED", evidence + MIN, emitted,
                emitted + 1)); // an update is not a new alert
        send(EquityInput.episode(PROG, P, "ep-2", "device-offline", "OPENED", evidence + 2 * MIN, emitted,
                emitted + 2));
        assertThat(drain()).isEmpty(); // re-emitted at the next watermark, once for the whole batch
        harness.processWatermark(end + 4 * 3_600_000L);
        PatientDayRecord second = drain().get(0);
        assertThat(second.revision).isEqualTo(1);
        assertThat(second.day()).isEqualTo(first.day());
        assertThat(second.clinicalAlerts).isEqualTo(Map.of("atrial-fibrillation", 1));
        assertThat(second.technicalAlerts).isEqualTo(1);
        assertThat(second.alertsRaised).isEqualTo(1);
        // delays: the reading that opened each episode, to the platform receiving it (the delayed upload)
        assertThat(second.alertDelaysMs).containsExactlyInAnyOrder(emitted - 1_000 - evidence,
                emitted - (evidence + 2 * MIN));
        assertThat(second.acknowledgedWithinTarget).isZero();

        // acknowledged 1 h after it was raised (target 4 h): the same day, one more revision
        send(EquityInput.triage(PROG, P, "ep-1", "ACKNOWLEDGED", emitted + 3_600_000L, emitted));
        harness.processWatermark(end + 5 * 3_600_000L);
        PatientDayRecord third = drain().get(0);
        assertThat(third.revision).isEqualTo(2);
        assertThat(third.acknowledgedWithinTarget).isEqualTo(1);
        assertThat(function.revisedInputs()).isEqualTo(3);
        assertThat(function.droppedLate(EquityInput.Kind.READING)).isZero();
    }

    @Test
    void triageBeforeItsEpisodeWaitsForIt() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        long start = localStart("2026-03-02");
        long raised = start + 300 * MIN;
        send(EquityInput.triage(PROG, P, "ep-9", "ACKNOWLEDGED", raised + 5 * 3_600_000L, raised)); // 5 h: too slow
        send(EquityInput.episode(PROG, P, "ep-9", "tachycardia", "OPENED", raised - MIN, raised - 2_000, raised));
        harness.processWatermark(localStart("2026-03-03"));
        PatientDayRecord d = drain().get(0);
        assertThat(d.alertsRaised).isEqualTo(1);
        assertThat(d.acknowledgedWithinTarget).isZero();
    }

    @Test
    void closuresCountOncePerAlertByTypeWithActionOrNotAndEarlyClosuresWaitForTheirEpisode() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        long start = localStart("2026-03-02");
        long raised = start + 600 * MIN;
        send(EquityInput.episode(PROG, P, "ep-1", "pause", "OPENED", raised - MIN, raised - 2_000, raised));
        send(EquityInput.episode(PROG, P, "ep-2", "pause", "OPENED", raised + MIN, raised, raised + 1));
        send(EquityInput.triage(PROG, P, "ep-1", "ACKNOWLEDGED", raised + 30 * MIN, raised));
        send(EquityInput.triage(PROG, P, "ep-1", "CLOSED_WITH_ACTION", raised + 40 * MIN, raised,
                "ESCALATED_TO_CLINICIAN"));
        send(EquityInput.triage(PROG, P, "ep-1", "CLOSED_NO_ACTION", raised + 50 * MIN, raised, "OTHER")); // repeat
        send(EquityInput.triage(PROG, P, "ep-2", "CLOSED_NO_ACTION", raised + 20 * MIN, raised, "FALSE_ALARM"));
        // a closure before its episode (another partition) is kept until the episode arrives
        send(EquityInput.triage(PROG, P, "ep-3", "CLOSED_NO_ACTION", raised + 20 * MIN, raised, "DEVICE_PROBLEM"));
        send(EquityInput.episode(PROG, P, "ep-3", "device-offline", "OPENED", raised, raised, raised + 2));
        harness.processWatermark(localStart("2026-03-03"));
        PatientDayRecord d = drain().get(0);
        assertThat(d.alertsClosed).isEqualTo(Map.of("pause", 2, "device-offline", 1));
        assertThat(d.alertsClosedWithAction).isEqualTo(Map.of("pause", 1));
        assertThat(d.acknowledgedWithinTarget).isEqualTo(2); // ep-2 acknowledged by its closure
        assertThat(d.ackDelaysMs).containsExactlyInAnyOrder(30 * MIN, 20 * MIN); // clinical alerts only
    }

    /**
     * Rhythm monitoring stopped (beat-to-beat-offline, probe 20a D7) is a technical alert, as device-offline: counted in
     * the technical alerts, never as a clinical alert nor in the triage measures of clinical alerts.
     */
    @Test
    void beatToBeatOfflineCountsAsATechnicalAlert() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        long start = localStart("2026-03-02");
        send(hr(start + 600 * MIN));
        long raised = start + 700 * MIN;
        send(EquityInput.episode(PROG, P, "ep-1", "beat-to-beat-offline", "OPENED", raised - 120 * MIN, raised, raised));
        send(EquityInput.episode(PROG, P, "ep-2", "device-offline", "OPENED", raised, raised, raised + 1));
        send(EquityInput.episode(PROG, P, "ep-3", "pause", "OPENED", raised, raised, raised + 2));
        send(EquityInput.triage(PROG, P, "ep-1", "ACKNOWLEDGED", raised + 30 * MIN, raised));
        harness.processWatermark(localStart("2026-03-03"));
        PatientDayRecord d = drain().get(0);
        assertThat(d.clinicalAlerts).isEqualTo(Map.of("pause", 1));
        assertThat(d.technicalAlerts).isEqualTo(2);
        assertThat(d.alertsRaised).isEqualTo(1);
        assertThat(d.ackDelaysMs).as("clinical alerts only").isEmpty();
    }

    /** The equity job's technical codes (it may not depend on `clinical`) are the detection job's technical types. */
    @Test
    void theEquityJobsTechnicalTypesAreTheDetectionJobs() {
        assertThat(org.wardstream.equity.model.PatientDay.TECHNICAL_TYPES).containsExactlyInAnyOrderElementsOf(
                java.util.Arrays.stream(org.wardstream.rules.EpisodeType.values())
                        .filter(org.wardstream.rules.EpisodeType::technical).map(org.wardstream.rules.EpisodeType::code)
                        .toList());
    }

    @Test
    void dataBeyondTheAllowedLatenessIsCountedAsDroppedAndStateIsReleased() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        EquityInput discharged = enrolment("2026-03-02", "DISCHARGED", "2026-03-02");
        discharged.updatedAt = localStart("2026-03-02") + 3_600_000L;
        send(discharged);
        long start = localStart("2026-03-02");
        long end = localStart("2026-03-03");
        send(hr(start));
        long closed = end + settings.allowedLateness().toMillis();
        harness.processWatermark(closed);
        assertThat(drain()).hasSize(1);

        send(hr(start + 60 * MIN)); // a reading for a day that is closed for good
        send(EquityInput.episode(PROG, P, "ep-3", "pause", "OPENED", start + 61 * MIN, closed, closed + 1));
        harness.processWatermark(closed + 3_600_000L);
        assertThat(drain()).isEmpty();
        assertThat(function.droppedLate(EquityInput.Kind.READING)).isEqualTo(1);
        assertThat(function.droppedLate(EquityInput.Kind.EPISODE)).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // the enrolment only, no open day
    }

    @Test
    void dischargeMarksTheLastDayAndEndsTheChain() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        EquityInput discharged = enrolment("2026-03-02", "DISCHARGED", "2026-03-03");
        discharged.updatedAt = localStart("2026-03-03") + 12 * 3_600_000L;
        send(discharged);
        harness.processWatermark(localStart("2026-03-06"));
        List<PatientDayRecord> out = drain();
        assertThat(out).extracting(PatientDayRecord::day).containsExactly(LocalDate.parse("2026-03-02"),
                LocalDate.parse("2026-03-03"));
        assertThat(out).extracting(r -> r.disenrolled).containsExactly(false, true);
    }

    /**
     * Withdrawn in the evening, re-enrolled the next morning (the enrolment record then says only ACTIVE from the new
     * day): the first enrolment's days and its disenrolment stay, the re-enrolment starts a new period.
     */
    @Test
    void aReEnrolmentTheNextMorningKeepsTheEarlierDaysAndTheirDisenrolment() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        EquityInput withdrawn = enrolment("2026-03-02", "WITHDRAWN", "2026-03-03");
        withdrawn.updatedAt = localStart("2026-03-03") + 18 * 3_600_000L;
        send(withdrawn);
        EquityInput again = enrolment("2026-03-04", "ACTIVE", null);
        again.updatedAt = localStart("2026-03-04") + 9 * 3_600_000L;
        send(again);
        harness.processWatermark(localStart("2026-03-06"));
        List<PatientDayRecord> out = drain();
        assertThat(out).extracting(PatientDayRecord::day).containsExactly(LocalDate.parse("2026-03-02"),
                LocalDate.parse("2026-03-03"), LocalDate.parse("2026-03-04"), LocalDate.parse("2026-03-05"));
        assertThat(out).extracting(r -> r.disenrolled).containsExactly(false, true, false, false);
        assertThat(out).extracting(r -> r.enrolledStart).containsExactly(true, false, true, false);
        assertThat(out).extracting(r -> r.enrolledMinutes).containsExactly(1440, 1440, 900, 1440);
    }

    /** Withdrawn, then re-enrolled three days later: the days between belong to no enrolment and are not emitted. */
    @Test
    void daysBetweenAWithdrawalAndALaterReEnrolmentAreNotEnrolledDays() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        EquityInput withdrawn = enrolment("2026-03-02", "WITHDRAWN", "2026-03-02");
        withdrawn.updatedAt = localStart("2026-03-02") + 20 * 3_600_000L;
        send(withdrawn);
        harness.processWatermark(localStart("2026-03-04"));
        EquityInput again = enrolment("2026-03-05", "ACTIVE", null);
        again.updatedAt = localStart("2026-03-05") - 3_600_000L;
        send(again);
        harness.processWatermark(localStart("2026-03-07"));
        List<PatientDayRecord> out = drain();
        assertThat(out).extracting(PatientDayRecord::day).containsExactly(LocalDate.parse("2026-03-02"),
                LocalDate.parse("2026-03-05"), LocalDate.parse("2026-03-06"));
        assertThat(out).extracting(r -> r.disenrolled).containsExactly(true, false, false);
        assertThat(out).extracting(r -> r.enrolledStart).containsExactly(true, true, false);
    }

    @Test
    void pausedDaysAreEnrolledDaysWithoutActiveMinutes() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        EquityInput paused = enrolment("2026-03-02", "PAUSED", null);
        paused.updatedAt = localStart("2026-03-03") + 6 * 3_600_000L; // admitted to hospital at 06:00 on day 2
        send(paused);
        EquityInput resumed = enrolment("2026-03-02", "ACTIVE", null);
        resumed.updatedAt = localStart("2026-03-05") + 12 * 3_600_000L; // home again at noon on day 4
        harness.processWatermark(localStart("2026-03-04") + 1); // the pause is seen in event time first
        send(resumed);
        harness.processWatermark(localStart("2026-03-06"));
        List<PatientDayRecord> out = drain();
        assertThat(out).extracting(PatientDayRecord::day).containsExactly(LocalDate.parse("2026-03-02"),
                LocalDate.parse("2026-03-03"), LocalDate.parse("2026-03-04"), LocalDate.parse("2026-03-05"));
        assertThat(out).extracting(r -> r.enrolledMinutes).containsExactly(1440, 360, 0, 720);
        assertThat(out).allSatisfy(r -> assertThat(r.monitored).isFalse());
    }

    @Test
    void theEnrolmentsPacemakerRecordReachesEachDayAndARecordAddedLaterRevisesTheEmittedDays() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null)); // pacemaker not recorded
        harness.processWatermark(localStart("2026-03-03"));
        PatientDayRecord first = drain().get(0);
        assertThat(first.pacemaker).as("not recorded stays not recorded, never 'no'").isNull();
        assertThat(first.toPatientDay().pacemaker()).isNull();

        EquityInput no = enrolment("2026-03-02", "ACTIVE", null);
        no.pacemaker = Boolean.FALSE;
        no.updatedAt = localStart("2026-03-03") + 60 * MIN;
        send(no);
        harness.processWatermark(localStart("2026-03-03") + 1);
        assertThat(drain()).singleElement().satisfies(d -> {
            assertThat(d.day()).isEqualTo(LocalDate.parse("2026-03-02"));
            assertThat(d.revision).isEqualTo(1);
            assertThat(d.pacemaker).isFalse();
        });

        EquityInput yes = enrolment("2026-03-02", "ACTIVE", null);
        yes.pacemaker = Boolean.TRUE;
        yes.updatedAt = localStart("2026-03-03") + 120 * MIN;
        send(yes);
        harness.processWatermark(localStart("2026-03-04"));
        List<PatientDayRecord> out = drain();
        assertThat(out).extracting(PatientDayRecord::day).containsExactly(LocalDate.parse("2026-03-02"),
                LocalDate.parse("2026-03-03"));
        assertThat(out).extracting(r -> r.revision).containsExactly(2, 0);
        assertThat(out).allSatisfy(r -> assertThat(r.toPatientDay().pacemaker()).isTrue());
    }

    @Test
    void aTombstoneErasesThePatientsOpenDays() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        send(hr(localStart("2026-03-02") + MIN));
        EquityInput tombstone = new EquityInput();
        tombstone.kind = EquityInput.Kind.ENROLMENT;
        tombstone.programme = PROG;
        tombstone.patientId = P;
        tombstone.tombstone = true;
        send(tombstone);
        assertThat(harness.numKeyedStateEntries()).isZero();
        harness.processWatermark(localStart("2026-03-04"));
        assertThat(drain()).isEmpty();
    }

    @Test
    void theEndOfABoundedInputEmitsTheLastDayWithoutInventingLaterOnes() throws Exception {
        send(enrolment("2026-03-02", "ACTIVE", null));
        long start = localStart("2026-03-02");
        send(hr(start + 1439 * MIN));
        harness.processWatermark(Long.MAX_VALUE);
        List<PatientDayRecord> out = drain();
        assertThat(out).extracting(PatientDayRecord::day).containsExactly(LocalDate.parse("2026-03-02"));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // the enrolment only
        assertThat(Instant.ofEpochMilli(out.get(0).dayEnd)).isEqualTo(Instant.parse("2026-03-03T00:00:00Z"));
    }
}
