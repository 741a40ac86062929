package org.wardstream.triage.cli;

import org.wardstream.triage.TriageConfig;
import org.wardstream.triage.TriageServer;
import org.wardstream.triage.TriageUser;
import org.wardstream.triage.store.Database;
import org.wardstream.triage.store.Users;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code wardstream triage}: runs the triage service (until stopped), and manages its users and API tokens.
 * Also the main class of the service jar ({@code -Pservice}).
 */
@Command(name = "triage", mixinStandardHelpOptions = true,
        description = {"Runs the triage service: consumes the alerts topic into PostgreSQL, serves the worklist page "
                + "and a FHIR R4 API (/fhir), and writes clinicians' actions to triage-events. Runs until stopped "
                + "(Ctrl-C or SIGTERM). Put a TLS reverse proxy in front (docs/TRIAGE-SERVICE.md).",
                "Users: 'wardstream triage users add'. Passwords and the database password are read from a file, an "
                        + "environment variable or stdin, never from the command line."},
        subcommands = {TriageCommand.UsersCommand.class, TriageCommand.TokensCommand.class, ResetOffsetsCommand.class})
public final class TriageCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions db = new ServiceOptions();

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + TriageConfig.DEFAULT_PORT,
            description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE}: only the local reverse proxy reaches it)")
    String bind;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
            description = "serve the service's counters for Prometheus at http://<metrics-bind>:PORT/metrics (default: "
                    + "none); keep it out of the reverse proxy: it answers without a login")
    int metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address the metrics endpoint listens on (default: ${DEFAULT-VALUE})")
    String metricsBind;

    @Option(names = "--secure-cookies", description = "mark the session cookie Secure (set this when users reach the "
            + "service over HTTPS, i.e. always in production)")
    boolean secureCookies;

    @Option(names = "--session-timeout", paramLabel = "MINUTES", defaultValue = "480",
            description = "idle minutes before a login session ends (default: ${DEFAULT-VALUE})")
    int sessionMinutes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The service jar's entry point: the same command, one-line usage errors (exit 2). */
    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "org/wardstream/triage/log4j2-service.properties");
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * The command with one-line usage errors (exit 2), as the service jar runs it; a database it cannot use (down,
     * unreachable, login refused) is one line too, exit 1 (the whole trace, repeated at every restart by systemd,
     * buried the one line that mattered).
     */
    public static CommandLine commandLine() {
        return new CommandLine(new TriageCommand()).setParameterExceptionHandler((ex, a) -> {
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            ex.getCommandLine().getErr().println(name + ": " + String.valueOf(ex.getMessage()).replaceAll("\\s*\\R\\s*", " ")
                    + " (see: " + name + " --help)");
            return 2;
        }).setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String line = databaseFailure(ex);
            if (line == null) throw ex;
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + line);
            cmd.getErr().flush();
            return 1;
        });
    }

    /**
     * One line for a failure to use the database at all (SQL state class 08, connection, or 28, authorization: the
     * database is down or unreachable, or refused the login), from the first such {@link java.sql.SQLException} in the
     * causes; null for any other failure (a fault, reported with its trace). The driver's message names host and port,
     * never the password.
     */
    public static String databaseFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException e && e.getSQLState() != null
                    && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("28"))) {
                return "cannot use the database: " + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ").strip()
                        + " (SQL state " + e.getSQLState() + "); check that PostgreSQL is running and reachable and the "
                        + "login is right";
            }
        }
        return null;
    }

    @Override
    public Integer call() throws Exception {
        String password = db.dbPassword(spec);
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port " + port + ": use 1-65535 (or 0 for any free port)");
        }
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-port " + metricsPort
                    + ": use 1-65535 (or 0 for any free port)");
        }
        if (sessionMinutes < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--session-timeout " + sessionMinutes + ": at least 1 minute");
        }
        TriageConfig config = new TriageConfig(kafka.bootstrapServers, kafka.properties(spec), kafka.groupId, bind, port,
                db.jdbcUrl, db.dbUser, password, secureCookies, Duration.ofMinutes(sessionMinutes),
                TriageConfig.DEFAULT_BCRYPT_COST, metricsBind, metricsPort);
        CountDownLatch stop = new CountDownLatch(1);
        try (TriageServer server = TriageServer.start(config)) {
            Thread hook = new Thread(stop::countDown, "triage-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine().getOut().println("wardstream triage: worklist at " + server.baseUrl() + "/ , FHIR at "
                    + server.baseUrl() + "/fhir" + (server.metricsUrl() == null ? "" : ", metrics at "
                    + server.metricsUrl()) + " (Ctrl-C stops)");
            spec.commandLine().getOut().flush();
            stop.await();
        }
        return 0;
    }

    /** {@code wardstream triage users add|disable}. */
    @Command(name = "users", mixinStandardHelpOptions = true, description = "Manages the triage service's users.",
            subcommands = {UsersCommand.Add.class, UsersCommand.Disable.class, UsersCommand.Enable.class})
    public static final class UsersCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (add, disable, enable)");
        }

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = {"Creates a user (or replaces one with --replace). The password comes from --password-file, "
                        + "--password-env or, by default, a prompt at a terminal (not echoed, typed twice) or the first "
                        + "line of piped stdin; at least " + Users.MIN_PASSWORD_LENGTH
                        + " characters.",
                        "Example: printf '%%s\\n' \"$PW\" | wardstream triage users add --name alice --role clinician "
                                + "--programme cardiac-north --jdbc-url jdbc:postgresql://localhost/triage --db-user triage"})
        public static final class Add implements Callable<Integer> {
            @Mixin
            ServiceOptions db = new ServiceOptions();

            @Option(names = "--name", required = true, paramLabel = "USER", description = "user name (lower case a-z 0-9 . _ -)")
            String name;

            @Option(names = "--role", required = true, paramLabel = "ROLE",
                    description = "clinician (acts on its programmes' alerts), viewer (reads them) or administrator (reads all)")
            String role;

            @Option(names = "--programme", paramLabel = "CODE", description = "a programme the user works in (repeat for several)")
            List<String> programmes = List.of();

            @Option(names = "--password-file", paramLabel = "FILE", description = "file holding the password (one line)")
            Path passwordFile;

            @Option(names = "--password-env", paramLabel = "VAR", description = "environment variable holding the password")
            String passwordEnv;

            @Option(names = "--replace", description = "change an existing user of that name in place (role, programme "
                    + "list, and the password when one is given); its API tokens, creation time and disabled state are kept")
            boolean replace;

            @Option(names = "--new-password", description = "with --replace: ask for a new password at a terminal (without "
                    + "it, --replace of an existing user keeps the stored password unless --password-file, --password-env "
                    + "or a line on piped stdin gives one)")
            boolean newPassword;

            @Option(names = "--revoke-tokens", description = "with --replace: also remove the user's API tokens (issue "
                    + "new ones with tokens add)")
            boolean revokeTokens;

            @Option(names = "--allow-unknown-programme", description = "accept a programme no enrolment names yet (a "
                    + "new programme before its first patient); otherwise such a code is refused as a likely typo")
            boolean allowUnknownProgramme;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws IOException {
                String dbPassword = db.dbPassword(spec);
                TriageUser.Role r;
                try {
                    r = TriageUser.Role.of(role);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--role " + role + ": " + e.getMessage());
                }
                if (revokeTokens && !replace) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--revoke-tokens: only with --replace (a new user has no token)");
                }
                if (newPassword && !replace) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--new-password: only with --replace (a new user is always asked for one)");
                }
                // a new user's password is read before the database is opened; --replace first looks whether the user
                // exists (an existing one keeps its password unless a new one is given)
                char[] password = replace ? null : password(spec);
                Users.Saved saved;
                List<String> unchecked;
                try (Database database = Database.open(db.jdbcUrl, db.dbUser, dbPassword, 2)) {
                    Users users = new Users(database, TriageConfig.DEFAULT_BCRYPT_COST);
                    unchecked = checkProgrammes(users);
                    if (replace) password = replacingPassword(users);
                    saved = users.add(name, r, new LinkedHashSet<>(programmes), password, replace, revokeTokens);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--name " + name + ": " + e.getMessage());
                } finally {
                    if (password != null) java.util.Arrays.fill(password, '\0');
                }
                spec.commandLine().getOut().println("wardstream triage: user " + name + " (" + r.code()
                        + (programmes.isEmpty() ? "" : ", " + String.join(", ", programmes)) + ") "
                        + (saved.created() ? "added" : "saved" + tokensText(saved)));
                if (saved.passwordKept()) {
                    spec.commandLine().getOut().println("wardstream triage: the password of " + name + " is unchanged "
                            + "(none given: the stored one is kept; --new-password asks for a new one)");
                }
                if (saved.disabled()) {
                    spec.commandLine().getOut().println("wardstream triage: user " + name + " is disabled and stays "
                            + "so: 'users enable --name " + name + "' re-enables it");
                }
                for (String line : unchecked) {
                    spec.commandLine().getErr().println("wardstream triage: warning: " + line);
                }
                return 0;
            }

            private static String tokensText(Users.Saved saved) {
                if (saved.tokensRemoved() > 0) {
                    return "; " + saved.tokensRemoved() + " API token(s) removed: issue new ones with tokens add";
                }
                return saved.tokensKept() == 0 ? "" : "; its " + saved.tokensKept() + " API token(s) kept "
                        + "(--revoke-tokens removes them)";
            }

            /**
             * Refuses a programme that no enrolment names (a typo gives a clinician an always-empty worklist), unless
             * {@code --allow-unknown-programme}; programmes the user already has are not questioned again. Returns
             * the warnings to print once the user is saved: a programme allowed without enrolments, or codes that
             * could not be checked because the service has read no enrolment yet.
             */
            private List<String> checkProgrammes(Users users) {
                java.util.SortedSet<String> known = users.enrolledProgrammes();
                List<String> unknown = new java.util.ArrayList<>(new LinkedHashSet<>(programmes));
                unknown.removeAll(known);
                if (replace) {
                    unknown.removeAll(users.programmesOf(name));
                }
                if (unknown.isEmpty()) {
                    return List.of();
                }
                if (known.isEmpty()) {
                    return List.of("the service has read no enrolment yet, so programme " + String.join(", ", unknown)
                            + " could not be checked: once it runs, check that the worklist of " + name
                            + " shows that programme's patients");
                }
                String names = known.size() <= 20 ? String.join(", ", known)
                        : String.join(", ", List.copyOf(known).subList(0, 20)) + " and " + (known.size() - 20) + " more";
                if (!allowUnknownProgramme) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--programme " + String.join(", ", unknown)
                            + ": no patient is enrolled in " + (unknown.size() == 1 ? "this programme" : "these programmes")
                            + " (the enrolments name: " + names + "); nothing saved. Check the spelling; for a new "
                            + "programme whose first patient is not yet enrolled, add --allow-unknown-programme");
                }
                return List.of("no patient is enrolled in programme " + String.join(", ", unknown) + " yet (the "
                        + "enrolments name: " + names + "): " + name + "'s worklist shows none of its alerts until one is");
            }

            /**
             * The password for {@code --replace}: null (keep the stored one) when the user exists and none is given: no
             * --password-file, --password-env or --new-password, and at a terminal no prompt (changing a user's
             * programmes asked for a password nobody meant to change), piped stdin empty. A line on piped stdin is
             * still a new password, as before. A user that does not exist yet is asked for one as without --replace.
             */
            private char[] replacingPassword(Users users) throws IOException {
                if (passwordFile != null || passwordEnv != null || newPassword || !users.exists(name)) {
                    return password(spec);
                }
                if (System.console() != null) return null;
                String line = stdinLine();
                return line == null || line.isEmpty() ? null : line.toCharArray();
            }

            /** The first line of stdin, or null at its end. */
            private static String stdinLine() throws IOException {
                return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }

            private char[] password(CommandLine.Model.CommandSpec spec) throws IOException {
                if (passwordFile != null) return ServiceOptions.readSecret(spec, "--password-file", passwordFile).toCharArray();
                if (passwordEnv != null) {
                    String v = System.getenv(passwordEnv);
                    if (v == null || v.isEmpty()) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--password-env " + passwordEnv
                                + ": the variable is not set or empty");
                    }
                    return v.toCharArray();
                }
                java.io.Console console = System.console();
                if (console != null) {
                    // at a terminal (stdin and stdout both one): a prompt, echo off, typed twice; never on screen
                    char[] first = console.readPassword("Password for %s: ", name);
                    if (first == null || first.length == 0) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "no password typed");
                    }
                    char[] again = console.readPassword("The same password again: ");
                    boolean same = java.util.Arrays.equals(first, again);
                    if (again != null) {
                        java.util.Arrays.fill(again, '\0');
                    }
                    if (!same) {
                        java.util.Arrays.fill(first, '\0');
                        throw new CommandLine.ParameterException(spec.commandLine(),
                                "the two passwords typed differ: nothing saved");
                    }
                    return first;
                }
                // piped (printf '%s\n' "$PW" | ... users add): the first line of stdin, as before
                String line = stdinLine();
                if (line == null || line.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "no password: give --password-file, "
                            + "--password-env or the password on the first line of stdin");
                }
                return line.toCharArray();
            }
        }

        /** {@code users disable} and {@code users enable}: one user's disabled flag. */
        abstract static class Switch implements Callable<Integer> {
            @Mixin
            ServiceOptions db = new ServiceOptions();

            @Option(names = "--name", required = true, paramLabel = "USER", description = "user name")
            String name;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            /** Sets the flag; false when there is no such user. */
            abstract boolean apply(Users users, String user);

            abstract String done();

            @Override
            public Integer call() {
                String dbPassword = db.dbPassword(spec);
                try (Database database = Database.open(db.jdbcUrl, db.dbUser, dbPassword, 2)) {
                    if (!apply(new Users(database, TriageConfig.DEFAULT_BCRYPT_COST), name)) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--name " + name + ": no such user");
                    }
                }
                spec.commandLine().getOut().println("wardstream triage: user " + name + " " + done());
                return 0;
            }
        }

        @Command(name = "disable", mixinStandardHelpOptions = true,
                description = "Disables a user (kept for the audit trail) and removes its API tokens.")
        public static final class Disable extends Switch {
            @Override
            boolean apply(Users users, String user) {
                return users.disable(user);
            }

            @Override
            String done() {
                return "disabled";
            }
        }

        @Command(name = "enable", mixinStandardHelpOptions = true,
                description = "Re-enables a disabled user (its API tokens were removed when it was disabled: issue new "
                        + "ones with tokens add).")
        public static final class Enable extends Switch {
            @Override
            boolean apply(Users users, String user) {
                return users.enable(user);
            }

            @Override
            String done() {
                return "enabled";
            }
        }
    }

    /** {@code wardstream triage tokens add}: an API bearer token for a user (printed once). */
    @Command(name = "tokens", mixinStandardHelpOptions = true, description = "Manages API bearer tokens.",
            subcommands = {TokensCommand.Add.class})
    public static final class TokensCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (add)");
        }

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Creates an API token for a user and prints it once (only its SHA-256 is stored). "
                        + "Clients send it as 'Authorization: Bearer <token>'.")
        public static final class Add implements Callable<Integer> {
            @Mixin
            ServiceOptions db = new ServiceOptions();

            @Option(names = "--name", required = true, paramLabel = "USER", description = "the user the token acts as")
            String name;

            @Option(names = "--label", paramLabel = "TEXT", defaultValue = "", description = "what the token is for, e.g. ehr-integration")
            String label;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                String dbPassword = db.dbPassword(spec);
                String token;
                try (Database database = Database.open(db.jdbcUrl, db.dbUser, dbPassword, 2)) {
                    token = new Users(database, TriageConfig.DEFAULT_BCRYPT_COST).createToken(name, label);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--name " + name + ": " + e.getMessage());
                }
                spec.commandLine().getOut().println(token);
                return 0;
            }
        }
    }
}
