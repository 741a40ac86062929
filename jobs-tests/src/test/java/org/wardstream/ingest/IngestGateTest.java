package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.ingest.TestEvents.T0;

import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wardstream.schema.EnrolmentStatus;

class IngestGateTest {
    static final Duration GRACE = Duration.ofSeconds(30);
    KeyedTwoInputStreamOperatorTestHarness<String, DeviceReading, EnrolmentUpdate, DeviceReading> harness;
    final EventValidator validator = new EventValidator(IngestSettings.defaults());

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new IngestGate(IngestSettings.defaults().withEnrolmentGrace(GRACE)),
                PatientKeys::of, PatientKeys::of, Types.STRING); // the job's key: programme and pseudonym
        harness.open();
        harness.setProcessingTime(0);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    DeviceReading reading(String patient, String eventId, long offsetSeconds) throws Exception {
        var event = TestEvents.heartRate(eventId, T0.plusSeconds(offsetSeconds), 70);
        DeviceReading r = validator.validate(TestEvents.key(patient), event, 0);
        r.rawKey = TestEvents.keyBytes(patient);
        r.rawValue = TestEvents.valueBytes(event);
        r.origin = "device-events-0@" + offsetSeconds;
        return r;
    }

    void enrol(String patient, EnrolmentStatus status) throws Exception {
        harness.processElement2(new StreamRecord<>(
                new EnrolmentUpdate(patient, PatientProfile.of(TestEvents.enrolment(patient, status)))));
    }

    void send(DeviceReading r) throws Exception {
        harness.processElement1(new StreamRecord<>(r, r.time));
    }

    List<DeadLetter> deadLetters() {
        var q = harness.getSideOutput(IngestGate.DEAD_LETTERS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void enrolledReadingsPassAndDuplicatesAreDropped() throws Exception {
        enrol("p1", EnrolmentStatus.ACTIVE);
        send(reading("p1", "e1", 0));
        send(reading("p1", "e2", 60));
        send(reading("p1", "e1", 0)); // the device re-sent its batch
        send(reading("p2", "e1", 0)); // same id, another patient's device: not a duplicate
        enrol("p2", EnrolmentStatus.ACTIVE);

        assertThat(harness.extractOutputValues()).extracting(r -> r.patientId + "/" + r.eventId)
                .containsExactly("p1/e1", "p1/e2", "p2/e1");
        assertThat(harness.extractOutputValues()).allSatisfy(r -> assertThat(r.rawValue).isNull());
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void readingsReceivedLongAfterTheirDeviceTimeAreMarkedLateWhateverTheWatermarkAndStillPass() throws Exception {
        enrol("p1", EnrolmentStatus.ACTIVE);
        DeviceReading backlog = reading("p1", "backlog", 0);
        backlog.timeReceived = backlog.time + 3 * 3600_000L + 7_000; // uploaded three hours later
        DeviceReading live = reading("p1", "live", 3 * 3600 + 10);
        // the watermark's position at arrival varies between runs of the same input: it must not matter
        harness.processBothWatermarks(new Watermark(T0.plusSeconds(3 * 3600).toEpochMilli()));
        send(backlog);
        send(live);
        DeviceReading early = reading("p1", "early", 60);
        early.timeReceived = early.time + 9 * 60_000L;
        send(early); // received 9 min after its device time, before any watermark passed it
        List<DeviceReading> out = harness.extractOutputValues();
        assertThat(out).hasSize(3);
        assertThat(out.get(0).isLate()).isTrue();
        assertThat(out.get(0).lateByMs).isEqualTo(3 * 3600_000L + 7_000);
        assertThat(out.get(1).isLate()).isFalse();
        assertThat(out.get(2).lateByMs).isEqualTo(9 * 60_000L);
    }

    @Test
    void anUnknownPatientWaitsForTheGracePeriodThenIsDeadLettered() throws Exception {
        DeviceReading r = reading("x9", "e1", 0);
        byte[] original = r.rawValue;
        send(r);
        harness.setProcessingTime(GRACE.toMillis() - 1);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).isEmpty();
        harness.setProcessingTime(GRACE.toMillis());
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo("unknown-patient");
            assertThat(d.value).isEqualTo(original);
            assertThat(d.detail).contains("grace").doesNotContain("x9");
        });
    }

    @Test
    void anEnrolmentWithinTheGracePeriodReleasesTheWaitingReadings() throws Exception {
        send(reading("p3", "e1", 0));
        send(reading("p3", "e2", 60));
        harness.setProcessingTime(GRACE.toMillis() / 2);
        enrol("p3", EnrolmentStatus.ACTIVE);
        assertThat(harness.extractOutputValues()).extracting(r -> r.eventId).containsExactly("e1", "e2");
        harness.setProcessingTime(GRACE.toMillis() * 3);
        assertThat(deadLetters()).isEmpty();
        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void dischargedPatientsAreRefusedAndATombstoneErasesThePatient() throws Exception {
        enrol("p4", EnrolmentStatus.DISCHARGED);
        send(reading("p4", "e1", 0));
        assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.detail).contains("discharged"));

        enrol("p5", EnrolmentStatus.ACTIVE);
        send(reading("p5", "e1", 0));
        harness.processElement2(new StreamRecord<>(new EnrolmentUpdate(TestEvents.PROGRAMME, "p5", null)));
        send(reading("p5", "e2", 60));
        send(reading("p5", "e1", 0)); // remembered ids were erased too: not a duplicate any more
        harness.setProcessingTime(GRACE.toMillis());
        assertThat(harness.extractOutputValues()).extracting(r -> r.eventId).containsExactly("e1");
        assertThat(deadLetters()).extracting(d -> d.origin)
                .containsExactly("device-events-0@0", "device-events-0@60", "device-events-0@0");
    }

    @Test
    void aReadingOfAnotherProgrammeIsNeverAnalysedAsTheEnrolledPatient() throws Exception {
        enrol("p1", EnrolmentStatus.ACTIVE); // enrolled in virtual-ward
        DeviceReading foreign = reading("p1", "other-1", 0);
        foreign.programme = "cardiac-rehab"; // the same pseudonym, issued by another programme
        send(foreign);
        send(reading("p1", "own-1", 0));
        assertThat(harness.extractOutputValues()).extracting(r -> r.programme + "/" + r.eventId)
                .containsExactly("virtual-ward/own-1");
        harness.setProcessingTime(GRACE.toMillis() + 1);
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo("unknown-patient");
            assertThat(d.detail).contains("no enrolment in this programme");
        });
    }

    @Test
    void aReadingWhoseProgrammeDiffersFromTheEnrolmentItMeetsIsProgrammeMismatch() throws Exception {
        PatientProfile elsewhere = PatientProfile.of(TestEvents.enrolment("p1", EnrolmentStatus.ACTIVE));
        elsewhere.programme = "cardiac-rehab"; // an enrolment filed under the wrong key
        harness.processElement2(new StreamRecord<>(new EnrolmentUpdate(TestEvents.PROGRAMME, "p1", elsewhere)));
        send(reading("p1", "e1", 0));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(d -> d.reason).containsExactly("programme-mismatch");
    }

    /** Issue 15 item 4: one reading claiming a receipt time an hour ahead must not wipe the duplicate memory. */
    @Test
    void duplicateMemoryRunsOnBrokerTimeNotOnAClaimedReceiptTime() throws Exception {
        enrol("p1", EnrolmentStatus.ACTIVE);
        long broker = T0.plusSeconds(10).toEpochMilli();
        for (int i = 0; i < 100; i++) {
            DeviceReading r = reading("p1", "e" + i, i);
            r.brokerTimestamp = broker;
            send(r);
        }
        DeviceReading liar = reading("p1", "liar", 100);
        liar.timeReceived = T0.plusSeconds(59 * 60).toEpochMilli(); // a gateway clock 59 min ahead
        liar.brokerTimestamp = broker + 1_000;
        send(liar);
        for (int i = 0; i < 100; i++) { // the device re-sends the whole batch
            DeviceReading r = reading("p1", "e" + i, i);
            r.brokerTimestamp = broker + 2_000;
            send(r);
        }
        assertThat(harness.extractOutputValues()).hasSize(101);
    }
}
