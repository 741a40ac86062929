package org.wardstream.triage.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.store.Audit;
import org.wardstream.triage.store.Users;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Who is asking, for {@code /fhir/*} and {@code /api/*}:
 * <ol>
 *   <li>{@code Authorization: Bearer <token>} (an API token) or {@code Authorization: Basic} (user and password):
 *       no session, no CSRF token needed (a browser never sends these by itself: the service never answers with a
 *       Basic challenge, so no browser caches Basic credentials for it);</li>
 *   <li>else the login session (cookie): every state-changing request (POST, PUT, PATCH, DELETE) must carry the
 *       session's CSRF token in the {@code X-CSRF-Token} header or the {@code _csrf} form field, else 403;</li>
 *   <li>else 401.</li>
 * </ol>
 * A wrong Authorization header is 401 even when a session exists. The user is put in the request attribute
 * {@link #USER}.
 */
public final class AuthFilter implements Filter {
    public static final String USER = "org.wardstream.triage.user";
    public static final String SESSION_USER = "wardstream.user";
    public static final String SESSION_CSRF = "wardstream.csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "_csrf";
    private static final String DENIAL = "org.wardstream.triage.auth-denial";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final Users users;
    private final Audit audit;
    private final LoginThrottle throttle;

    public AuthFilter(Users users, Audit audit, LoginThrottle throttle) {
        this.users = users;
        this.audit = audit;
        this.throttle = throttle;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        SecurityHeaders.apply(response);
        response.setHeader("Cache-Control", "no-store");
        String auth = request.getHeader("Authorization");
        if (auth != null) {
            Optional<TriageUser> user = fromHeader(request, auth);
            if (user.isEmpty()) {
                Object denial = request.getAttribute(DENIAL);
                audit.record(denial == null ? null : basicUser(auth), "authenticate", null, null,
                        request.getMethod() + " " + request.getRequestURI(),
                        denial == null ? "denied: bad credentials" : denial.toString());
                unauthorized(request, response);
                return;
            }
            request.setAttribute(USER, user.get());
            chain.doFilter(request, response);
            return;
        }
        HttpSession session = request.getSession(false);
        if (session != null && SessionIdle.endIfIdle(session)) session = null; // idle past its timeout: ended now
        String username = session == null ? null : (String) session.getAttribute(SESSION_USER);
        Optional<TriageUser> user = username == null ? Optional.empty() : users.find(username);
        if (user.isEmpty()) {
            unauthorized(request, response);
            return;
        }
        if (!SAFE.contains(request.getMethod()) && !csrfOk(request, session)) {
            audit.record(user.get().username(), "csrf-check", null, null,
                    request.getMethod() + " " + request.getRequestURI(), "denied: missing or wrong CSRF token");
            Responses.error(request, response, HttpServletResponse.SC_FORBIDDEN,
                    "missing or wrong CSRF token (send the session's token in the " + CSRF_HEADER + " header)");
            return;
        }
        if (!SessionIdle.background(request) || session.getAttribute(SessionIdle.LAST_ACTIVE) == null) {
            SessionIdle.touch(session);
        }
        request.setAttribute(USER, user.get());
        chain.doFilter(request, response);
    }

    private Optional<TriageUser> fromHeader(HttpServletRequest request, String auth) {
        if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return users.byToken(auth.substring(7).strip());
        }
        if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) return Optional.empty();
            return basic(request, decoded.substring(0, colon), decoded.substring(colon + 1).toCharArray());
        }
        return Optional.empty();
    }

    /**
     * HTTP Basic, with the login form's throttle: a locked name is refused without checking the password. A refusal
     * because of the lock, or the failure that starts it, leaves its audit outcome in the request attribute
     * {@link #DENIAL}.
     */
    private Optional<TriageUser> basic(HttpServletRequest request, String username, char[] password) {
        if (throttle.locked(username).isPresent()) {
            request.setAttribute(DENIAL, LoginServlet.lockedOutcome(throttle));
            return Optional.empty();
        }
        Optional<TriageUser> user = users.authenticate(username, password);
        if (user.isPresent()) {
            throttle.succeeded(username);
        } else if (throttle.failed(username)) {
            request.setAttribute(DENIAL, LoginServlet.lockingOutcome(throttle));
        }
        return user;
    }

    /** The user name of a Basic header (only when the throttle named it in {@link #DENIAL}). */
    private static String basicUser(String auth) {
        String decoded = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
        return decoded.substring(0, decoded.indexOf(':'));
    }

    static boolean csrfOk(HttpServletRequest request, HttpSession session) {
        String expected = (String) session.getAttribute(SESSION_CSRF);
        if (expected == null) return false;
        String given = request.getHeader(CSRF_HEADER);
        if (given == null) {
            String type = request.getContentType();
            if (type != null && type.startsWith("application/x-www-form-urlencoded")) given = request.getParameter(CSRF_FIELD);
        }
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Bearer, not Basic: a Basic challenge would make browsers cache credentials and send them cross-site
        response.setHeader("WWW-Authenticate", "Bearer realm=\"wardstream-triage\"");
        Responses.error(request, response, HttpServletResponse.SC_UNAUTHORIZED, "authentication required");
    }
}
