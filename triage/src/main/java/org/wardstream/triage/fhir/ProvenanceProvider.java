package org.wardstream.triage.fhir;

import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.At;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Provenance;
import org.wardstream.triage.store.Audit;
import org.wardstream.triage.store.SearchQuery;
import org.wardstream.triage.store.TaskStore;

import java.util.List;
import java.util.Set;

/** Provenance (one per pipeline change): read, vread, history, search by target. */
public final class ProvenanceProvider extends StoredResourceProvider<Provenance> {
    /** The types a Provenance here targets. */
    private static final Set<String> TARGET_TYPES = Set.of("Task", "Observation");

    public ProvenanceProvider(TaskStore store, Audit audit) {
        super(store, audit, Provenance.class);
    }

    @Read(version = true)
    public Provenance read(@IdParam IdType id, RequestDetails rd) {
        return doRead(id, rd);
    }

    @History
    public IBundleProvider history(@IdParam IdType id, @Since InstantType since, @At DateRangeParam at, RequestDetails rd) {
        return doHistory(id, since, at, rd);
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = "_id") TokenOrListParam ids,
            @OptionalParam(name = Provenance.SP_TARGET) ReferenceParam target,
            @Description(SEARCH_DATES) @OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
            @Sort SortSpec sort,
            @Count Integer count,
            RequestDetails rd) {
        checkSearch(rd, count);
        SearchQuery q = new SearchQuery("Provenance");
        tokens(q, "id", ids, null);
        byTarget(q, target);
        dateRange(q, "last_updated", lastUpdated);
        if (sort == null) q.orderBy("last_updated", false);
        ObservationProvider.sortByLastUpdated(q, sort);
        return results(q, rd);
    }

    /**
     * {@code target=Task/{id}} or {@code Observation/{id}} (an alert's Task and Observation share the episode's id, and
     * each change's Provenance targets both), or a bare id; a reference to any other type matches nothing.
     */
    static void byTarget(SearchQuery q, ReferenceParam target) {
        if (target == null) return;
        String type = target.getResourceType();
        if (type != null && !type.isEmpty() && !TARGET_TYPES.contains(type)) {
            q.none("target: a " + type + " is never a Provenance target here");
            return;
        }
        q.anyOf("target_task", List.of(target.getIdPart() == null ? target.getValue() : target.getIdPart()));
    }
}
