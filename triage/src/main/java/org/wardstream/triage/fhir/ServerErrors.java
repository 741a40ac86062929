package org.wardstream.triage.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wardstream.triage.store.Database;
import org.wardstream.triage.web.RequestGuard;

import java.util.UUID;

/**
 * A FHIR answer of 500 (or any exception that is not one of HAPI's 4xx) carries a generic OperationOutcome with a
 * reference, never the exception's message (a database error would show SQL, its state and class names, and may
 * quote request values); the log line under the same reference names the exception classes only. A change that
 * collided with concurrent changes on every retry ({@link Database.Conflict}: nothing was changed) is 503, to be
 * retried, as on the worklist API.
 */
@Interceptor
public final class ServerErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ServerErrors.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException generic(RequestDetails rd, Throwable t) {
        if (t instanceof BaseServerResponseException e && e.getStatusCode() < 500) return e;
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
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Database.Conflict) return true;
        }
        return false;
    }
}
