package org.wardstream.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.triage.store.Users;
import org.wardstream.triage.web.EventHub;
import org.wardstream.triage.web.LoginThrottle;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wardstream.triage.TriageTestServer.ADMIN;
import static org.wardstream.triage.TriageTestServer.CLINICIAN_A;
import static org.wardstream.triage.TriageTestServer.PASSWORD;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_A;
import static org.wardstream.triage.TriageTestServer.PROGRAMME_B;

/**
 * Sign-in, sessions, CSRF and credentials over real HTTP against a real server and database; and an administrator's
 * change of a user (programmes, disabling), or the end of a session, taking effect on paging links and open event
 * streams obtained before it.
 */
class TriageAuthIT {
    @RegisterExtension
    static final TriageTestServer TRIAGE = new TriageTestServer();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-03-03T10:00:00Z");

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
        Http browser = Http.browser(TRIAGE.baseUrl());
        HttpResponse<String> refused = browser.signIn(name, PASSWORD);
        assertThat(refused.headers().firstValue("Location")).as("the form is locked too").contains("/login?error=locked");
        // the form says when to try again; only waiting lifts the lock, so it sends nobody to an administrator
        // (it said "(or ask an administrator)", who has no way to lift it)
        assertThat(browser.get("/login?error=locked").body())
                .contains("Too many failed sign-ins for this user name")
                .contains("Try again in 15 minutes")
                .doesNotContain("administrator");
        assertThat(Http.basic(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD).get("/fhir/metadata").statusCode())
                .as("other names are not locked").isEqualTo(200);

