package org.wardstream.triage.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** The audit log: every read and action, who, when, which resource, and whether it was allowed. */
public final class Audit {
    private final Database db;

    public Audit(Database db) {
        this.db = db;
    }

    /** Records one entry in its own transaction. */
    public void record(String username, String action, String resType, String resId, String detail, String outcome) {
        db.tx(c -> {
            record(c, username, action, resType, resId, detail, outcome);
            return null;
        });
    }

    /** Records one entry in the caller's transaction (an action and its audit row commit together). */
    public static void record(Connection c, String username, String action, String resType, String resId,
                              String detail, String outcome) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into audit_log (at, username, action, res_type, res_id,"
                + " detail, outcome) values (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setString(2, shownName(username));
            ps.setString(3, action);
            ps.setString(4, resType);
            ps.setString(5, resId);
            ps.setString(6, detail == null ? null : detail.length() > 2000 ? detail.substring(0, 2000) : detail);
            ps.setString(7, outcome);
            ps.executeUpdate();
        }
    }

    /** Longest user name an audit row keeps whole (user names are at most 63 characters). */
    static final int MAX_NAME = 64;

    /**
     * The user name an audit row keeps: a name typed at a failed sign-in can be anything, so one longer than any user
     * name keeps its first {@link #MAX_NAME} characters and says how long it was (a flood of failed sign-ins with
     * 200 kB names wrote 200 kB a row).
     */
    static String shownName(String username) {
        if (username == null) return "(anonymous)";
        if (username.length() <= MAX_NAME) return username;
        return username.substring(0, MAX_NAME) + "... (" + username.length() + " characters)";
    }
}
