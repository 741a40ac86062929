package org.wardstream.triage.cli;

import org.wardstream.triage.TriageConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The database options every triage command shares. Secrets by reference only: a file or an environment
 * variable, never the value on the command line (it would show in {@code ps} and shell history).
 */
public final class ServiceOptions {
    @Option(names = "--jdbc-url", paramLabel = "URL", defaultValue = "${env:WARDSTREAM_TRIAGE_JDBC_URL}",
            description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://db.internal:5432/triage"
                    + " (default: environment variable WARDSTREAM_TRIAGE_JDBC_URL)")
    String jdbcUrl;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:WARDSTREAM_TRIAGE_DB_USER}",
            description = "PostgreSQL user (default: environment variable WARDSTREAM_TRIAGE_DB_USER)")
    String dbUser;

    @Option(names = "--db-password-file", paramLabel = "FILE",
            description = "file holding the PostgreSQL password (one line), e.g. a mounted secret")
    Path dbPasswordFile;

    @Option(names = "--db-password-env", paramLabel = "VAR", defaultValue = "WARDSTREAM_TRIAGE_DB_PASSWORD",
            description = "environment variable holding the PostgreSQL password, when no file is given (default: ${DEFAULT-VALUE})")
    String dbPasswordEnv;

    /** Checks the options; returns the password (null if none) without ever putting it in a message. */
    String dbPassword(CommandLine.Model.CommandSpec spec) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--jdbc-url is required (or set WARDSTREAM_TRIAGE_JDBC_URL), e.g. jdbc:postgresql://localhost:5432/triage");
        }
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jdbc-url "
                    + TriageConfig.redactJdbcUrl(jdbcUrl)
                    + ": not a PostgreSQL JDBC URL; use jdbc:postgresql://host:port/database");
        }
        if (dbPasswordFile != null) return readSecret(spec, "--db-password-file", dbPasswordFile);
        String v = dbPasswordEnv == null ? null : System.getenv(dbPasswordEnv);
        return v == null || v.isEmpty() ? null : v;
    }

    /** A one-line secret file's content (trailing line break removed); errors name the file, never the content. */
    static String readSecret(CommandLine.Model.CommandSpec spec, String option, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + file
                    + ": cannot read it (" + e.getClass().getSimpleName() + "); give a readable file");
        }
        text = text.replaceFirst("\\R\\z", "");
        if (text.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + file + ": the file is empty");
        }
        return text;
    }

    /** Kafka client properties from a file (e.g. security.protocol, SASL, TLS), or none. */
    static Map<String, String> kafkaProperties(CommandLine.Model.CommandSpec spec, Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (file == null) return out;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--kafka-properties " + file
                    + ": cannot read it (" + e.getClass().getSimpleName() + "); give a Kafka client properties file");
        }
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }
}
