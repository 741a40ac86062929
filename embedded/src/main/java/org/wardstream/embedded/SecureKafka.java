package org.wardstream.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real Kafka broker in this JVM whose only client listener is {@code SASL_SSL} with SCRAM-SHA-512: TLS with a
 * certificate authority generated at start-up, every client (and the broker's own inter-broker connection, which
 * the transaction coordinator uses) authenticated with a SCRAM password that is created when storage is formatted
 * ({@code --add-scram}, as {@code local-cluster/start --secure} does). Authorization is on (KRaft's
 * {@code StandardAuthorizer}, nothing allowed without an ACL): the {@code broker} user is the only super user, so the
 * {@code wardstream} user can do exactly what its ACLs grant. The KRaft controller listener (loopback) takes TLS with
 * client certificates: the broker's certificate is its second super-user identity. Files and secrets:
 * {@link SecureBrokerFiles}.
 */
public final class SecureKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final SecureBrokerFiles files;
    private final String bootstrap;
    private final Path baseDir;

    private SecureKafka(KafkaRaftServer server, SecureBrokerFiles files, String bootstrap, Path baseDir) {
        this.server = server;
        this.files = files;
        this.bootstrap = bootstrap;
        this.baseDir = baseDir;
    }

    /** Starts a one-node KRaft broker+controller under a new directory inside {@code parent}. */
    public static SecureKafka start(Path parent) throws Exception {
        Files.createDirectories(parent);
        Path base = Files.createTempDirectory(parent.toAbsolutePath(), "secure-kraft-");
        SecureBrokerFiles files = SecureBrokerFiles.createOrReuse(base.resolve("tls"));
        String host = InetAddress.getLoopbackAddress().getHostAddress();
        int port = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("listeners", SecureBrokerFiles.LISTENER + "://" + host + ":" + port + ",CONTROLLER://" + host + ":"
                + controllerPort);
        p.put("advertised.listeners", SecureBrokerFiles.LISTENER + "://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("controller.quorum.bootstrap.servers", host + ":" + controllerPort);
        p.put("log.dirs", base.resolve("data").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.retention.ms", "-1");
        p.putAll(files.brokerSettings());
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + SecureBrokerFiles.BROKER_USER + ";" + SecureBrokerFiles.BROKER_CERT_PRINCIPAL);
        p.put("allow.everyone.if.no.acl.found", "false");
        Path serverProperties = base.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(serverProperties)) {
            p.store(out, "secure in-process broker");
        }
        files.formatStorage(serverProperties, Uuid.randomUuid().toString());
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        SecureKafka kafka = new SecureKafka(server, files, host + ":" + port, base);
        try {
            server.startup();
            kafka.awaitReady(Duration.ofSeconds(90));
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(adminProperties())) {
                if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
            }
        }
        throw new IllegalStateException("the secure broker did not answer within " + timeout, last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public SecureBrokerFiles files() {
        return files;
    }

    /** The SASL_SSL client settings of the {@code wardstream} user plus the bootstrap servers. */
    public Properties clientProperties() throws IOException {
        Properties p = files.clientSettings();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    /** The super user's client settings (topics, ACLs, and a test's producers standing in for the gateways). */
    public Properties adminProperties() throws IOException {
        Properties p = load(files.adminProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    public void createTopics(int partitions) throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            List<NewTopic> topics = new ArrayList<>(EmbeddedKafka.TopicLayout.standard(partitions, (short) 1));
            admin.createTopics(topics).all().get();
        }
    }

    @Override
    public void close() throws Exception {
        server.shutdown();
        server.awaitShutdown();
        deleteRecursively(baseDir);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
