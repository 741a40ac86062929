package org.wardstream.equity.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.wardstream.contract.DeadLetterReason;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.wire.AvroCodec;

/**
 * Helper fuzz22, finding F2: an enrolment whose {@code enrolledOn} lies millions of years back passed
 * {@link EnrolmentValidator} (only {@code endedOn >= enrolledOn} was checked), and the equity job's per-patient-day
 * operator built one patient-day for every day from it (measured before the fix: 40,000 days back, 40,001 day records,
 * 98 MB of heap, 1 s; an Avro date int reaches 2^31 days, 5.8 million years: out of memory, again after every restart).
 * Now refused as {@code invalid-field} by the validator every consumer shares; the earliest accepted date bounds the work.
 */
class Fuzz22EnrolledLongAgoTest {
    static final PatientKey KEY = new PatientKey("virtual-ward", "p22f2");
    static final LocalDate ENDED = LocalDate.of(2026, 3, 1);

    static Enrolment discharged(LocalDate enrolledOn) {
        return Enrolment.newBuilder().setPatientId(KEY.getPatientId()).setProgramme(KEY.getProgramme())
                .setStatus(EnrolmentStatus.DISCHARGED).setEnrolledOn(enrolledOn).setEndedOn(ENDED)
                .setTimeZone("Europe/London").setStratifiers(Stratifiers.newBuilder().build())
                .setThresholdOverrides(Map.of()).setUpdatedAt(Instant.parse("2026-03-02T10:00:00Z")).build();
    }

    @Test
    void anEnrolmentDatedMillionsOfYearsBackIsRefusedWithAReason() {
        Enrolment e = discharged(LocalDate.ofEpochDay(Integer.MIN_VALUE)); // the earliest an Avro date holds
        Rejection r = catchThrowableOfType(Rejection.class, () -> new EnrolmentValidator().read(
                AvroCodec.patientKeys().encode(KEY), AvroCodec.enrolments().encode(e)));
        assertThat(r).as("enrolledOn %s", e.getEnrolledOn()).isNotNull();
        assertThat(r.reason()).isEqualTo(DeadLetterReason.INVALID_FIELD);
        assertThat(r.getMessage()).contains("enrolledOn is before 2000-01-01");
        assertThat(catchThrowableOfType(Rejection.class, () -> EnrolmentValidator.check(KEY,
                discharged(LocalDate.of(1999, 12, 31))))).as("a day before the earliest").isNotNull();
    }

    @Test
    void theEarliestAcceptedEnrolmentBuildsABoundedNumberOfPatientDays() throws Exception {
        Enrolment e = discharged(EnrolmentValidator.EARLIEST_ENROLMENT);
        EnrolmentValidator.check(KEY, e);
        var f = new PatientDayFunction(EquityJobSettings.defaults());
        try (var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(f, EquityInput::key, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(EquityDeserializers.fromEnrolment(KEY, e), 0L));
            h.processWatermark(Instant.parse("2026-03-03T00:00:00Z").toEpochMilli());
            long days = ENDED.toEpochDay() - EnrolmentValidator.EARLIEST_ENROLMENT.toEpochDay() + 1;
            assertThat(h.extractOutputValues()).as("one record per enrolled day, 2000-01-01 to 2026-03-01").hasSize((int) days);
        }
    }
}
