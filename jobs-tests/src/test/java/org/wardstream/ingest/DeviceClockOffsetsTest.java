package org.wardstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The per-device clock offset estimate ({@link DeviceClockOffsets}), in plain Java: leads and receipts in ms. */
class DeviceClockOffsetsTest {
    static final long S = 1000L;
    static final long MIN = 60 * S;
    static final long DAY = 24 * 60 * MIN;
    static final long R0 = 1_772_442_000_000L; // 2026-03-02T09:00:00Z
    static final String DEVICE = DeviceClockOffsets.device("virtual-ward", "p1", "watch-1");

    final DeviceClockOffsets clocks = new DeviceClockOffsets(DeviceClockOffsets.Settings.defaults(),
            Duration.ofMinutes(5));

    /** A live reading every minute from minute {@code from}, received 2 s after it was measured. */
    DeviceClockOffsets.Change live(String device, long aheadMs, int minute) {
        return clocks.observe(device, aheadMs - 2 * S, R0 + minute * MIN);
    }

    @Test
    void aClockSixMinutesAheadIsTrustedAfterFiveReadingsOverTwoMinutesAndRebasesLiveAndBacklogReadings() {
        long ahead = 6 * MIN;
        for (int m = 0; m < 4; m++) {
            assertThat(clocks.offsetFor(DEVICE, ahead - 2 * S)).as("reading %d: not yet trusted", m).isZero();
            assertThat(live(DEVICE, ahead, m)).isNull();
            assertThat(clocks.pending(DEVICE)).isEqualTo(m + 1);
        }
        DeviceClockOffsets.Change change = live(DEVICE, ahead, 4);
        assertThat(change).isEqualTo(new DeviceClockOffsets.Change(0, ahead - 2 * S, 5, 4 * MIN));
        assertThat(change.applied()).isTrue();
        assertThat(clocks.devicesWithOffset()).isEqualTo(1);
        // a live reading received 1 s or 90 s after it was measured, and a backlog measured 3 h before its upload:
        // all rebased by the same offset, so the backlog keeps its place and spacing
        assertThat(clocks.offsetFor(DEVICE, ahead - S)).isEqualTo(ahead - 2 * S);
        assertThat(clocks.offsetFor(DEVICE, ahead - 90 * S)).isEqualTo(ahead - 2 * S);
        assertThat(clocks.offsetFor(DEVICE, ahead - 3 * 60 * MIN)).isEqualTo(ahead - 2 * S);
        assertThat(clocks.observe(DEVICE, ahead - 3 * 60 * MIN, R0 + 5 * MIN)).isNull();
        assertThat(clocks.pending(DEVICE)).isZero();
        // other devices (the patient's other device included) are untouched
        assertThat(clocks.offsetFor(DeviceClockOffsets.device("virtual-ward", "p1", "strap-1"), ahead)).isZero();
    }

    @Test
    void aClockDaysAheadIsTrustedTheSameWay() {
        for (int m = 0; m < 4; m++) {
            assertThat(live(DEVICE, 3 * DAY, m)).isNull();
        }
        assertThat(live(DEVICE, 3 * DAY, 4).offsetMs()).isEqualTo(3 * DAY - 2 * S);
    }

    @Test
    void aSingleReadingDatedDaysAheadFromANormalDeviceIsNeverTrusted() {
        for (int m = 0; m < 60; m++) {
            assertThat(live(DEVICE, 0, m)).isNull();
            if (m % 10 == 5) { // one crafted reading two days ahead every ten minutes, between normal ones
                assertThat(clocks.offsetFor(DEVICE, 2 * DAY)).isZero();
                assertThat(clocks.observe(DEVICE, 2 * DAY, R0 + m * MIN + S)).isNull();
            }
        }
        assertThat(clocks.offsetFor(DEVICE, 2 * DAY)).isZero();
        assertThat(clocks.devicesWithOffset()).isZero();
        assertThat(clocks.size()).as("a normal device is not remembered").isZero();
    }

