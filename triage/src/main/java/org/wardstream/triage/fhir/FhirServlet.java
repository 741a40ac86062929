package org.wardstream.triage.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.BasePagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.triage.TriageUser;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

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
        UserBoundPaging paging = new UserBoundPaging(Clock.systemUTC());
        paging.setDefaultPageSize(50);
        paging.setMaximumPageSize(500);
        setPagingProvider(paging);
        registerInterceptor(new HistoryLinks());
        setServerName("wardstream triage service");
        setImplementationDescription("wardstream triage: alerts as Tasks, Observations and Provenance");
    }

    /**
     * The {@code next} link of an instance history's last page removed. HAPI's plain server pages a history by
     * {@code _offset} and, when a paging provider is set, writes {@code next} on a page with an offset whenever the
     * page size is below Bundle.total, also on the last page (a link to an empty page); a page whose offset and
     * entries reach the total has no next.
     */
    public static final class HistoryLinks {
        @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
        public boolean lastPage(RequestDetails rd, ResponseDetails response) {
            if (rd.getRestOperationType() == RestOperationTypeEnum.HISTORY_INSTANCE
                    && response.getResponseResource() instanceof Bundle b && b.hasTotal()) {
                int offset = StoredResourceProvider.historyOffset(rd);
                if (offset + b.getEntry().size() >= b.getTotal()) {
                    b.getLink().removeIf(l -> IBaseBundle.LINK_NEXT.equals(l.getRelation()));
                }
            }
            return true;
        }
    }

    /**
     * Next/previous page links ({@code _getpages}) work only for the user who ran the search, and only while that
     * user's visible programmes are those the search ran with. Each page request is authenticated afresh
     * ({@link org.wardstream.triage.web.AuthFilter}: a disabled user gets 401 before this), so the rights compared are
     * the current ones. Another user (who might see other programmes) gets 410 Gone, as for an expired search; the
     * same user whose programmes changed since the search gets 410 Gone saying so (run the search again: its matches
     * were those of the old programmes).
     *
     * <p>Searches are kept in memory, oldest dropped first, while all of these hold: at most {@link #MAX_SEARCHES}
     * searches, none older than {@link #LIFETIME}, and at most {@link #MAX_IDS} matches' ids in their snapshots
     * together (an id of up to 64 characters takes a byte a character and 4 for its end). A page of a search no
     * longer kept is 410 Gone (run the search again).
     */
    static final class UserBoundPaging extends BasePagingProvider {
        static final int MAX_SEARCHES = 200;
        static final Duration LIFETIME = Duration.ofMinutes(30);
        static final long MAX_IDS = 500_000;

        private record Kept(IBundleProvider results, long ids, Instant at) {
        }

        private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>();
        private final Clock clock;
        private long ids;

        UserBoundPaging(Clock clock) {
            this.clock = clock;
        }

        @Override
        public synchronized String storeResultList(RequestDetails rd, IBundleProvider results) {
            if (results instanceof StoredResourceProvider.HistoryPage) {
                // a history pages by _offset (its links never use _getpages): nothing to keep
                return null;
            }
            String key = UUID.randomUUID().toString();
            long n = results instanceof StoredResourceProvider.SearchResults r ? r.snapshotSize() : 0;
            kept.put(key, new Kept(results, n, clock.instant()));
            ids += n;
            dropOld();
            return key;
        }

        /** Drops the oldest searches while one of the bounds is exceeded or they are past their lifetime. */
        private void dropOld() {
            Instant expired = clock.instant().minus(LIFETIME);
            for (var it = kept.values().iterator(); it.hasNext(); ) {
                Kept k = it.next();
                if (kept.size() <= MAX_SEARCHES && ids <= MAX_IDS && k.at().isAfter(expired)) break;
                it.remove();
                ids -= k.ids();
            }
        }

        /** How many searches are kept now (for tests). */
        synchronized int size() {
            return kept.size();
        }

        @Override
        public synchronized IBundleProvider retrieveResultList(RequestDetails rd, String id) {
            dropOld();
            Kept k = kept.get(id);
            TriageUser now = StoredResourceProvider.user(rd);
            if (k == null || !(k.results() instanceof StoredResourceProvider.SearchResults results)
                    || !results.user().username().equals(now.username())) {
                return null;
            }
            if (!results.sameVisibility(now)) {
                throw new ResourceGoneException("the programmes you may see changed since this search: run the search "
                        + "again");
            }
            return results;
        }
    }
}
