package org.wardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.wardstream.alerting.AlertMessage;
import org.wardstream.alerting.FhirAlerts;
import org.wardstream.contract.Topics;
import org.wardstream.embedded.CommittedTopicReader;
import org.wardstream.embedded.SecureBrokerFiles;
import org.wardstream.embedded.SecureKafka;
import org.wardstream.episodes.AlertChange;
import org.wardstream.ingest.IngestSettings;
import org.wardstream.ingest.TestEvents;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.EnrolmentStatus;
import org.wardstream.schema.WearDetection;
import org.wardstream.schema.WearState;
import org.wardstream.schema.wire.AvroCodec;
import org.wardstream.testkit.PipelineKit;

/**
 * The detection job end to end through a broker that accepts only SASL_SSL (TLS with a certificate authority
 * generated at test time, SCRAM-SHA-512 users created when storage is formatted): the job is given nothing but the
 * client properties file an operator would pass as {@code --kafka-properties} (secrets by reference to a 0600 file
 * through Kafka's {@code FileConfigProvider}); an AF episode raises its alert on {@code alerts} and a broken record
 * lands on {@code device-events-dlq} with its reason, both exactly once (read_committed, so the transactional
 * sinks' commit markers crossed the broker's own SASL_SSL connection). The job's user holds exactly the ACLs the
 * runbook lists (authorization on, no super user, nothing allowed without an ACL), and a topic outside them stays
 * hidden. A wrong password and an untrusted server certificate are refused, and no secret reaches the log, although
 * the Kafka clients' configuration dumps do.
 */
class SecureKafkaPipelineIT {
    static final int PARALLELISM = DetectionPipelineIT.PARALLELISM;
    static final long MIN = DetectionPipelineIT.MIN;
    static final Instant T0 = DetectionPipelineIT.T0;

    /** The test kit's MiniCluster; the broker is this test's own SASL_SSL one, not the kit's plaintext broker. */
    @RegisterExtension
    static final PipelineKit KIT = PipelineKit.builder().parallelism(PARALLELISM).withoutKafka().build();

