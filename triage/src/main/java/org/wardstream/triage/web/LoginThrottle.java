package org.wardstream.triage.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing against one user name: after {@code maxFailures} failed sign-ins in a row (form or HTTP
 * Basic), each less than {@code lockout} after the one before, the name is locked for {@code lockout}: every
 * password, the right one too, is refused without being checked until the lock ends. A success ends the run of
 * failures. Names that are not users are counted the same way, so a lock says nothing about whether a user exists.
 * Kept in memory (a restart forgets it), bounded whatever is sent: at most {@link #MAX_NAMES} names are followed at
 * once (when as many are locked, the lock that ends first is dropped for a new name), and a name longer than any
 * user name ({@link #MAX_KEY} characters) is kept as its SHA-256, so a flood of long made-up names costs no more
 * than short ones. A lock lasts {@code lockout} from the failure that set it: refusals during it do not extend it.
 */
public final class LoginThrottle {
    public static final int DEFAULT_MAX_FAILURES = 5;
    public static final Duration DEFAULT_LOCKOUT = Duration.ofMinutes(15);
    static final int MAX_NAMES = 10_000;
    /** Longest name kept as typed (user names are at most 63 characters); longer ones are kept as a digest. */
    static final int MAX_KEY = 64;

    private record Failures(int count, Instant last, Instant lockedUntil) {
    }

    private final int maxFailures;
    private final Duration lockout;
    private final Clock clock;
    private final Map<String, Failures> byName = new ConcurrentHashMap<>();

    public LoginThrottle(int maxFailures, Duration lockout, Clock clock) {
        if (maxFailures < 1) throw new IllegalArgumentException("maxFailures must be at least 1: " + maxFailures);
        if (lockout.isNegative() || lockout.isZero()) throw new IllegalArgumentException("lockout must be positive: " + lockout);
        this.maxFailures = maxFailures;
        this.lockout = lockout;
        this.clock = clock;
    }

    public static LoginThrottle defaults() {
        return new LoginThrottle(DEFAULT_MAX_FAILURES, DEFAULT_LOCKOUT, Clock.systemUTC());
    }

    public int maxFailures() {
        return maxFailures;
    }

    public Duration lockout() {
        return lockout;
    }

    static String key(String username) {
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        if (name.length() <= MAX_KEY) return name;
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "#" + HexFormat.of().formatHex(d); // '#' is in no user name
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many names are followed now (for tests). */
    int size() {
        return byName.size();
    }

    /** The characters of the names followed now, together (for tests). */
    long keyChars() {
        return byName.keySet().stream().mapToLong(String::length).sum();
    }

    /** How long the name stays locked, or empty if a password may be checked now. */
    public Optional<Duration> locked(String username) {
        Failures f = byName.get(key(username));
        Instant now = clock.instant();
        if (f == null || f.lockedUntil() == null || !now.isBefore(f.lockedUntil())) return Optional.empty();
        return Optional.of(Duration.between(now, f.lockedUntil()));
    }

    /**
     * Counts a failed sign-in.
     *
     * @return true if this failure locked the name (the caller audits it)
     */
    public boolean failed(String username) {
        Instant now = clock.instant();
        String key = key(username);
        if (byName.size() >= MAX_NAMES && !byName.containsKey(key)) forgetExpired(now);
        Failures after = byName.compute(key, (k, f) -> {
            boolean runGoesOn = f != null && now.isBefore(f.last().plus(lockout))
                    && (f.lockedUntil() == null || now.isBefore(f.lockedUntil()));
            int count = runGoesOn ? f.count() + 1 : 1;
            Instant until = count >= maxFailures ? now.plus(lockout) : null;
            return new Failures(count, now, until);
        });
        return after.count() == maxFailures;
    }

    /** A successful sign-in ends the name's run of failures. */
    public void succeeded(String username) {
        byName.remove(key(username));
    }

    private void forgetExpired(Instant now) {
        byName.entrySet().removeIf(e -> !now.isBefore(e.getValue().last().plus(lockout))
                && (e.getValue().lockedUntil() == null || !now.isBefore(e.getValue().lockedUntil())));
        // still full (many names failing at once): forget the runs that have not reached a lock
        if (byName.size() >= MAX_NAMES) byName.entrySet().removeIf(e -> e.getValue().lockedUntil() == null);
        // still full (as many names locked): drop the locks that end first, so the map never grows past the bound
        while (byName.size() >= MAX_NAMES) {
            byName.entrySet().stream().min(java.util.Comparator.comparing(e -> e.getValue().lockedUntil(),
                            java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
                    .ifPresent(e -> byName.remove(e.getKey(), e.getValue()));
        }
    }
}
