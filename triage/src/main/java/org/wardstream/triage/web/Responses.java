package org.wardstream.triage.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Small JSON (and, under /fhir, OperationOutcome) answers. */
public final class Responses {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Responses() {
    }

    /** An error: an OperationOutcome under /fhir, {@code {"error": ...}} elsewhere. */
    public static void error(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        response.setStatus(status);
        response.setCharacterEncoding("UTF-8");
        if (request.getRequestURI().startsWith(request.getContextPath() + "/fhir")) {
            ObjectNode oo = JSON.createObjectNode();
            oo.put("resourceType", "OperationOutcome");
            ObjectNode issue = oo.putArray("issue").addObject();
            issue.put("severity", "error");
            issue.put("code", status == 401 ? "login" : status == 403 ? "forbidden" : "processing");
            issue.put("diagnostics", message);
            response.setContentType("application/fhir+json");
            response.getOutputStream().write(JSON.writeValueAsBytes(oo));
        } else {
            json(response, status, JSON.createObjectNode().put("error", message));
        }
    }

    public static void json(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
    }
}
