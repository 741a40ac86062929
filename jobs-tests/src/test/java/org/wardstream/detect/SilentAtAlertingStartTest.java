package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wardstream.rules.Rules;

/**
 * A device silent when the patient's alerting starts or resumes (closing17, "noticed and left alone"): device-offline
 * was raised only after data had come and then stopped for 2 h, so a patient whose device sent nothing after a pause
 * ended, or after being enrolled, was never reported. Through the job's detection operators ({@link DetectionChain}):
 * the silence clock starts at the later of the enrolment record's time and the job's event time; the watermark moves
 * on as other patients' data would move it.
 */
class SilentAtAlertingStartTest {
    static final String P = "p018001";
    static final long T0 = DischargeReenrolTest.T0;
    static final long MIN = 60_000L, HOUR = 60 * MIN;
    DetectionChain chain;

    @BeforeEach
    void setUp() throws Exception {
        chain = new DetectionChain(Rules.loadClasspath());
    }

    @AfterEach
    void tearDown() throws Exception {
        chain.close();
    }

    void heartRate(long t) throws Exception {
        chain.send(PausedPatientTest.heartRate(P, t));
    }

    void eventTimeUpTo(long from, long to) throws Exception {
        for (long t = from; t <= to; t += 10 * MIN) {
            chain.watermark(t); // other patients' data move event time on
        }
    }

    @Test
    void aPauseEndsWithTheDeviceSilentAndDeviceOfflineIsRaisedTwoHoursLater() throws Exception {
        chain.enrol(P, "ACTIVE", T0 - HOUR);
        chain.watermark(T0 - HOUR);
        for (long t = T0; t < T0 + 30 * MIN; t += MIN) {
            heartRate(t);
            chain.watermark(t);
        }
        chain.enrol(P, "PAUSED", T0 + 30 * MIN); // admitted to hospital; the watch stays at home, silent
        eventTimeUpTo(T0 + 30 * MIN, T0 + 3 * HOUR);
        long resumed = T0 + 3 * HOUR;
        chain.enrol(P, "ACTIVE", resumed); // home again; the watch, flat, sends nothing
        eventTimeUpTo(resumed, resumed + 30 * HOUR);
        assertThat(chain.alerts("device-offline")).filteredOn(a -> a.kind.equals("OPENED"))
                .as("device-offline after alerting resumed with the device silent")
                .extracting(a -> (a.episodeStartMs - resumed) / MIN + "min", a -> (a.atMs - resumed) / MIN + "min")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("0min", "120min"));
        // the watch is charged: "reconnected"
        for (long t = resumed + 31 * HOUR; t < resumed + 31 * HOUR + 15 * MIN; t += MIN) {
            heartRate(t);
            chain.watermark(t);
        }
        assertThat(chain.alerts("device-offline")).extracting(a -> a.kind)
                .containsExactly("OPENED", "UPDATED", "CLOSED"); // the update: "still ongoing" after 24 h
    }

    @Test
    void aNewEnrolmentWhoseDeviceNeverSendsRaisesDeviceOffline() throws Exception {
        chain.watermark(T0 - HOUR);
        chain.enrol(P, "ACTIVE", T0);
        eventTimeUpTo(T0, T0 + 30 * HOUR);
        assertThat(chain.alerts("device-offline")).filteredOn(a -> a.kind.equals("OPENED"))
                .extracting(a -> a.episodeStartMs, a -> a.atMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0, T0 + 2 * HOUR));
    }

    @Test
    void aJobStartedWithoutStateStartsTheSilenceAtItsFirstEventTimeNotAtTheOldEnrolment() throws Exception {
        // every enrolment is read again, written a month ago, before the job has any event time; the device-events
        // resume where the old job stopped: this patient's first reading is read 10 min after the first watermark
        chain.enrol(P, "ACTIVE", T0 - 30 * 24 * HOUR);
        chain.watermark(T0);
        heartRate(T0 + 10 * MIN);
        eventTimeUpTo(T0 + 10 * MIN, T0 + 2 * HOUR + 5 * MIN);
        assertThat(chain.alerts("device-offline")).as("no alert about the month before the job started").isEmpty();
    }

    @Test
    void aSilentPatientAtAJobStartIsReportedTwoHoursAfterTheFirstEventTime() throws Exception {
        chain.enrol(P, "ACTIVE", T0 - 30 * 24 * HOUR); // no event time yet: the start waits for it
        eventTimeUpTo(T0, T0 + 30 * HOUR);
        assertThat(chain.alerts("device-offline")).filteredOn(a -> a.kind.equals("OPENED"))
                .extracting(a -> a.episodeStartMs, a -> a.atMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0, T0 + 2 * HOUR));
    }
}
