package org.wardstream.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.wardstream.ingest.DeviceReading;

/**
 * How the heart-rate and activity signals a device contract allows are used, through the job's detection operators
 * ({@link DetectionChain}); adversarial probe 17a, D6-D9 (its scenarios, each with the control that passed before):
 * <ul>
 *   <li>D7: activity reported as accelerometer counts without steps is movement not known, never still: a walk is no
 *       "tachycardia at rest", a morning walking about no inactivity;</li>
 *   <li>D8: the last activity interval ages out: a device that reports only intervals with steps is still 5 minutes
 *       after its last one (tachycardia at rest after a walk is alerted; a night asleep after walking to bed is not
 *       "awake");</li>
 *   <li>D6: heart rate every 6 minutes (background sampling) still meets "10 minutes at rest"; one fast sample among
 *       slow ones does not;</li>
 *   <li>D9: samples the device rates below the quality floor are left out.</li>
 * </ul>
 */
class HeartRateActivitySignalsTest {
    static final String P = DetectionTest.P;
    static final long MIN = 60_000L;
    static final long T8 = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli(); // 08:00 in London (GMT)
    static final long T10 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    static final long AFTERNOON = Instant.parse("2026-03-02T14:00:00Z").toEpochMilli();
    static final long NIGHT = Instant.parse("2026-03-02T22:50:00Z").toEpochMilli();
    @AutoClose
    final DetectionChain chain = DetectionChain.enrolled(P);

    void worn(long t) throws Exception {
        DeviceReading worn = DetectionTest.base(DeviceReading.Kind.WEAR, t);
        worn.onBody = true;
        worn.wearMethod = "OPTICAL";
        chain.send(worn);
    }

    /** A 1-minute activity interval from {@code t}: steps and accelerometer counts (-1: not reported). */
    void activity(long t, int steps, int counts) throws Exception {
        DeviceReading a = DetectionTest.base(DeviceReading.Kind.ACTIVITY, t);
        a.intervalSeconds = 60;
        a.steps = steps;
        a.activityCount = counts;
        a.timeReceived = t + MIN + 1000;
        chain.send(a);
    }

    void heartRate(long t, float bpm, float quality) throws Exception {
        DeviceReading hr = DetectionTest.base(DeviceReading.Kind.HEART_RATE, t);
        hr.bpm = bpm;
        hr.signalQuality = quality;
        chain.send(hr);
    }

    // D7 ---------------------------------------------------------------------------------------------------------

    /** Worn; walking (110 steps/min, 2,400 counts/min) from {@code walkFrom} to {@code walkTo} minutes; 15-s heart rate. */
    void day(boolean steps, long minutes, long walkFrom, long walkTo, float walkingBpm) throws Exception {
        worn(T8);
        for (long t = T8; t < T8 + minutes * MIN; t += 15_000) {
            long m = (t - T8) / MIN;
            boolean walking = m >= walkFrom && m < walkTo;
            if ((t - T8) % MIN == 0) activity(t, steps ? (walking ? 110 : 0) : -1, walking ? 2400 : 20);
            heartRate(t, walking ? walkingBpm : 72f, Float.NaN);
            chain.watermark(t);
        }
    }

    @Test
    void aWalkReportedAsStepsRaisesNoTachycardiaAtRest() throws Exception {
        day(true, 60, 10, 40, 130f);
        assertThat(chain.alerts("tachycardia")).isEmpty();
    }

    @Test
    void aWalkReportedAsAccelerometerCountsRaisesNoTachycardiaAtRest() throws Exception {
        day(false, 60, 10, 40, 130f);
        assertThat(chain.alerts("tachycardia")).as("30-min walk at 130/min, 2,400 counts a minute, no step count")
                .extracting(a -> a.kind + " " + a.severity).isEmpty();
    }

    @Test
    void aMorningWalkingAboutReportedAsStepsRaisesNoInactivity() throws Exception {
        day(true, 240, 0, 240, 95f);
        assertThat(chain.alerts("inactivity")).isEmpty();
    }

    @Test
    void aMorningWalkingAboutReportedAsAccelerometerCountsRaisesNoInactivity() throws Exception {
        day(false, 240, 0, 240, 95f);
        assertThat(chain.alerts("inactivity")).as("walking 08:00-12:00, 2,400 counts a minute")
                .extracting(a -> a.kind).isEmpty();
    }

    @Test
    void zeroAccelerometerCountsAreStillAndCountTowardsInactivity() throws Exception {
        worn(T8);
        for (long t = T8; t < T8 + 200 * MIN; t += MIN) {
            activity(t, -1, 0);
            heartRate(t, 70f, Float.NaN);
            chain.watermark(t);
        }
        assertThat(chain.alerts("inactivity")).as("worn, 0 counts a minute 08:00-11:20").extracting(a -> a.kind)
                .contains("OPENED");
    }

    // D8 ---------------------------------------------------------------------------------------------------------

