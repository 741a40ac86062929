package org.wardstream.triage.fhir;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.triage.TriageUser;

import java.util.List;

/**
 * The FHIR R4 endpoint at {@code /fhir} (HAPI FHIR's plain server): the CapabilityStatement HAPI generates from the
 * providers, JSON by default.
 */
public final class FhirServlet extends RestfulServer {
    private static final long serialVersionUID = 1L;

    public FhirServlet(List<IResourceProvider> providers) {
        super(FhirAlerts.fhirContext());
        setResourceProviders(providers);
        setDefaultResponseEncoding(EncodingEnum.JSON);
        setDefaultPrettyPrint(false);
        FifoMemoryPagingProvider paging = new UserBoundPaging(200);
        paging.setDefaultPageSize(50);
        paging.setMaximumPageSize(500);
        setPagingProvider(paging);
        setServerName("wardstream triage service");
        setImplementationDescription("wardstream triage: alerts as Tasks, Observations and Provenance");
    }

    /**
     * Next/previous page links ({@code _getpages}) work only for the user who ran the search, and only while that
     * user's visible programmes are those the search ran with. Each page request is authenticated afresh
     * ({@link org.wardstream.triage.web.AuthFilter}: a disabled user gets 401 before this), so the rights compared are
     * the current ones. Another user (who might see other programmes) gets 410 Gone, as for an expired search; the
     * same user whose programmes changed since the search gets 410 Gone saying so (run the search again: its total
     * and offsets were those of the old programmes).
     */
    static final class UserBoundPaging extends FifoMemoryPagingProvider {
        UserBoundPaging(int size) {
            super(size);
        }

        @Override
        public synchronized IBundleProvider retrieveResultList(RequestDetails rd, String id) {
            IBundleProvider found = super.retrieveResultList(rd, id);
            TriageUser now = StoredResourceProvider.user(rd);
            if (!(found instanceof StoredResourceProvider.SearchResults results)
                    || !results.user().username().equals(now.username())) {
                return null;
            }
            if (!results.sameVisibility(now)) {
                throw new ResourceGoneException("the programmes you may see changed since this search: run the search "
                        + "again");
            }
            return found;
        }
    }
}