    @Test
    void readingsAheadArrivingInOneBurstAreNotEnough() {
        for (int i = 0; i < 50; i++) { // fifty readings dated a day ahead, received within 50 s
            assertThat(clocks.observe(DEVICE, DAY + i * S, R0 + i * S)).isNull();
        }
        assertThat(clocks.offsetFor(DEVICE, DAY)).isZero();
    }

    @Test
    void readingsAheadThatDisagreeByMoreThanTheToleranceAreNotOneClock() {
        for (int m = 0; m < 10; m++) { // alternately 1 and 2 days ahead
            assertThat(clocks.observe(DEVICE, (1 + m % 2) * DAY, R0 + m * MIN)).isNull();
        }
        assertThat(clocks.offsetFor(DEVICE, DAY)).isZero();
    }

    @Test
    void normalDevicesAreNeverCorrected() {
        for (long lead : new long[] {-2 * S, 4 * MIN + 59 * S, -4 * MIN, -2 * DAY}) {
            for (int m = 0; m < 10; m++) {
                assertThat(clocks.offsetFor(DEVICE, lead)).isZero();
                assertThat(clocks.observe(DEVICE, lead, R0 + m * MIN)).isNull();
            }
        }
        assertThat(clocks.size()).isZero();
    }

    @Test
    void aClockSetRightIsUncorrectedAtOnceAndTheOffsetIsDroppedAfterFiveReadings() {
        for (int m = 0; m < 5; m++) {
            live(DEVICE, 6 * MIN, m);
        }
        assertThat(clocks.devicesWithOffset()).isEqualTo(1);
        for (int m = 5; m < 9; m++) { // the clock is set right: its readings are analysed uncorrected at once
            assertThat(clocks.offsetFor(DEVICE, -2 * S)).isZero();
            assertThat(live(DEVICE, 0, m)).isNull();
        }
        assertThat(clocks.offsetFor(DEVICE, 6 * MIN - 2 * S)).as("not dropped yet").isEqualTo(6 * MIN - 2 * S);
        DeviceClockOffsets.Change dropped = live(DEVICE, 0, 9);
        assertThat(dropped).isEqualTo(new DeviceClockOffsets.Change(6 * MIN - 2 * S, 0, 5, 4 * MIN));
        assertThat(dropped.applied()).isFalse();
        assertThat(clocks.devicesWithOffset()).isZero();
        assertThat(clocks.size()).isZero();
        assertThat(clocks.offsetFor(DEVICE, -3 * 60 * MIN)).as("a backlog after the fix").isZero();
    }

    @Test
    void aBacklogUploadedInOneBurstDoesNotDropTheOffset() {
        for (int m = 0; m < 5; m++) {
            live(DEVICE, DAY, m);
        }
        // two days of backlog (a reading a minute), all received at minute 10
        for (int i = 0; i < 2 * 24 * 60; i++) {
            long lead = DAY - 2 * DAY + i * MIN; // measured 2 d - i min before receipt on a clock a day ahead
            assertThat(clocks.observe(DEVICE, lead, R0 + 10 * MIN)).isNull();
        }
        assertThat(clocks.offsetFor(DEVICE, DAY - 2 * S)).isEqualTo(DAY - 2 * S);
        assertThat(clocks.offsetFor(DEVICE, -2 * DAY)).isEqualTo(DAY - 2 * S);
    }

    @Test
    void aClockJumpingFurtherAheadIsRefusedUntilTheNewOffsetIsTrusted() {
        for (int m = 0; m < 5; m++) {
            live(DEVICE, 6 * MIN, m);
        }
        for (int m = 5; m < 9; m++) {
            // rebased by the old offset the reading still lies ~2 d ahead of its receipt: the validator refuses it
            assertThat(2 * DAY - 2 * S - clocks.offsetFor(DEVICE, 2 * DAY - 2 * S)).isGreaterThan(DAY);
            assertThat(live(DEVICE, 2 * DAY, m)).isNull();
        }
        DeviceClockOffsets.Change change = live(DEVICE, 2 * DAY, 9);
        assertThat(change).isEqualTo(new DeviceClockOffsets.Change(6 * MIN - 2 * S, 2 * DAY - 2 * S, 5, 4 * MIN));
        assertThat(clocks.devicesWithOffset()).isEqualTo(1);
    }

