package org.wardstream.triage.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.wardstream.embedded.EmbeddedPostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V5__last_updated_as_served.sql: a database written by a release before TaskStore.versionTime holds versions whose
 * last_updated column was rounded to the microsecond while their meta.lastUpdated was cut to the millisecond
 * (10:00:00.123999600 stored .124000, served .123): a _lastUpdated search of the served value missed them. After the
 * migration the columns hold the served time; a row already equal and a row whose JSON has no meta.lastUpdated are
 * left as they are.
 */
class LastUpdatedMigrationIT {
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) pg.close();
    }

    private static String json(String id, String lastUpdated) {
        return "{\"resourceType\":\"Task\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"1\""
                + (lastUpdated == null ? "" : ",\"lastUpdated\":\"" + lastUpdated + "\"") + "},\"status\":\"requested\"}";
    }

    @Test
    void earlierVersionsColumnsTakeTheTimeTheyAreServedWith() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), null)) {
            Flyway.configure().dataSource(pg.jdbcUrl(), pg.user(), null).locations("classpath:db/migration")
                    .target("4").load().migrate();
            // as an earlier release stored them: the column rounded up to the next millisecond, the JSON cut
            insertRow(c, "rounded", "2026-12-05T10:00:00.124Z", json("rounded", "2026-12-05T10:00:00.123+00:00"));
            insertRow(c, "equal", "2026-12-05T10:05:00.001Z", json("equal", "2026-12-05T10:05:00.001+00:00"));
            insertRow(c, "no-meta-time", "2026-12-05T10:10:00.000500Z", json("no-meta-time", null));

            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(pg.jdbcUrl());
            ds.setUser(pg.user());
            int ran = Database.migrate(ds);

            assertThat(ran).as("migrations run after V4 (V5, and V6's index)").isEqualTo(2);
            for (String table : List.of("resource", "resource_history")) {
                assertThat(columnTimes(c, table)).as(table).containsExactly(
                        "equal=2026-12-05T10:05:00.001Z",
                        "no-meta-time=2026-12-05T10:10:00.000500Z",
                        "rounded=2026-12-05T10:00:00.123Z");
            }
        }
    }

    private static void insertRow(Connection c, String id, String column, String json) throws Exception {
        Timestamp t = Timestamp.from(Instant.parse(column));
        try (PreparedStatement ps = c.prepareStatement("insert into resource (res_type, id, version, last_updated,"
                + " patient, json) values ('Task', ?, 1, ?, 'p-1', ?)")) {
            ps.setString(1, id);
            ps.setTimestamp(2, t);
            ps.setString(3, json);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("insert into resource_history (res_type, id, version,"
                + " last_updated, json) values ('Task', ?, 1, ?, ?)")) {
            ps.setString(1, id);
            ps.setTimestamp(2, t);
            ps.setString(3, json);
            ps.executeUpdate();
        }
    }

    private static List<String> columnTimes(Connection c, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, last_updated from " + table + " order by id")) {
            while (rs.next()) out.add(rs.getString(1) + "=" + rs.getTimestamp(2).toInstant());
        }
        return out;
    }
}
