package org.wardstream.triage;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wardstream.contract.EnrolmentValidator;
import org.wardstream.contract.Rejection;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.schema.wire.MalformedEnrolments;
import org.wardstream.triage.store.Pseudonymous;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The triage service applies exactly the enrolment rules of the two jobs: every malformed record of
 * {@link MalformedEnrolments} (the cases the jobs' {@code EnrolmentValidatorTest} dead-letters in both jobs) is
 * refused by the running service, through Kafka, into {@code ingest_reject} with the jobs' reason code and detail, and
 * never applied. Until session 20 the service mirrored only the validator's key checks (probe 19b D5) and applied,
 * say, an enrolment in the time zone "Mars/Olympus_Mons" or one that ended before it began.
 */
class SharedEnrolmentRulesIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();

    static Stream<Arguments> refusedByTheJobs() {
        return MalformedEnrolments.cases().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByTheJobs")
    void aRecordTheJobsRefuseIsRefusedByTheServiceForTheSameReason(String name, byte[][] record) throws Exception {
        Rejection jobs = catchThrowableOfType(Rejection.class,
                () -> new EnrolmentValidator().read(record[0], record[1]));
        assertThat(jobs).as("the jobs' validator refuses " + name).isNotNull();

        RecordMetadata sent = TRIAGE.sendEnrolmentRecord(record[0], record[1]);
        String where = "topic = 'enrolments' and topic_partition = " + sent.partition() + " and topic_offset = "
                + sent.offset();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TRIAGE.rows(
                "select count(*) from ingest_reject where " + where)).as("a reject for " + name).containsExactly("1"));
        assertThat(TRIAGE.rows("select reason from ingest_reject where " + where)).singleElement().asString()
                .contains(Pseudonymous.withoutValues(jobs.reason().code() + ": " + jobs.getMessage()));
        assertThat(TRIAGE.rows("select programme || '/' || patient from enrolment where patient in ('p1', 'p2', ' ')"
                + " or patient like 'p1%' or programme in ('cardiac-rehab', 'a|b')")).as("applied").isEmpty();
    }

    @Test
    void aValidRecordAndATombstoneAreApplied() throws Exception {
        byte[] key = AvroCodec.patientKeys().encode(new PatientKey(MalformedEnrolments.PROGRAMME, "p-valid"));
        RecordMetadata enrolled = TRIAGE.sendEnrolmentRecord(key, MalformedEnrolments.value(
                MalformedEnrolments.valid().setPatientId("p-valid").build()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TRIAGE.rows(
                "select status from enrolment where patient = 'p-valid'")).containsExactly("ACTIVE"));
        RecordMetadata withdrawn = TRIAGE.sendEnrolmentRecord(key, null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TRIAGE.rows(
                "select status from enrolment where patient = 'p-valid'")).containsExactly("WITHDRAWN"));
        for (RecordMetadata m : List.of(enrolled, withdrawn)) {
            assertThat(TRIAGE.rows("select reason from ingest_reject where topic = 'enrolments' and topic_partition = "
                    + m.partition() + " and topic_offset = " + m.offset())).as("rejected").isEmpty();
        }
    }
}
