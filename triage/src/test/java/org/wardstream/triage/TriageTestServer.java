package org.wardstream.triage;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.wardstream.embedded.EmbeddedKafka;
import org.wardstream.embedded.EmbeddedPostgres;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.contract.Topics;
import org.wardstream.episodes.AlertChange;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Severity;
import org.wardstream.schema.Enrolment;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.PatientKey;
import org.wardstream.schema.Stratifiers;
import org.wardstream.schema.wire.AvroCodec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Properties;
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
    private KafkaProducer<byte[], byte[]> producer;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = EmbeddedKafka.start(Path.of("target", "kafka"));
        kafka.createTopics(2);
        postgres = EmbeddedPostgres.start();
        // bcrypt cost 4 in tests only (the default, 12, costs ~0.25 s per login on this machine)
        server = TriageServer.start(TriageConfig.of(kafka.bootstrapServers(), postgres.jdbcUrl(), postgres.user(), null)
                .withPort(0).withBcryptCost(4).withGroupId("triage-test").withMetrics("127.0.0.1", 0));
        char[] pw = PASSWORD.toCharArray();
        server.users().add(CLINICIAN_A, TriageUser.Role.CLINICIAN, Set.of(PROGRAMME_A), pw, false);
        server.users().add(CLINICIAN_B, TriageUser.Role.CLINICIAN, Set.of(PROGRAMME_B), pw, false);
        server.users().add(VIEWER_A, TriageUser.Role.VIEWER, Set.of(PROGRAMME_A), pw, false);
        server.users().add(ADMIN, TriageUser.Role.ADMINISTRATOR, Set.of(), pw, false);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Stops the service and starts it again on the same database and port with a new consumer group, so it reads
     * both topics again from the beginning (a full replay), as after a lost offset or an operator's reset.
     */
    public void restartWithFullReplay(String newGroupId) throws Exception {
        int port = server.port();
        server.close();
        server = TriageServer.start(TriageConfig.of(kafka.bootstrapServers(), postgres.jdbcUrl(), postgres.user(), null)
                .withPort(port).withBcryptCost(4).withGroupId(newGroupId).withMetrics("127.0.0.1", 0));
    }

    /** Sends an enrolment of the patient in the programme to {@code enrolments}, as the enrolment system would. */
    public void enrol(String patient, String programme) throws Exception {
        Enrolment e = Enrolment.newBuilder().setPatientId(patient).setProgramme(programme)
                .setStatus(EnrolmentStatus.ACTIVE).setEnrolledOn(LocalDate.of(2026, 3, 2)).setTimeZone("Europe/London")
                .setStratifiers(Stratifiers.newBuilder().build()).setThresholdOverrides(Map.of())
                .setUpdatedAt(Instant.parse("2026-03-01T00:00:00Z")).build();
        producer.send(new ProducerRecord<>(Topics.ENROLMENTS, AvroCodec.patientKeys().encode(new PatientKey(programme, patient)),
                AvroCodec.enrolments().encode(e))).get();
    }

    /** Sends one {@code enrolments} record as it is (key and value bytes, value null for a tombstone); where it went. */
    public org.apache.kafka.clients.producer.RecordMetadata sendEnrolmentRecord(byte[] key, byte[] value)
            throws Exception {
        return producer.send(new ProducerRecord<>(Topics.ENROLMENTS, key, value)).get();
    }

    /** Sends one alert message (the contract's Bundle JSON) to {@code alerts}, keyed by the patient, as the job does. */
    public void sendAlert(AlertChange change) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ALERTS, change.patient().getBytes(StandardCharsets.UTF_8),
                FhirAlerts.toJson(change).getBytes(StandardCharsets.UTF_8))).get();
    }

    /** {@link #sendAlert(AlertChange)} naming the patient's programme, as the job's messages do (a meta.tag). */
    public void sendAlert(AlertChange change, String programme) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ALERTS, change.patient().getBytes(StandardCharsets.UTF_8),
                FhirAlerts.toJson(change, org.wardstream.alerting.AlertContext.NONE.inProgramme(programme))
                        .getBytes(StandardCharsets.UTF_8))).get();
    }

    /**
     * Enrols {@code patient} in programme A and sends the OPENED message of its routine {@code type} alert, episode
     * {@code episode}, started at {@code start} and raised {@code minutesAfterStart} minutes later; returns clinician
     * A's API (Basic) once the service has stored the Task.
     */
    public Http openRoutineAlert(String patient, String episode, EpisodeType type, Instant start,
                                 int minutesAfterStart) throws Exception {
        enrol(patient, PROGRAMME_A);
        sendAlert(change(AlertChange.Kind.OPENED, episode, patient, type, Severity.ROUTINE, start, minutesAfterStart),
                PROGRAMME_A);
        Http api = Http.basic(baseUrl(), CLINICIAN_A, PASSWORD);
        awaitTask(api, episode, 1);
        return api;
    }

    /**
     * A backlog: {@code count} OPENED alerts of one patient in {@code programme}, of one type and severity, the i-th
     * (from 0) raised at {@code first + i * step}; ids {@code idPrefix} + a three-digit i. Sent newest first, so neither
     * the order of arrival nor of the ids gives the worklist's order. Returns the ids in the order of i.
     */
    public java.util.List<String> sendOpenAlerts(String idPrefix, int count, String patient, EpisodeType type,
                                                 Severity severity, Instant first, java.time.Duration step,
                                                 String programme) throws Exception {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) ids.add(String.format("%s%03d", idPrefix, i));
        for (int k = 0; k < count; k++) {
            int i = step.isNegative() ? k : count - 1 - k;
            sendAlert(change(AlertChange.Kind.OPENED, ids.get(i), patient, type, severity, first.plus(step.multipliedBy(i)), 0),
                    programme);
        }
        return ids;
    }

    /** Sends raw bytes to {@code alerts} (e.g. a record that is not an alert); where it went. */
    public org.apache.kafka.clients.producer.RecordMetadata sendRawAlert(String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(Topics.ALERTS, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    /**
     * An alert change of an episode that started at {@code start}: kind, severity, episode id {@code episodeId},
     * raised {@code minutesAfterStart} minutes after the start.
     */
    public static AlertChange change(AlertChange.Kind kind, String episodeId, String patient, EpisodeType type,
                                     Severity severity, Instant start, int minutesAfterStart) {
        long at = start.toEpochMilli() + minutesAfterStart * 60_000L;
        Long end = kind == AlertChange.Kind.CLOSED ? at : null;
        return new AlertChange(kind, kind != AlertChange.Kind.UPDATED, episodeId, patient, type, severity,
                start.toEpochMilli(), end, at, kind == AlertChange.Kind.ESCALATED ? "fast ventricular rate" : null,
                Map.of("minRateBpm", 121.0), "wardstream-rr-analyser/2", 3, 0);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (AutoCloseable k = kafka; AutoCloseable p = postgres; AutoCloseable s = server; AutoCloseable pr = producer) {
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

    /** The first column of every row of a query on the service's database, with its parameters bound in order. */
    public java.util.List<String> rows(String sql, String... params) throws java.sql.SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (java.sql.Connection c = server.database().dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * The Task {@code id} as {@code who} reads it, once it shows what {@code condition} looks for (a change not yet
     * consumed shows nothing of it); waits up to 30 s.
     */
    public static com.fasterxml.jackson.databind.JsonNode awaitTask(Http who, String id, String what,
            java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> condition) {
        com.fasterxml.jackson.databind.JsonNode[] out = new com.fasterxml.jackson.databind.JsonNode[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            java.net.http.HttpResponse<String> r = who.get("/fhir/Task/" + id);
            org.assertj.core.api.Assertions.assertThat(r.statusCode()).isEqualTo(200);
            com.fasterxml.jackson.databind.JsonNode t = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            org.assertj.core.api.Assertions.assertThat(condition).as(what + ": " + t).accepts(t);
            out[0] = t;
        });
        return out[0];
    }

    /** {@link #awaitTask(Http, String, String, java.util.function.Predicate)}: version {@code version} or later. */
    public static com.fasterxml.jackson.databind.JsonNode awaitTask(Http who, String id, int version) {
        return awaitTask(who, id, "version " + version + " or later", t -> t.at("/meta/versionId").asInt() >= version);
    }
}
