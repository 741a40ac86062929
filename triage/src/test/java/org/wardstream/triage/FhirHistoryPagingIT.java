package org.wardstream.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

/**
 * A FHIR client following one alert's history (an EHR integration keeping the episode's audit trail), and a FHIR
 * client that speaks XML (adversarial probe 17b, D1 and D6).
 *
 * <p>D1: an instance history longer than one page ({@code _count}, or more than the default 50 versions: a
 * device-offline alert open for weeks gets a reminder a day, every note is a version) has a {@code next} link, the
 * same request with {@code _offset} (HAPI's plain server pages every history by offset); the service refused it
 * (400 "history does not take _offset"), so the opening versions could not be read at all. Now every version is
 * served once, Bundle.total counts them on every page, and the last page has no {@code next}.
 *
 * <p>D6: the 401 under /fhir was JSON also for a client that asked for XML ({@code _format=xml} or
 * {@code Accept: application/fhir+xml}); now it is the OperationOutcome in XML, and JSON otherwise.
 */
class FhirHistoryPagingIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An open device-offline alert with {@code notes} clinician notes: 1 + notes versions. */
    private static Http alertWithNotes(String patient, String episode, int notes) throws Exception {
        Instant start = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        TRIAGE.enrol(patient, TriageTestServer.PROGRAMME_A);
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, episode, patient, EpisodeType.DEVICE_OFFLINE,
                Severity.ROUTINE, start, 0), TriageTestServer.PROGRAMME_A);
        Http api = Http.basic(TRIAGE.baseUrl(), TriageTestServer.CLINICIAN_A, TriageTestServer.PASSWORD);
        TriageTestServer.awaitTask(api, episode, 1);
        for (int i = 1; i <= notes; i++) {
            HttpResponse<String> r = api.postJson("/api/tasks/" + episode + "/actions",
                    "{\"action\":\"note\",\"note\":\"Call attempt " + i + ": no answer\"}", Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        TriageTestServer.awaitTask(api, episode, 1 + notes);
        return api;
    }

    /** Follows {@code next} from {@code url}; returns the versions served, in order, and checks every page. */
    private static List<String> pageThrough(Http api, String url, int total, int pages) throws Exception {
        List<String> versions = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        int page = 0;
        for (; url != null && page < pages + 2; page++) {
            HttpResponse<String> r = api.get(url);
            answers.add(r.statusCode() + " " + url);
            assertThat(r.statusCode()).as("%s: %s (answers: %s)", url, r.body(), answers).isEqualTo(200);
            JsonNode b = JSON.readTree(r.body());
            assertThat(b.path("total").asInt()).as("Bundle.total of %s", url).isEqualTo(total);
            assertThat(b.path("entry").size()).as("entries of %s", url).isPositive();
            b.path("entry").forEach(e -> versions.add(e.at("/resource/meta/versionId").asText()));
            url = null;
            for (JsonNode l : b.path("link")) {
                if ("next".equals(l.path("relation").asText())) {
                    URI u = URI.create(l.path("url").asText());
                    url = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
                }
            }
        }
        assertThat(page).as("pages served (answers: %s)", answers).isEqualTo(pages);
        return versions;
    }

    @Test
    void everyVersionOfALongHistoryCanBePagedThrough() throws Exception {
        Http api = alertWithNotes("hist-p", "hist-ep", 3);
        assertThat(pageThrough(api, "/fhir/Task/hist-ep/_history?_count=2", 4, 2))
                .as("versions served while following next, newest first").containsExactly("4", "3", "2", "1");
        // a page beyond the last is empty, a negative offset refused
        HttpResponse<String> beyond = api.get("/fhir/Task/hist-ep/_history?_count=2&_offset=10");
        assertThat(beyond.statusCode()).as(beyond.body()).isEqualTo(200);
        assertThat(JSON.readTree(beyond.body()).path("entry").size()).isZero();
        assertThat(api.get("/fhir/Task/hist-ep/_history?_offset=-1").statusCode()).isEqualTo(400);
    }

    @Test
    void aHistoryOfMoreThanTheDefaultPageIsPagedToItsOpening() throws Exception {
        Http api = alertWithNotes("hist-long-p", "hist-long-ep", 54);
        List<String> versions = pageThrough(api, "/fhir/Task/hist-long-ep/_history", 55, 2);
        List<String> expected = new ArrayList<>();
        for (int v = 55; v >= 1; v--) expected.add(String.valueOf(v));
        assertThat(versions).as("every version, newest first, across the default pages of 50").isEqualTo(expected);
    }

    @Test
    void anAuthenticationErrorIsInTheFormatTheClientAskedFor() throws Exception {
        Http wrong = Http.basic(TRIAGE.baseUrl(), "xml-integration", "not-the-password-123");
        HttpResponse<String> r = wrong.get("/fhir/Task?status=requested&_format=xml");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as("Content-Type of %s", r.body())
                .contains("application/fhir+xml");
        assertThat(r.body()).contains("<OperationOutcome").contains("authentication required");

        String basic = "Basic " + Base64.getEncoder().encodeToString("xml-integration:not-the-password-123"
                .getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, String> c : Map.of("application/fhir+xml", "xml",
                "application/fhir+json;q=0.5, application/fhir+xml", "xml", "application/fhir+json", "json",
                "*/*", "json").entrySet()) {
            HttpResponse<String> a = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(TRIAGE.baseUrl() + "/fhir/Task?status=requested"))
                    .header("Authorization", basic).header("Accept", c.getKey()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(a.statusCode()).isEqualTo(401);
            assertThat(a.headers().firstValue("Content-Type").orElse("")).as("Accept: %s -> %s", c.getKey(), a.body())
                    .contains("application/fhir+" + c.getValue());
            if (c.getValue().equals("json")) {
                assertThat(JSON.readTree(a.body()).at("/issue/0/code").asText()).isEqualTo("login");
            }
        }
    }
}
