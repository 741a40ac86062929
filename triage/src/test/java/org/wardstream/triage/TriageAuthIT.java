package org.wardstream.triage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.PASSWORD;

/** Sign-in, sessions, CSRF and credentials over real HTTP against a real server and database. */
class TriageAuthIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();

    @Test
    void noCredentialsIs401AndAWrongPasswordToo() throws Exception {
        HttpResponse<String> r = Http.anonymous(TRIAGE.baseUrl()).get("/fhir/metadata");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
        assertThat(r.body()).contains("OperationOutcome");
        assertThat(Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, "wrong-password-1").get("/fhir/metadata").statusCode())
                .isEqualTo(401);
    }

    @Test
    void basicAuthAndBearerTokensReachTheFhirApi() throws Exception {
        HttpResponse<String> r = Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD).get("/fhir/metadata");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("CapabilityStatement");
        String token = TRIAGE.server().users().createToken(CLINICIAN_A, "test");
        HttpResponse<String> t = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(TRIAGE.baseUrl() + "/fhir/metadata")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(t.statusCode()).isEqualTo(200);
    }

    @Test
    void theLoginFormStartsASessionWithHardenedCookieAndTheSessionEndpointGivesTheCsrfToken() throws Exception {
        Http anon = Http.anonymous(TRIAGE.baseUrl());
        HttpResponse<String> form = anon.get("/login");
        assertThat(form.statusCode()).isEqualTo(200);
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("WARDSTREAM_SESSION=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");

        Http session = Http.session(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        HttpResponse<String> me = session.get("/session");
        assertThat(me.body()).contains("\"authenticated\":true", "\"username\":\"" + CLINICIAN_A + "\"", "csrfToken");
        assertThat(session.get("/fhir/metadata").statusCode()).isEqualTo(200);
    }

    @Test
    void aFormPostWithoutTheCsrfTokenIsRefused() throws Exception {
        Http session = Http.session(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        HttpResponse<String> r = session.form("/api/tasks/any/actions", Map.of("action", "acknowledge"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("CSRF");
        assertThat(session.form("/logout", Map.of()).statusCode()).isEqualTo(403);
    }

    @Test
    void aWrongPasswordAtTheFormRedirectsBackWithAnErrorAndIsAudited() throws Exception {
        Http anon = Http.anonymous(TRIAGE.baseUrl());
        assertThatThrownByLogin(anon);
    }

    private static void assertThatThrownByLogin(Http anon) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Http.session(TRIAGE.baseUrl(), CLINICIAN_A, "not-the-password"))
                .hasMessageContaining("login failed");
    }
}
