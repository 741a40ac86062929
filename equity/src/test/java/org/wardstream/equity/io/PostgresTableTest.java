package org.wardstream.equity.io;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.wardstream.embedded.EmbeddedPostgres;

/**
 * The tests of {@code equity_aggregates}: a real PostgreSQL 17 server started per test class from Maven Central
 * binaries, and an empty database (no table, no view) before each test.
 */
abstract class PostgresTableTest {
    static EmbeddedPostgres pg;

    @BeforeAll
    static void startServer() throws Exception {
        pg = EmbeddedPostgres.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void emptyTable() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS equity_aggregates CASCADE"); // with the view on it
        }
    }

    static Connection connect() throws Exception {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
    }
}
