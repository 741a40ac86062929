package org.wardstream.triage.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.NotModifiedException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.triage.store.Database;
import org.wardstream.triage.web.RequestGuard;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A FHIR answer of 500 (or any exception that is not one of HAPI's 4xx) carries a generic OperationOutcome with a
 * reference, never the exception's message (a database error would show SQL, its state and class names, and may
 * quote request values); the log line under the same reference names the exception classes only. A change that
 * collided with concurrent changes on every retry ({@link Database.Conflict}: nothing was changed) is 503, to be
 * retried, as on the worklist API. A date parameter that is not a date (HAPI's {@link DataFormatException} while it
 * binds the parameters, a search's or a history's) is the client's mistake: 400 naming the parameter, logged as
 * nothing more. A conditional read's 304 Not Modified is a success and is not logged (until session 20 it was a WARN
 * "Failure during REST processing: NotModifiedException").
 */
@Interceptor
public final class ServerErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ServerErrors.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException generic(RequestDetails rd, Throwable t) {
        if (t instanceof NotModifiedException e) {
            // a conditional read's 304 is a success: HAPI logs a WARN "Failure during REST processing" while it
            // writes an OperationOutcome for an exception that has none, so it gets an empty one (no body is sent)
            if (e.getOperationOutcome() == null) e.setOperationOutcome(OperationOutcomeUtil.newInstance(FhirAlerts.fhirContext()));
            return e;
        }
        if (t instanceof BaseServerResponseException e && e.getStatusCode() < 500) return e;
        String badDate = has(t, DataFormatException.class) ? unreadableDate(rd) : null;
        if (badDate != null) {
            // a client's malformed date, met while HAPI bound the parameters: the client's mistake, not a fault
            return new InvalidRequestException("parameter " + badDate + " is not a valid date (e.g. 2026-03-03,"
                    + " 2026-03-03T10:00:00Z; a month 01-12, a day that exists, hours 00-23), with an optional prefix"
                    + " eq, ne, gt, ge, lt or le");
        }
        if (conflict(t)) {
            return new UnclassifiedServerFailureException(503, "the change collided with concurrent changes; nothing"
                    + " was changed: try again");
        }
        String ref = UUID.randomUUID().toString();
        LOG.error("FHIR {} {} failed (reference {}): {}", rd == null ? "?" : rd.getRequestType(),
                rd == null ? "?" : rd.getResourceName(), ref, RequestGuard.classes(t));
        return new InternalErrorException("internal error (reference " + ref + ")");
    }

    private static boolean conflict(Throwable t) {
        return has(t, Database.Conflict.class);
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return true;
        }
        return false;
    }

    /** The history parameters taking a date, and the {@code _}-parameter of a search that does. */
    private static final Set<String> UNDERSCORE_DATES = Set.of("_lastUpdated", "_since", "_at");

    /**
     * The name of the request's first date parameter (by the resource type's search parameters, or {@code _lastUpdated},
     * {@code _since}, {@code _at}) whose value is not a date; null if none.
     */
    static String unreadableDate(RequestDetails rd) {
        if (rd == null || rd.getParameters() == null) return null;
        RuntimeResourceDefinition def = null;
        try {
            if (rd.getResourceName() != null) def = FhirAlerts.fhirContext().getResourceDefinition(rd.getResourceName());
        } catch (DataFormatException unknownType) {
            // not a resource type: only the _-parameters are known to be dates
        }
        for (Map.Entry<String, String[]> e : rd.getParameters().entrySet()) {
            String name = e.getKey().contains(":") ? e.getKey().substring(0, e.getKey().indexOf(':')) : e.getKey();
            RuntimeSearchParam sp = def == null ? null : def.getSearchParam(name);
            boolean date = UNDERSCORE_DATES.contains(name) || sp != null && sp.getParamType() == RestSearchParameterTypeEnum.DATE;
            if (!date) continue;
            for (String v : e.getValue()) {
                try {
                    new DateParam(v).getValue();
                } catch (RuntimeException notADate) {
                    return name;
                }
            }
        }
        return null;
    }
}
