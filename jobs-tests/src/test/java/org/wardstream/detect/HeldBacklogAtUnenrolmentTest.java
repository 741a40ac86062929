package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.EnrolmentUpdate;

/**
 * Readings the detector holds to put a backlog in device-time order, when the patient's enrolment is erased (a
 * tombstone: withdrawn) before the hold is released, are dead-lettered {@code unknown-patient} (probe 20a D4: they
 * vanished with the patient's state, neither analysed nor dead-lettered, though counted processed). JOBS.md: every record leaves as processed,
 * dead-lettered or duplicate, and readings of an ended enrolment that reach the detector after the tombstone are
 * dead-lettered {@code unknown-patient} (the dead-letter topic is kept for repairs). Through the job's detection
 * operators ({@link DetectionChain}).
 */
class HeldBacklogAtUnenrolmentTest {
    static final String P = "p020a03";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L;
    @AutoClose
    final RrMinutes patient = new RrMinutes(P, T0, 22);
    final DetectionChain chain = patient.chain;

    void send(long m, long receivedMs) throws Exception {
        patient.send(m, receivedMs, false);
    }

    /** Live to minute 30; the buffer of minutes 30-90 uploaded from minute 95, 20 of its minutes before the tombstone. */
    int backlogThenTombstone(boolean tombstone) throws Exception {
        for (long m = 0; m < 30; m++) {
            send(m, T0 + (m + 1) * MIN + 2000);
        }
        int sentBeforeTombstone = 0;
        for (long m = 30; m < 50; m++) {
            send(m, T0 + 95 * MIN + (m - 30) * 2_000);
            sentBeforeTombstone++;
        }
        if (tombstone) {
            chain.enrol(new EnrolmentUpdate(P, null), T0 + 96 * MIN); // withdrawn: the enrolment erased
        }
        for (long m = 50; m < 90; m++) {
            send(m, T0 + 95 * MIN + (m - 30) * 2_000); // published after the tombstone: wait for a re-enrolment
        }
        chain.processingTime(Long.MAX_VALUE / 2); // the enrolment grace passes
        chain.watermark(T0 + 300 * MIN);
        return sentBeforeTombstone;
    }

    @Test
    void readingsHeldInABacklogWhenTheEnrolmentIsErasedAreDeadLettered() throws Exception {
        int before = backlogThenTombstone(true);
        long readingsAfter = 40;
        assertThat(chain.detectorDeadLetters())
                .as("the %s backlog readings received before the tombstone (held for ordering) and the %s after it",
                        before, readingsAfter)
                .hasSize((int) (before + readingsAfter))
                .allSatisfy(d -> assertThat(d.reason).isEqualTo("unknown-patient"));
        assertThat(chain.detectorDeadLetters()).filteredOn(d -> d.detail.startsWith("held to analyse a backlog"))
                .hasSize(before);
    }

    @Test
    void control_readingsAfterTheTombstoneAreDeadLettered() throws Exception {
        backlogThenTombstone(true);
        assertThat(chain.detectorDeadLetters()).extracting(d -> d.reason).contains("unknown-patient");
    }
}
