package org.wardstream.triage.store;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.wardstream.triage.TriageUser;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Users, their role and programmes, passwords (bcrypt, Bouncy Castle's {@link OpenBSDBCrypt}: the standard
 * {@code $2y$} format) and API bearer tokens (256-bit random; only their SHA-256 is stored).
 *
 * <p>HTTP Basic requests would pay a bcrypt verification each; a successful verification is remembered for
 * {@link #BASIC_CACHE_MS} under an HMAC-like digest keyed by a per-process random secret (the password itself is
 * never kept).
 */
public final class Users {
    public static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,62}");
    public static final Pattern PROGRAMME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    public static final int MIN_PASSWORD_LENGTH = 12;
    static final long BASIC_CACHE_MS = 5 * 60_000L;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final int cost;
    private final byte[] cacheSecret = new byte[32];
    private final ConcurrentHashMap<String, Long> verified = new ConcurrentHashMap<>();
    /** Verified against when the user does not exist, so a missing user costs the same time as a wrong password. */
    private final String dummyHash;
    private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();

    public Users(Database db, int bcryptCost) {
        this.db = db;
        this.cost = bcryptCost;
        RANDOM.nextBytes(cacheSecret);
        this.dummyHash = OpenBSDBCrypt.generate("2y", "not-a-password".toCharArray(), salt(), bcryptCost);
    }

    /**
     * What {@link #add} did to an existing user's API tokens and account: {@code created} when there was no user of
     * that name; otherwise the tokens kept or removed, and whether the account stays disabled.
     */
    public record Saved(boolean created, int tokensKept, int tokensRemoved, boolean disabled, boolean passwordKept) {
    }

    /** {@link #add(String, TriageUser.Role, Set, char[], boolean, boolean)} keeping a replaced user's API tokens. */
    public Saved add(String username, TriageUser.Role role, Set<String> programmes, char[] password, boolean replace) {
        return add(username, role, programmes, password, replace, false);
    }

    /**
     * Creates a user or, with {@code replace}, changes an existing one in place: its password, role and programme
     * list are replaced; its API tokens are kept unless {@code revokeTokens}, and it keeps its creation time and its
     * disabled state ({@link #enable} re-enables). (It used to be deleted and inserted again, which removed every
     * API token, re-enabled a disabled user and reset its creation time: probe 18b D2.) A null {@code password} with
     * {@code replace} keeps the stored password hash ({@link Saved#passwordKept}); a new user needs a password.
     *
     * @throws IllegalArgumentException for a bad name, role, programme, a password under {@link #MIN_PASSWORD_LENGTH}
     *                                  characters (or none for a new user, or without {@code replace}), a clinician or viewer without programmes, or an existing user
     *                                  without {@code replace}
     */
    public Saved add(String username, TriageUser.Role role, Set<String> programmes, char[] password, boolean replace,
                     boolean revokeTokens) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("user name must be 2-63 of a-z 0-9 . _ - (lower case): '" + username + "'");
        }
        for (String p : programmes) {
            if (!PROGRAMME.matcher(p).matches()) throw new IllegalArgumentException("bad programme code: '" + p + "'");
        }
        if (role != TriageUser.Role.ADMINISTRATOR && programmes.isEmpty()) {
            throw new IllegalArgumentException("a " + role.code() + " needs at least one programme");
        }
        if (password == null && !replace) throw new IllegalArgumentException("a new user needs a password");
        if (password != null && password.length < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("the password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        String hash = password == null ? null : OpenBSDBCrypt.generate("2y", password, salt(), cost);
        Saved saved = db.tx(c -> {
            Saved s;
            Boolean disabled = null;
            try (PreparedStatement ps = c.prepareStatement("select disabled from app_user where username = ? for update")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) disabled = rs.getBoolean(1);
                }
            }
            if (disabled != null) {
                if (!replace) throw new IllegalArgumentException("user '" + username + "' exists (replace it to change it)");
                try (PreparedStatement u = c.prepareStatement(
                        "update app_user set password_hash = coalesce(?, password_hash), role = ? where username = ?");
                     PreparedStatement d = c.prepareStatement("delete from user_programme where username = ?")) {
                    u.setString(1, hash);
                    u.setString(2, role.code());
                    u.setString(3, username);
                    u.executeUpdate();
                    d.setString(1, username);
                    d.executeUpdate();
                }
                int tokens;
                try (PreparedStatement t = c.prepareStatement(revokeTokens ? "delete from api_token where username = ?"
                        : "select count(*) from api_token where username = ?")) {
                    t.setString(1, username);
                    if (revokeTokens) {
                        tokens = t.executeUpdate();
                    } else {
                        try (ResultSet rs = t.executeQuery()) {
                            rs.next();
                            tokens = rs.getInt(1);
                        }
                    }
                }
                s = new Saved(false, revokeTokens ? 0 : tokens, revokeTokens ? tokens : 0, disabled, hash == null);
            } else {
                if (hash == null) {
                    throw new IllegalArgumentException("user '" + username + "' does not exist: a new user needs a password");
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into app_user (username, password_hash, role, created_at) values (?, ?, ?, ?)"
                                + " on conflict (username) do nothing")) {
                    ps.setString(1, username);
                    ps.setString(2, hash);
                    ps.setString(3, role.code());
                    ps.setTimestamp(4, Timestamp.from(Instant.now()));
                    if (ps.executeUpdate() == 0) {
                        throw new IllegalArgumentException("user '" + username + "' exists (replace it to change it)");
                    }
                }
                s = new Saved(true, 0, 0, false, false);
            }
            try (PreparedStatement ps = c.prepareStatement("insert into user_programme (username, programme) values (?, ?)")) {
                for (String p : programmes) {
                    ps.setString(1, username);
                    ps.setString(2, p);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return s;
        });
        verified.clear();
        changed(username);
        return saved;
    }

    /** The programmes the service's enrolments name (any status), sorted: what a user's programme codes can match. */
    public java.util.SortedSet<String> enrolledProgrammes() {
        return db.tx(c -> {
            java.util.SortedSet<String> known = new java.util.TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("select distinct programme from enrolment");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) known.add(rs.getString(1));
            }
            return known;
        });
    }

    /**
     * Of {@code programmes}, those that no enrolment the service has read names (any status), sorted: a worklist of
     * only these is empty because nobody is enrolled, not because the ward is quiet. One primary-key probe each.
     */
    public java.util.SortedSet<String> withoutEnrolment(Set<String> programmes) {
        if (programmes.isEmpty()) return new java.util.TreeSet<>();
        return db.tx(c -> {
            java.util.SortedSet<String> none = new java.util.TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("select exists (select 1 from enrolment where programme = ?)")) {
                for (String p : programmes) {
                    ps.setString(1, p);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && !rs.getBoolean(1)) none.add(p);
                    }
                }
            }
            return none;
        });
    }

    /** Whether a user of that name exists (enabled or not). */
    public boolean exists(String username) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("select 1 from app_user where username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The programmes a user (enabled or not) has now; empty for no such user. */
    public Set<String> programmesOf(String username) {
        return db.tx(c -> {
            Set<String> held = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("select programme from user_programme where username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) held.add(rs.getString(1));
                }
            }
            return held;
        });
    }

    /** The user if the name and password match an enabled account. */
    public Optional<TriageUser> authenticate(String username, char[] password) {
        if (username == null || password == null) return Optional.empty();
        String cacheKey = cacheKey(username, password);
        Long until = verified.get(cacheKey);
        if (until != null && until > System.currentTimeMillis()) return find(username);
        String hash = db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select password_hash from app_user where username = ? and not disabled")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        boolean ok = OpenBSDBCrypt.checkPassword(hash == null ? dummyHash : hash, password) && hash != null;
        if (!ok) return Optional.empty();
        if (verified.size() > 10_000) verified.clear(); // bounded: it only saves bcrypt work
        verified.put(cacheKey, System.currentTimeMillis() + BASIC_CACHE_MS);
        return find(username);
    }

    /** The enabled user with that name. */
    public Optional<TriageUser> find(String username) {
        return db.tx(c -> find(c, username));
    }

    static Optional<TriageUser> find(Connection c, String username) throws SQLException {
        TriageUser.Role role;
        try (PreparedStatement ps = c.prepareStatement("select role from app_user where username = ? and not disabled")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                role = TriageUser.Role.of(rs.getString(1));
            }
        }
        Set<String> programmes = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select programme from user_programme where username = ? order by programme")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) programmes.add(rs.getString(1));
            }
        }
        return Optional.of(new TriageUser(username, role, programmes));
    }

    /** A new API bearer token for the user (shown once; only its SHA-256 is stored). */
    public String createToken(String username, String label) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "wst_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        db.tx(c -> {
            if (find(c, username).isEmpty()) throw new IllegalArgumentException("no user '" + username + "'");
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into api_token (token_sha256, username, label, created_at) values (?, ?, ?, ?)")) {
                ps.setString(1, sha256(token));
                ps.setString(2, username);
                ps.setString(3, label == null ? "" : label);
                ps.setTimestamp(4, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            }
            return null;
        });
        return token;
    }

    /** The user a bearer token belongs to. */
    public Optional<TriageUser> byToken(String token) {
        if (token == null || token.isBlank()) return Optional.empty();
        return db.tx(c -> {
            String user;
            try (PreparedStatement ps = c.prepareStatement("select username from api_token where token_sha256 = ?")) {
                ps.setString(1, sha256(token));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    user = rs.getString(1);
                }
            }
            return find(c, user);
        });
    }

    /** Disables a user (kept for the audit trail) and removes its tokens. */
    public boolean disable(String username) {
        boolean done = db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("update app_user set disabled = true where username = ?");
                 PreparedStatement t = c.prepareStatement("delete from api_token where username = ?")) {
                ps.setString(1, username);
                t.setString(1, username);
                t.executeUpdate();
                return ps.executeUpdate() > 0;
            }
        });
        verified.clear();
        changed(username);
        return done;
    }

    /** Re-enables a disabled user (its tokens were removed when it was disabled; issue new ones). */
    public boolean enable(String username) {
        boolean done = db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("update app_user set disabled = false where username = ?")) {
                ps.setString(1, username);
                return ps.executeUpdate() > 0;
            }
        });
        verified.clear();
        changed(username);
        return done;
    }

    /**
     * Calls the listener with the user name after each change of a user made through this object (its role,
     * programmes or password replaced, or the user disabled), once the change is committed. Changes made by another
     * process (the {@code triage users} command on the same database) are not seen here: whoever keeps a user's
     * rights must also read them again after a while.
     */
    public void onChange(Consumer<String> listener) {
        changeListeners.add(listener);
    }

    private void changed(String username) {
        for (Consumer<String> l : changeListeners) l.accept(username);
    }

    private String cacheKey(String username, char[] password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(cacheSecret);
            md.update(username.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(new String(password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] salt() {
        byte[] s = new byte[16];
        RANDOM.nextBytes(s);
        return s;
    }
}
