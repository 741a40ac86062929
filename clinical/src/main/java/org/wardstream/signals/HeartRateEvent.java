package org.wardstream.signals;

/**
 * A sustained-threshold crossing from {@link HeartRateThresholds}. All times are device (event) time, epoch ms.
 *
 * @param kind           what happened
 * @param episodeStartMs first sample of the run of minutes that met the criterion (the episode start)
 * @param atMs           for START/SEVERE: the sample at which the criterion was met (the one that completed the
 *                       run's last minute); for END: the episode end (first sample of the recovery's first minute,
 *                       or the last sample before a data gap)
 * @param emittedAtMs    the sample at which this event was emitted ({@code >= atMs})
 * @param severe         bradycardia: whether the severe criterion has been met in this episode
 * @param minBpm         lowest rate over the episode so far; {@code meanBpm}, {@code maxBpm} likewise
 * @param samples        samples accumulated (min, mean and max are over these samples, not over minutes)
 * @param reason         for END: {@code RECOVERED} or {@code DATA_GAP}; otherwise null
 * @param rrPercent      of those samples, the percentage derived from RR intervals ({@link RrHeartRate}) rather than
 *                       sent by a device as heart rate: 0 all the device's, 100 all from RR intervals; NaN when the
 *                       source of none of them is known ({@link RateStats#rrPercent})
 */
public record HeartRateEvent(Kind kind, long episodeStartMs, long atMs, long emittedAtMs, boolean severe,
                             double minBpm, double meanBpm, double maxBpm, int samples, String reason,
                             double rrPercent) {

    public enum Kind { TACHYCARDIA_START, TACHYCARDIA_END, BRADYCARDIA_START, BRADYCARDIA_SEVERE, BRADYCARDIA_END }

    /** An event whose samples' source is not known ({@code rrPercent} NaN). */
    public HeartRateEvent(Kind kind, long episodeStartMs, long atMs, long emittedAtMs, boolean severe, double minBpm,
                          double meanBpm, double maxBpm, int samples, String reason) {
        this(kind, episodeStartMs, atMs, emittedAtMs, severe, minBpm, meanBpm, maxBpm, samples, reason, Double.NaN);
    }

    public static final String RECOVERED = "RECOVERED";
    public static final String DATA_GAP = "DATA_GAP";
}
