package org.wardstream.triage.store;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PseudonymousTest {
    private static final Instant AT = Instant.parse("2026-03-03T11:00:00Z");

    static Bundle alert() {
        AlertChange c = new AlertChange(AlertChange.Kind.OPENED, true, "ep-1", "p-1", EpisodeType.PAUSE, Severity.URGENT,
                AT.toEpochMilli(), null, AT.toEpochMilli() + 60_000, null, Map.of(), "wardstream-rr-analyser/2", 3, 0);
        return FhirAlerts.fhirContext().newJsonParser().parseResource(Bundle.class, FhirAlerts.toJson(c));
    }

    static String json(Bundle b) {
        return FhirAlerts.fhirContext().newJsonParser().encodeResourceToString(b);
    }

    @Test
    void theContractsBundleIsLeftAsItIs() {
        Bundle b = alert();
        String before = json(b);
        assertThat(Pseudonymous.strip(b)).isZero();
        assertThat(json(b)).isEqualTo(before);
        AlertMessage m = FhirAlerts.read(b);
        assertThat(m.patient()).isEqualTo("p-1");
        assertThat(m.detector()).isEqualTo("wardstream-rr-analyser/2");
    }

    @Test
    void namesOtherIdentifiersAndPatientResourcesAreDroppedAndThePseudonymKept() {
        Bundle b = alert();
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            if (e.getResource() instanceof Observation o) {
                o.getSubject().setDisplay("Jane Doe 9434765919");
                o.getSubject().getIdentifier().setAssigner(new org.hl7.fhir.r4.model.Reference().setDisplay("Jane's GP"));
            }
            if (e.getResource() instanceof Task t) {
                t.getFor().setDisplay("Jane Doe");
                t.addIdentifier(new Identifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9434765919"));
                t.addContained(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Doe")).setId("pt"));
                t.setRequester(new org.hl7.fhir.r4.model.Reference().setIdentifier(
                        new Identifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9434765919")));
            }
        }
        b.addEntry().setResource(new Patient().addIdentifier(new Identifier()
                .setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9434765919")));
        assertThat(Pseudonymous.strip(b)).isGreaterThanOrEqualTo(7);
        String out = json(b);
        assertThat(out).doesNotContain("Jane", "Doe", "9434765919", "nhs-number", "\"Patient\",\"id\"")
                .contains("\"system\":\"" + FhirAlerts.PATIENT_PSEUDONYM_SYSTEM + "\",\"value\":\"p-1\"");
        assertThat(b.getEntry()).hasSize(3);
        assertThat(FhirAlerts.read(b).patient()).isEqualTo("p-1");
    }
}
