package org.wardstream.triage.store;

import org.wardstream.triage.TriageUser;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan PostgreSQL chooses for the SQL a search sends ({@link TaskStore#searchIds}'s ids in order, or
 * {@link TaskStore#count}'s count), explained with its parameters bound: for the triage bench's plans at volume
 * (docs/BENCHMARKS.md, "Triage service") and the plan tests. With {@code analyze} the statement runs
 * ({@code EXPLAIN (ANALYZE, BUFFERS)}): read-only statements only, which a search's are.
 */
public final class QueryPlans {
    private QueryPlans() {
    }

    /** {@code EXPLAIN (FORMAT JSON[, ANALYZE, BUFFERS])} of a search's ids (first {@code limit}) or of its count. */
    public static String explain(Database db, TriageUser user, SearchQuery q, boolean ids, int limit, boolean analyze) {
        return db.tx(c -> {
            List<Object> params = new ArrayList<>();
            String where = q.where(user, params, c);
            String sql = ids ? TaskStore.idsSql(where, q) : TaskStore.countSql(where);
            if (ids) params.add(limit);
            try (PreparedStatement ps = c.prepareStatement("explain (format json" + (analyze ? ", analyze, buffers" : "")
                    + ") " + sql)) {
                TaskStore.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }
}
