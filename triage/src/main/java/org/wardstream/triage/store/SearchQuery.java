package org.wardstream.triage.store;

import org.wardstream.triage.TriageUser;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A search over the current versions of one resource type: conditions on the indexed columns (whitelisted names,
 * values always bound as parameters), the order, and the user's programme restriction added by {@link #where}.
 */
public final class SearchQuery {
    private static final Set<String> COLUMNS = Set.of("id", "patient", "programme", "episode_type", "status",
            "priority", "priority_rank", "authored_on", "last_updated", "flagged", "target_task");

    private final String type;
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();
    private final List<String> orders = new ArrayList<>();
    private final List<String> described = new ArrayList<>();

    public SearchQuery(String type) {
        this.type = type;
    }

    public String type() {
        return type;
    }

    private static String column(String c) {
        if (!COLUMNS.contains(c)) throw new IllegalArgumentException("not a searchable column: " + c);
        return c;
    }

    /** column = one of the values (no condition for an empty collection). */
    public SearchQuery anyOf(String col, Collection<?> values) {
        if (values == null || values.isEmpty()) return this;
        List<String> marks = new ArrayList<>();
        for (Object v : values) {
            marks.add("?");
            params.add(v);
        }
        conditions.add(column(col) + " in (" + String.join(", ", marks) + ")");
        described.add(col + "=" + values);
        return this;
    }

    /**
     * Task priority = one of the codes ({@code routine}, {@code urgent}, {@code asap}, {@code stat}), searched on
     * {@code priority_rank}, the same value as a number ({@link TaskStore#priorityRank}; both columns are written
     * together from the Task's priority), which V2's open-Task indexes hold right after the programme (and the type).
     * On the {@code priority} column, which no index holds, the worklist page's count of open alerts of urgent priority
     * or above read every open Task's row to check the column (docs/BENCHMARKS.md, "Session 23"); on the rank it is
     * counted from the index alone. A code that is no priority matches nothing, as it did on the column.
     */
    public SearchQuery priorities(Collection<String> codes) {
        if (codes == null || codes.isEmpty()) return this;
        List<Integer> ranks = new ArrayList<>();
        for (String code : codes) {
            Integer rank = TaskStore.priorityRank(code);
            if (rank != null && !ranks.contains(rank)) ranks.add(rank);
        }
        return ranks.isEmpty() ? none("priority: no priority code in " + codes) : anyOf("priority_rank", ranks);
    }

    /** Nothing matches (a value that cannot match, e.g. a code of another system); {@code why} for the audit log. */
    public SearchQuery none(String why) {
        conditions.add("1 = 0");
        described.add("none(" + why + ")");
        return this;
    }

    /** Outside a time range: before {@code from} or at/after {@code to} (FHIR's {@code ne} on a date). */
    public SearchQuery outside(String col, Instant from, Instant to) {
        conditions.add("(" + column(col) + " < ? or " + column(col) + " >= ?)");
        params.add(from);
        params.add(to);
        described.add(col + " not in [" + from + ", " + to + ")");
        return this;
    }

    /** A time range; either bound may be null. */
    public SearchQuery range(String col, Instant lower, boolean lowerInclusive, Instant upper, boolean upperInclusive) {
        if (lower != null) {
            conditions.add(column(col) + (lowerInclusive ? " >= ?" : " > ?"));
            params.add(lower);
            described.add(col + (lowerInclusive ? ">=" : ">") + lower);
        }
        if (upper != null) {
            conditions.add(column(col) + (upperInclusive ? " <= ?" : " < ?"));
            params.add(upper);
            described.add(col + (upperInclusive ? "<=" : "<") + upper);
        }
        return this;
    }

    /** Adds an order: a column, ascending or descending (nulls last). */
    public SearchQuery orderBy(String col, boolean descending) {
        orders.add(column(col) + (descending ? " desc nulls last" : " asc nulls last"));
        return this;
    }

    /** The WHERE clause (type, conditions, the user's programmes); its parameters are appended to {@code out}. */
    String where(TriageUser user, List<Object> out, Connection c) throws SQLException {
        StringBuilder sb = new StringBuilder("res_type = ?");
        out.add(type);
        for (String cond : conditions) sb.append(" and ").append(cond);
        out.addAll(params);
        Set<String> visible = user.visibleProgrammes();
        if (visible != null && visible.size() == 1) {
            // an equality, not "= any(array)": PostgreSQL can then read resource_open_programme (V2) in the worklist's
            // order for this programme alone; "= any" with one element matches the same rows but is not an equality
            // to the planner, which then reads the open Tasks of every programme in order and filters them
            sb.append(" and programme = ?");
            out.add(visible.iterator().next());
        } else if (visible != null) {
            sb.append(" and programme = any(?)");
            out.add(c.createArrayOf("text", visible.toArray()));
        }
        return sb.toString();
    }

    String orderBy() {
        List<String> o = new ArrayList<>(orders);
        o.add("id asc");
        return String.join(", ", o);
    }

    /** For the audit log: what was asked (no values beyond the request's own). */
    public String describe() {
        return type + "?" + String.join("&", described);
    }
}
