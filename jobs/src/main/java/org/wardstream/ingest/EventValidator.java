package org.wardstream.ingest;

import java.util.List;
import java.util.function.LongSupplier;

import org.wardstream.contract.DeadLetterReason;
import org.wardstream.contract.Rejection;
import org.wardstream.schema.ActivitySample;
import org.wardstream.schema.BeatQuality;
import org.wardstream.schema.DeviceEvent;
import org.wardstream.schema.DeviceEventKey;
import org.wardstream.schema.DeviceStatus;
import org.wardstream.schema.HeartRateSample;
import org.wardstream.schema.RrIntervalBatch;
import org.wardstream.schema.WearState;

/**
 * Field and plausibility checks of a decoded device event, and its conversion to a
 * {@link DeviceReading}. Plain Java: no Flink types. Rejection details name the field and the
 * limit, never the value's owner.
 */
public final class EventValidator {
    public static final float MIN_BPM = 20f;
    public static final float MAX_BPM = 300f;
    /** The plausible clean RR range (shared with {@code validate}: {@link org.wardstream.detector.Reading}). */
    public static final int MIN_RR_MS = org.wardstream.detector.Reading.MIN_CLEAN_RR_MS;
    public static final int MAX_RR_MS = org.wardstream.detector.Reading.MAX_CLEAN_RR_MS;
    /** Fastest plausible sustained cadence (elite sprinting is about 250-300 steps/min). */
    public static final int MAX_STEPS_PER_MINUTE = 300;
    public static final int MAX_RR_PER_BATCH = 10_000;
    /**
     * The most device time one RR batch may cover (the sum of its intervals, GAP and ARTEFACT included): devices send
     * a tachogram per window of a minute to 15 minutes, and a backlog as a series of such windows; a batch claiming
     * more holds a mis-encoded interval (adversarial probe 16a, D7: a GAP of 90 min in a minute's tachogram).
     */
    public static final long MAX_RR_BATCH_SPAN_MS = org.wardstream.detector.Reading.MAX_RR_BATCH_SPAN_MS;
    public static final int MAX_UTC_OFFSET_MINUTES = 18 * 60;
    /** 2000-01-01T00:00:00Z: earlier device or receipt times are a broken clock, not data. */
    public static final long EARLIEST_PLAUSIBLE_TIME_MS = 946_684_800_000L;

    private final long futureToleranceMs;
    private final long maxDeviceAgeMs;
    private final long maxReceiptLagMs;
    private final LongSupplier clock;

    public EventValidator(IngestSettings settings) {
        this(settings, System::currentTimeMillis);
    }

    /** @param clock the job's own clock (epoch ms): device, receipt and record times may not run ahead of it */
    public EventValidator(IngestSettings settings, LongSupplier clock) {
        this.futureToleranceMs = settings.futureTolerance().toMillis();
        this.maxDeviceAgeMs = settings.maxDeviceAge().toMillis();
        this.maxReceiptLagMs = settings.maxReceiptLag().toMillis();
        this.clock = clock;
    }


