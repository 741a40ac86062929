package org.wardstream.equity.io;

import java.util.List;
import org.wardstream.equity.disclosure.PublishedRow;

/** Published rows in PostgreSQL (plain JDBC): idempotent upsert keyed by the row key. DDL: db/equity-aggregates.sql. */
public final class PostgresAggregateStore implements AutoCloseable {
    private final String jdbcUrl;
    private final String user;
    private final String password;

    public PostgresAggregateStore(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Creates the table if absent (idempotent). */
    public void createSchema() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** INSERT .. ON CONFLICT (key) DO UPDATE only when the incoming revision is &gt;= the stored one. */
    public void upsert(List<PublishedRow> rows) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void close() {
    }
}
