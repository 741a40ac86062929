package org.wardstream.equity.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import org.wardstream.equity.disclosure.PublishedRow;

/**
 * Published rows in PostgreSQL over plain JDBC (PostgreSQL driver). The table and the readers' view
 * {@code equity_aggregates_current} are defined in {@code db/equity-aggregates.sql} (on the classpath and in
 * docs/METRICS.md). {@link #upsert} is idempotent: the same rows twice leave the table unchanged, and a row replaces
 * the stored one only when its (generation, revision) is at least the stored one's: the live job writes generation 0,
 * a recomputation ({@link Recomputation}) a higher one for the windows it owns, so a correction replaces the live
 * job's figures whatever their revision, and the live job's stale re-emissions never replace it (probe 19a D5).
 */
public final class PostgresAggregateStore implements AutoCloseable {
    /** Classpath location of the DDL. */
    public static final String DDL_RESOURCE = "/db/equity-aggregates.sql";

    static final String UPSERT = """
            INSERT INTO equity_aggregates (row_key, programme, window_start, window_end, granularity, dimension,
                stratum, measure, method, numerator_count, denominator_count, value, lower, upper, reference_stratum,
                ratio, ratio_lower, ratio_upper, imd_edition, revision, generation)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (row_key) DO UPDATE SET
                window_end = EXCLUDED.window_end, method = EXCLUDED.method,
                numerator_count = EXCLUDED.numerator_count, denominator_count = EXCLUDED.denominator_count,
                value = EXCLUDED.value, lower = EXCLUDED.lower, upper = EXCLUDED.upper,
                reference_stratum = EXCLUDED.reference_stratum, ratio = EXCLUDED.ratio,
                ratio_lower = EXCLUDED.ratio_lower, ratio_upper = EXCLUDED.ratio_upper,
                imd_edition = EXCLUDED.imd_edition, revision = EXCLUDED.revision, generation = EXCLUDED.generation
            WHERE (equity_aggregates.generation, equity_aggregates.revision) <= (EXCLUDED.generation, EXCLUDED.revision)
            """;

    /** Whether the schema is current: the generation column (migration of a table from before) and the view. */
    static final String SCHEMA_CURRENT = """
            SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                               AND table_name = 'equity_aggregates' AND column_name = 'generation')
               AND EXISTS (SELECT 1 FROM information_schema.views WHERE table_schema = current_schema()
                               AND table_name = 'equity_aggregates_current')
            """;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Recomputation recomputation;
    private Connection connection;

    /** The live job's store: every row is written with its own generation (the live job's rows: 0). */
    public PostgresAggregateStore(String jdbcUrl, String user, String password) {
        this(jdbcUrl, user, password, null);
    }

    /** A recomputation's store ({@code recomputation} null: the live job's). */
    public PostgresAggregateStore(String jdbcUrl, String user, String password, Recomputation recomputation) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.recomputation = recomputation;
    }

    /** The DDL text. */
    public static String ddl() {
        try (InputStream in = PostgresAggregateStore.class.getResourceAsStream(DDL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + DDL_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates the table, index and view if absent and adds the generation column to a table created before it
     * (idempotent). Nothing is run when the schema is already current, so a role that may only write the table (not
     * own it) starts once the table's owner has run {@code db/equity-aggregates.sql}.
     */
    public void createSchema() {
        Connection c = connection();
        try (Statement st = c.createStatement()) {
            try (java.sql.ResultSet rs = st.executeQuery(SCHEMA_CURRENT)) {
                if (rs.next() && rs.getBoolean(1)) {
                    c.commit();
                    return;
                }
            }
            for (String sql : ddl().replaceAll("(?m)--.*$", "").split(";")) {
                if (!sql.isBlank()) {
                    st.execute(sql);
                }
            }
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("creating or migrating the equity_aggregates schema failed (adding the"
                    + " generation column needs the table's owner: run db/equity-aggregates.sql as the owner once): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Upserts in one transaction; rows whose stored (generation, revision) is higher are left as they are. Each row is
     * written with its own generation ({@link PublishedRow#generation}, as on the topic); a recomputation's store
     * stamps its rows ({@link Recomputation#stamp}), leaves out the windows before its {@link Recomputation#from}
     * and writes the windows not yet final when it was submitted as generation 0 (the live job's).
     */
    public void upsert(List<PublishedRow> rows) {
        if (recomputation != null) {
            rows = rows.stream().filter(r -> recomputation.writes(r.windowStart())).map(recomputation::stamp).toList();
        }
        if (rows.isEmpty()) {
            return;
        }
        // one statement per key: a window re-emitted within one batch (revision 0, then 1) would otherwise put a key
        // twice in one INSERT when pgjdbc rewrites the batch (reWriteBatchedInserts=true), which PostgreSQL refuses
        // ("cannot affect row a second time"), failing the batch again after every restart (probe 19a D12)
        java.util.Map<String, PublishedRow> newest = new java.util.LinkedHashMap<>();
        for (PublishedRow r : rows) {
            newest.merge(r.key(), r, (a, b) -> PublishedRow.NEWEST_FIRST.compare(b, a) <= 0 ? b : a);
        }
        Connection c = connection();
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (PublishedRow r : newest.values()) {
                int i = 1;
                ps.setString(i++, r.key());
                ps.setString(i++, r.programme());
                ps.setDate(i++, Date.valueOf(r.windowStart()));
                ps.setDate(i++, Date.valueOf(r.windowEnd()));
                ps.setString(i++, r.granularity());
                ps.setString(i++, r.dimension());
                ps.setString(i++, r.stratum());
                ps.setString(i++, r.measure());
                ps.setString(i++, r.method());
                ps.setString(i++, r.numeratorCount());
                ps.setString(i++, r.denominatorCount());
                setDouble(ps, i++, r.value());
                setDouble(ps, i++, r.lower());
                setDouble(ps, i++, r.upper());
                ps.setString(i++, r.referenceStratum());
                setDouble(ps, i++, r.ratio());
                setDouble(ps, i++, r.ratioLower());
                setDouble(ps, i++, r.ratioUpper());
                ps.setString(i++, r.imdEdition());
                ps.setInt(i++, r.revision());
                ps.setLong(i, r.generation());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("upserting " + rows.size() + " equity rows failed: " + e.getMessage(), e);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double d) throws SQLException {
        if (d == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, d);
        }
    }

    private Connection connection() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(jdbcUrl, user, password);
                connection.setAutoCommit(false);
            }
            return connection;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new IllegalStateException("closing the connection failed: " + e.getMessage(), e);
            } finally {
                connection = null;
            }
        }
    }
}
