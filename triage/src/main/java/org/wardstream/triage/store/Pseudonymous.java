package org.wardstream.triage.store;

import ca.uhn.fhir.util.FhirTerser;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.wardstream.alerting.FhirAlerts;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps an alert Bundle down to the pseudonym before anything of it is stored or served: the contract carries only
 * the patient's pseudonym, so whatever else a faulty producer adds is dropped (the alert itself is kept: refusing it
 * would lose a clinical alert over a field the service never needed).
 * <ul>
 *   <li>every Reference's {@code display} (a name, an NHS number "for information"), except on a reference to
 *       the contained detector Device (the Provenance agent, named by its software version),</li>
 *   <li>every Identifier (in a Reference or a resource's {@code identifier}) of a system other than
 *       {@link FhirAlerts#PATIENT_PSEUDONYM_SYSTEM},</li>
 *   <li>entries other than the Observation, Task and Provenance, and contained resources other than the
 *       detector's Device (a contained Patient, say),</li>
 *   <li>every Reference's {@code reference} other than the ones the contract makes ({@code urn:uuid:} entries,
 *       {@code #} contained resources, {@code Observation/}, {@code Task/} or {@code Provenance/} with a FHIR id): a
 *       {@code Patient/9434765919} or the conditional {@code Patient?identifier=...nhs-number|9434765919} beside the
 *       pseudonym, a {@code Practitioner/jane-doe} owner (probe 19b D1),</li>
 *   <li>an entry's {@code fullUrl} other than {@code urn:uuid:}, a {@code request.url} other than the resource's own
 *       {@code Type/id}, the Bundle's own identifier of another system, and the author of a note given as a name.</li>
 * </ul>
 * Free text the contract defines (descriptions, narrative) is left as written by the alerting code.
 */
public final class Pseudonymous {
    private Pseudonymous() {
    }

    /**
     * A message about a record that could not be read, without the record's values: what a parser quotes ("Invalid
     * attribute value \"Jane Doe 9434765919\"", "Unrecognized token 'Jane'") becomes {@code "…"} / {@code '…'}, and
     * any run of 6 or more digits outside quotes {@code #}: a crafted or faulty record can put a name or an NHS number
     * in any field, and such a message goes to {@code ingest_reject} and the log, which hold only pseudonyms. The
     * message keeps its shape (which element, which check), so an operator still sees why; the record itself stays
     * on its topic at the offset given beside it.
     */
    public static String withoutValues(String message) {
        if (message == null) return "";
        return message.replaceAll("\"[^\"]*\"", "\"…\"")
                .replaceAll("'[^']*'", "'…'")
                .replaceAll("\\d{6,}", "#");
    }

    /** Drops everything beyond the pseudonym from the Bundle in place; returns how many elements were dropped. */
    static int strip(Bundle bundle) {
        int dropped = 0;
        List<Bundle.BundleEntryComponent> kept = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            Resource r = e.getResource();
            if (r instanceof Observation || r instanceof Task || r instanceof Provenance) kept.add(e);
            else dropped++;
        }
        if (kept.size() != bundle.getEntry().size()) bundle.setEntry(kept);
        if (bundle.hasIdentifier() && !FhirAlerts.PATIENT_PSEUDONYM_SYSTEM.equals(bundle.getIdentifier().getSystem())) {
            bundle.setIdentifier(null);
            dropped++;
        }
        FhirTerser terser = FhirAlerts.fhirContext().newTerser();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (e.hasFullUrl() && !e.getFullUrl().startsWith("urn:uuid:")) {
                e.setFullUrlElement(null);
                dropped++;
            }
            if (e.hasRequest() && e.getRequest().hasUrl() && !contractReference(e.getRequest().getUrl())) {
                String own = e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart();
                e.getRequest().setUrl(contractReference(own) ? own : null);
                dropped++;
            }
            DomainResource r = (DomainResource) e.getResource();
            int before = r.getContained().size();
            r.getContained().removeIf(c -> !(c instanceof Device));
            dropped += before - r.getContained().size();
            List<Resource> all = new ArrayList<>(r.getContained());
            all.add(r);
            for (Resource each : all) dropped += stripElements(terser, each);
        }
        return dropped;
    }

    private static int stripElements(FhirTerser terser, Resource r) {
        int dropped = 0;
        for (Reference ref : terser.getAllPopulatedChildElementsOfType(r, Reference.class)) {
            if (ref.hasDisplay() && !software(ref)) {
                ref.setDisplayElement(null);
                dropped++;
            }
            if (ref.hasIdentifier() && !FhirAlerts.PATIENT_PSEUDONYM_SYSTEM.equals(ref.getIdentifier().getSystem())) {
                ref.setIdentifier(null);
                dropped++;
            }
            if (ref.hasReference() && !contractReference(ref.getReference())) {
                ref.setReferenceElement((org.hl7.fhir.r4.model.StringType) null);
                dropped++;
            }
        }
        for (Annotation note : terser.getAllPopulatedChildElementsOfType(r, Annotation.class)) {
            if (note.hasAuthorStringType()) {
                note.setAuthor(null);
                dropped++;
            }
        }
        for (Identifier id : terser.getAllPopulatedChildElementsOfType(r, Identifier.class)) {
            if (!FhirAlerts.PATIENT_PSEUDONYM_SYSTEM.equals(id.getSystem())) {
                clear(id);
                dropped++;
            } else if (id.hasType() || id.hasAssigner() || id.hasExtension() || id.hasPeriod() || id.hasUse()) {
                String value = id.getValue();
                clear(id);
                id.setSystem(FhirAlerts.PATIENT_PSEUDONYM_SYSTEM).setValue(value);
                dropped++;
            }
        }
        return dropped;
    }

    /** The resource types an alert message's references may name (its own three). */
    private static final java.util.regex.Pattern OWN_REFERENCE =
            java.util.regex.Pattern.compile("(Observation|Task|Provenance)/[A-Za-z0-9\\-.]{1,64}");

    /** A reference the contract makes: to an entry ({@code urn:uuid:}), a contained resource, or one of its own resources. */
    private static boolean contractReference(String ref) {
        return ref.startsWith("urn:uuid:") || ref.startsWith("#") || OWN_REFERENCE.matcher(ref).matches();
    }

    /** A reference to a contained resource (only the detector's Device is kept): its display names software. */
    private static boolean software(Reference ref) {
        return ref.hasReference() && ref.getReference().startsWith("#") && !ref.hasIdentifier();
    }

    /** An emptied Identifier is left out when the resource is encoded. */
    private static void clear(Identifier id) {
        id.setIdElement(null);
        id.getExtension().clear();
        id.setUseElement(null);
        id.setType(null);
        id.setSystemElement(null);
        id.setValueElement(null);
        id.setPeriod(null);
        id.setAssigner(null);
    }
}
