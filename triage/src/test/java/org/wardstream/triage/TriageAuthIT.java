package org.wardstream.triage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.wardstream.triage.web.LoginThrottle;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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

    @Test
    void repeatedWrongPasswordsForOneNameLockItForAWhileWhateverThePasswordAndAreAudited() throws Exception {
        String name = "locked-out-clinician";
        TRIAGE.server().users().add(name, TriageUser.Role.CLINICIAN, Set.of(TriageTestServer.PROGRAMME_A),
                PASSWORD.toCharArray(), false);
        assertThat(Http.basic(TRIAGE.baseUrl(), name, PASSWORD).get("/fhir/metadata").statusCode()).isEqualTo(200);
        for (int i = 1; i <= LoginThrottle.DEFAULT_MAX_FAILURES; i++) {
            assertThat(Http.basic(TRIAGE.baseUrl(), name, "wrong-password-" + i).get("/fhir/metadata").statusCode())
                    .isEqualTo(401);
        }
        assertThat(Http.basic(TRIAGE.baseUrl(), name, PASSWORD).get("/fhir/metadata").statusCode())
                .as("the right password while the name is locked").isEqualTo(401);
        assertThatThrownBy(() -> Http.session(TRIAGE.baseUrl(), name, PASSWORD)).as("the form is locked too")
                .hasMessageContaining("error=locked");
        Http anon = Http.anonymous(TRIAGE.baseUrl());
        assertThat(anon.get("/login?error=locked").body()).contains("Too many failed sign-ins for this user name");
        assertThat(Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD).get("/fhir/metadata").statusCode())
                .as("other names are not locked").isEqualTo(200);

        List<String> outcomes = new ArrayList<>();
        try (Connection c = TRIAGE.server().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("select outcome from audit_log where username = ? order by id")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) outcomes.add(rs.getString(1));
            }
        }
        assertThat(outcomes).as("audit of %s", name)
                .containsOnlyOnce("denied; 5 failed sign-ins in a row: locked for 15 min")
                .contains("denied: locked after 5 failed sign-ins (password not checked)")
                .filteredOn(o -> o.startsWith("denied: locked")).hasSize(2); // the Basic request and the form
    }

    private static void assertThatThrownByLogin(Http anon) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Http.session(TRIAGE.baseUrl(), CLINICIAN_A, "not-the-password"))
                .hasMessageContaining("login failed");
    }
}
