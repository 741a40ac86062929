package org.wardstream.triage;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A real HTTP client for the tests: Basic auth, or a browser-like session (cookies, login form, CSRF token). */
final class Http {
    private final String base;
    private final HttpClient client;
    private final String authorization;

    private Http(String base, HttpClient client, String authorization) {
        this.base = base;
        this.client = client;
        this.authorization = authorization;
    }

    static Http anonymous(String base) {
        return new Http(base, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(), null);
    }

    static Http basic(String base, String user, String password) {
        return new Http(base, HttpClient.newHttpClient(), "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** Signs in through the login form as a browser would; the client then carries the session cookie. */
    static Http session(String base, String user, String password) throws IOException, InterruptedException {
        Http h = browser(base);
        HttpResponse<String> login = h.signIn(user, password);
        if (login.statusCode() != 303 || login.headers().firstValue("Location").orElse("").contains("error")) {
            throw new IllegalStateException("login failed: " + login.statusCode() + " " + login.headers().map());
        }
        return h;
    }

    /** A client that keeps cookies, as a browser does, not signed in. */
    static Http browser(String base) {
        return new Http(base, HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).build(), null);
    }

    /** Loads the login form and posts it (with its CSRF token): the answer, a 303 to the next page or back. */
    HttpResponse<String> signIn(String user, String password) throws IOException, InterruptedException {
        HttpResponse<String> form = get("/login");
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form.body());
        if (!m.find()) throw new IllegalStateException("no CSRF field in the login form: " + form.body());
        return form("/login", Map.of("username", user, "password", password, "_csrf", m.group(1)));
    }

    /**
     * Opens a server-sent event stream ({@code text/event-stream}) with this client's credentials: each line received
     * is added to {@code lines}; the future completes when the server ends the stream.
     */
    CompletableFuture<Void> events(String path, Collection<String> lines) {
        return client.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().forEach(lines::add));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    HttpResponse<String> form(String path, Map<String, String> fields) throws IOException, InterruptedException {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> postJson(String path, String json, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        return send(b.build());
    }

    HttpResponse<String> put(String path, String contentType, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/fhir+json, application/json");
        if (authorization != null) b.header("Authorization", authorization);
        return b;
    }

    private HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
        return client.send(r, HttpResponse.BodyHandlers.ofString());
    }
}
