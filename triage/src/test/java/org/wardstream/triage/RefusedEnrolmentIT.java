package org.wardstream.triage;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.contract.Topics;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.wire.AvroCodec;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.triage.TriageTestServer.ADMIN;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.PASSWORD;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_B;

/**
 * An enrolment record both jobs refuse (its value's programme differs from its key) is not applied by the service
 * either: it is kept in {@code ingest_reject}, the patient stays in the key's programme, and an alert message that names
 * no programme (a release before the tag) is still filed under it. Probe 19b D5: the service applied it alone, p was
 * "in two programmes" there, and the message was filed under none (administrators only).
 */
class RefusedEnrolmentIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    private static final Instant START = Instant.parse("2026-03-04T08:00:00Z");

    private static void sendEnrolment(PatientKey key, String valueProgramme) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TRIAGE.kafka().bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            Enrolment e = Enrolment.newBuilder().setPatientId(key.getPatientId()).setProgramme(valueProgramme)
                    .setStatus(EnrolmentStatus.ACTIVE).setEnrolledOn(LocalDate.of(2026, 3, 2)).setTimeZone("Europe/London")
                    .setStratifiers(Stratifiers.newBuilder().build()).setThresholdOverrides(Map.of())
                    .setUpdatedAt(Instant.parse("2026-03-03T00:00:00Z")).build();
            producer.send(new ProducerRecord<>(Topics.ENROLMENTS, AvroCodec.patientKeys().encode(key),
                    AvroCodec.enrolments().encode(e))).get();
        }
    }

    private static JsonNode legacyAlert(String id, String patient) throws Exception {
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, id, patient, EpisodeType.INACTIVITY,
                Severity.ROUTINE, START, 180)); // no programme tag: a message of a release before it
        return TriageTestServer.awaitTask(Http.basic(TRIAGE.baseUrl(), ADMIN, PASSWORD), id, 1);
    }

    @Test
    void anEnrolmentTheJobsRefuseDoesNotMoveAPatientsAlertsAwayFromItsProgramme() throws Exception {
        TRIAGE.enrol("p-mm", PROGRAMME_A);
        sendEnrolment(new PatientKey(PROGRAMME_A, "p-mm"), PROGRAMME_B); // refused by both jobs (value differs from key)
        // the record read: applied (a second programme) or kept as a reject
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TRIAGE.rows(
                "select (select count(*) from enrolment where patient = 'p-mm')"
                        + " + (select count(*) from ingest_reject where topic = 'enrolments')")).containsExactly("2"));
        legacyAlert("legacy-mm", "p-mm");
        Http clinicianA = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        assertThat(TRIAGE.rows("select programme from enrolment where patient = 'p-mm' order by programme"))
                .as("triage's enrolments of p-mm (the jobs': cardiac-a only)").containsExactly(PROGRAMME_A);
        assertThat(clinicianA.get("/fhir/Task/legacy-mm").statusCode()).as("cardiac-a's clinician reads the alert")
                .isEqualTo(200);
        assertThat(TRIAGE.rows("select reason from ingest_reject where topic = 'enrolments'")).singleElement().asString()
                .contains("differs from the key");
    }

    @Test
    void withoutTheRefusedRecordTheAlertIsTheProgrammes() throws Exception {
        TRIAGE.enrol("p-ok", PROGRAMME_A);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TRIAGE.rows(
                "select count(*) from enrolment where patient = 'p-ok'")).containsExactly("1"));
        legacyAlert("legacy-ok", "p-ok");
        assertThat(Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD).get("/fhir/Task/legacy-ok").statusCode())
                .isEqualTo(200);
    }
}
