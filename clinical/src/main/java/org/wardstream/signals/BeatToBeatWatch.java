package org.wardstream.signals;

import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;

/**
 * Whether a patient's rhythm monitoring has stopped while the rest of their monitoring goes on: the patient's devices
 * have sent beat-to-beat (RR) intervals, the AF and pause analysis's only input, but none for the silence limit
 * ({@code alert-rules/beat-to-beat-offline.yaml}, {@code silenceLimit}) while a device still sends heart rate (a chest
 * strap's battery flat beside a wrist watch, probe 20a D7). Device-offline is per patient: the watch keeps it quiet, so
 * without this nothing said that AF and pauses were no longer analysed.
 *
 * <p>Decided on data only, never on a timer: the episode is found by the first heart-rate sample at or after the last
 * beat-to-beat data plus the limit, with heart rate arriving (no two readings {@link #HEART_RATE_BREAK_MS} or more
 * apart) for the whole limit (when nothing at all arrives, device-offline says so; when all data resume after such a
 * gap, the heart rate often comes a minute before that minute's beats, which is no silent strap), and ends at the
 * next beat-to-beat data. A patient whose devices never sent beat-to-beat intervals (a watch sending heart rate only) is
 * never watched: they are not rhythm-monitored. Plain Java; the state is {@link BeatToBeatState}.
 */
public final class BeatToBeatWatch {
    /** Detector name and version (part of the episode ids of beat-to-beat-offline). */
    public static final String DETECTOR_VERSION = "wardstream-beat-to-beat-watch/1";

    /** A change of the patient's beat-to-beat data: silent for the limit ({@code started}) or resumed. */
    public record Event(boolean started, long sinceMs, long atMs) {
    }

    /**
     * Heart-rate readings this far apart or further mean heart rate was not arriving in between (the device was off,
     * out of range, or not sending): the silence of the beats is counted again from the next reading. Wrist devices
     * in background mode send heart rate every 5-10 minutes (probe 17a D6: every 6 min), so 15 minutes is no break
     * for them.
     */
    public static final long HEART_RATE_BREAK_MS = 15 * 60_000L;

    private final long silenceLimitMs;

    public BeatToBeatWatch(long silenceLimitMs) {
        if (silenceLimitMs <= 0) throw new IllegalArgumentException("silence limit must be positive");
        this.silenceLimitMs = silenceLimitMs;
    }

    public static BeatToBeatWatch from(EffectiveRules rules) {
        return new BeatToBeatWatch(rules.rule(EpisodeType.BEAT_TO_BEAT_OFFLINE).millis("silenceLimit"));
    }

    public long silenceLimitMs() {
        return silenceLimitMs;
    }

    /**
     * Beat-to-beat data whose newest beat is at {@code newestMs}: an open episode ends (data resumed), at that beat or,
     * for data older than the heart-rate reading that found the episode (a strap's backlog), at that reading; else
     * null. After such an end the silence counts from the end at the earliest: a strap that uploads its buffer and
     * stays silent is reported again the limit after the end, as a new episode (one starting inside the ended one
     * would be taken by the lifecycle as the same condition seen again, and never alerted).
     */
    public Event onBeats(BeatToBeatState s, long newestMs) {
        Event e = null;
        if (s.open() && newestMs > s.silentSinceMs) {
            e = new Event(false, s.silentSinceMs, Math.max(newestMs, s.reportedAtMs));
            s.silentSinceMs = BeatToBeatState.NO_TIME;
            s.reportedAtMs = BeatToBeatState.NO_TIME;
        }
        long beats = e == null ? newestMs : Math.max(newestMs, e.atMs());
        if (s.lastBeatsMs == BeatToBeatState.NO_TIME || beats > s.lastBeatsMs) {
            s.lastBeatsMs = beats;
        }
        return e;
    }

    /**
     * A device's heart-rate sample at {@code timeMs}: the episode starts when the patient's last beat-to-beat data is
     * the silence limit or more before it and heart rate has been arriving without a break for the limit too (its
     * start: that last beat-to-beat data); else null. A state from format 1 knows no run of heart rate: the run starts
     * at its next reading (a strap already silent then is reported the limit after it).
     */
    public Event onHeartRate(BeatToBeatState s, long timeMs) {
        if (s.lastHeartRateMs == BeatToBeatState.NO_TIME || timeMs - s.lastHeartRateMs >= HEART_RATE_BREAK_MS) {
            s.heartRateSinceMs = timeMs; // the first reading, or the first after a break: a new run of heart rate
        }
        if (s.lastHeartRateMs == BeatToBeatState.NO_TIME || timeMs > s.lastHeartRateMs) {
            s.lastHeartRateMs = timeMs;
        }
        if (s.open() || s.lastBeatsMs == BeatToBeatState.NO_TIME
                || timeMs - Math.max(s.lastBeatsMs, s.heartRateSinceMs) < silenceLimitMs) {
            return null;
        }
        s.silentSinceMs = s.lastBeatsMs;
        s.reportedAtMs = timeMs;
        return new Event(true, s.lastBeatsMs, timeMs);
    }

    /**
     * The patient's alerting stopped or resumed: the alert stage closes what was open, so an open episode is forgotten
     * silently (the patient's beat-to-beat history is kept: a strap still silent when alerting resumes is reported
     * from then, {@link #watchFrom}).
     */
    public void forget(BeatToBeatState s) {
        s.silentSinceMs = BeatToBeatState.NO_TIME;
        s.reportedAtMs = BeatToBeatState.NO_TIME;
    }

    /**
     * The patient's alerting started or resumed at {@code atMs}: for a patient whose devices have sent beat-to-beat
     * data, the silence counts from then at the earliest (nothing is reported for time while not monitored).
     */
    public void watchFrom(BeatToBeatState s, long atMs) {
        if (s.lastBeatsMs != BeatToBeatState.NO_TIME && atMs > s.lastBeatsMs) {
            s.lastBeatsMs = atMs;
        }
    }
}
