package org.wardstream.equity.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wardstream.equity.disclosure.PublishedRow;

/**
 * Adversarial probe 19a, D5 (the probe's {@code Probe19aRecomputationTest}, kept as the first test): a recomputation
 * ({@code EquityMetricsJob --bounded}) never replaced the live job's figures in PostgreSQL. Revisions count
 * re-emissions within one run and restart at 0, and the upsert kept a row unless the new revision was at least the
 * stored one: the live job's March at revision 2 kept its wrong figures after the corrected recomputation (revision
 * 0), silently, while the compacted topic took the corrected ones. Now a row's (generation, revision) orders it: the
 * live job writes generation 0, a recomputation its submission time for the windows final when it was submitted.
 * Against a real PostgreSQL 17.
 */
class RecomputationTest extends PostgresTableTest {
    static final LocalDate MAR = LocalDate.of(2026, 3, 1);
    static final LocalDate APR = LocalDate.of(2026, 4, 1);
    static final LocalDate MAY = LocalDate.of(2026, 5, 1);
    /** Submitted on 10 April: March is final (allowed lateness 24 h), April is in progress. */
    static final Recomputation APRIL_10 = new Recomputation(Instant.parse("2026-04-10T08:00:00Z"), Duration.ofHours(24),
            null);

    static PostgresAggregateStore live() {
        return new PostgresAggregateStore(pg.jdbcUrl(), pg.user(), "");
    }

    static PostgresAggregateStore recomputation(Recomputation r) {
        return new PostgresAggregateStore(pg.jdbcUrl(), pg.user(), "", r);
    }

    static PublishedRow base() {
        return AggregatesCsvTest.published().get(0);
    }

    /** The base row moved to another window and stratum, with a revision and a numerator. */
    static PublishedRow row(LocalDate start, LocalDate end, String stratum, int revision, String numerator) {
        PublishedRow r = base();
        return new PublishedRow(r.programme(), start, end, r.granularity(), r.dimension(), stratum, r.measure(),
                r.method(), numerator, r.denominatorCount(), r.value(), r.lower(), r.upper(), r.referenceStratum(),
                r.ratio(), r.ratioLower(), r.ratioUpper(), r.imdEdition(), revision);
    }

    static PublishedRow march(int revision, String numerator) {
        return row(MAR, APR, base().stratum(), revision, numerator);
    }

