package org.wardstream.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.PASSWORD;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;

/**
 * Adversarial probe 20b: what a FHIR client (an EHR integration, a regional dashboard) relies on, through the
 * deployment docs/TRIAGE-SERVICE.md describes ("TLS in front: a reverse proxy": nginx on the public name,
 * {@code proxy_pass http://127.0.0.1:8480}), and the CapabilityStatement a client reads first.
 *
 * <p>The reverse proxy here is a real HTTP hop (a JDK HttpServer on the public name {@code localhost} forwarding to
 * the service on {@code 127.0.0.1}, as nginx's {@code proxy_pass} does: the upstream's Host) that also tells the
 * service the public address in the standard headers {@code X-Forwarded-Host} / {@code X-Forwarded-Proto}.
 */
class Probe20bFhirClientIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-03-03T10:00:00Z");
    private static HttpServer proxy;
    private static String publicBase;

    @BeforeAll
    static void setUp() throws Exception {
        TRIAGE.enrol("px-1", PROGRAMME_A);
        for (int i = 1; i <= 3; i++) {
            TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, "px-" + i, "px-1", EpisodeType.PAUSE,
                    Severity.ROUTINE, START, i), PROGRAMME_A);
        }
        Http a = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        for (int i = 1; i <= 3; i++) TriageTestServer.awaitTask(a, "px-" + i, 1);
        InetAddress loopback = InetAddress.getByName("localhost");
        proxy = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        publicBase = "http://localhost:" + proxy.getAddress().getPort();
        HttpClient upstream = HttpClient.newHttpClient();
        proxy.createContext("/", ex -> forward(ex, upstream));
        proxy.start();
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) proxy.stop(0);
    }

    /** Forwards a request to the service as a reverse proxy does (headers, body, the answer's status and headers). */
    private static void forward(HttpExchange ex, HttpClient upstream) throws IOException {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(TRIAGE.baseUrl() + ex.getRequestURI()));
            Set<String> skip = Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!skip.contains(k.toLowerCase())) vs.forEach(v -> b.header(k, v));
            });
            b.header("X-Forwarded-Host", "localhost:" + proxy.getAddress().getPort());
            b.header("X-Forwarded-Proto", "http");
            byte[] body = ex.getRequestBody().readAllBytes();
            b.method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> r = upstream.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers().map().forEach((k, vs) -> {
                if (!skip.contains(k.toLowerCase()) && !k.startsWith(":")) vs.forEach(v -> ex.getResponseHeaders().add(k, v));
            });
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(502, -1);
        }
    }

    /** Every URL a searchset Bundle gives the client: its links and its entries' fullUrls. */
    private static List<String> urls(JsonNode bundle) {
        List<String> out = new ArrayList<>();
        bundle.path("link").forEach(l -> out.add(l.path("url").asText()));
        bundle.path("entry").forEach(e -> out.add(e.path("fullUrl").asText()));
        return out;
    }

    /**
     * D1: through the documented reverse proxy, the searchset's {@code next} link (which INTERFACE.md says to "follow
     * as given"), its {@code self} link and every entry's {@code fullUrl} name the service's internal address
     * ({@code http://127.0.0.1:<port>}), not the address the client used: a client elsewhere following {@code next}
     * connects to its own loopback (connection refused, or whatever listens there, with its credentials), and the
     * fullUrls (the resources' identities in the Bundle) are unreachable. The read's Content-Location likewise.
     */
    @Test
    void theLinksAClientFollowsAreOnTheAddressItUsed() throws Exception {
        Http viaProxy = Http.basic(publicBase, CLINICIAN_A, PASSWORD);
        HttpResponse<String> first = viaProxy.get("/fhir/Task?patient.identifier=px-1&_sort=authored-on&_count=1");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(first.body());
        assertThat(urls(bundle)).as("the URLs of a searchset Bundle read through the reverse proxy at %s", publicBase)
                .isNotEmpty().allSatisfy(u -> assertThat(u).startsWith(publicBase + "/fhir"));
        HttpResponse<String> read = viaProxy.get("/fhir/Task/px-1");
        assertThat(read.headers().firstValue("Content-Location").orElse(""))
                .as("Content-Location of a read through the proxy").startsWith(publicBase + "/fhir/Task/px-1");
    }

    /** Control: a client on the service's own address gets links on that address, and they work. */
    @Test
    void control_directLinksAreOnTheServiceAddressAndWork() throws Exception {
        Http direct = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        JsonNode bundle = JSON.readTree(direct.get("/fhir/Task?patient.identifier=px-1&_sort=authored-on&_count=1").body());
        assertThat(urls(bundle)).allSatisfy(u -> assertThat(u).startsWith(TRIAGE.baseUrl() + "/fhir"));
        String next = null;
        for (JsonNode l : bundle.path("link")) if ("next".equals(l.path("relation").asText())) next = l.path("url").asText();
        assertThat(next).isNotNull();
        HttpResponse<String> page2 = direct.get(next.substring(TRIAGE.baseUrl().length()));
        assertThat(page2.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(page2.body()).at("/entry/0/resource/id").asText()).isEqualTo("px-2");
    }

    /**
     * D2: the CapabilityStatement (what a client reads to learn what it may ask) advertises {@code _include} and
     * {@code _revinclude} for every resource ({@code searchInclude: ["*", "Task:patient"]}, {@code searchRevInclude:
     * ["Provenance:target", ...]}), and the server refuses each of them with 400. A client built from the metadata
     * (one {@code Task?_revinclude=Provenance:target} instead of one Provenance search per Task) fails on every search.
     */
    @Test
    void everyIncludeTheCapabilityStatementAdvertisesIsAccepted() throws Exception {
        Http a = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        JsonNode cs = JSON.readTree(a.get("/fhir/metadata").body());
        List<String> refused = new ArrayList<>();
        for (JsonNode res : cs.at("/rest/0/resource")) {
            String type = res.path("type").asText();
            if (!res.has("searchParam")) continue; // not searchable here
            for (String kind : List.of("searchInclude", "searchRevInclude")) {
                for (JsonNode v : res.path(kind)) {
                    String param = kind.equals("searchInclude") ? "_include" : "_revinclude";
                    String path = "/fhir/" + type + "?" + param + "=" + v.asText() + "&_count=1";
                    HttpResponse<String> r = a.get(path);
                    if (r.statusCode() != 200) refused.add(path + " -> " + r.statusCode());
                }
            }
        }
        assertThat(refused).as("searches the CapabilityStatement advertises (searchInclude / searchRevInclude)")
                .isEmpty();
    }

    /** Control: the server does refuse _include (400, never ignored): the metadata must agree with it. */
    @Test
    void control_includeIsRefusedNotIgnored() throws Exception {
        Http a = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        assertThat(a.get("/fhir/Task?_include=Task:patient").statusCode()).isEqualTo(400);
        assertThat(a.get("/fhir/Task?_revinclude=Provenance:target").statusCode()).isEqualTo(400);
    }
}
