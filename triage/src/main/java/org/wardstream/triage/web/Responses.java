package org.wardstream.triage.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import ca.uhn.fhir.parser.IParser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.wardstream.alerting.FhirAlerts;

/** Small JSON (and, under /fhir, OperationOutcome) answers. */
public final class Responses {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Responses() {
    }

    /**
     * An error: an OperationOutcome under /fhir (XML when the client asked for XML with {@code _format} or
     * {@code Accept}, as HAPI answers it; JSON otherwise), {@code {"error": ...}} elsewhere.
     */
    public static void error(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        response.setStatus(status);
        response.setCharacterEncoding("UTF-8");
        if (request.getRequestURI().startsWith(request.getContextPath() + "/fhir")) {
            OperationOutcome oo = new OperationOutcome();
            oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(status == 401 ? OperationOutcome.IssueType.LOGIN
                            : status == 403 ? OperationOutcome.IssueType.FORBIDDEN
                            : OperationOutcome.IssueType.PROCESSING)
                    .setDiagnostics(message);
            boolean xml = wantsXml(request);
            response.setContentType(xml ? "application/fhir+xml" : "application/fhir+json");
            IParser parser = xml ? FhirAlerts.fhirContext().newXmlParser() : FhirAlerts.fhirContext().newJsonParser();
            response.getOutputStream().write(parser.encodeResourceToString(oo).getBytes(StandardCharsets.UTF_8));
        } else {
            json(response, status, JSON.createObjectNode().put("error", message));
        }
    }

    /**
     * Whether a FHIR client asked for XML: {@code _format} (xml, text/xml, application/xml, application/fhir+xml)
     * wins; else the Accept media type of the highest quality among the FHIR ones (XML or JSON, the first on a tie).
     * Anything else, or nothing: JSON, the service's default.
     */
    static boolean wantsXml(HttpServletRequest request) {
        String format = request.getParameter("_format");
        if (format != null && !format.isBlank()) {
            return format.trim().toLowerCase(Locale.ROOT).contains("xml");
        }
        String accept = request.getHeader("Accept");
        if (accept == null) return false;
        boolean xml = false;
        double best = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean isXml = type.equals("application/fhir+xml") || type.equals("application/xml+fhir")
                    || type.equals("application/xml") || type.equals("text/xml");
            boolean isJson = type.equals("application/fhir+json") || type.equals("application/json+fhir")
                    || type.equals("application/json");
            if (!isXml && !isJson) continue;
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (q > best) {
                best = q;
                xml = isXml;
            }
        }
        return xml;
    }

    public static void json(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
    }
}