    /**
     * closing17: a clock set from far ahead to slightly ahead, its readings within the tolerance of the offset in use,
     * stayed corrected by the old offset (its readings placed up to the tolerance early) until the estimate was
     * rebuilt. Now readings more than a fifth of the tolerance from the offset form a run like any candidates.
     */
    @Test
    void aClockSetFromSixMinutesAheadToTwoHasItsOffsetDroppedAfterFiveReadings() {
        for (int m = 0; m < 5; m++) {
            live(DEVICE, 6 * MIN, m);
        }
        for (int m = 5; m < 9; m++) { // set to 2 min ahead: within the tolerance of the 6-min offset
            assertThat(clocks.offsetFor(DEVICE, 2 * MIN - 2 * S)).as("corrected by the old offset until the run")
                    .isEqualTo(6 * MIN - 2 * S);
            assertThat(live(DEVICE, 2 * MIN, m)).isNull();
        }
        // 2 min ahead is within the tolerance: uncorrected, as a normal device 2 min ahead
        assertThat(live(DEVICE, 2 * MIN, 9)).isEqualTo(new DeviceClockOffsets.Change(6 * MIN - 2 * S, 0, 5, 4 * MIN));
        assertThat(clocks.offsetFor(DEVICE, 2 * MIN - 2 * S)).isZero();
        assertThat(clocks.devicesWithOffset()).isZero();
    }

    @Test
    void aClockSetFromThreeDaysAheadToThreeMinutesLessIsReEstimated() {
        for (int m = 0; m < 5; m++) {
            live(DEVICE, 3 * DAY, m);
        }
        for (int m = 5; m < 9; m++) {
            assertThat(live(DEVICE, 3 * DAY - 3 * MIN, m)).isNull();
        }
        assertThat(live(DEVICE, 3 * DAY - 3 * MIN, 9))
                .isEqualTo(new DeviceClockOffsets.Change(3 * DAY - 2 * S, 3 * DAY - 3 * MIN - 2 * S, 5, 4 * MIN));
        // and set further ahead again, by less than the tolerance: re-estimated up
        for (int m = 10; m < 14; m++) {
            assertThat(live(DEVICE, 3 * DAY, m)).isNull();
        }
        assertThat(live(DEVICE, 3 * DAY, 14).offsetMs()).isEqualTo(3 * DAY - 2 * S);
    }

    @Test
    void readingsDelayedByMinutesBetweenPromptOnesDoNotMoveTheOffset() {
        for (int m = 0; m < 5; m++) {
            live(DEVICE, 6 * MIN, m);
        }
        for (int m = 5; m < 60; m++) { // each minute a reading delivered 3 min late, then a prompt one
            assertThat(clocks.observe(DEVICE, 6 * MIN - 3 * MIN, R0 + m * MIN)).isNull();
            assertThat(live(DEVICE, 6 * MIN, m)).isNull();
            assertThat(clocks.pending(DEVICE)).isZero();
        }
        assertThat(clocks.offsetFor(DEVICE, 6 * MIN - 2 * S)).isEqualTo(6 * MIN - 2 * S);
        // within a fifth of the tolerance of the offset: confirms it (jitter of the delivery)
        for (int m = 60; m < 70; m++) {
            assertThat(clocks.observe(DEVICE, 6 * MIN - 2 * S - 50 * S, R0 + m * MIN)).isNull();
        }
        assertThat(clocks.pending(DEVICE)).isZero();
    }

    @Test
    void memoryIsBoundedByTheLeastRecentlySeenDevice() {
        DeviceClockOffsets small = new DeviceClockOffsets(new DeviceClockOffsets.Settings(5, Duration.ofMinutes(2), 2),
                Duration.ofMinutes(5));
        for (String d : new String[] {"a", "b", "c"}) {
            for (int m = 0; m < 5; m++) {
                small.observe(d, 6 * MIN, R0 + m * MIN);
            }
        }
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.devicesWithOffset()).isEqualTo(2);
        assertThat(small.offsetFor("a", 6 * MIN)).as("forgotten: established again from its next readings").isZero();
        assertThat(small.offsetFor("c", 6 * MIN)).isEqualTo(6 * MIN);
    }
}
