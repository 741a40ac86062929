package org.wardstream.triage.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wardstream.embedded.EmbeddedPostgres;
import org.wardstream.triage.TriageUser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worklist's queries can be answered from an index in their own order (V2__open_task_indexes.sql): the SQL that
 * {@link TaskStore} sends, explained on the embedded PostgreSQL with sorting and sequential/bitmap scans priced out
 * ({@code enable_sort=off} etc. make them very costly, not impossible). If no index delivered the searches' order
 * (as with V1's index, built NULLS FIRST for an order the searches ask NULLS LAST), the plan would still need a Sort
 * node and read every open Task before returning the first page; with a matching index there is none. The table's
 * size does not matter for this: the question is only whether such an index exists and matches the SQL.
 */
class OpenTaskQueryPlanIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> OPEN = List.of("requested", "accepted", "in-progress");
    private static EmbeddedPostgres pg;
    private static Database db;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.start();
        db = Database.open(pg.jdbcUrl(), pg.user(), null, 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) db.close();
        if (pg != null) pg.close();
    }

    private static final TriageUser CLINICIAN = new TriageUser("c", TriageUser.Role.CLINICIAN, Set.of("cardiac-a"));
    private static final TriageUser TWO_PROGRAMMES = new TriageUser("c2", TriageUser.Role.CLINICIAN,
            Set.of("cardiac-a", "frailty-b"));
    private static final TriageUser ADMIN = new TriageUser("a", TriageUser.Role.ADMINISTRATOR, Set.of());

    /**
     * The statuses the worklist asks for: every open status (a FHIR client's worklist query), and the page's two
     * queries, the alerts nobody has acknowledged and those acknowledged (worklist.js api.worklist, probe 20b D5).
     */
    private static final List<List<String>> WORKLIST_STATUSES = List.of(OPEN, List.of("requested"),
            List.of("accepted", "in-progress"));

    /** The worklist's order (TaskProvider: _sort=-priority,authored-on). */
    private static SearchQuery worklist() {
        return worklist(OPEN);
    }

    private static SearchQuery worklist(List<String> statuses) {
        return new SearchQuery("Task").anyOf("status", statuses).orderBy("priority_rank", true).orderBy("authored_on", false);
    }

    /**
     * EXPLAIN (FORMAT JSON) of the statement with its parameters bound, under the given planner settings: the ids of
     * the matches in order (a search's snapshot, {@code page}) or their count.
     */
    private static JsonNode plan(TriageUser user, SearchQuery q, boolean page) {
        return db.tx(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("set local enable_seqscan = off");
                st.execute("set local enable_bitmapscan = off");
                st.execute("set local enable_sort = off");
                st.execute("set local enable_incremental_sort = off");
            }
            List<Object> params = new ArrayList<>();
            String where = q.where(user, params, c);
            String sql = page ? TaskStore.idsSql(where, q) : TaskStore.countSql(where);
            if (page) params.add(10_001);
            try (PreparedStatement ps = c.prepareStatement("explain (format json) " + sql)) {
                TaskStore.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return JSON.readTree(rs.getString(1)).get(0).get("Plan");
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    /** Every node type in the plan, depth first ("Limit", "Index Scan", ...), with the index it uses if any. */
    private static List<String> nodes(JsonNode plan) {
        List<String> out = new ArrayList<>();
        out.add(plan.get("Node Type").asText() + (plan.has("Index Name") ? " " + plan.get("Index Name").asText() : ""));
        if (plan.has("Plans")) for (JsonNode child : plan.get("Plans")) out.addAll(nodes(child));
        return out;
    }

    /** An index scan, or an index-only scan (the ids of a search's matches may come from the index alone). */
    private static boolean readsAnIndex(String node) {
        return node.startsWith("Index Scan") || node.startsWith("Index Only Scan");
    }

    @Test
    void theWorklistOfAOneProgrammeClinicianIsReadInIndexOrderWithoutASort() {
        for (List<String> statuses : WORKLIST_STATUSES) {
            List<String> n = nodes(plan(CLINICIAN, worklist(statuses), true));
            assertThat(n).as("plan for %s: %s", statuses, n).noneMatch(s -> s.contains("Sort"))
                    .anyMatch(OpenTaskQueryPlanIT::readsAnIndex);
        }
    }

    @Test
    void theWorklistOfAUserOfSeveralOrAllProgrammesIsReadInIndexOrderWithoutASort() {
        for (TriageUser u : List.of(TWO_PROGRAMMES, ADMIN)) {
            for (List<String> statuses : WORKLIST_STATUSES) {
                List<String> n = nodes(plan(u, worklist(statuses), true));
                assertThat(n).as("plan for %s, %s: %s", u.username(), statuses, n).noneMatch(s -> s.contains("Sort"))
                        .anyMatch(OpenTaskQueryPlanIT::readsAnIndex);
            }
        }
    }

    @Test
    void theOpenTasksOfOneTypeAreReadInIndexOrderAndCountedFromTheIndexAlone() {
        SearchQuery byType = worklist().anyOf("episode_type", List.of("pause"));
        List<String> page = nodes(plan(CLINICIAN, byType, true));
        assertThat(page).as("plan %s", page).noneMatch(s -> s.contains("Sort")).anyMatch(OpenTaskQueryPlanIT::readsAnIndex);
        SearchQuery requestedOfType = new SearchQuery("Task").anyOf("status", List.of("requested"))
                .anyOf("episode_type", List.of("pause"));
        List<String> count = nodes(plan(CLINICIAN, requestedOfType, false));
        assertThat(count).as("count plan %s", count).anyMatch(s -> s.startsWith("Index Only Scan"));
    }

    /**
     * The page's search of the alerts an escalation re-opened ({@code status=requested&flagged=true}, worklist.js
     * api.worklist since session 22) reads only flagged open Tasks (V6__open_flagged_index.sql): no scan that filters
     * the flag out of every open Task's row, which without that index it did at every refresh of every open page.
     */
    @Test
    void theReopenedAlertsAreReadWithoutReadingEveryOpenTask() {
        SearchQuery reopened = worklist(List.of("requested")).anyOf("flagged", List.of(true));
        for (TriageUser u : List.of(CLINICIAN, TWO_PROGRAMMES, ADMIN)) {
            for (boolean page : List.of(true, false)) {
                JsonNode plan = plan(u, reopened, page);
                List<String> n = nodes(plan);
                assertThat(n).as("plan for %s (%s): %s", u.username(), page ? "ids" : "count", n)
                        .noneMatch(s -> s.contains("Sort")).anyMatch(OpenTaskQueryPlanIT::readsAnIndex);
                assertThat(filters(plan)).as("filters of the plan for %s (%s): %s", u.username(), page ? "ids" : "count", n)
                        .noneMatch(f -> f.contains("flagged"));
            }
        }
    }

    /**
     * The page's count of open alerts of urgent priority or above ({@code status=requested,accepted,in-progress&priority=
     * stat,asap,urgent&_summary=count}, worklist.js api.urgentCount since session 22, with or without the type filter),
     * as TaskProvider builds it ({@link SearchQuery#priorities}), is counted from an index alone: the priority is found
     * through the index, not checked on every open Task's row. On the {@code priority} column, which no index holds,
     * the count read every open Task's row (100,000 open: docs/BENCHMARKS.md, "Session 23").
     */
    @Test
    void theUrgentCountIsTakenFromAnIndexAlone() {
        for (List<String> types : List.of(List.<String>of(), List.of("pause"))) {
            SearchQuery urgent = new SearchQuery("Task").anyOf("status", OPEN).priorities(List.of("stat", "asap", "urgent"))
                    .anyOf("episode_type", types);
            for (TriageUser u : List.of(CLINICIAN, TWO_PROGRAMMES, ADMIN)) {
                JsonNode plan = plan(u, urgent, false);
                List<String> n = nodes(plan);
                assertThat(n).as("count plan for %s, types %s: %s", u.username(), types, n)
                        .anyMatch(s -> s.startsWith("Index Only Scan"));
                assertThat(filters(plan)).as("filters of the count plan for %s, types %s: %s", u.username(), types, n)
                        .noneMatch(f -> f.contains("priority"));
            }
        }
    }

    /** Every filter in the plan (conditions checked on each row a scan reads, not found through the index). */
    private static List<String> filters(JsonNode plan) {
        List<String> out = new ArrayList<>();
        if (plan.has("Filter")) out.add(plan.get("Filter").asText());
        if (plan.has("Plans")) for (JsonNode child : plan.get("Plans")) out.addAll(filters(child));
        return out;
    }

    @Test
    void theWorklistCountIsTakenFromAnIndexAlone() {
        for (TriageUser u : List.of(CLINICIAN, TWO_PROGRAMMES, ADMIN)) {
            for (List<String> statuses : WORKLIST_STATUSES) {
                List<String> n = nodes(plan(u, worklist(statuses), false));
                assertThat(n).as("count plan for %s, %s: %s", u.username(), statuses, n)
                        .anyMatch(s -> s.startsWith("Index Only Scan"));
            }
        }
    }
}
