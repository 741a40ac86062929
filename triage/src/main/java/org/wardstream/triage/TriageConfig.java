package org.wardstream.triage;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link TriageServer} runs. The database password is held here only as resolved by the caller (from a file
 * or an environment variable, never a command line); {@link #toString()} never shows it.
 *
 * @param bootstrapServers Kafka bootstrap servers (alerts and enrolments are read, triage-events written)
 * @param kafkaProperties  extra Kafka client properties (e.g. security settings), may be empty
 * @param groupId          the consumer group of the alert ingest (offsets committed after each DB transaction)
 * @param bindHost         address the HTTP server listens on (default 127.0.0.1: put a TLS reverse proxy in front)
 * @param port             HTTP port; 0 picks a free one ({@link TriageServer#port()})
 * @param jdbcUrl          PostgreSQL JDBC URL
 * @param dbUser           PostgreSQL user
 * @param dbPassword       PostgreSQL password, or null (never logged)
 * @param secureCookies    mark the session cookie Secure (set when users reach the service over HTTPS)
 * @param sessionTimeout   idle time after which a login session ends
 * @param bcryptCost       bcrypt cost (log2 rounds) for new password hashes
 * @param metricsBind      address the Prometheus metrics endpoint listens on (default 127.0.0.1)
 * @param metricsPort      port of the metrics endpoint ({@code GET /metrics}); -1 (the default) serves none, 0 a free one
 */
public record TriageConfig(String bootstrapServers, Map<String, String> kafkaProperties, String groupId,
                           String bindHost, int port, String jdbcUrl, String dbUser, String dbPassword,
                           boolean secureCookies, Duration sessionTimeout, int bcryptCost, String metricsBind,
                           int metricsPort) {

    public static final String DEFAULT_GROUP = "wardstream-triage";
    public static final int DEFAULT_PORT = 8480;
    public static final int DEFAULT_BCRYPT_COST = 12;

    public TriageConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
        groupId = groupId == null ? DEFAULT_GROUP : groupId;
        bindHost = bindHost == null ? "127.0.0.1" : bindHost;
        sessionTimeout = sessionTimeout == null ? Duration.ofHours(8) : sessionTimeout;
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0-65535: " + port);
        metricsBind = metricsBind == null ? "127.0.0.1" : metricsBind;
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new IllegalArgumentException("metrics port must be 0-65535 (or -1 for none): " + metricsPort);
        }
        if (bcryptCost < 4 || bcryptCost > 31) throw new IllegalArgumentException("bcrypt cost must be 4-31: " + bcryptCost);
    }

    /** Defaults for everything but the Kafka servers and the database. */
    public static TriageConfig of(String bootstrapServers, String jdbcUrl, String dbUser, String dbPassword) {
        return new TriageConfig(bootstrapServers, Map.of(), DEFAULT_GROUP, "127.0.0.1", DEFAULT_PORT, jdbcUrl, dbUser,
                dbPassword, false, Duration.ofHours(8), DEFAULT_BCRYPT_COST, "127.0.0.1", -1);
    }

    public TriageConfig withPort(int newPort) {
        return new TriageConfig(bootstrapServers, kafkaProperties, groupId, bindHost, newPort, jdbcUrl, dbUser,
                dbPassword, secureCookies, sessionTimeout, bcryptCost, metricsBind, metricsPort);
    }

    public TriageConfig withBcryptCost(int cost) {
        return new TriageConfig(bootstrapServers, kafkaProperties, groupId, bindHost, port, jdbcUrl, dbUser,
                dbPassword, secureCookies, sessionTimeout, cost, metricsBind, metricsPort);
    }

    public TriageConfig withSecureCookies(boolean secure) {
        return new TriageConfig(bootstrapServers, kafkaProperties, groupId, bindHost, port, jdbcUrl, dbUser,
                dbPassword, secure, sessionTimeout, bcryptCost, metricsBind, metricsPort);
    }

    public TriageConfig withBindHost(String host) {
        return new TriageConfig(bootstrapServers, kafkaProperties, groupId, host, port, jdbcUrl, dbUser,
                dbPassword, secureCookies, sessionTimeout, bcryptCost, metricsBind, metricsPort);
    }

    public TriageConfig withGroupId(String group) {
        return new TriageConfig(bootstrapServers, kafkaProperties, group, bindHost, port, jdbcUrl, dbUser,
                dbPassword, secureCookies, sessionTimeout, bcryptCost, metricsBind, metricsPort);
    }

    public TriageConfig withSessionTimeout(Duration timeout) {
        return new TriageConfig(bootstrapServers, kafkaProperties, groupId, bindHost, port, jdbcUrl, dbUser,
                dbPassword, secureCookies, timeout, bcryptCost, metricsBind, metricsPort);
    }

    /** Serves the metrics endpoint on {@code host:port} (port 0: a free one). */
    public TriageConfig withMetrics(String host, int newPort) {
        return new TriageConfig(bootstrapServers, kafkaProperties, groupId, bindHost, port, jdbcUrl, dbUser,
                dbPassword, secureCookies, sessionTimeout, bcryptCost, host, newPort);
    }

    public TriageConfig withKafkaProperties(Map<String, String> props) {
        return new TriageConfig(bootstrapServers, props, groupId, bindHost, port, jdbcUrl, dbUser,
                dbPassword, secureCookies, sessionTimeout, bcryptCost, metricsBind, metricsPort);
    }

    /**
     * Everything but the password (and Kafka property values, which may hold JAAS secrets); the JDBC URL as
     * {@link #redactJdbcUrl} shows it.
     */
    @Override
    public String toString() {
        return "TriageConfig[bootstrapServers=" + bootstrapServers + ", kafkaProperties=" + kafkaProperties.keySet()
                + ", groupId=" + groupId + ", bind=" + bindHost + ":" + port + ", jdbcUrl=" + redactJdbcUrl(jdbcUrl)
                + ", dbUser=" + dbUser + ", dbPassword=" + (dbPassword == null ? "none" : "(set)") + ", secureCookies="
                + secureCookies + ", sessionTimeout=" + sessionTimeout + ", bcryptCost=" + bcryptCost + ", metrics="
                + (metricsPort < 0 ? "off" : metricsBind + ":" + metricsPort) + "]";
    }

    /** {@code user:password@} (or {@code user@}) after the scheme's {@code //}. */
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/?#@]*@");
    /**
     * A query or property parameter whose name holds a secret: {@code password=}, {@code sslpassword=}, {@code pwd=}...
     * Its value runs to the next {@code &}: the PostgreSQL driver splits parameters on {@code &} only, so a {@code ;} or
     * {@code #} is part of a password (a generated one often has them), not its end.
     */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;:][^=&;?#/]*(?:password|passwd|pwd|secret|token|credential)[^=&;?#/]*=)[^&]*");

    /**
     * The JDBC URL fit for a log line or an error message: user information ({@code //user:password@host}) and the
     * value of every parameter whose name speaks of a password, secret, token or credential ({@code password=},
     * {@code sslpassword=}, {@code pwd=}) replaced by {@code (redacted)}.
     */
    public static String redactJdbcUrl(String url) {
        if (url == null) return null;
        String out = USER_INFO.matcher(url).replaceAll("$1(redacted)@");
        return SECRET_PARAMETER.matcher(out).replaceAll("$1(redacted)");
    }
}