    static SecureKafka kafka;
    static LogCapture logs;
    /** The minute-of-beats and event builders of the detection IT (AF at a fast rate, or sinus rhythm). */
    final DetectionPipelineIT beats = new DetectionPipelineIT();

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.attach("org.apache.kafka.clients", "org.apache.kafka.common.config", "org.apache.flink.connector.kafka", "org.wardstream");
        kafka = SecureKafka.start(Path.of("target", "kafka-secure"));
        kafka.createTopics(PARALLELISM);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (logs != null) {
            logs.detach();
        }
    }

    @Test
    void detectionJobRunsThroughSaslSslAndNoSecretIsLogged() throws Exception {
        var files = kafka.files();
        for (Path secret : files.secretFiles()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                    .as(secret.toString()).isEqualTo("rw-------");
        }
        String clientPassword = files.secret(files.clientSecrets(), "password");
        String truststorePassword = files.secret(files.clientSecrets(), "truststore.password");
        String brokerPassword = files.secret(files.brokerSecrets(), "password");
        String keystorePassword = files.secret(files.brokerSecrets(), "keystore.password");
        String clientConfig = Files.readString(files.clientProperties());
        assertThat(clientConfig).contains("${file:").doesNotContain(clientPassword, truststorePassword);

        // The job's Kafka settings exactly as an operator passes them: --kafka-properties FILE.
        Properties jobKafka = PipelineConfig.readKafkaProperties(files.clientProperties().toString());
        byte[] good = TestEvents.valueBytes(TestEvents.heartRate("broken", T0, 70));
        byte[] truncated = Arrays.copyOf(good, good.length - 4);
        // The detection job's user gets exactly the ACLs docs/RUNBOOK.md lists, nothing else (no super user, no
        // allow-if-no-ACL); the gateways' and the readers' side is played by the broker's super user.
        grantDetectionJobAcls("User:" + SecureBrokerFiles.CLIENT_USER);
        Properties producerProps = kafka.adminProperties();
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (String p : List.of("af", "sinus")) {
                producer.send(new ProducerRecord<>(Topics.ENROLMENTS, null, T0.toEpochMilli(),
                        AvroCodec.patientKeys().encode(TestEvents.patientKey(p)),
                        AvroCodec.enrolments().encode(TestEvents.enrolment(p, EnrolmentStatus.ACTIVE)))).get();
            }
            long t0 = T0.toEpochMilli();
            List<ProducerRecord<byte[], byte[]>> events = new ArrayList<>();
            for (String p : List.of("af", "sinus")) {
                events.add(record(p, beats.event(p + "-wear", t0, t0 + 2000, new WearState(true, WearDetection.OPTICAL))));
            }
            for (long m = 0; m < 60; m++) {
                long t = t0 + m * MIN;
                events.add(record("sinus", beats.rrMinute("sinus", t, t + 2000, "sinus")));
                if (m < 25) {
                    events.add(record("af", beats.rrMinute("af", t, t + 2000, m >= 5 && m < 20 ? "af-fast" : "sinus")));
                }
            }
            events.add(new ProducerRecord<>(Topics.DEVICE_EVENTS, null, t0 + 3000, TestEvents.keyBytes("af"),
                    truncated));
            events.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
            for (var r : events) {
                producer.send(r);
            }
            producer.flush();
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.getConfig().setAutoWatermarkInterval(100);
        EpisodeDetectionJob.build(env, PipelineConfig.defaults(kafka.bootstrapServers())
                .withKafkaProperties(jobKafka)
                .withCheckpointInterval(Duration.ofMillis(500))
                .withIngest(IngestSettings.defaults().withEnrolmentGrace(Duration.ofSeconds(2))
                        .withIdleness(Duration.ofSeconds(1))));
        JobClient job = env.executeAsync("secure-it");
        Properties reader = kafka.adminProperties();
        try (CommittedTopicReader alerts = new CommittedTopicReader(kafka.bootstrapServers(), reader, Topics.ALERTS);
             CommittedTopicReader dlq = new CommittedTopicReader(kafka.bootstrapServers(), reader,
                     Topics.DEVICE_EVENTS_DLQ)) {
            await().atMost(Duration.ofSeconds(180)).until(() -> parse(alerts.poll()).stream().anyMatch(a ->
                    a.patient().equals("af") && a.episodeType().equals("atrial-fibrillation")
                            && a.kind() == AlertChange.Kind.OPENED) && !dlq.poll().isEmpty());
            List<AlertMessage> messages = parse(alerts.records());
            assertThat(messages).extracting(AlertMessage::bundleId).doesNotHaveDuplicates();
            assertThat(messages).noneMatch(a -> a.patient().equals("sinus")
                    && a.episodeType().equals("atrial-fibrillation"));
            assertThat(dlq.records()).hasSize(1);
            ConsumerRecord<byte[], byte[]> dead = dlq.records().get(0);
            assertThat(dead.value()).isEqualTo(truncated);
            assertThat(new String(dead.headers().lastHeader(Topics.HEADER_DLQ_REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("not-decodable");
        } finally {
            job.cancel().get();
        }

        // The ACLs are enforced: the job's user cannot even see a topic it was not granted.
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertThatThrownBy(() -> admin.describeTopics(List.of(Topics.TRIAGE_EVENTS)).allTopicNames().get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }

        // The broker refuses a wrong password and a client that does not trust its certificate authority.
        Properties wrongPassword = kafka.clientProperties();
        wrongPassword.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"wardstream\" password=\"not-the-password\";");
        assertThatThrownBy(() -> describeCluster(wrongPassword)).hasRootCauseInstanceOf(SaslAuthenticationException.class);
        Properties untrusted = kafka.clientProperties();
        untrusted.remove("ssl.truststore.location");
        untrusted.remove("ssl.truststore.password");
        untrusted.remove("ssl.truststore.type");
        assertThatThrownBy(() -> describeCluster(untrusted)).hasCauseInstanceOf(SslAuthenticationException.class)
                .rootCause().hasMessageContaining("unable to find valid certification path");

        // The clients logged their configuration (so the check below can fail), with every secret masked.
        List<String> lines = logs.lines();
        assertThat(lines).anyMatch(l -> l.contains("ConsumerConfig values") || l.contains("ProducerConfig values"));
        assertThat(lines).anyMatch(l -> l.contains("sasl.jaas.config = [hidden]"));
        for (String secret : List.of(clientPassword, truststorePassword, brokerPassword, keystorePassword)) {
            assertThat(lines).noneMatch(l -> l.contains(secret));
        }
    }

    /** The detection job's ACLs as docs/RUNBOOK.md (Security, Kafka) lists them. */
    static void grantDetectionJobAcls(String principal) throws Exception {
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : List.of(Topics.DEVICE_EVENTS, Topics.ENROLMENTS)) {
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (String topic : List.of(Topics.ALERTS, Topics.EPISODES, Topics.DEVICE_EVENTS_DLQ, Topics.ENROLMENTS_DLQ)) {
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (String group : List.of("wardstream-episode-detection", "wardstream-episode-detection-enrolments")) {
            acls.add(allow(principal, ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ));
        }
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, "wardstream-episode-detection-", PatternType.PREFIXED,
                AclOperation.WRITE));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, "wardstream-episode-detection-", PatternType.PREFIXED,
                AclOperation.DESCRIBE));
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            admin.createAcls(acls).all().get();
        }
    }

    static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    static void describeCluster(Properties props) throws Exception {
        props.put("default.api.timeout.ms", "20000");
        props.put("request.timeout.ms", "10000");
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    static List<AlertMessage> parse(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> FhirAlerts.parse(new String(r.value(), StandardCharsets.UTF_8))).toList();
    }

    static ProducerRecord<byte[], byte[]> record(String patient, DeviceEvent e) {
        return new ProducerRecord<>(Topics.DEVICE_EVENTS, null, e.getTimeReceived().toEpochMilli(),
                TestEvents.keyBytes(patient), TestEvents.valueBytes(e));
    }

    /** Every log event (message and exception text) from the loggers named, at INFO and above, kept off the console. */
    static final class LogCapture extends AbstractAppender {
        private final Queue<String> lines = new ConcurrentLinkedQueue<>();
        private final List<String> names;

        private LogCapture(List<String> names) {
            super("secure-it-capture", null, null, true, Property.EMPTY_ARRAY);
            this.names = names;
        }

        static LogCapture attach(String... loggers) {
            LogCapture capture = new LogCapture(List.of(loggers));
            capture.start();
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            Configuration config = ctx.getConfiguration();
            config.addAppender(capture);
            for (String name : loggers) {
                LoggerConfig logger = new LoggerConfig(name, Level.INFO, false);
                logger.addAppender(capture, Level.ALL, null);
                config.addLogger(name, logger);
            }
            config.getRootLogger().addAppender(capture, Level.ALL, null);
            ctx.updateLoggers();
            return capture;
        }

        void detach() {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            Configuration config = ctx.getConfiguration();
            names.forEach(config::removeLogger);
            config.getRootLogger().removeAppender(getName());
            ctx.updateLoggers();
            stop();
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }

        List<String> lines() {
            return List.copyOf(lines);
        }
    }
}
