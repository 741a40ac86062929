package org.wardstream.triage.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing against one user name: after {@code maxFailures} failed sign-ins in a row (form or HTTP
 * Basic), each less than {@code lockout} after the one before, the name is locked for {@code lockout}: every
 * password, the right one too, is refused without being checked until the lock ends. A success ends the run of
 * failures. Names that are not users are counted the same way, so a lock says nothing about whether a user exists.
 * Kept in memory (a restart forgets it); at most {@link #MAX_NAMES} names are followed at once.
 */
public final class LoginThrottle {
    public static final int DEFAULT_MAX_FAILURES = 5;
    public static final Duration DEFAULT_LOCKOUT = Duration.ofMinutes(15);
    static final int MAX_NAMES = 10_000;

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

    private static String key(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
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
        if (byName.size() >= MAX_NAMES) forgetExpired(now);
        Failures after = byName.compute(key(username), (k, f) -> {
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
    }
}
