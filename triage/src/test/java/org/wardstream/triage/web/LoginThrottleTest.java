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
}
