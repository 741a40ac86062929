package org.wardstream.triage.web;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-05T03:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(10), clock);

    @Test
    void theThirdFailureInARowLocksTheNameForTheLockoutAndOnlyThatName() {
        assertThat(throttle.failed("clinician-a")).isFalse();
        assertThat(throttle.failed("Clinician-A ")).as("the same name, as typed").isFalse();
        assertThat(throttle.locked("clinician-a")).isEmpty();
        assertThat(throttle.failed("clinician-a")).as("this failure locks").isTrue();
        assertThat(throttle.locked("clinician-a")).contains(Duration.ofMinutes(10));
        assertThat(throttle.locked("clinician-b")).isEmpty();

        clock.now = clock.now.plus(Duration.ofMinutes(9));
        assertThat(throttle.locked("clinician-a")).contains(Duration.ofMinutes(1));
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(throttle.locked("clinician-a")).as("the lock has ended").isEmpty();
        assertThat(throttle.failed("clinician-a")).as("a new run starts after a lock").isFalse();
        assertThat(throttle.locked("clinician-a")).isEmpty();
    }

    @Test
    void aSuccessOrALongPauseEndsTheRunOfFailures() {
        throttle.failed("viewer-a");
        throttle.failed("viewer-a");
        throttle.succeeded("viewer-a");
        assertThat(throttle.failed("viewer-a")).isFalse();
        assertThat(throttle.failed("viewer-a")).isFalse();
        assertThat(throttle.locked("viewer-a")).isEmpty();

        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertThat(throttle.failed("viewer-a")).as("failures more than the lockout apart are not a run").isFalse();
        assertThat(throttle.locked("viewer-a")).isEmpty();
    }

    @Test
    void namesThatAreNotUsersLockTheSameWay() {
        for (int i = 0; i < 3; i++) throttle.failed("no-such-user");
        assertThat(throttle.locked("no-such-user")).isPresent();
    }

    /**
     * A flood of failures for ever new names (one address guessing across names) is bounded in memory: at most
     * MAX_NAMES names even when every one of them is locked (the locks that end first give way), and a name longer
     * than any user name is kept as a digest (a 1 MB made-up name was kept whole, so 10,000 of them held 10 GB).
     */
    @Test
    void aFloodOfNewNamesStaysWithinTheBoundEvenWhenEveryNameIsLocked() {
        LoginThrottle oneStrike = new LoginThrottle(1, Duration.ofMinutes(15), clock);
        for (int i = 0; i < LoginThrottle.MAX_NAMES + 500; i++) {
            assertThat(oneStrike.failed("guess-" + i)).isTrue();
            clock.now = clock.now.plusMillis(1);
        }
        assertThat(oneStrike.size()).isLessThanOrEqualTo(LoginThrottle.MAX_NAMES);
        assertThat(oneStrike.locked("guess-" + (LoginThrottle.MAX_NAMES + 499))).as("the newest lock holds").isPresent();

        String huge = "x".repeat(1_000_000);
        LoginThrottle t = new LoginThrottle(3, Duration.ofMinutes(10), clock);
        for (int i = 0; i < 3; i++) t.failed(huge);
        assertThat(t.locked(huge)).as("a long name still locks").isPresent();
        assertThat(t.locked(huge + "y")).isEmpty();
        assertThat(t.keyChars()).as("kept as a digest, not as sent").isLessThanOrEqualTo(LoginThrottle.MAX_KEY + 1);
    }
}
