package org.wardstream.triage.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginServletTest {
    @Test
    void afterLoginOnlyALocalPathIsARedirectTarget() {
        assertThat(LoginServlet.safeNext("/")).isEqualTo("/");
        assertThat(LoginServlet.safeNext("/index.html?filter=af")).isEqualTo("/index.html?filter=af");
        assertThat(LoginServlet.safeNext(null)).isEqualTo("/");
        assertThat(LoginServlet.safeNext("https://evil.example/")).isEqualTo("/");
        assertThat(LoginServlet.safeNext("//evil.example/")).isEqualTo("/");
        assertThat(LoginServlet.safeNext("/\\evil.example")).isEqualTo("/");
        assertThat(LoginServlet.safeNext("/a\r\nSet-Cookie: x=1")).isEqualTo("/");
    }

    /** A locked name's form says when to try again, the minutes left rounded up, and sends nobody to an administrator. */
    @Test
    void theLockedMessageSaysWhenToTryAgain() {
        java.time.Duration lockout = java.time.Duration.ofMinutes(15);
        long now = 1_000_000_000L;
        assertThat(LoginServlet.lockedMessage(now + 15 * 60_000L, now, lockout)).contains("Try again in 15 minutes.")
                .doesNotContain("administrator");
        assertThat(LoginServlet.lockedMessage(now + 61_000L, now, lockout)).contains("Try again in 2 minutes.");
        assertThat(LoginServlet.lockedMessage(now + 60_000L, now, lockout)).contains("Try again in 1 minute.");
        assertThat(LoginServlet.lockedMessage(now + 1L, now, lockout)).contains("Try again in 1 minute.");
        assertThat(LoginServlet.lockedMessage(now, now, lockout)).contains("The lock has ended: sign in again.");
        assertThat(LoginServlet.lockedMessage(null, now, lockout)).contains("Try again in up to 15 minutes.");
    }
}
