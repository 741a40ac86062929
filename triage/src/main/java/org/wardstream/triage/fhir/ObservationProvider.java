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
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.triage.store.Audit;
import org.wardstream.triage.store.SearchQuery;
import org.wardstream.triage.store.TaskStore;

import java.util.List;

/** Observation (the episode): read, vread, history, search. */
public final class ObservationProvider extends StoredResourceProvider<Observation> {

    public ObservationProvider(TaskStore store, Audit audit) {
        super(store, audit, Observation.class);
    }

    @Read(version = true)
    public Observation read(@IdParam IdType id, RequestDetails rd) {
        return doRead(id, rd);
    }

    @History
    public IBundleProvider history(@IdParam IdType id, @Since InstantType since, @At DateRangeParam at, RequestDetails rd) {
        return doHistory(id, since, at, rd);
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = "_id") TokenOrListParam ids,
            @OptionalParam(name = Observation.SP_CODE) TokenOrListParam code,
            @OptionalParam(name = Observation.SP_STATUS) TokenOrListParam status,
            @OptionalParam(name = Observation.SP_SUBJECT, chainWhitelist = {"identifier"}) ReferenceParam subject,
            @OptionalParam(name = Observation.SP_PATIENT, chainWhitelist = {"identifier"}) ReferenceParam patient,
            @OptionalParam(name = "programme") TokenOrListParam programme,
            @Description(SEARCH_DATES) @OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
            @Sort SortSpec sort,
            @Count Integer count,
            RequestDetails rd) {
        checkSearch(rd, count);
        SearchQuery q = new SearchQuery("Observation");
        tokens(q, "id", ids, null);
        tokens(q, "episode_type", code, FhirAlerts.EPISODE_TYPE_SYSTEM);
        tokens(q, "status", status, null);
        // a pseudonym is issued by a programme: with programme, only that programme's patient (as for Task)
        tokens(q, "programme", programme, null);
        byPatient(q, subject);
        byPatient(q, patient);
        dateRange(q, "last_updated", lastUpdated);
        sortByLastUpdated(q, sort);
        return results(q, rd);
    }

    /** What an Observation or Provenance search sorts by ({@code _sort}; told in the metadata). */
    static final List<String> SORT_KEYS = List.of("_lastUpdated");

    static void sortByLastUpdated(SearchQuery q, SortSpec sort) {
        for (SortSpec s = sort; s != null; s = s.getChain()) {
            if (!"_lastUpdated".equals(s.getParamName())) {
                throw new InvalidRequestException("cannot sort by " + s.getParamName() + " (" + String.join(", ",
                        SORT_KEYS) + ")");
            }
            q.orderBy("last_updated", s.getOrder() == SortOrderEnum.DESC);
        }
    }
}
