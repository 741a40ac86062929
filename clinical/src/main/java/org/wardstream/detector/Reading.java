package org.wardstream.detector;

/**
 * One admitted device reading as the {@link PatientDetector} sees it: one record per payload kind. Times are device
 * time (epoch ms) except {@link #receivedMs()}, the platform's receipt time; {@link #lateByMs()} is the reported delay (receipt
 * minus device time when the reading is delayed, else 0; the detector computes its own from the two times); {@link #programme()} may be null.
 */
public sealed interface Reading {
    /**
     * The plausible range of a clean RR interval, ms: a batch with a clean RR outside it is refused by the job's ingest
     * ({@code EventValidator}), and {@code validate} treats its records the same way. Long pauses (5-10 s asystole) are
     * what the pause rule must see, so only intervals beyond a minute (a gap in the signal) are implausible.
     */
    int MIN_CLEAN_RR_MS = 200;
    int MAX_CLEAN_RR_MS = 60_000;
    /**
     * The most device time one RR batch may cover (the sum of its intervals, GAP and ARTEFACT included); a batch
     * spanning more is refused by the job's ingest, and {@code validate} counts it the same way.
     */
    long MAX_RR_BATCH_SPAN_MS = 60 * 60_000L;

    long timeMs();

    /**
     * Device time of the newest data the reading carries: the last beat of an RR batch, the end of an activity
     * interval, else {@link #timeMs()}. What the reading's arrival is judged by ({@link PatientDetector#arrive}): an RR
     * batch of 15 min sent as its window closes is live data, not data 15 min old (a device that syncs its tachogram
     * every 15 min beside live heart-rate samples had every batch dead-lettered as out of order).
     */
    default long newestMs() {
        return timeMs();
    }

    long receivedMs();

    long lateByMs();

    String programme();

    /**
     * The device that sent it (the event key's source id), or null when not known (one device): wear is judged per
     * device ({@link org.wardstream.signals.WearActivityTracker}).
     */
    String sourceId();

    /**
     * A heart-rate sample, bpm, with the device's own confidence in it ({@code signalQuality}, 0-1, 1 = best; NaN when
     * the device does not report it).
     */
    record HeartRate(long timeMs, long receivedMs, long lateByMs, String programme, float bpm, String sourceId,
                     float signalQuality) implements Reading {
        public HeartRate(long timeMs, long receivedMs, long lateByMs, String programme, float bpm) {
            this(timeMs, receivedMs, lateByMs, programme, bpm, null);
        }

        public HeartRate(long timeMs, long receivedMs, long lateByMs, String programme, float bpm, String sourceId) {
            this(timeMs, receivedMs, lateByMs, programme, bpm, sourceId, Float.NaN);
        }
    }

    /**
     * An RR batch (a tachogram): the beat opening the first interval at {@code startMs}, then consecutive intervals
     * with their quality codes (ordinals of {@link org.wardstream.rhythm.BeatQuality}).
     */
    record RrBatch(long timeMs, long receivedMs, long lateByMs, String programme, long startMs, int[] rrMs,
                   byte[] quality, String sourceId) implements Reading {
        public RrBatch(long timeMs, long receivedMs, long lateByMs, String programme, long startMs, int[] rrMs,
                       byte[] quality) {
            this(timeMs, receivedMs, lateByMs, programme, startMs, rrMs, quality, null);
        }

        @Override
        public long newestMs() {
            long last = startMs;
            for (int v : rrMs) {
                last += v;
            }
            return Math.max(timeMs, last);
        }
    }

    /**
     * Movement over an interval starting at {@code timeMs}: steps, and accelerometer activity counts (device-specific
     * scale); each -1 when the device did not report it.
     */
    record Activity(long timeMs, long receivedMs, long lateByMs, String programme, int intervalSeconds, int steps,
                    String sourceId, int activityCount) implements Reading {
        public Activity(long timeMs, long receivedMs, long lateByMs, String programme, int intervalSeconds, int steps) {
            this(timeMs, receivedMs, lateByMs, programme, intervalSeconds, steps, null);
        }

        public Activity(long timeMs, long receivedMs, long lateByMs, String programme, int intervalSeconds, int steps,
                        String sourceId) {
            this(timeMs, receivedMs, lateByMs, programme, intervalSeconds, steps, sourceId, -1);
        }

        @Override
        public long newestMs() {
            return timeMs + Math.max(0, intervalSeconds) * 1000L;
        }
    }

    /** A wear report: on the body or not, and how the device knows ({@code method}, e.g. "CHARGER"; may be null). */
    record Wear(long timeMs, long receivedMs, long lateByMs, String programme, boolean onBody, String method,
                String sourceId) implements Reading {
        public Wear(long timeMs, long receivedMs, long lateByMs, String programme, boolean onBody, String method) {
            this(timeMs, receivedMs, lateByMs, programme, onBody, method, null);
        }
    }

    /** A device status: whether it has just reconnected, and how many readings it holds (-1: unknown). */
    record Status(long timeMs, long receivedMs, long lateByMs, String programme, boolean reconnected,
                  int bufferedEvents, String sourceId) implements Reading {
        public Status(long timeMs, long receivedMs, long lateByMs, String programme, boolean reconnected,
                      int bufferedEvents) {
            this(timeMs, receivedMs, lateByMs, programme, reconnected, bufferedEvents, null);
        }
    }
}