    /**
     * Validates and flattens an event.
     *
     * @param brokerTimestampMs the Kafka record timestamp, or a value &lt;= 0 when unknown
     */
    public DeviceReading validate(DeviceEventKey key, DeviceEvent event, long brokerTimestampMs) throws Rejection {
        requireText(key.getProgramme(), "key.programme");
        if (key.getProgramme().indexOf(PatientKeys.SEPARATOR) >= 0) {
            throw invalid("key.programme contains '" + PatientKeys.SEPARATOR + "'");
        }
        requireText(key.getPatientId(), "key.patientId");
        requireText(key.getSourceId(), "key.sourceId");
        requireText(event.getEventId(), "eventId");
        if (event.getTime() == null || event.getTimeReceived() == null) {
            throw invalid("time and timeReceived are required");
        }
        long time = event.getTime().toEpochMilli();
        long received = event.getTimeReceived().toEpochMilli();
        if (time < EARLIEST_PLAUSIBLE_TIME_MS) {
            throw invalid("time is before 2000-01-01 (device clock not set)");
        }
        if (received < EARLIEST_PLAUSIBLE_TIME_MS) {
            throw invalid("timeReceived is before 2000-01-01");
        }
        int utcOffset = event.getUtcOffsetMinutes(); // no Math.abs: |Integer.MIN_VALUE| is negative (probe 19b D2)
        if (utcOffset < -MAX_UTC_OFFSET_MINUTES || utcOffset > MAX_UTC_OFFSET_MINUTES) {
            throw invalid("utcOffsetMinutes outside -1080..1080");
        }

        DeviceReading r = new DeviceReading();
        r.programme = key.getProgramme();
        r.patientId = key.getPatientId();
        r.sourceId = key.getSourceId();
        r.eventId = event.getEventId();
        r.time = time;
        r.timeReceived = received;
        r.utcOffsetMinutes = event.getUtcOffsetMinutes();

        Object payload = event.getPayload();
        if (payload instanceof HeartRateSample hr) {
            heartRate(hr, r);
        } else if (payload instanceof RrIntervalBatch rr) {
            rrBatch(rr, r);
        } else if (payload instanceof ActivitySample a) {
            activity(a, r);
        } else if (payload instanceof WearState w) {
            r.kind = DeviceReading.Kind.WEAR;
            r.onBody = w.getOnBody();
            r.wearMethod = w.getMethod() == null ? "UNKNOWN" : w.getMethod().name();
        } else if (payload instanceof DeviceStatus s) {
            status(s, r);
        } else {
            throw invalid("payload is missing");
        }

        if (time > received + futureToleranceMs) {
            throw new Rejection(DeadLetterReason.FUTURE_TIME,
                    "device time is " + (time - received) / 1000 + " s after timeReceived (tolerance "
                            + futureToleranceMs / 1000 + " s)");
        }
        checkClocks(time, received, brokerTimestampMs);
        if (r.kind == DeviceReading.Kind.RR_BATCH) {
            checkBeatClock(r);
        } else if (r.kind == DeviceReading.Kind.ACTIVITY) {
            checkActivityEnd(r);
        }
        return r;
    }

    /**
     * Device time and receipt time are claims of a device and a gateway: they are checked against the broker's
     * record timestamp (LogAppendTime: the broker's clock) and, since a CreateTime timestamp is itself a
     * producer's claim, against the job's own clock, so a client can neither move event time ahead (watermarks,
     * timers, de-duplication memory) nor present a reading years old as new.
     */
    private void checkClocks(long time, long received, long brokerTimestampMs) throws Rejection {
        long tolerance = futureToleranceMs;
        long now = clock.getAsLong();
        if (brokerTimestampMs > 0) {
            if (received > brokerTimestampMs + tolerance) {
                throw future("timeReceived", received - brokerTimestampMs, "the broker timestamp");
            }
            if (time > brokerTimestampMs + tolerance) {
                throw future("device time", time - brokerTimestampMs, "the broker timestamp");
            }
            if (brokerTimestampMs > now + tolerance) {
                throw future("the record timestamp", brokerTimestampMs - now, "the job's clock");
            }
            if (time < brokerTimestampMs - maxDeviceAgeMs) {
                throw stale("device time", brokerTimestampMs - time, maxDeviceAgeMs);
            }
            if (received < brokerTimestampMs - maxReceiptLagMs) {
                throw stale("timeReceived", brokerTimestampMs - received, maxReceiptLagMs);
            }
        }
        if (received > now + tolerance) {
            throw future("timeReceived", received - now, "the job's clock");
        }
        if (time > now + tolerance) {
            throw future("device time", time - now, "the job's clock");
        }
    }

