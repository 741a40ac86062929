package org.wardstream.triage.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * A login session's idle time counts from the user's own last request, not the page's automatic ones. Jetty's own
 * idle timeout counts every request and never ends a session while a request is open: an open worklist tab (its event
 * stream held open for hours, its refresh every few seconds) kept the session alive for ever, so a workstation left
 * signed in never signed out. Here a session-authenticated request that is not {@link #background} is activity
 * ({@link #touch}); a session whose last activity is older than its timeout ({@code --session-timeout}) is ended at
 * its next request ({@link AuthFilter}: 401) and its event streams are closed ({@link EventHub}, every
 * {@link EventHub#RIGHTS_TTL}).
 */
final class SessionIdle {
    /** Session attribute: the time (epoch ms) of the user's last own request. */
    static final String LAST_ACTIVE = "wardstream.lastActive";
    /** Header a page sends with the requests it makes by itself (refreshes): they do not keep the session alive. */
    static final String BACKGROUND_HEADER = "X-Wardstream-Background";

    private SessionIdle() {
    }

    /** The event stream, and any request carrying {@link #BACKGROUND_HEADER}: made by the page, not the user. */
    static boolean background(HttpServletRequest request) {
        return request.getHeader(BACKGROUND_HEADER) != null || "/api/events".equals(request.getRequestURI());
    }

    /** The user acted now. */
    static void touch(HttpSession session) {
        session.setAttribute(LAST_ACTIVE, System.currentTimeMillis());
    }

    /**
     * Ends the session when the user's last own request is longer ago than its timeout.
     *
     * @return true if the session has ended (now or before)
     */
    static boolean endIfIdle(HttpSession session) {
        try {
            Object last = session.getAttribute(LAST_ACTIVE);
            long timeoutMs = session.getMaxInactiveInterval() * 1000L;
            if (!(last instanceof Long at) || timeoutMs <= 0 || System.currentTimeMillis() - at < timeoutMs) {
                return false;
            }
            session.invalidate();
            return true;
        } catch (IllegalStateException invalidated) {
            return true;
        }
    }
}
