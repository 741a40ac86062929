package org.wardstream.triage.store;

import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.wardstream.alerting.FhirAlerts;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where an NHS FHIR producer puts a patient's NHS number and a name besides a display or an identifier: a reference
 * ({@code Patient/9434765919}, the conditional {@code Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919}),
 * an entry's {@code fullUrl}, a Task owner, a note's author. The ingest drops them before anything is stored or served
 * and keeps the references the contract makes (probe 19b D1: all of them were stored in {@code alert_message} and
 * served with the Task and Observation).
 */
class PseudonymousReferencesTest {
    private static final String NHS = "9434765919";

    private static Bundle alert() {
        return PseudonymousTest.alert();
    }

    private static String json(Bundle b) {
        return PseudonymousTest.json(b);
    }

    @Test
    void anNhsNumberOrNameInAReferenceAFullUrlOrANoteAuthorIsDroppedBeforeStoring() {
        Bundle b = alert();
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            e.setFullUrl("https://ehr.example.nhs.uk/fhir/Patient/" + NHS + "/" + e.getResource().fhirType());
            if (e.getResource() instanceof Observation o) {
                o.getSubject().setReference("Patient/" + NHS); // the pseudonym identifier stays beside it
            }
            if (e.getResource() instanceof Task t) {
                t.getFor().setReference("Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|" + NHS);
                t.setOwner(new Reference("Practitioner/jane-doe"));
                t.addNote(new Annotation().setAuthor(new StringType("Jane Doe")).setText("called"));
            }
        }
        Pseudonymous.strip(b);
        String out = json(b);
        assertThat(out).as("the Bundle as the ingest stores it (alert_message) and serves its Task and Observation")
                .doesNotContain(NHS, "Jane", "jane-doe")
                .contains("\"system\":\"" + FhirAlerts.PATIENT_PSEUDONYM_SYSTEM + "\",\"value\":\"p-1\"");
        assertThat(FhirAlerts.read(b).patient()).isEqualTo("p-1");
        assertThat(out).as("the contract's own references stay").contains("\"reference\":\"urn:uuid:", "\"reference\":\"#detector\"",
                "\"url\":\"Observation/ep-1\"", "\"url\":\"Task/ep-1\"");
    }

    @Test
    void aDisplayWithTheNhsNumberIsDroppedAsBefore() {
        Bundle b = alert();
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            if (e.getResource() instanceof Observation o) o.getSubject().setDisplay("Jane Doe " + NHS);
        }
        assertThat(Pseudonymous.strip(b)).isPositive();
        assertThat(json(b)).doesNotContain(NHS, "Jane");
    }
}
