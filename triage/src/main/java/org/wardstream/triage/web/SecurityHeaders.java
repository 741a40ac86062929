package org.wardstream.triage.web;

import jakarta.servlet.http.HttpServletResponse;

/** Response headers every page and API answer carries. */
final class SecurityHeaders {
    /** Scripts and styles only from the service itself (no inline script): the worklist page must follow this. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    private SecurityHeaders() {
    }

    static void apply(HttpServletResponse response) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Content-Security-Policy", CSP);
    }
}
