package org.wardstream.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The files a SASL_SSL broker and its clients need, generated on this machine: a private certificate authority,
 * the broker's key and certificate (for {@code localhost} and {@code 127.0.0.1}) in a PKCS12 keystore, a PKCS12
 * truststore holding the CA, random passwords, and two SCRAM-SHA-512 users ({@code broker} for the broker's own
 * connections, {@code wardstream} for the jobs and tools). Every secret is in a file readable by its owner only
 * (0600); the properties files the broker and the clients are given refer to those files through Kafka's
 * {@code FileConfigProvider} ({@code ${file:PATH:KEY}}), so no secret appears in a configuration, a command line
 * or a log. Used by {@link SecureKafka} (tests) and by {@code local-cluster/start --secure}.
 *
 * <pre>
 * DIR/truststore.p12               the CA certificate (clients and broker trust it)
 * DIR/broker-keystore.p12          the broker's key and certificate chain
 * DIR/broker-secrets.properties    keystore.password, truststore.password, password (SCRAM user "broker")  0600
 * DIR/client-secrets.properties    truststore.password, username, password (SCRAM user "wardstream")       0600
 * DIR/client.properties            SASL_SSL client settings of "wardstream"; secrets by reference only       0600
 * DIR/admin.properties             the same for "broker" (administration: topics, ACLs, SCRAM users)        0600
 * </pre>
 */
public final class SecureBrokerFiles {
    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String BROKER_USER = "broker";
    public static final String CLIENT_USER = "wardstream";
    /** The principal of the broker's certificate, as the controller listener (mutual TLS) sees it. */
    public static final String BROKER_CERT_PRINCIPAL = "User:CN=localhost";
    /** The listener name clients and the broker itself use. */
    public static final String LISTENER = "SASL_SSL";

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path dir;

    private SecureBrokerFiles(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** The files under {@code dir}, generated if missing (existing files are kept: a restart reuses them). */
    public static SecureBrokerFiles createOrReuse(Path dir) throws IOException, GeneralSecurityException {
        SecureBrokerFiles files = new SecureBrokerFiles(dir);
        if (!Files.exists(files.clientProperties())) {
            files.generate();
        }
        return files;
    }

    public Path dir() {
        return dir;
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public Path brokerKeystore() {
        return dir.resolve("broker-keystore.p12");
    }

    public Path brokerSecrets() {
        return dir.resolve("broker-secrets.properties");
    }

    public Path clientSecrets() {
        return dir.resolve("client-secrets.properties");
    }

    /** The client settings file to pass as {@code --kafka-properties} (no secret inside, only references). */
    public Path clientProperties() {
        return dir.resolve("client.properties");
    }

    /**
     * The client settings of the broker's own user (a super user where an authorizer is configured): topic and ACL
     * administration, never the jobs.
     */
    public Path adminProperties() {
        return dir.resolve("admin.properties");
    }

    /** The client settings, as a Kafka client reads them (references resolved by the client, not here). */
    public Properties clientSettings() throws IOException {
        return load(clientProperties());
    }

    /** A secret from one of the secrets files (for tests that must check a secret is never logged). */
    public String secret(Path secretsFile, String key) throws IOException {
        return load(secretsFile).getProperty(key);
    }

    /**
     * The broker's security settings (listener {@value #LISTENER} for clients and for the broker itself, SCRAM,
     * TLS); the caller adds ports, directories and the controller listener. Secrets by reference only.
     */
    public Properties brokerSettings() {
        Properties p = new Properties();
        String secrets = brokerSecrets().toString();
        p.put("config.providers", "file");
        p.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        p.put("inter.broker.listener.name", LISTENER);
        // the KRaft controller listener: TLS with client certificates (the broker's own; SCRAM cannot serve the
        // controller listener, whose credentials live in the metadata it serves)
        p.put("listener.security.protocol.map", LISTENER + ":SASL_SSL,CONTROLLER:SSL");
        p.put("listener.name.controller.ssl.client.auth", "required");
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + BROKER_USER
                        + "\" password=\"${file:" + secrets + ":password}\";");
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", brokerKeystore().toString());
        p.put("ssl.keystore.password", "${file:" + secrets + ":keystore.password}");
        p.put("ssl.key.password", "${file:" + secrets + ":keystore.password}");
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", truststore().toString());
        p.put("ssl.truststore.password", "${file:" + secrets + ":truststore.password}");
        p.put("ssl.endpoint.identification.algorithm", "https");
        p.put("ssl.enabled.protocols", "TLSv1.3,TLSv1.2");
        return p;
    }

    /**
     * Formats KRaft storage for the broker configured in {@code serverProperties} ({@code --standalone}) with the
     * two SCRAM users, in this JVM: the passwords go from the secrets files to Kafka's formatter, never through a
     * command line. Kafka's formatter output is returned (it is thrown with the error if formatting fails).
     */
    public String formatStorage(Path serverProperties, String clusterId) throws IOException {
        String broker = secret(brokerSecrets(), "password");
        String client = secret(clientSecrets(), "password");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(new String[] {"format", "--standalone",
                    "--config", serverProperties.toString(), "--cluster-id", clusterId,
                    "--add-scram", MECHANISM + "=[name=" + BROKER_USER + ",password=" + broker + "]",
                    "--add-scram", MECHANISM + "=[name=" + CLIENT_USER + ",password=" + client + "]"}, print);
        } catch (RuntimeException e) {
            throw new IOException("formatting Kafka storage failed", e);
        }
        // The formatter prints the bootstrap records, SCRAM salts and stored keys included: never keep those in a log.
        String text = out.toString(StandardCharsets.UTF_8).lines()
                .map(l -> l.contains("UserScramCredentialRecord")
                        ? "Bootstrap metadata written, with SCRAM-SHA-512 credentials for " + BROKER_USER + " and "
                                + CLIENT_USER + " (not shown)"
                        : l)
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        if (rc != 0) {
            throw new IOException("formatting Kafka storage failed (" + rc + "): " + text);
        }
        return text;
    }

