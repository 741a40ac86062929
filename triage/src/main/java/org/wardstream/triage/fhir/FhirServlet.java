package org.wardstream.triage.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.BasePagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import ca.uhn.fhir.util.FhirTerser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.web.Responses;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The FHIR R4 endpoint at {@code /fhir} (HAPI FHIR's plain server): the CapabilityStatement HAPI generates from the
 * providers (completed by {@link Capabilities}), JSON by default, XML on request, any other {@code _format} 406.
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
        setServerAddressStrategy(new ForwardedAddress());
        registerInterceptor(new HistoryLinks());
        registerInterceptor(new Formats());
        setServerConformanceProvider(new Capabilities(this));
        setServerName("wardstream triage service");
        setImplementationDescription("wardstream triage: alerts as Tasks, Observations and Provenance");
    }

    /**
     * A {@code _format} the server does not write (anything but JSON and XML: {@code foo}, {@code ttl}, {@code html})
     * is 406 with an OperationOutcome, as FHIR servers answer it (R4 http.html#mime); it was served as JSON, so a
     * client that asked for something else got what it had not asked for. An empty {@code _format} is no request.
     * Without a {@code _format} (which wins), an {@code Accept} none of whose media ranges the server writes
     * ({@code text/csv}, {@code application/pdf}) is 406 the same way: it writes the FHIR JSON and XML types,
     * {@code application/json}, {@code application/xml}, and for {@code *}{@code /*} or {@code application/*} JSON; a
     * range with {@code q=0} is one the client refuses. No Accept (or an empty one) is JSON.
     */
    public static final class Formats {
        /** Answers 406 itself (HAPI would write its error in the format asked for: Turtle for {@code ttl}). */
        @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
        public boolean format(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String[] values = request.getParameterValues(Constants.PARAM_FORMAT);
            boolean formatGiven = false;
            for (String v : values == null ? new String[0] : values) {
                if (v == null || v.isBlank()) continue;
                formatGiven = true;
                if (!writes(v)) {
                    Responses.error(request, response, 406, "_format: this server writes JSON (_format=json or"
                            + " application/fhir+json) and XML (_format=xml or application/fhir+xml) only");
                    return false;
                }
            }
            if (!formatGiven && !acceptable(request.getHeaders("Accept"))) {
                Responses.error(request, response, 406, "Accept: this server writes JSON (application/fhir+json,"
                        + " application/json) and XML (application/fhir+xml, application/xml) only; the Accept header"
                        + " named none of them (nor */*)");
                return false;
            }
            return true;
        }

        /** Whether a format or media type names one the server writes (JSON or XML). */
        private static boolean writes(String type) {
            EncodingEnum e = EncodingEnum.forContentType(type.strip().toLowerCase(Locale.ROOT));
            return e == EncodingEnum.JSON || e == EncodingEnum.XML;
        }

        /** Whether the Accept headers (none or empty: anything) name a media range the server writes. */
        static boolean acceptable(java.util.Enumeration<String> headers) {
            boolean any = false;
            while (headers != null && headers.hasMoreElements()) {
                for (String range : headers.nextElement().split(",")) {
                    String[] parts = range.split(";");
                    String type = parts[0].strip();
                    if (type.isEmpty()) continue;
                    any = true;
                    boolean refused = false;
                    for (int i = 1; i < parts.length; i++) {
                        refused |= parts[i].strip().matches("(?i)q\\s*=\\s*0(\\.0*)?");
                    }
                    if (!refused && (type.equals("*/*") || type.equalsIgnoreCase("application/*") || writes(type))) {
                        return true;
                    }
                }
            }
            return !any;
        }
    }

    /**
     * The CapabilityStatement HAPI generates from the providers, completed with what it cannot see in them: each
     * resource's {@code versioning} (every change is a version, read by vread and history; a Task update honours
     * If-Match: {@code versioned-update}), {@code readHistory} (vread), {@code updateCreate} false (an update never
     * creates), and the {@code _sort} keys each search accepts (a search parameter of type special, its documentation
     * listing them), which HAPI's plain server leaves out.
     */
    static final class Capabilities extends ServerCapabilityStatementProvider {
        private static final Map<String, List<String>> SORT_KEYS = Map.of("Task", TaskProvider.SORT_KEYS,
                "Observation", ObservationProvider.SORT_KEYS, "Provenance", ObservationProvider.SORT_KEYS);

        Capabilities(RestfulServer server) {
            super(server);
        }

        /**
         * No {@code searchInclude} / {@code searchRevInclude}: the searches refuse {@code _include} and
         * {@code _revinclude} (400, {@code StoredResourceProvider.UNDERSCORE_PARAMETERS}), and HAPI listed every
         * include its model knows ({@code *}, {@code Task:patient}, {@code Provenance:target}, ...), so a client built
         * from the metadata failed on every search (adversarial probe 20b, D2).
         */
        @Override
        protected void postProcess(FhirTerser terser, org.hl7.fhir.instance.model.api.IBaseConformance conformance) {
            super.postProcess(terser, conformance);
            if (conformance instanceof CapabilityStatement cs) {
                for (CapabilityStatement.CapabilityStatementRestComponent rest : cs.getRest()) {
                    for (CapabilityStatement.CapabilityStatementRestResourceComponent r : rest.getResource()) {
                        r.getSearchInclude().clear();
                        r.getSearchRevInclude().clear();
                    }
                }
            }
        }

        @Override
        protected void postProcessRestResource(FhirTerser terser, IBase resource, String resourceName) {
            super.postProcessRestResource(terser, resource, resourceName);
            if (!(resource instanceof CapabilityStatement.CapabilityStatementRestResourceComponent r)
                    || !SORT_KEYS.containsKey(resourceName)) {
                return; // HAPI's OperationDefinition (read only) is as HAPI describes it
            }
            // only a Task is updated (TaskProvider#update, with If-Match); HAPI adds the interactions after this
            r.setVersioning("Task".equals(resourceName) ? CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE
                    : CapabilityStatement.ResourceVersionPolicy.VERSIONED);
            r.setReadHistory(true);
            r.setUpdateCreate(false);
            List<String> keys = SORT_KEYS.get(resourceName);
            if (r.getSearchParam().stream().noneMatch(p -> "_sort".equals(p.getName()))) {
                r.addSearchParam().setName("_sort").setType(Enumerations.SearchParamType.SPECIAL)
                        .setDocumentation("Sort the matches by " + String.join(", ", keys) + ": ascending, or"
                                + " descending with a leading '-'" + ("Task".equals(resourceName)
                                ? " (-priority: most urgent first, stat, asap, urgent, routine)" : "")
                                + "; several comma-separated, the first deciding first");
            }
        }
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