    /**
     * An RR batch's beats carry their own clock ({@code start} plus the intervals), which the checks of {@code time}
     * do not cover; the RR analyser ignores a beat not after the patient's last one, so a batch whose beats lay ahead
     * (a start in 2100, or one GAP interval of weeks) would have every later genuine beat of the patient ignored for
     * that long. {@code start} is the batch's first sample, so it must agree with {@code time} within the tolerance, and
     * no beat may lie more than the tolerance after {@code timeReceived} (already checked against the broker and the
     * job's clock). That bounds live data only: a backlog is received hours after its beats, so a batch may also span
     * at most {@link #MAX_RR_BATCH_SPAN_MS} (a GAP of 90 min in a minute's tachogram put the beat clock 90 min ahead of
     * the backlog's next batches, probe 16a D7; the detector re-anchors the clock on a later batch too,
     * {@code RrAnalyser.reanchor}, for spans below the bound).
     */
    private void checkBeatClock(DeviceReading r) throws Rejection {
        // compared without subtracting: rrStart - time overflows for a start near Long.MIN_VALUE, and
        // Math.abs(Long.MIN_VALUE) is negative, which let a start 292 million years before time through (probe 19b D2)
        if (r.rrStart < r.time - futureToleranceMs || r.rrStart > r.time + futureToleranceMs) {
            long apart = r.rrStart > r.time ? Math.subtractExact(r.rrStart, r.time) : distanceBefore(r.time, r.rrStart);
            throw invalid("rrBatch.start is " + apart / 1000 + " s " + (r.rrStart > r.time ? "after" : "before")
                    + " time (tolerance " + futureToleranceMs / 1000 + " s)");
        }
        long lastBeat = r.rrStart;
        for (int v : r.rrMs) {
            lastBeat += v; // at most 10,000 intervals below 2^31 ms: no overflow
        }
        if (lastBeat > r.timeReceived + futureToleranceMs) {
            throw future("rrBatch's last beat", lastBeat - r.timeReceived, "timeReceived");
        }
        if (lastBeat - r.rrStart > MAX_RR_BATCH_SPAN_MS) {
            throw new Rejection(DeadLetterReason.IMPLAUSIBLE_VALUE, "rrBatch spans " + (lastBeat - r.rrStart) / 60_000
                    + " min (the sum of its intervals, GAP and ARTEFACT included; at most " + MAX_RR_BATCH_SPAN_MS / 60_000
                    + " min): a mis-encoded interval would put the patient's beat clock ahead of its next batches");
        }
    }

    /** How far {@code earlier} lies before {@code later}, saturating at Long.MAX_VALUE. */
    private static long distanceBefore(long later, long earlier) {
        long d = later - earlier;
        return d < 0 ? Long.MAX_VALUE : d;
    }

    /**
     * An activity sample covers {@code intervalSeconds} from {@code time}, and the wear tracker's clock moves to its end:
     * an interval of a day received live put that clock a day ahead (a device-offline episode opened and closed in the
     * future, and the patient's real silence went unseen for the day). The interval must have ended by
     * {@code timeReceived}, within the tolerance.
     */
    private void checkActivityEnd(DeviceReading r) throws Rejection {
        long end = r.time + r.intervalSeconds * 1000L;
        if (end > r.timeReceived + futureToleranceMs) {
            throw new Rejection(DeadLetterReason.FUTURE_TIME, "activity interval ends " + (end - r.timeReceived) / 1000
                    + " s after timeReceived (tolerance " + futureToleranceMs / 1000 + " s)");
        }
    }

    private Rejection future(String what, long aheadMs, String of) {
        return new Rejection(DeadLetterReason.FUTURE_TIME, what + " is " + aheadMs / 1000 + " s after " + of
                + " (tolerance " + futureToleranceMs / 1000 + " s)");
    }

    private static Rejection stale(String what, long behindMs, long windowMs) {
        return new Rejection(DeadLetterReason.STALE_TIME, what + " is " + human(behindMs)
                + " before the broker timestamp (window " + human(windowMs) + ")");
    }

    private static String human(long ms) {
        return ms >= 2 * 86_400_000L ? ms / 86_400_000L + " d" : ms >= 2 * 3_600_000L ? ms / 3_600_000L + " h" : ms / 1000 + " s";
    }

    private static void heartRate(HeartRateSample hr, DeviceReading r) throws Rejection {
        float bpm = hr.getBpm();
        if (!Float.isFinite(bpm)) {
            throw invalid("heartRate.bpm is not a number");
        }
        if (bpm < MIN_BPM || bpm > MAX_BPM) {
            throw new Rejection(DeadLetterReason.IMPLAUSIBLE_VALUE, "heartRate.bpm outside 20-300");
        }
        Float q = hr.getSignalQuality();
        if (q != null && !(q >= 0f && q <= 1f)) {
            throw invalid("heartRate.signalQuality outside 0-1");
        }
        r.kind = DeviceReading.Kind.HEART_RATE;
        r.bpm = bpm;
        r.signalQuality = q == null ? Float.NaN : q;
    }

