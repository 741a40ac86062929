package org.wardstream.triage;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.wardstream.embedded.EmbeddedKafka;
import org.wardstream.embedded.EmbeddedPostgres;

import java.nio.file.Path;
import java.util.Set;

/**
 * One triage service per test class, on real parts: an in-process Kafka broker with the project's topics
 * ({@link EmbeddedKafka}), the embedded PostgreSQL ({@link EmbeddedPostgres}) and the HTTP server on a free port.
 * Users {@link #CLINICIAN_A} (programme {@link #PROGRAMME_A}), {@link #CLINICIAN_B} (programme {@link #PROGRAMME_B}),
 * {@link #VIEWER_A} and {@link #ADMIN} exist, all with password {@link #PASSWORD}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TriageTestServer TRIAGE = new TriageTestServer();
 * ... TRIAGE.baseUrl(), TRIAGE.kafka().bootstrapServers(), TRIAGE.server().users() ...
 * }</pre>
 */
public final class TriageTestServer implements BeforeAllCallback, AfterAllCallback {
    public static final String PROGRAMME_A = "cardiac-a";
    public static final String PROGRAMME_B = "frailty-b";
    public static final String CLINICIAN_A = "clinician-a";
    public static final String CLINICIAN_B = "clinician-b";
    public static final String VIEWER_A = "viewer-a";
    public static final String ADMIN = "admin";
    /** Test password of every test user (tests only; never a real one). */
    public static final String PASSWORD = "test-password-123";

    private EmbeddedKafka kafka;
    private EmbeddedPostgres postgres;
    private TriageServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = EmbeddedKafka.start(Path.of("target", "kafka"));
        kafka.createTopics(2);
        postgres = EmbeddedPostgres.start();
        // bcrypt cost 4 in tests only (the default, 12, costs ~0.25 s per login on this machine)
        server = TriageServer.start(TriageConfig.of(kafka.bootstrapServers(), postgres.jdbcUrl(), postgres.user(), null)
                .withPort(0).withBcryptCost(4).withGroupId("triage-test"));
        char[] pw = PASSWORD.toCharArray();
        server.users().add(CLINICIAN_A, TriageUser.Role.CLINICIAN, Set.of(PROGRAMME_A), pw, false);
        server.users().add(CLINICIAN_B, TriageUser.Role.CLINICIAN, Set.of(PROGRAMME_B), pw, false);
        server.users().add(VIEWER_A, TriageUser.Role.VIEWER, Set.of(PROGRAMME_A), pw, false);
        server.users().add(ADMIN, TriageUser.Role.ADMINISTRATOR, Set.of(), pw, false);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (AutoCloseable k = kafka; AutoCloseable p = postgres; AutoCloseable s = server) {
            // closed in reverse order: server, PostgreSQL, Kafka
        }
    }

    public TriageServer server() {
        return server;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }
}
