package org.wardstream.triage.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The triage service's PostgreSQL database: a connection pool and the schema migrations (Flyway,
 * {@code db/migration/V*.sql} on the classpath) applied at start.
 */
public final class Database implements AutoCloseable {

    /** One unit of work in a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * How long a statement on the pool waits for the server's answer before its connection is given up (pgjdbc
     * {@code socketTimeout}), unless the JDBC URL sets {@code socketTimeout} itself. Without it a server that stops
     * answering without closing the connection (its host frozen, a failover behind the same address, a firewall
     * dropping the connection's state) held the caller for ever: the alert ingest stopped for good (probe 19b D4).
     * The service's statements take milliseconds; schema migrations, which may take long, run on their own
     * connection without it.
     */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    /** Connects, migrates the schema to the current version and returns the pool. */
    public static Database open(String jdbcUrl, String user, String password, int maxConnections) {
        return open(jdbcUrl, user, password, maxConnections, SOCKET_TIMEOUT);
    }

    /** {@link #open(String, String, String, int)} with another socket timeout (tests). */
    static Database open(String jdbcUrl, String user, String password, int maxConnections, Duration socketTimeout) {
        try (HikariDataSource migrating = new HikariDataSource(config(jdbcUrl, user, password, 2, "wardstream-triage-migrate"))) {
            migrate(migrating);
        }
        HikariConfig hc = config(jdbcUrl, user, password, maxConnections, "wardstream-triage");
        if (!urlSets(jdbcUrl, "socketTimeout")) {
            hc.addDataSourceProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        }
        if (!urlSets(jdbcUrl, "tcpKeepAlive")) hc.addDataSourceProperty("tcpKeepAlive", "true");
        return new Database(new HikariDataSource(hc));
    }

    private static HikariConfig config(String jdbcUrl, String user, String password, int maxConnections, String name) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setMaximumPoolSize(maxConnections);
        hc.setPoolName(name);
        hc.setAutoCommit(true);
        return hc;
    }

    /** Whether the JDBC URL sets the connection parameter itself (then the operator's value stands). */
    static boolean urlSets(String jdbcUrl, String parameter) {
        int q = jdbcUrl.indexOf('?');
        if (q < 0) return false;
        for (String kv : jdbcUrl.substring(q + 1).split("&")) {
            if (kv.split("=", 2)[0].equalsIgnoreCase(parameter)) return true;
        }
        return false;
    }

    /** Applies the pending migrations; returns how many ran. */
    static int migrate(DataSource ds) {
        return Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate()
                .migrationsExecuted;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** How many times {@link #tx} runs a unit of work that PostgreSQL aborted as a deadlock or serialization failure. */
    static final int ATTEMPTS = 5;

    /**
     * Runs the work in one transaction: committed when it returns, rolled back when it throws. A transaction that
     * PostgreSQL aborted because of a concurrent one (deadlock {@code 40P01}, serialization failure {@code 40001})
     * is run again, up to {@value #ATTEMPTS} times in all with a short growing pause, so the work must not keep
     * anything outside the database between attempts (start its result lists inside the lambda). If every attempt
     * is aborted, {@link Conflict} (a {@link StoreException}) says so: the caller may try again later.
     */
    public <T> T tx(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work);
            } catch (RuntimeException e) { // a StoreException wrapping the SQLException, or the work's own
                SQLException sql = sqlCause(e);
                if (sql == null || !retriable(sql)) throw e;
                if (attempt >= ATTEMPTS) throw new Conflict(sql, attempt);
                pause(attempt);
            }
        }
    }

    private <T> T once(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Deadlock or serialization failure: the transaction was rolled back and may succeed if run again. */
    static boolean retriable(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if ("40P01".equals(s.getSQLState()) || "40001".equals(s.getSQLState())) return true;
        }
        return false;
    }

    /**
     * Whether a failure is the database's and passing: a deadlock or serialization failure ({@link Conflict} or
     * class 40), a lost or refused connection (08), too few resources (53), an operator's intervention such as a
     * shutdown (57), a lock not available (55P03). Not a fault of the data being stored: trying again later can
     * succeed.
     */
    public static boolean transientFailure(Throwable t) {
        if (t instanceof Conflict) return true;
        SQLException sql = sqlCause(t);
        if (sql == null) return false;
        String state = sql.getSQLState();
        if (state == null) return true; // no SQL state: the driver's own I/O failure (e.g. the pool's timeout)
        return state.startsWith("40") || state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                || state.equals("55P03");
    }

    private static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) return s;
            if (c.getCause() == c) break;
        }
        return null;
    }

    private static void pause(int attempt) {
        long ms = 10L << Math.min(attempt, 6); // 20, 40, 80, 160 ms
        try {
            Thread.sleep(ms + java.util.concurrent.ThreadLocalRandom.current().nextLong(ms));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a transaction", ie);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /** A database failure (the SQL state and message; no row content). */
    public static class StoreException extends RuntimeException {
        public StoreException(SQLException e) {
            super("database: " + e.getMessage() + " (SQL state " + e.getSQLState() + ")", e);
        }

        StoreException(String message, SQLException e) {
            super(message, e);
        }
    }

    /**
     * A transaction that a concurrent one kept aborting (deadlock or serialization failure, every attempt): nothing
     * was changed and the same request can succeed a moment later. Its message holds no SQL or row content.
     */
    public static final class Conflict extends StoreException {
        public Conflict(SQLException e, int attempts) {
            super("the change collided with concurrent changes " + attempts + " times (SQL state " + e.getSQLState()
                    + "); nothing was changed: try again", e);
        }
    }
}