    /** numerator_count of a key in the table (null when absent). */
    static String stored(PublishedRow r) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT numerator_count FROM equity_aggregates WHERE row_key = '"
                     + r.key().replace("'", "''") + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The readers' view: stratum=numerator_count@revision of every row of one window, by stratum. */
    static List<String> current(LocalDate windowStart) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stratum, numerator_count, revision FROM equity_aggregates_current"
                     + " WHERE window_start = DATE '" + windowStart + "' ORDER BY stratum")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "=" + rs.getString(2) + "@" + rs.getInt(3));
            }
        }
        return out;
    }

    @Test
    void aRecomputedWindowReplacesTheLiveJobsFigures() throws Exception {
        try (PostgresAggregateStore store = live()) {
            store.createSchema();
            // the live job: March published, then re-emitted twice after late uploads
            store.upsert(List.of(march(0, "20")));
            store.upsert(List.of(march(1, "20")));
            store.upsert(List.of(march(2, "20")));
        }
        try (PostgresAggregateStore store = recomputation(APRIL_10)) {
            store.createSchema();
            // the recomputation after the enrolments were corrected: a new run, so revision 0 again
            store.upsert(List.of(march(0, "35")));
        }
        System.out.println("after the recomputation the table holds numerator_count " + stored(march(0, "")));
        assertThat(stored(march(0, ""))).as("the recomputed (corrected) figure, which the compacted topic holds too")
                .isEqualTo("35");
    }

    @Test
    void theLiveJobsStaleReEmissionNeverReplacesTheRecomputationButALaterRecomputationDoes() throws Exception {
        try (PostgresAggregateStore store = live()) {
            store.createSchema();
            store.upsert(List.of(march(2, "20")));
        }
        try (PostgresAggregateStore store = recomputation(APRIL_10)) {
            store.upsert(List.of(march(0, "35")));
        }
        try (PostgresAggregateStore store = live()) {
            // the live job re-emits March from its uncorrected state (a replay after a restart, a late revision)
            store.upsert(List.of(march(3, "20")));
        }
        assertThat(stored(march(0, ""))).isEqualTo("35");
        Recomputation later = new Recomputation(APRIL_10.submittedAt().plus(Duration.ofDays(2)),
                APRIL_10.allowedLateness(), null);
        try (PostgresAggregateStore store = recomputation(later)) {
            store.upsert(List.of(march(0, "40")));
        }
        assertThat(stored(march(0, ""))).isEqualTo("40");
        try (PostgresAggregateStore store = recomputation(APRIL_10)) {
            store.upsert(List.of(march(1, "35"))); // the earlier recomputation retried after a failure: too old
        }
        assertThat(stored(march(0, ""))).isEqualTo("40");
    }

    @Test
    void theLiveJobCompletesTheMonthTheRecomputationLeftUnfinishedAndWritesNewerWindows() throws Exception {
        try (PostgresAggregateStore store = recomputation(APRIL_10)) {
            store.createSchema();
            // a bounded run emits every open window at the end of its input: April with 10 of its 30 days
            store.upsert(List.of(march(0, "35"), row(APR, MAY, base().stratum(), 0, "5")));
        }
        try (PostgresAggregateStore store = live()) {
            // the live job emits April at its end, and later May
            store.upsert(List.of(row(APR, MAY, base().stratum(), 0, "30")));
            store.upsert(List.of(row(MAY, LocalDate.of(2026, 6, 1), base().stratum(), 0, "25")));
        }
        assertThat(stored(row(APR, MAY, base().stratum(), 0, ""))).isEqualTo("30");
        assertThat(stored(row(MAY, LocalDate.of(2026, 6, 1), base().stratum(), 0, ""))).isEqualTo("25");
        assertThat(stored(march(0, ""))).isEqualTo("35");
    }

    @Test
    void windowsBeforeTheRecomputationsFirstAreLeftAsTheLiveJobWroteThem() throws Exception {
        try (PostgresAggregateStore store = live()) {
            store.createSchema();
            store.upsert(List.of(march(2, "20")));
        }
        // device-events retains 35 days: a recomputation on 10 April sees only the end of March
        Recomputation fromApril = new Recomputation(APRIL_10.submittedAt(), APRIL_10.allowedLateness(), APR);
        try (PostgresAggregateStore store = recomputation(fromApril)) {
            store.upsert(List.of(march(0, "3"), row(APR, MAY, base().stratum(), 0, "5")));
        }
        assertThat(stored(march(0, ""))).isEqualTo("20");
        assertThat(stored(row(APR, MAY, base().stratum(), 0, ""))).isEqualTo("5");
    }

    @Test
    void theViewShowsOneRowPerStratumFromEachWindowsNewestComputation() throws Exception {
        try (PostgresAggregateStore store = live()) {
            store.createSchema();
            store.upsert(List.of(row(MAR, APR, "A", 2, "20"), row(MAR, APR, "B", 2, "10")));
        }
        // corrected enrolments move stratum B's patients to A: the recomputation has no row for B
        try (PostgresAggregateStore store = recomputation(APRIL_10)) {
            store.upsert(List.of(row(MAR, APR, "A", 0, "30")));
        }
        assertThat(current(MAR)).containsExactly("A=30@0");
        // the table keeps B's old row under its key; the view leaves it out
        assertThat(stored(row(MAR, APR, "B", 0, ""))).isEqualTo("10");
    }

    @Test
    void aTableFromBeforeTheGenerationColumnIsMigratedAndItsRowsAreTheLiveJobs() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : resource("/db/equity-aggregates-before-generation.sql").replaceAll("(?m)--.*$", "")
                    .split(";")) {
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // a row the earlier release's live job wrote (no generation column)
            PublishedRow m = march(2, "20");
            s.execute("INSERT INTO equity_aggregates (row_key, programme, window_start, window_end, granularity,"
                    + " dimension, stratum, measure, method, numerator_count, denominator_count, revision) VALUES ('"
                    + m.key().replace("'", "''") + "', '" + m.programme() + "', DATE '" + MAR + "', DATE '" + APR
                    + "', '" + m.granularity() + "', '" + m.dimension() + "', '" + m.stratum().replace("'", "''")
                    + "', '" + m.measure() + "', '" + m.method() + "', '20', '" + m.denominatorCount() + "', 2)");
        }
        try (PostgresAggregateStore store = recomputation(APRIL_10)) {
            store.createSchema();
            store.createSchema(); // idempotent
        }
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT numerator_count, revision, generation FROM equity_aggregates")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1) + "@" + rs.getInt(2) + " generation " + rs.getLong(3))
                    .isEqualTo("20@2 generation 0");
        }
        try (PostgresAggregateStore store = recomputation(APRIL_10)) {
            store.upsert(List.of(march(0, "35")));
        }
        assertThat(stored(march(0, ""))).isEqualTo("35");
        assertThat(current(MAR)).containsExactly(base().stratum() + "=35@0");
    }

    /** docs/RUNBOOK.md, "Recompute the equity aggregates": the view exported as CSV is what {@code report} reads. */
    @Test
    void theViewExportedAsTheRunbookSaysReadsAsAnAggregatesCsv() throws Exception {
        List<PublishedRow> recomputed = AggregatesCsvTest.published().stream()
                .map(r -> new PublishedRow(r.programme(), r.windowStart(), r.windowEnd(), r.granularity(),
                        r.dimension(), r.stratum(), r.measure(), r.method(), r.numeratorCount(),
                        r.denominatorCount(), r.value(), r.lower(), r.upper(), r.referenceStratum(), r.ratio(),
                        r.ratioLower(), r.ratioUpper(), r.imdEdition(), 0))
                .toList();
        try (PostgresAggregateStore store = live()) {
            store.createSchema();
            store.upsert(List.of(march(2, "20"), row(MAR, APR, "emptied-by-the-correction", 2, "10")));
        }
        try (PostgresAggregateStore store = recomputation(APRIL_10)) {
            store.upsert(recomputed);
        }
        java.nio.file.Path csv = java.nio.file.Files.createTempFile("equity-view", ".csv");
        try (Connection c = connect(); java.io.Writer w = java.nio.file.Files.newBufferedWriter(csv)) {
            new org.postgresql.copy.CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class)).copyOut(
                    "COPY (SELECT " + String.join(", ", PublishedRow.COLUMNS) + " FROM equity_aggregates_current"
                            + " ORDER BY row_key) TO STDOUT CSV HEADER", w);
        }
        try {
            // with the recomputation's generation, as on the topic (the CSV's generation column)
            assertThat(AggregatesCsv.read(csv)).containsExactlyInAnyOrderElementsOf(
                    recomputed.stream().map(APRIL_10::stamp).toList());
        } finally {
            java.nio.file.Files.delete(csv);
        }
    }

    static String resource(String name) throws Exception {
        try (InputStream in = RecomputationTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