        List<String> outcomes = TRIAGE.rows("select outcome from audit_log where username = ? order by id", name);
        assertThat(outcomes).as("audit of %s", name)
                .containsOnlyOnce("denied; 5 failed sign-ins in a row: locked for 15 min")
                .contains("denied: locked after 5 failed sign-ins (password not checked)")
                .filteredOn(o -> o.startsWith("denied: locked")).hasSize(2); // the Basic request and the form
    }

    private static void assertThatThrownByLogin(Http anon) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Http.session(TRIAGE.baseUrl(), CLINICIAN_A, "not-the-password"))
                .hasMessageContaining("login failed");
    }

    // ------------------------------------------------------------------ rights changed after a search or a subscribe

    private static void addClinician(String name, String programme, boolean replace) {
        TRIAGE.server().users().add(name, TriageUser.Role.CLINICIAN, Set.of(programme), PASSWORD.toCharArray(), replace);
    }

    /** Sends an OPENED alert and waits until its Task is stored (read as the administrator). */
    private static void openAlert(String patient, String episode, int minutesAfterStart) throws Exception {
        TRIAGE.sendAlert(TriageTestServer.change(AlertChange.Kind.OPENED, episode, patient, EpisodeType.PAUSE,
                Severity.URGENT, START, minutesAfterStart));
        Http admin = Http.basic(TRIAGE.baseUrl(), ADMIN, PASSWORD);
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/fhir/Task/" + episode).statusCode() == 200);
    }

    /** The path of a searchset Bundle's next link. */
    private static String nextPage(HttpResponse<String> search) throws Exception {
        for (JsonNode l : JSON.readTree(search.body()).at("/link")) {
            if (l.at("/relation").asText().equals("next")) {
                String url = l.at("/url").asText();
                return url.substring(url.indexOf("/fhir"));
            }
        }
        throw new AssertionError("no next link in " + search.body());
    }

    @Test
    void aPagingLinkIsGoneOnceTheUsersProgrammesChangedAndRefusedOnceTheUserIsDisabled() throws Exception {
        TRIAGE.enrol("auth-pa-1", PROGRAMME_A);
        openAlert("auth-pa-1", "auth-page-1", 1);
        openAlert("auth-pa-1", "auth-page-2", 2);
        String name = "clinician-moved-paging";
        addClinician(name, PROGRAMME_A, false);
        Http moved = Http.basic(TRIAGE.baseUrl(), name, PASSWORD);
        String search = "/fhir/Task?patient.identifier=auth-pa-1&_sort=authored-on&_count=1";
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(moved.get(search).body()).at("/total").asInt() == 2);
        String next = nextPage(moved.get(search));
        assertThat(moved.get(next).body()).as("page 2 before the change").contains("auth-page-2");

        addClinician(name, PROGRAMME_B, true); // an administrator moves the user from programme A to B
        HttpResponse<String> after = moved.get(next);
        assertThat(after.statusCode()).as(after.body()).isEqualTo(410);
        assertThat(after.body()).contains("programmes you may see changed").doesNotContain("auth-page");
        assertThat(moved.get("/fhir/Task?patient.identifier=auth-pa-1").body()).as("a new search: programme B's view")
                .contains("\"total\":0");

        String second = "clinician-disabled-paging";
        addClinician(second, PROGRAMME_A, false);
        Http disabled = Http.basic(TRIAGE.baseUrl(), second, PASSWORD);
        String link = nextPage(disabled.get(search));
        TRIAGE.server().users().disable(second);
        assertThat(disabled.get(link).statusCode()).isEqualTo(401);
    }

    @Test
    void anEventStreamSendsOnlyWhatTheUserMaySeeNowAfterAMoveToAnotherProgramme() throws Exception {
        TRIAGE.enrol("auth-pa-2", PROGRAMME_A);
        TRIAGE.enrol("auth-pb-2", PROGRAMME_B);
        String name = "clinician-moved-events";
        addClinician(name, PROGRAMME_A, false);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<Void> stream = Http.basic(TRIAGE.baseUrl(), name, PASSWORD).events("/api/events", lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(": connected"));
        openAlert("auth-pa-2", "auth-sse-a1", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("auth-sse-a1")));

        addClinician(name, PROGRAMME_B, true);
        openAlert("auth-pa-2", "auth-sse-a2", 2);
        // programme B's alert is sent after programme A's one, and the stream sends in order
        openAlert("auth-pb-2", "auth-sse-b1", 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("auth-sse-b1")));
        assertThat(lines).as("programme A's alert after the user was moved to B").noneMatch(l -> l.contains("auth-sse-a2"));
        assertThat(stream).as("the stream stays open").isNotDone();
        stream.cancel(true);
    }

    @Test
    void anEventStreamEndsWhenItsUserIsDisabledHereOrByTheUsersCommandOrItsSessionIsLoggedOut() throws Exception {
        String disabledHere = "clinician-disabled-events";
        addClinician(disabledHere, PROGRAMME_A, false);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<Void> stream = Http.basic(TRIAGE.baseUrl(), disabledHere, PASSWORD).events("/api/events", lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(": connected"));
        TRIAGE.server().users().disable(disabledHere);
        await().atMost(Duration.ofSeconds(10)).until(stream::isDone);

        // the 'triage users disable' command: another process, another Users on the same database
        String disabledElsewhere = "clinician-disabled-elsewhere";
        addClinician(disabledElsewhere, PROGRAMME_A, false);
        BlockingQueue<String> other = new LinkedBlockingQueue<>();
        CompletableFuture<Void> otherStream = Http.basic(TRIAGE.baseUrl(), disabledElsewhere, PASSWORD)
                .events("/api/events", other);
        await().atMost(Duration.ofSeconds(10)).until(() -> other.contains(": connected"));
        new Users(TRIAGE.server().database(), 4).disable(disabledElsewhere);
        await().atMost(EventHub.RIGHTS_TTL.multipliedBy(3)).until(otherStream::isDone);

        Http session = Http.session(TRIAGE.baseUrl(), CLINICIAN_A, PASSWORD);
        String csrf = JSON.readTree(session.get("/session").body()).at("/csrfToken").asText();
        BlockingQueue<String> sessionLines = new LinkedBlockingQueue<>();
        CompletableFuture<Void> sessionStream = session.events("/api/events", sessionLines);
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionLines.contains(": connected"));
        assertThat(session.form("/logout", Map.of("_csrf", csrf)).statusCode()).isEqualTo(303);
        await().atMost(Duration.ofSeconds(10)).until(sessionStream::isDone);
        assertThat(session.get("/fhir/metadata").statusCode()).as("the session is over").isEqualTo(401);
    }

    /**
     * Neither an open event stream nor the page's own refreshes (header X-Wardstream-Background) keep a login session
     * alive past its idle timeout: an unattended worklist tab signs out. Jetty counted the stream's open request and
     * every refresh as use, so the session of an open tab never ended. The user's own requests keep it alive.
     */
    @Test
    void anOpenEventStreamOrThePagesOwnRefreshesDoNotKeepASessionAlivePastItsIdleTimeout() throws Exception {
        Duration idle = Duration.ofSeconds(3);
        try (TriageServer shortIdle = TriageServer.start(TriageConfig.of(TRIAGE.kafka().bootstrapServers(),
                TRIAGE.postgres().jdbcUrl(), TRIAGE.postgres().user(), null).withPort(0).withBcryptCost(4)
                .withGroupId("triage-idle-test").withSessionTimeout(idle))) {
            // an unattended tab with its event stream open (nothing else)
            Http streaming = Http.session(shortIdle.baseUrl(), CLINICIAN_A, PASSWORD);
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            CompletableFuture<Void> stream = streaming.events("/api/events", lines);
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(": connected"));
            // an unattended tab refreshing by itself
            Http refreshing = Http.session(shortIdle.baseUrl(), CLINICIAN_A, PASSWORD);
            // a clinician at work: a request of their own at least every half timeout
            Http working = Http.session(shortIdle.baseUrl(), CLINICIAN_A, PASSWORD);
            Map<String, String> background = Map.of("X-Wardstream-Background", "1");

            await().atMost(idle.plus(EventHub.RIGHTS_TTL.multipliedBy(3))).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        assertThat(working.get("/fhir/metadata").statusCode()).as("the user's own requests").isEqualTo(200);
                        return refreshing.get("/fhir/Task?_count=1", background).statusCode() == 401;
                    });
            await().atMost(idle.plus(EventHub.RIGHTS_TTL.multipliedBy(3))).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        assertThat(working.get("/fhir/metadata").statusCode()).as("the user's own requests").isEqualTo(200);
                        return stream.isDone();
                    });
            assertThat(streaming.get("/fhir/metadata").statusCode()).as("the streaming tab's session ended").isEqualTo(401);
            assertThat(working.get("/fhir/metadata").statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(refreshing.get("/session").body()).at("/authenticated").asBoolean()).isFalse();
        }
    }
}
