package org.wardstream.triage.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.store.Audit;
import org.wardstream.triage.store.Users;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * {@code GET /login} (the form), {@code POST /login}, {@code POST /logout} and {@code GET /session} (who is signed in
 * and the session's CSRF token, for the page's scripts). The login form itself carries a CSRF token (login CSRF);
 * a successful login starts a new session (new id) with a new token.
 */
public final class LoginServlet extends HttpServlet {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A session without a signed-in user (the login form's CSRF token) ends after this idle time. */
    static final int ANONYMOUS_SESSION_SECONDS = 15 * 60;
    /** Session attribute of the sign-in form: when the lock of the name last refused ends (epoch ms), for its message. */
    private static final String LOCK_ENDS = "wardstream.lockEnds";

    private final transient Users users;
    private final transient Audit audit;
    private final transient LoginThrottle throttle;

    public LoginServlet(Users users, Audit audit, LoginThrottle throttle) {
        this.users = users;
        this.audit = audit;
        this.throttle = throttle;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        SecurityHeaders.apply(resp);
        resp.setHeader("Cache-Control", "no-store");
        switch (req.getServletPath()) {
            case "/login" -> loginForm(req, resp);
            case "/session" -> session(req, resp);
            default -> resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        SecurityHeaders.apply(resp);
        resp.setHeader("Cache-Control", "no-store");
        switch (req.getServletPath()) {
            case "/login" -> login(req, resp);
            case "/logout" -> logout(req, resp);
            default -> resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    /** The session's CSRF token, created with the session when absent. */
    static String csrfToken(HttpSession session) {
        String token = (String) session.getAttribute(AuthFilter.SESSION_CSRF);
        if (token == null) {
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            session.setAttribute(AuthFilter.SESSION_CSRF, token);
            if (session.getAttribute(AuthFilter.SESSION_USER) == null) session.setMaxInactiveInterval(ANONYMOUS_SESSION_SECONDS);
        }
        return token;
    }

    private void session(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        if (session == null || SessionIdle.endIfIdle(session)) session = req.getSession(true);
        else if (session.getAttribute(AuthFilter.SESSION_USER) != null && !SessionIdle.background(req)) {
            SessionIdle.touch(session); // a page (re)load; not the page's own re-read of the enrolled programmes
        }
        ObjectNode body = Responses.JSON.createObjectNode();
        String username = (String) session.getAttribute(AuthFilter.SESSION_USER);
        Optional<TriageUser> user = username == null ? Optional.empty() : users.find(username);
        body.put("authenticated", user.isPresent());
        user.ifPresent(u -> {
            body.put("username", u.username());
            body.put("role", u.role().code());
            u.programmes().stream().sorted().forEach(body.putArray("programmes")::add);
            body.put("canAct", u.role() == TriageUser.Role.CLINICIAN);
            // the user's programmes no enrolment names yet: their worklist is empty because nobody is enrolled there
            users.withoutEnrolment(u.programmes()).forEach(body.putArray("programmesWithoutPatients")::add);
        });
        body.put("csrfToken", csrfToken(session));
        body.put("csrfHeader", AuthFilter.CSRF_HEADER);
        Responses.json(resp, 200, body);
    }

    private void loginForm(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String token = csrfToken(req.getSession(true));
        String error = req.getParameter("error");
        boolean failed = error != null;
        String next = safeNext(req.getParameter("next"));
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Sign in - wardstream triage</title><link rel=\"stylesheet\" href=\"/login.css\"></head>"
                + "<body><main class=\"login\"><h1>wardstream triage</h1><h2>Sign in</h2>"
                + (failed ? "<p class=\"error\" role=\"alert\">" + ("locked".equals(error)
                        ? lockedMessage((Long) req.getSession().getAttribute(LOCK_ENDS), System.currentTimeMillis(),
                                throttle.lockout())
                        : "The user name or password is not right.") + "</p>" : "")
                + "<form method=\"post\" action=\"/login\">"
                + "<input type=\"hidden\" name=\"_csrf\" value=\"" + token + "\">"
                + "<input type=\"hidden\" name=\"next\" value=\"" + escape(next) + "\">"
                + "<p><label for=\"username\">User name</label><br>"
                + "<input id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus></p>"
                + "<p><label for=\"password\">Password</label><br>"
                + "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>"
                + "<p><button type=\"submit\">Sign in</button></p></form></main></body></html>";
        resp.setContentType("text/html");
        resp.setCharacterEncoding("UTF-8");
        resp.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }

    private void login(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        if (session == null || !AuthFilter.csrfOk(req, session)) {
            audit.record(null, "login", null, null, null, "denied: missing or wrong CSRF token");
            Responses.error(req, resp, HttpServletResponse.SC_FORBIDDEN, "missing or wrong CSRF token: reload the sign-in page");
            return;
        }
        String username = req.getParameter("username");
        String password = req.getParameter("password");
        String name = username == null ? null : username.strip();
        Optional<java.time.Duration> lock = throttle.locked(name);
        if (lock.isPresent()) {
            audit.record(name, "login", null, null, null, lockedOutcome(throttle));
            session.setAttribute(LOCK_ENDS, System.currentTimeMillis() + lock.get().toMillis());
            resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
            resp.setHeader("Location", "/login?error=locked");
            return;
        }
        Optional<TriageUser> user = name == null || password == null ? Optional.empty()
                : users.authenticate(name, password.toCharArray());
        String next = safeNext(req.getParameter("next"));
        if (user.isEmpty()) {
            boolean nowLocked = throttle.failed(name);
            audit.record(name, "login", null, null, null, nowLocked ? lockingOutcome(throttle) : "denied");
            if (nowLocked) session.setAttribute(LOCK_ENDS, System.currentTimeMillis() + throttle.lockout().toMillis());
            resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
            resp.setHeader("Location", nowLocked ? "/login?error=locked" : "/login?error=1");
            return;
        }
        throttle.succeeded(name);
        session.invalidate(); // a new session id after login (session fixation)
        HttpSession fresh = req.getSession(true);
        fresh.setAttribute(AuthFilter.SESSION_USER, user.get().username());
        SessionIdle.touch(fresh);
        csrfToken(fresh);
        audit.record(user.get().username(), "login", null, null, null, "ok");
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        resp.setHeader("Location", next);
    }

    private void logout(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        if (session != null) {
            if (!AuthFilter.csrfOk(req, session)) {
                Responses.error(req, resp, HttpServletResponse.SC_FORBIDDEN, "missing or wrong CSRF token");
                return;
            }
            audit.record((String) session.getAttribute(AuthFilter.SESSION_USER), "logout", null, null, null, "ok");
            session.invalidate();
        }
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        resp.setHeader("Location", "/login");
    }

    /**
     * What the form says after a sign-in refused for a lock: when to try again, the minutes left rounded up (from
     * {@code endsAtMs}, the lock's end, kept in the form's session; unknown: up to the whole lockout). Only the lock's
     * end lifts it (or a restart of the service): no administrator can, and a new password does not, so the form
     * sends nobody to one (it said "or ask an administrator" until session 18).
     */
    static String lockedMessage(Long endsAtMs, long nowMs, java.time.Duration lockout) {
        String when;
        if (endsAtMs == null) {
            when = "Try again in up to " + minutes(lockout.toMinutes()) + ".";
        } else if (endsAtMs <= nowMs) {
            when = "The lock has ended: sign in again.";
        } else {
            when = "Try again in " + minutes((endsAtMs - nowMs + 59_999) / 60_000) + ".";
        }
        return "Too many failed sign-ins for this user name: it is locked, and every password is refused until the lock"
                + " ends, the right one too. " + when + " Only waiting lifts the lock (a new password does not).";
    }

    private static String minutes(long n) {
        return n == 1 ? "1 minute" : n + " minutes";
    }

    /** The audit outcome of a sign-in refused, unchecked, because the name is locked. */
    static String lockedOutcome(LoginThrottle throttle) {
        return "denied: locked after " + throttle.maxFailures() + " failed sign-ins (password not checked)";
    }

    /** The audit outcome of the failed sign-in that locks the name. */
    static String lockingOutcome(LoginThrottle throttle) {
        return "denied; " + throttle.maxFailures() + " failed sign-ins in a row: locked for "
                + throttle.lockout().toMinutes() + " min";
    }

    /** Only a local path is a redirect target (no open redirect). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.chars().anyMatch(ch -> ch < 0x20)) {
            return "/";
        }
        return next;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
