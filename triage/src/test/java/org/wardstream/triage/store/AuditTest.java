package org.wardstream.triage.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuditTest {
    /** A made-up name of a failed sign-in is not stored whole when it is longer than any user name. */
    @Test
    void aNameLongerThanAnyUserNameIsCutAndItsLengthSaid() {
        assertThat(Audit.shownName("clinician-a")).isEqualTo("clinician-a");
        assertThat(Audit.shownName(null)).isEqualTo("(anonymous)");
        String huge = "a".repeat(200_000);
        assertThat(Audit.shownName(huge)).isEqualTo("a".repeat(Audit.MAX_NAME) + "... (200000 characters)");
    }
}