    private static void rrBatch(RrIntervalBatch rr, DeviceReading r) throws Rejection {
        List<Integer> values = rr.getRrMs();
        List<BeatQuality> quality = rr.getQuality();
        if (rr.getStart() == null) {
            throw invalid("rrBatch.start is required");
        }
        if (values == null || values.isEmpty()) {
            throw invalid("rrBatch.rrMs is empty");
        }
        if (quality == null || quality.size() != values.size()) {
            throw invalid("rrBatch.quality length differs from rrMs length");
        }
        if (values.size() > MAX_RR_PER_BATCH) {
            throw invalid("rrBatch holds more than " + MAX_RR_PER_BATCH + " intervals");
        }
        int n = values.size();
        int[] ms = new int[n];
        byte[] q = new byte[n];
        int implausible = 0;
        int firstImplausible = -1;
        for (int i = 0; i < n; i++) {
            Integer v = values.get(i);
            BeatQuality bq = quality.get(i);
            if (v == null || bq == null || v <= 0) {
                throw invalid("rrBatch.rrMs[" + i + "] is not a positive interval");
            }
            if (bq == BeatQuality.CLEAN && (v < MIN_RR_MS || v > MAX_RR_MS)) {
                implausible++;
                firstImplausible = firstImplausible < 0 ? i : firstImplausible;
            }
            ms[i] = v;
            q[i] = (byte) bq.ordinal();
        }
        // A few implausible clean intervals (a double-detected beat of 150 ms) are the device's mislabelling: the
        // batch is kept, and the detector analyses them as excluded and counts them (PatientDetector). A batch that is
        // mostly implausible says nothing trustworthy.
        if (2 * implausible > n) {
            throw new Rejection(DeadLetterReason.IMPLAUSIBLE_VALUE, "rrBatch: " + implausible + " of its " + n + " intervals (more "
                    + "than half) are clean and outside " + MIN_RR_MS + "-" + MAX_RR_MS + " ms, the first rrMs["
                    + firstImplausible + "]");
        }
        r.kind = DeviceReading.Kind.RR_BATCH;
        r.rrStart = rr.getStart().toEpochMilli();
        r.rrMs = ms;
        r.rrQuality = q;
    }

    private static void activity(ActivitySample a, DeviceReading r) throws Rejection {
        int seconds = a.getIntervalSeconds();
        if (seconds <= 0 || seconds > 86_400) {
            throw invalid("activity.intervalSeconds outside 1-86400");
        }
        Integer steps = a.getSteps();
        Integer counts = a.getActivityCount();
        if (steps == null && counts == null) {
            throw invalid("activity has neither steps nor activityCount");
        }
        if ((steps != null && steps < 0) || (counts != null && counts < 0)) {
            throw invalid("activity counts are negative");
        }
        if (steps != null && steps * 60L > (long) MAX_STEPS_PER_MINUTE * seconds) {
            throw new Rejection(DeadLetterReason.IMPLAUSIBLE_VALUE,
                    "activity.steps above " + MAX_STEPS_PER_MINUTE + " per minute");
        }
        r.kind = DeviceReading.Kind.ACTIVITY;
        r.intervalSeconds = seconds;
        r.steps = steps == null ? -1 : steps;
        r.activityCount = counts == null ? -1 : counts;
    }

    private static void status(DeviceStatus s, DeviceReading r) throws Rejection {
        Integer battery = s.getBatteryPercent();
        if (battery != null && (battery < 0 || battery > 100)) {
            throw invalid("status.batteryPercent outside 0-100");
        }
        Integer buffered = s.getBufferedEvents();
        if (buffered != null && buffered < 0) {
            throw invalid("status.bufferedEvents is negative");
        }
        r.kind = DeviceReading.Kind.STATUS;
        r.batteryPercent = battery == null ? -1 : battery;
        r.connectivity = s.getConnectivity() == null ? DeviceReading.CONN_UNKNOWN : (byte) s.getConnectivity().ordinal();
        r.bufferedEvents = buffered == null ? -1 : buffered;
    }

    /**
     * Present, not blank, and without control characters: these fields become the patient's key, the alert's
     * pseudonym and log text, where a line break would write a forged log line (probe 19b D3).
     */
    private static void requireText(String s, String field) throws Rejection {
        if (s == null || s.isBlank()) {
            throw invalid(field + " is missing or blank");
        }
        if (s.chars().anyMatch(Character::isISOControl)) {
            throw invalid(field + " contains a control character");
        }
    }

    private static Rejection invalid(String detail) {
        return new Rejection(DeadLetterReason.INVALID_FIELD, detail);
    }
}
