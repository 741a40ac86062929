package org.wardstream.triage.kafka;

import org.junit.jupiter.api.Test;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Stratifiers;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The enrolment records the service does not apply, as the jobs do not (their {@code EnrolmentValidator}): a value
 * whose patient or programme differs from its key, a key without programme or pseudonym or with a control character.
 * Probe 19b D5: a record keyed (cardiac-a, p) whose value said frailty-b was applied by the service alone, so p was "in
 * two programmes" there and its messages without a programme were filed under none. The end-to-end case (Kafka,
 * PostgreSQL, the FHIR API) is {@code RefusedEnrolmentIT}.
 */
class EnrolmentRefusalTest {
    private static Enrolment value(String programme, String patient) {
        return Enrolment.newBuilder().setPatientId(patient).setProgramme(programme).setStatus(EnrolmentStatus.ACTIVE)
                .setEnrolledOn(LocalDate.of(2026, 3, 2)).setTimeZone("Europe/London")
                .setStratifiers(Stratifiers.newBuilder().build()).setThresholdOverrides(Map.of())
                .setUpdatedAt(Instant.parse("2026-03-03T00:00:00Z")).build();
    }

    @Test
    void aValueOfAnotherProgrammeOrPatientThanItsKeyIsNotApplied() {
        assertThat(AlertIngest.refusal(new PatientKey("cardiac-a", "p1"), value("frailty-b", "p1")))
                .contains("differs from the key");
        assertThat(AlertIngest.refusal(new PatientKey("cardiac-a", "p1"), value("cardiac-a", "p2")))
                .contains("differs from the key");
    }

    @Test
    void aKeyWithoutPseudonymOrWithAControlCharacterIsNotApplied() {
        assertThat(AlertIngest.refusal(new PatientKey("cardiac-a", " "), null)).contains("key");
        assertThat(AlertIngest.refusal(new PatientKey("cardiac-a", "p1\nforged"), null)).contains("control character")
                .doesNotContain("forged");
    }

    @Test
    void aValidEnrolmentAndATombstoneAreApplied() {
        assertThat(AlertIngest.refusal(new PatientKey("cardiac-a", "p1"), value("cardiac-a", "p1"))).isNull();
        assertThat(AlertIngest.refusal(new PatientKey("cardiac-a", "p1"), null)).isNull();
    }
}
