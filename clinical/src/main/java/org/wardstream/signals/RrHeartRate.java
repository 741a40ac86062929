package org.wardstream.signals;

import java.util.Objects;

import static org.wardstream.signals.RrHeartRateState.NO_TIME;

/**
 * Heart rate from beat-to-beat (RR) intervals, for a patient whose devices send RR batches but no heart-rate samples
 * (a chest strap or an ECG patch: the device contract allows either alone), and which of the two sources the
 * heart-rate thresholds ({@link HeartRateThresholds}) read. Stateless itself; the per-patient data lives in a
 * {@link RrHeartRateState}. The caller ({@code PatientDetector}) feeds the intervals the RR analyser uses, in its
 * order, and the device's heart-rate samples; a sample from the intervals goes to the same heart-rate thresholds as a
 * device's sample would, so tachycardia and bradycardia have one definition whatever the device sends.
 *
 * <h2>A minute of intervals</h2>
 * The intervals fall into the clock's minutes (UTC, device time) by the beat that ends them; the first beat in a
 * later minute completes the minute in progress. A completed minute gives one heart-rate sample, dated at the
 * minute's end: 60,000 times the number of its clean intervals over their sum (the mean rate of its clean beats), when
 * its clean intervals cover at least {@value #MIN_CLEAN_MS} ms (half the minute); intervals the device marks as
 * artefact or gap, and clean ones outside the analyser's plausible range, never count (they are not beats of the
 * heart, or not known to be). A minute with less clean signal gives no sample: missing data, as a watch that sends
 * nothing (the thresholds' gap rule applies). The samples of consecutive minutes are a minute apart, so each is a
 * minute of its own for the thresholds (as a watch's once-a-minute sample is: {@link MinuteBucket}), whatever
 * batches the device sends; the sample is known when the first beat of the next minute arrives.
 *
 * <h2>One source at a time</h2>
 * A patient may wear a device that sends heart-rate samples (a watch) and one that sends RR intervals (a strap), or
 * one device that sends both. The heart-rate thresholds read one of them at a time, never both (the same heart
 * counted twice, or two sensors' disagreement read as a rate jumping between them): the device's own heart-rate
 * samples while the newest of them is less than {@link #devicePreferredMs} old (the sample gap the thresholds allow,
 * {@link HeartRateParameters#maxSampleGapMs}, less a minute), else the rate from the RR intervals. The device's
 * samples are preferred because the rules were set and validated on them (a wrist device's samples, at rest); the RR
 * rate takes over only where they are missing. When a watch stops sending while a strap goes on, the RR rate takes
 * over about 9 minutes after the watch's last sample: within the gap the thresholds allow, so a run (and an open
 * episode) goes on; when the watch sends again its samples take over at once (one of its samples dated before the
 * last RR sample is ignored by the thresholds, as any out-of-order sample). A device sampling heart rate 9 to 10
 * minutes apart has one RR sample between two of its own.
 */
public final class RrHeartRate {
    /** The least clean signal (sum of clean intervals) a minute needs to give a heart rate: half a minute. */
    public static final long MIN_CLEAN_MS = 30_000L;

    /** Receives a heart-rate sample derived from a minute of intervals (device time, bpm). */
    @FunctionalInterface
    public interface Sample {
        void accept(long timeMs, double bpm);
    }

    private final long devicePreferredMs;
    private final int minPlausibleRrMs;
    private final int maxPlausibleRrMs;

    /**
     * @param heartRate the thresholds' parameters (their sample gap sets how long a device's samples are preferred)
     * @param minPlausibleRrMs clean intervals below this are not counted (the RR analyser's artefact bound)
     * @param maxPlausibleRrMs clean intervals above this are not counted (the RR analyser's gap bound)
     */
    public RrHeartRate(HeartRateParameters heartRate, int minPlausibleRrMs, int maxPlausibleRrMs) {
        Objects.requireNonNull(heartRate);
        this.devicePreferredMs = Math.max(0, heartRate.maxSampleGapMs() - MinuteBucket.LENGTH_MS);
        this.minPlausibleRrMs = minPlausibleRrMs;
        this.maxPlausibleRrMs = maxPlausibleRrMs;
    }

    /** How long after a device's heart-rate sample its samples are preferred to the rate from RR intervals. */
    public long devicePreferredMs() {
        return devicePreferredMs;
    }

    /**
     * One interval of {@code rrMs} ending at the beat at {@code beatMs}, in beat order, as the RR analyser uses it
     * ({@code clean}: the device marked it clean; the plausible range is checked here). When it is the first beat of
     * a later minute, the minute in progress is complete: its sample (if it has enough clean signal, and the device's
     * own samples are not recent) goes to {@code sink} first. A beat not after the last one (the analyser's clock was
     * re-anchored) begins a new minute, the one in progress dropped.
     */
    public void onInterval(RrHeartRateState s, long beatMs, int rrMs, boolean clean, Sample sink) {
        if (s.lastBeatMs != NO_TIME && beatMs <= s.lastBeatMs) {
            forgetMinute(s);
        }
        long minute = Math.floorDiv(beatMs, MinuteBucket.LENGTH_MS) * MinuteBucket.LENGTH_MS;
        if (s.intervals > 0 && minute != s.minuteStartMs) {
            complete(s, sink);
        }
        if (s.minuteStartMs == NO_TIME) {
            s.minuteStartMs = minute;
        }
        s.intervals++;
        if (clean && rrMs >= minPlausibleRrMs && rrMs <= maxPlausibleRrMs) {
            s.clean++;
            s.cleanMs += rrMs;
        }
        s.lastBeatMs = beatMs;
    }

    /**
     * A device's heart-rate sample at {@code timeMs} that the thresholds would use (finite, positive, not below the
     * quality floor), whether or not they take it (an out-of-order one still shows the device sends heart rate).
     */
    public void onDeviceSample(RrHeartRateState s, long timeMs) {
        if (s.lastDeviceSampleMs == NO_TIME || timeMs > s.lastDeviceSampleMs) {
            s.lastDeviceSampleMs = timeMs;
        }
    }

    /** Whether a device's own heart-rate samples are recent at {@code timeMs}: then they, not the RR rate, are read. */
    public boolean deviceSamplesRecent(RrHeartRateState s, long timeMs) {
        return s.lastDeviceSampleMs != NO_TIME && timeMs - s.lastDeviceSampleMs < devicePreferredMs;
    }

    /**
     * The patient's data continue on an earlier clock, or the patient's monitoring stopped or resumed: the minute in
     * progress and both clocks are forgotten (as the heart-rate thresholds forget theirs).
     */
    public static void restart(RrHeartRateState s) {
        forgetMinute(s);
        s.lastDeviceSampleMs = NO_TIME;
    }

    private void complete(RrHeartRateState s, Sample sink) {
        long at = s.minuteStartMs + MinuteBucket.LENGTH_MS;
        if (s.clean > 0 && s.cleanMs >= MIN_CLEAN_MS && !deviceSamplesRecent(s, at)) {
            sink.accept(at, 60_000.0 * s.clean / s.cleanMs);
        }
        s.minuteStartMs = NO_TIME;
        s.clean = 0;
        s.cleanMs = 0;
        s.intervals = 0;
    }

    private static void forgetMinute(RrHeartRateState s) {
        s.minuteStartMs = NO_TIME;
        s.lastBeatMs = NO_TIME;
        s.clean = 0;
        s.cleanMs = 0;
        s.intervals = 0;
    }
}
