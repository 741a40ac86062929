package org.wardstream.triage.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Every request, before authentication: a method the service does not serve is 405 with an {@code Allow} header
 * (TRACE and TRACK above all: {@code HttpServlet.doTrace} would echo the request's headers, the Authorization and
 * the CSRF token included); {@code Allow} answers to OPTIONS never list TRACE; an exception that no servlet answered
 * becomes a plain 500 with a reference, its details (exception classes, never the message, which may hold request
 * values) in the log under the same reference.
 */
public final class RequestGuard implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);
    /** Under /fhir HAPI answers these itself (4xx for the interactions it does not offer). */
    static final Set<String> FHIR_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    static final String FHIR_ALLOW = "GET, HEAD, POST, PUT, OPTIONS";
    static final Set<String> OTHER_METHODS = Set.of("GET", "HEAD", "POST", "OPTIONS");
    static final String OTHER_ALLOW = "GET, HEAD, POST, OPTIONS";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean fhir = path.equals("/fhir") || path.startsWith("/fhir/");
        if (!(fhir ? FHIR_METHODS : OTHER_METHODS).contains(request.getMethod())) {
            SecurityHeaders.apply(response);
            response.setHeader("Cache-Control", "no-store");
            response.setHeader("Allow", fhir ? FHIR_ALLOW : OTHER_ALLOW);
            Responses.error(request, response, 405, "method not allowed (allowed: " + (fhir ? FHIR_ALLOW : OTHER_ALLOW) + ")");
            return;
        }
        try {
            chain.doFilter(request, new NoTraceInAllow(response));
        } catch (IOException | ServletException | RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.error("{} {} failed (reference {}): {}", request.getMethod(), path, ref, classes(e));
            if (response.isCommitted()) throw e;
            response.reset();
            SecurityHeaders.apply(response);
            response.setHeader("Cache-Control", "no-store");
            Responses.error(request, response, 500, "internal error (reference " + ref + ")");
        }
    }

    /** The exception's class and its causes' (with a SQL state where there is one), without their messages. */
    public static String classes(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 2000; c = c.getCause() == c ? null : c.getCause()) {
            if (!sb.isEmpty()) sb.append(" <- ");
            sb.append(c.getClass().getName());
            if (c instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                sb.append(" (SQL state ").append(sql.getSQLState()).append(')');
            }
            StackTraceElement[] at = c.getStackTrace();
            if (at.length > 0) sb.append(" at ").append(at[0]);
        }
        return sb.toString();
    }

    /** Drops TRACE from the Allow header that {@code HttpServlet.doOptions} writes. */
    private static final class NoTraceInAllow extends HttpServletResponseWrapper {
        NoTraceInAllow(HttpServletResponse response) {
            super(response);
        }

        private static String clean(String name, String value) {
            if (value == null || !"Allow".equalsIgnoreCase(name)) return value;
            return Arrays.stream(value.split(",")).map(String::trim)
                    .filter(m -> !m.equalsIgnoreCase("TRACE") && !m.equalsIgnoreCase("TRACK"))
                    .collect(Collectors.joining(", "));
        }

        @Override
        public void setHeader(String name, String value) {
            super.setHeader(name, clean(name, value));
        }

        @Override
        public void addHeader(String name, String value) {
            super.addHeader(name, clean(name, value));
        }
    }
}