    private void generate() throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the files' own permissions are all we can set
        }
        String keystorePassword = randomSecret();
        String truststorePassword = randomSecret();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256, RANDOM);
        KeyPair caKeys = generator.generateKeyPair();
        KeyPair brokerKeys = generator.generateKeyPair();
        X500Name caName = new X500Name("CN=wardstream local certificate authority");
        X509Certificate ca;
        X509Certificate broker;
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder caBuilder = builder(caName, caName, caKeys, Duration.ofDays(825))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            ca = sign(caBuilder, caKeys);
            X509v3CertificateBuilder brokerBuilder = builder(caName, new X500Name("CN=localhost"), brokerKeys,
                    Duration.ofDays(397))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            broker = sign(brokerBuilder, caKeys);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the certificates", e);
        }
        broker.verify(ca.getPublicKey());

        KeyStore keystore = KeyStore.getInstance("PKCS12");
        keystore.load(null, null);
        keystore.setKeyEntry("broker", brokerKeys.getPrivate(), keystorePassword.toCharArray(),
                new Certificate[] {broker, ca});
        store(keystore, brokerKeystore(), keystorePassword);
        KeyStore truststore = KeyStore.getInstance("PKCS12");
        truststore.load(null, null);
        truststore.setCertificateEntry("wardstream-ca", ca);
        store(truststore, truststore(), truststorePassword);

        Properties brokerSecrets = new Properties();
        brokerSecrets.setProperty("keystore.password", keystorePassword);
        brokerSecrets.setProperty("truststore.password", truststorePassword);
        brokerSecrets.setProperty("password", randomSecret());
        writePrivate(brokerSecrets(), brokerSecrets, "secrets of the local broker (0600): never copy into a config");
        Properties clientSecrets = new Properties();
        clientSecrets.setProperty("truststore.password", truststorePassword);
        clientSecrets.setProperty("username", CLIENT_USER);
        clientSecrets.setProperty("password", randomSecret());
        writePrivate(clientSecrets(), clientSecrets, "secrets of the wardstream client user (0600)");

        writePrivate(clientProperties(), clientSettings(clientSecrets(), "${file:" + clientSecrets() + ":username}"),
                "Kafka client settings of user " + CLIENT_USER + "; secrets stay in " + clientSecrets().getFileName());
        writePrivate(adminProperties(), clientSettings(brokerSecrets(), BROKER_USER), "Kafka client settings of the"
                + " super user " + BROKER_USER + " (topics, ACLs, SCRAM users): for administration only");
    }

    /** SASL_SSL client settings of a user; the password and truststore password by reference to {@code secrets}. */
    private Properties clientSettings(Path secrets, String username) {
        String ref = "${file:" + secrets + ":";
        Properties client = new Properties();
        client.setProperty("security.protocol", "SASL_SSL");
        client.setProperty("sasl.mechanism", MECHANISM);
        client.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + username + "\" password=\"" + ref + "password}\";");
        client.setProperty("ssl.truststore.type", "PKCS12");
        client.setProperty("ssl.truststore.location", truststore().toString());
        client.setProperty("ssl.truststore.password", ref + "truststore.password}");
        client.setProperty("ssl.endpoint.identification.algorithm", "https");
        client.setProperty("config.providers", "file");
        client.setProperty("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        return client;
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration valid) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(valid)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static void store(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
        createPrivate(file);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
    }

    /** Writes {@code key=value} lines as they are (readable for an operator; no value here needs escaping). */
    private static void writePrivate(Path file, Properties props, String comment) throws IOException {
        createPrivate(file);
        StringBuilder text = new StringBuilder("# ").append(comment).append('\n');
        for (String key : new java.util.TreeSet<>(props.stringPropertyNames())) {
            String value = props.getProperty(key);
            if (value.contains("\\") || value.contains("\n")) {
                throw new IOException("cannot write " + key + " to " + file + " without escaping");
            }
            text.append(key).append('=').append(value).append('\n');
        }
        Files.writeString(file, text);
    }

    /** Creates an empty file readable and writable by its owner only, before anything secret is written. */
    private static void createPrivate(Path file) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    /** 32 random bytes, URL-safe Base64 (no characters that need quoting in JAAS or properties files). */
    static String randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Every file that holds a secret (for permission checks). */
    public List<Path> secretFiles() {
        return List.of(brokerSecrets(), clientSecrets(), brokerKeystore(), truststore(), clientProperties(),
                adminProperties());
    }
}
