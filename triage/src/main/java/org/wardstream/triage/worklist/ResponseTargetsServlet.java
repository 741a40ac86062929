package org.wardstream.triage.worklist;

import org.wardstream.rules.ResponseTargets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code GET /api/response-targets}: the worklist's response target per Task priority,
 * {@code {"origin": "alert-rules/response-targets.yaml", "targets": {"stat": "PT15M", ...}}}. Behind the same
 * authentication as the rest of {@code /api} (no patient data in it).
 */
public final class ResponseTargetsServlet extends HttpServlet {
    private final transient byte[] body;

    public ResponseTargetsServlet(ResponseTargets targets) {
        this.body = Objects.requireNonNull(targets, "targets").toJson().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setStatus(200);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(body);
    }
}
