package org.wardstream.demo;

import org.wardstream.embedded.EmbeddedPostgres;
import org.wardstream.triage.TriageConfig;
import org.wardstream.triage.TriageServer;
import org.wardstream.triage.TriageUser;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code wardstream demo --serve}: after the demo, the triage service on the demo's embedded Kafka broker and an
 * embedded PostgreSQL, with one clinician ({@value #USER}, of the simulated programme) for a person to sign in as.
 * The password comes from {@value #PASSWORD_ENV}, else is generated and shown once on the console, never logged.
 * {@link #awaitShutdown()} blocks until Ctrl-C (a shutdown hook), then everything closes in order.
 */
public final class DemoServe implements AutoCloseable {
    public static final String USER = "demo-clinician";
    public static final String PASSWORD_ENV = "WARDSTREAM_DEMO_PASSWORD";
    static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final EmbeddedPostgres postgres;
    private final TriageServer server;
    private final boolean generated;
    private final String generatedPassword;
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Counted down by {@link #allStopped()} once the caller has closed everything (Kafka and Flink too). */
    private static final CountDownLatch STOPPED = new CountDownLatch(1);

    private DemoServe(EmbeddedPostgres postgres, TriageServer server, boolean generated, String generatedPassword) {
        this.postgres = postgres;
        this.server = server;
        this.generated = generated;
        this.generatedPassword = generatedPassword;
    }

    /** Starts PostgreSQL and the triage service (which begins consuming alerts and enrolments at once). */
    public static DemoServe start(String bootstrapServers, int port, String programme) throws Exception {
        String fromEnv = System.getenv(PASSWORD_ENV);
        boolean generate = fromEnv == null || fromEnv.isEmpty();
        char[] password = generate ? generate(20) : fromEnv.toCharArray();
        EmbeddedPostgres pg = EmbeddedPostgres.start();
        TriageServer server = null;
        try {
            server = TriageServer.start(TriageConfig.of(bootstrapServers, pg.jdbcUrl(), pg.user(), null)
                    .withPort(port).withBindHost("127.0.0.1").withGroupId("wardstream-demo-triage"));
            server.users().add(USER, TriageUser.Role.CLINICIAN, Set.of(programme), password, true);
            return new DemoServe(pg, server, generate, generate ? new String(password) : null);
        } catch (Exception | Error e) {
            if (server != null) server.close();
            pg.close();
            throw e;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * The whole of {@code demo --serve} after the demo: starts the service, waits until it has stored the demo's
     * {@code alertMessages}, lets the simulated team close the open alerts raised before {@code cutOffMs}, prints
     * the worklist's address and the sign-in, and serves until Ctrl-C.
     */
    public static void serve(String bootstrapServers, int port, String programme, long alertMessages, long cutOffMs,
                             PrintStream console) throws Exception {
        console.printf("%n  starting the triage service on port %d (embedded PostgreSQL)%n", port);
        DemoServe s = start(bootstrapServers, port, programme);
        try {
            long stored = s.awaitIngested(alertMessages, Duration.ofMinutes(10));
            console.printf("  the triage service stored all %,d alert messages%n", stored);
            int closed = s.simulatedTeamCloses(programme, cutOffMs);
            if (closed > 0) {
                console.printf("  the simulated team (user %s) closed %,d alerts raised before %s; the last day's "
                        + "are open for you%n", TEAM_USER, closed, java.time.Instant.ofEpochMilli(cutOffMs));
            }
            s.printWelcome(console);
            s.awaitShutdown();
        } finally {
            s.close();
        }
    }

    static final String TEAM_USER = "simulated-team";

    /**
     * The simulated team's share of the worklist, through the service's own API as user {@value #TEAM_USER} (so
     * the audit log and the triage events say who did it): every open alert raised before the cut-off is resolved
     * as {@code no-action-needed} with a note saying it was the simulation. Returns how many.
     */
    int simulatedTeamCloses(String programme, long cutOffMs) throws Exception {
        if (cutOffMs == Long.MAX_VALUE) return 0;
        server.users().add(TEAM_USER, TriageUser.Role.CLINICIAN, Set.of(programme), generate(24), true);
        String token = server.users().createToken(TEAM_USER, "demo --serve");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String search = server.baseUrl() + "/fhir/Task?status=requested,accepted,in-progress&authored-on=lt"
                + java.time.Instant.ofEpochMilli(cutOffMs) + "&_count=500&_elements=id";
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String body = "{\"action\":\"resolve\",\"outcome\":\"no-action-needed\",\"note\":\"Handled by the "
                + "simulated triage team of wardstream demo --serve (not a person).\"}";
        int closed = 0;
        while (true) {
            java.net.http.HttpResponse<String> page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(search))
                    .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200) throw new IllegalStateException("Task search: HTTP " + page.statusCode());
            var entries = json.readTree(page.body()).path("entry");
            if (entries.isEmpty()) return closed;
            for (var e : entries) {
                String id = e.path("resource").path("id").asText();
                java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(server.baseUrl() + "/api/tasks/" + id + "/actions"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("resolving Task/" + id + " as the simulated team: HTTP " + r.statusCode()
                            + " " + r.body());
                }
                closed++;
            }
        }
    }

    static char[] generate(int length) {
        SecureRandom random = new SecureRandom();
        char[] pw = new char[length];
        for (int i = 0; i < length; i++) pw[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        return pw;
    }

    /** Waits until the service has stored {@code messages} alert messages (the demo's whole alerts topic). */
    public long awaitIngested(long messages, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long stored = 0;
        while (stored < messages) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the triage service stored " + stored + " of " + messages
                        + " alert messages within " + timeout.toSeconds() + " s");
            }
            stored = server.alertsIngested() + count("select count(*) from ingest_reject where topic = 'alerts'");
            if (stored < messages) TimeUnit.MILLISECONDS.sleep(250); // polling the service's store, not a test
        }
        return stored;
    }

    long count(String sql) throws Exception {
        try (Connection c = server.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public TriageServer server() {
        return server;
    }

    /** Prints where the worklist is and how to sign in (the generated password here, once, and nowhere else). */
    public void printWelcome(PrintStream console) {
        console.printf("%nwardstream demo --serve: the triage worklist is at %s/%n", server.baseUrl());
        console.printf("  sign in as %s with %s%n", USER, generated
                ? "the password " + generatedPassword + " (generated for this run; set " + PASSWORD_ENV
                        + " to choose one)"
                : "the password in " + PASSWORD_ENV);
        console.printf("  FHIR R4 API: %s/fhir (e.g. %s/fhir/Task?status=requested&_sort=-priority,authored-on)%n",
                server.baseUrl(), server.baseUrl());
        console.println("  Kafka, Flink, PostgreSQL and the triage service keep running; press Ctrl-C to stop them.");
        console.flush();
    }

    /**
     * Blocks until Ctrl-C (SIGINT/SIGTERM): a shutdown hook releases this thread, which then closes everything
     * (the caller's try-with-resources), and the hook waits up to 60 s for {@link #allStopped()} before the JVM exits.
     */
    public void awaitShutdown() throws InterruptedException {
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                STOPPED.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wardstream-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        System.err.println("\nwardstream demo --serve: stopping the triage service, PostgreSQL, Flink and Kafka");
    }

    /**
     * Called once everything is closed (the demo's Kafka, Flink and work files too): lets the shutdown hook, and so
     * the JVM, finish. Harmless when nothing is being served.
     */
    public static void allStopped() {
        STOPPED.countDown();
    }

    @Override
    public void close() throws Exception {
        try (AutoCloseable p = postgres; AutoCloseable s = server) {
            // closed in reverse order: the service, then PostgreSQL
        }
    }
}
