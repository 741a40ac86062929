package org.wardstream.equity.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.EquityAggregatorTest;
import org.wardstream.equity.disclosure.PublishedRow;

/** Against a real PostgreSQL 17 server started by the test from Maven Central binaries. */
class PostgresAggregateStoreTest extends PostgresTableTest {
    /** Whole table, row_key -> every column as text, so comparisons see every cell. */
    static Map<String, List<String>> table() throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM equity_aggregates")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    cells.add(md.getColumnName(i) + "=" + rs.getString(i));
                }
                out.put(rs.getString("row_key"), cells);
            }
        }
        return out;
    }

    static PublishedRow withRevisionAndValue(PublishedRow r, int revision, String numeratorCount) {
        return new PublishedRow(r.programme(), r.windowStart(), r.windowEnd(), r.granularity(), r.dimension(),
                r.stratum(), r.measure(), r.method(), numeratorCount, r.denominatorCount(), r.value(), r.lower(),
                r.upper(), r.referenceStratum(), r.ratio(), r.ratioLower(), r.ratioUpper(), r.imdEdition(), revision);
    }

    @Test
    void upsertTwiceGivesTheSameRows() throws Exception {
        List<PublishedRow> rows = AggregatesCsvTest.published();
        try (PostgresAggregateStore store = new PostgresAggregateStore(pg.jdbcUrl(), pg.user(), "")) {
            store.createSchema();
            store.createSchema(); // idempotent
            store.upsert(rows);
            Map<String, List<String>> first = table();
            assertThat(first).hasSize(rows.size());
            store.upsert(rows);
            assertThat(table()).isEqualTo(first);
        }
        // a value reads back as written, suppressed counts as '*', undefined values as NULL
        PublishedRow any = rows.stream().filter(r -> r.value() != null && r.lower() != null).findFirst()
                .orElseThrow();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT value, lower, numerator_count FROM equity_aggregates"
                     + " WHERE row_key = '" + any.key().replace("'", "''") + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getDouble("value")).isEqualTo(any.value());
            assertThat(rs.getDouble("lower")).isEqualTo(any.lower());
            assertThat(rs.getString("numerator_count")).isEqualTo(any.numeratorCount());
        }
        assertThat(table().toString()).doesNotContain(EquityAggregatorTest.P1).doesNotContain("pseudo-");
    }

    @Test
    void aLowerRevisionNeverOverwritesAHigherOne() throws Exception {
        PublishedRow base = AggregatesCsvTest.published().get(0);
        try (PostgresAggregateStore store = new PostgresAggregateStore(pg.jdbcUrl(), pg.user(), "")) {
            store.createSchema();
            store.upsert(List.of(withRevisionAndValue(base, 1, "10")));
            store.upsert(List.of(withRevisionAndValue(base, 3, "20")));
            assertThat(table().get(base.key())).contains("numerator_count=20", "revision=3");
            // a late, older revision arrives after the newer one: ignored
            store.upsert(List.of(withRevisionAndValue(base, 2, "15")));
            assertThat(table().get(base.key())).contains("numerator_count=20", "revision=3");
            // the same revision again (a replay) applies
            store.upsert(List.of(withRevisionAndValue(base, 3, "25")));
            assertThat(table().get(base.key())).contains("numerator_count=25", "revision=3");
            assertThat(table()).hasSize(1);
        }
    }

    /**
     * Adversarial probe 19a, D12 (fixed: a batch keeps only the highest revision of each key): a window re-emitted
     * within one checkpoint interval puts revisions 0 and 1 of a row in one sink batch; with pgjdbc's
     * {@code reWriteBatchedInserts=true} (its documented batch speed-up) the batch became one multi-row INSERT, which
     * PostgreSQL refused ("ON CONFLICT DO UPDATE command cannot affect row a second time"): the sink's flush failed,
     * and the job restarted into the same batch.
     */
    @Test
    void twoRevisionsOfOneRowInOneBatchStoreTheNewerEvenWhenTheDriverRewritesBatches() throws Exception {
        PublishedRow base = AggregatesCsvTest.published().get(0);
        String url = pg.jdbcUrl() + (pg.jdbcUrl().contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        try (PostgresAggregateStore store = new PostgresAggregateStore(url, pg.user(), "")) {
            store.createSchema();
            store.upsert(List.of(withRevisionAndValue(base, 0, "20"), withRevisionAndValue(base, 1, "25")));
        }
        assertThat(table().get(base.key())).contains("numerator_count=25", "revision=1");
        assertThat(table()).hasSize(1);
    }

    @Test
    void unreachableServerIsAClearError() {
        try (PostgresAggregateStore store = new PostgresAggregateStore("jdbc:postgresql://127.0.0.1:1/none",
                "postgres", "")) {
            assertThatThrownBy(store::createSchema).hasMessageContaining("cannot connect");
        }
    }
}