    /** Worn; walks (100 steps/min) for the first 10 min, then still at {@code stillBpm}; 15-s heart rate. */
    void walkThenStill(long t0, long minutes, boolean zeroStepIntervals, float walkBpm, float stillBpm) throws Exception {
        worn(t0);
        for (long t = t0; t < t0 + minutes * MIN; t += 15_000) {
            boolean walking = t < t0 + 10 * MIN;
            if ((t - t0) % MIN == 0 && (walking || zeroStepIntervals)) activity(t, walking ? 100 : 0, -1);
            heartRate(t, walking ? walkBpm : stillBpm, Float.NaN);
            chain.watermark(t);
        }
    }

    @Test
    void tachycardiaAtRestAfterAWalkIsAlertedWithZeroStepIntervals() throws Exception {
        walkThenStill(AFTERNOON, 70, true, 100f, 150f);
        assertThat(chain.alerts("tachycardia")).extracting(a -> a.kind).contains("OPENED");
    }

    @Test
    void tachycardiaAtRestAfterAWalkIsAlertedWhenStillnessIsNotReported() throws Exception {
        walkThenStill(AFTERNOON, 70, false, 100f, 150f);
        assertThat(chain.alerts("tachycardia")).as("150/min for 60 min sitting after a 10-min walk")
                .extracting(a -> a.kind).contains("OPENED");
    }

    @Test
    void sleepingAt45AfterWalkingToBedRaisesNoBradycardiaWithZeroStepIntervals() throws Exception {
        walkThenStill(NIGHT, 8 * 60, true, 80f, 45f);
        assertThat(chain.alerts("bradycardia")).isEmpty();
    }

    @Test
    void sleepingAt45AfterWalkingToBedRaisesNoBradycardiaWhenStillnessIsNotReported() throws Exception {
        walkThenStill(NIGHT, 8 * 60, false, 80f, 45f);
        assertThat(chain.alerts("bradycardia")).as("45/min asleep 23:00-07:00 (awake criterion only)")
                .extracting(a -> a.kind + "@" + Instant.ofEpochMilli(a.atMs)).isEmpty();
    }

    // D6 ---------------------------------------------------------------------------------------------------------

    /** Worn, 0 steps each minute for 3 h; heart rate every {@code everyMs}, {@code bpm(i)} for the i-th sample. */
    void sparse(long everyMs, java.util.function.IntFunction<Float> bpm) throws Exception {
        worn(T10);
        long nextHr = T10;
        int i = 0;
        for (long t = T10; t < T10 + 180 * MIN; t += MIN) {
            activity(t, 0, -1);
            if (t >= nextHr) {
                heartRate(t, bpm.apply(i++), Float.NaN);
                nextHr += everyMs;
            }
            chain.watermark(t);
        }
    }

    @Test
    void tachycardiaAtRestSampledEvery5MinutesIsAlerted() throws Exception {
        sparse(5 * MIN, i -> 150f);
        assertThat(chain.alerts("tachycardia")).extracting(a -> a.kind).contains("OPENED");
    }

    @Test
    void tachycardiaAtRestSampledEvery6MinutesIsAlerted() throws Exception {
        sparse(6 * MIN, i -> 150f);
        assertThat(chain.alerts("tachycardia")).as("150/min at rest for 3 h, one sample every 6 min")
                .extracting(a -> a.kind + " " + a.severity).contains("OPENED urgent");
    }

    @Test
    void oneFastSampleAmongSlowOnesSampledEvery6MinutesIsNoTachycardia() throws Exception {
        sparse(6 * MIN, i -> i % 3 == 1 ? 150f : 70f); // every third sample fast: never two in a row
        assertThat(chain.alerts("tachycardia")).isEmpty();
    }

    @Test
    void samplesFurtherApartThanTheGapLimitMakeNoRun() throws Exception {
        sparse(11 * MIN, i -> 150f);
        assertThat(chain.alerts("tachycardia")).as("150/min, one sample every 11 min (over the 10-min gap limit)")
                .isEmpty();
    }

    // D9 ---------------------------------------------------------------------------------------------------------

    /** Worn, still; minutes 5-25 at 135-140/min with {@code quality}, otherwise 70/min at 0.95; 15-s heart rate. */
    void noisy(float quality) throws Exception {
        worn(T10);
        int i = 0;
        for (long t = T10; t < T10 + 30 * MIN; t += 15_000) {
            if ((t - T10) % MIN == 0) activity(t, 0, -1);
            boolean noisy = t >= T10 + 5 * MIN && t < T10 + 25 * MIN;
            heartRate(t, noisy ? 135f + (i++ % 6) : 70f, noisy ? quality : 0.95f);
            chain.watermark(t);
        }
    }

    @Test
    void confidentSamplesAt135To140AtRestAreAlerted() throws Exception {
        noisy(0.95f);
        assertThat(chain.alerts("tachycardia")).extracting(a -> a.kind).contains("OPENED");
    }

    @Test
    void samplesTheDeviceFlagsAsUnreliableRaiseNoTachycardia() throws Exception {
        noisy(0.05f);
        assertThat(chain.alerts("tachycardia")).as("20 min of samples with signalQuality 0.05")
                .extracting(a -> a.kind + " " + a.severity).isEmpty();
    }
}
