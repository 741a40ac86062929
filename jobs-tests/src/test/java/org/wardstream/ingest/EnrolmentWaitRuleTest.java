package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.ingest.EnrolmentWaitRule.NO_TIME;

import org.junit.jupiter.api.Test;
import org.wardstream.ingest.EnrolmentWaitRule.Fate;

class EnrolmentWaitRuleTest {
    @Test
    void aRecordIsHandledWithAProfileDroppedIfPublishedByTheUnenrolmentAndOtherwiseWaits() {
        assertThat(EnrolmentWaitRule.fate(true, 1_000, 500)).isEqualTo(Fate.HANDLE); // re-enrolled: not dropped
        assertThat(EnrolmentWaitRule.fate(true, NO_TIME, 500)).isEqualTo(Fate.HANDLE);
        assertThat(EnrolmentWaitRule.fate(false, 1_000, 500)).isEqualTo(Fate.UNENROLLED);
        assertThat(EnrolmentWaitRule.fate(false, 1_000, 1_000)).isEqualTo(Fate.UNENROLLED);
        assertThat(EnrolmentWaitRule.fate(false, 1_000, 1_001)).isEqualTo(Fate.WAIT); // a re-enrolment's, overtaking it
        assertThat(EnrolmentWaitRule.fate(false, NO_TIME, 500)).isEqualTo(Fate.WAIT); // its enrolment is on its way
    }

    @Test
    void theDeadlineIsTheBoundAfterTheFirstWaitingRecordAndDoesNotMove() {
        assertThat(EnrolmentWaitRule.deadlineMs(NO_TIME, 10_000, 300_000)).isEqualTo(310_000);
        assertThat(EnrolmentWaitRule.deadlineMs(310_000, 200_000, 300_000)).isEqualTo(310_000);
    }
}
