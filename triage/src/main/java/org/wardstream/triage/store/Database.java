package org.wardstream.triage.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

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

    /** Connects, migrates the schema to the current version and returns the pool. */
    public static Database open(String jdbcUrl, String user, String password, int maxConnections) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setMaximumPoolSize(maxConnections);
        hc.setPoolName("wardstream-triage");
        hc.setAutoCommit(true);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            migrate(ds);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds);
    }

    /** Applies the pending migrations; returns how many ran. */
    static int migrate(DataSource ds) {
        return Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate()
                .migrationsExecuted;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Runs the work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T tx(Work<T> work) {
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

    @Override
    public void close() {
        pool.close();
    }

    /** A database failure (the SQL state and message; no row content). */
    public static final class StoreException extends RuntimeException {
        public StoreException(SQLException e) {
            super("database: " + e.getMessage() + " (SQL state " + e.getSQLState() + ")", e);
        }
    }
}
