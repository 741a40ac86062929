package org.wardstream.signals;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import static org.wardstream.signals.HeartRateState.NO_TIME;

/**
 * Incremental, per-patient sustained heart-rate thresholds: tachycardia and bradycardia episodes from heart
 * rate samples, emitting only the crossings ({@link HeartRateEvent}), never one event per sample. Stateless
 * itself; the per-patient data lives in a {@link HeartRateState}. Samples must arrive in device-time order;
 * an earlier (or equal) sample is ignored.
 *
 * <h2>Minute by minute</h2>
 * Wrist heart rate is noisy (5-8 bpm sample to sample is ordinary), so no criterion is judged on single samples:
 * the samples fall into consecutive minutes ({@link MinuteBucket}: a minute begins at a sample and holds the samples
 * of the next 60 s), and each criterion is judged on each completed minute's <b>rate</b>: the mean of its samples
 * leaving out the highest and the lowest one (with three samples or more), so one artefact in a minute is dropped
 * whole and sample noise averages out. A criterion "holds for D" when it has held in every minute of a
 * run of consecutive minutes whose samples span at least D (the run's first sample to its last minute's last
 * sample); it is decided when that last minute is complete: at the first sample a minute or more after the minute
 * began (which begins the next minute; the event is dated there). One minute that does not meet the criterion breaks
 * the run (the next run begins with the next minute), so the criteria do not fire on a rate that is mostly on the
 * other side of the threshold; one artefact among three or more samples in a minute is left out. With samples every
 * second, "10 minutes" is 11 minutes whose first and last samples are 10 minutes apart, decided about 11 minutes
 * after the run's first sample; "1 minute" is two minutes. With one sample a minute each minute is that sample: the
 * same samples as the former sample-by-sample rule (e.g. 11 samples above 120, 10 minutes apart), decided one sample
 * later, when the next sample completes the last minute.
 *
 * <h2>Definitions</h2>
 * <ul>
 *   <li><b>Tachycardia</b> starts when the rate, minute by minute, has been above {@code tachyRateBpm} while the
 *       patient was <i>at rest</i> for at least {@code tachyMinMs} (each minute's rate strictly above, and more
 *       than half of its samples taken at rest). At rest
 *       means the device is known to be worn ({@link ActivityState#WORN_STILL}, or {@link ActivityState#ACTIVE}
 *       with the last activity interval below {@code restBelowStepsPerMinute}, i.e. a few steps about the room,
 *       not walking): a walking patient's high rate is exertion, and a rate from a device not known to be worn
 *       is not trusted. Once open, activity no longer
 *       matters: it ends when the rate, minute by minute, has been below {@code tachyRateBpm - tachyEndHysteresisBpm}
 *       for {@code tachyEndMinMs} (hysteresis: no flapping around the threshold).</li>
 *   <li><b>Bradycardia</b> starts on either criterion: <i>severe</i>, below {@code severeRateBpm} for
 *       {@code severeMinMs} at any time; or <i>sustained</i>, below {@code sustainedRateBpm} for
 *       {@code sustainedMinMs} while <i>awake</i> (more than half of each minute's samples taken in local waking hours of the patient's time zone, or walking: {@link ActivityState#ACTIVE} with a known cadence). An episode opened on the
 *       sustained criterion emits {@code BRADYCARDIA_SEVERE} once if the severe criterion is met later. It ends when
 *       the rate, minute by minute, has been at or above the opening criterion's rate + {@code bradyEndHysteresisBpm}
 *       for {@code bradyEndMinMs}.</li>
 *   <li>Samples more than {@code maxSampleGapMs} apart break the runs (and the minute in progress); an open
 *       episode then ends at its last sample with reason {@code DATA_GAP} (missing data is not evidence either
 *       way). Samples closer than that but more than a minute apart are each a minute of their own (a device
 *       sampling every 6 minutes in the background: each "minute" is one sample, and "10 minutes" is three samples
 *       12 minutes apart, decided at the fourth).</li>
 *   <li>Samples the device rates below {@code minSignalQuality} are left out by the callers ({@link #reliable}).</li>
 * </ul>
 * Evidence (min/mean/max/samples) covers only samples inside the episode: from the first sample of the run that
 * met the opening criterion to the event, and for an END not the recovery run after the episode's end (the samples
 * of its minutes are kept apart and merged back if the recovery breaks). A severe-bradycardia escalation's evidence
 * is the severe run itself (its minutes, and the sample that completed the last of them).
 */
public final class HeartRateThresholds {

    /** Detector version; part of the deterministic episode ids. */
    public static final String DETECTOR_VERSION = "wardstream-hr-thresholds/4"; // 2: criteria judged minute by minute (each minute's rate: the mean without its highest and lowest sample); 3: readings up to 10 min apart, readings below the quality floor left out, movement not known (counts only) and aged-out activity (probe 17a, D6-D9); 4: a rate a minute from RR intervals when no device sends heart rate (RrHeartRate), the events saying which source the episode's samples came from

    private final HeartRateParameters p;

    public HeartRateThresholds(HeartRateParameters parameters) {
        this.p = Objects.requireNonNull(parameters);
    }

    public HeartRateParameters parameters() {
        return p;
    }

    public List<HeartRateEvent> onSample(HeartRateState s, long timeMs, double bpm, ActivityState activity,
                                         double stepsPerMinute) {
        return onSample(s, timeMs, bpm, activity, stepsPerMinute, false);
    }

    /**
     * {@link #onSample(HeartRateState, long, double, ActivityState, double, boolean, Consumer)}, the events as a list.
     */
    public List<HeartRateEvent> onSample(HeartRateState s, long timeMs, double bpm, ActivityState activity,
                                         double stepsPerMinute, boolean rrDerived) {
        List<HeartRateEvent> out = new ArrayList<>(2);
        onSample(s, timeMs, bpm, activity, stepsPerMinute, rrDerived, out::add);
        return out;
    }

    /**
     * Whether a sample the device rates {@code signalQuality} (0-1, 1 = best; NaN: not reported) is used at all: not
     * below {@code minSignalQuality}. A sample left out is as if it had not been sent (callers count it): it neither
     * makes nor breaks a run, and a stretch of them is a gap in the data like any other.
     */
    public boolean reliable(double signalQuality) {
        return !(signalQuality < p.minSignalQuality());
    }

    /**
     * Feeds one heart-rate sample with the activity state and the last activity cadence (steps per minute,
     * NaN when unknown) at that time.
     *
     * @return whether the sample was used (false if out of order or not a finite positive rate)
     */
    public boolean onSample(HeartRateState s, long timeMs, double bpm, ActivityState activity, double stepsPerMinute,
                            Consumer<? super HeartRateEvent> sink) {
        return onSample(s, timeMs, bpm, activity, stepsPerMinute, false, sink);
    }

    /**
     * Feeds one heart-rate sample: a device's own ({@code rrDerived} false) or one derived from a minute of RR
     * intervals ({@link RrHeartRate}); the criteria are the same, and the events say how many of the episode's samples
     * came from each ({@link HeartRateEvent#rrPercent}).
     *
     * @return whether the sample was used (false if out of order or not a finite positive rate)
     */
    public boolean onSample(HeartRateState s, long timeMs, double bpm, ActivityState activity, double stepsPerMinute,
                            boolean rrDerived, Consumer<? super HeartRateEvent> sink) {
        if (s.lastSampleMs != NO_TIME && timeMs <= s.lastSampleMs) return false;
        if (!(bpm > 0) || Double.isInfinite(bpm)) return false;
        if (s.lastSampleMs != NO_TIME && timeMs - s.lastSampleMs > p.maxSampleGapMs()) {
            gap(s, sink);
        }
        long lastOfMinute = s.lastSampleMs;
        s.lastSampleMs = timeMs;
        MinuteBucket m = s.minute;
        if (m.completedBy(timeMs)) { // this sample completes a minute: the criteria judge it, then it begins the next
            tachycardia(s, lastOfMinute, timeMs, bpm, rrDerived, sink);
            bradycardia(s, lastOfMinute, timeMs, bpm, rrDerived, sink);
            m.begin(timeMs);
        } else if (!m.isOpen()) {
            m.begin(timeMs);
        }
        m.add(bpm, atRest(activity, stepsPerMinute), walking(activity, stepsPerMinute) || p.waking().isWakingHours(timeMs),
                rrDerived);
        return true;
    }

    /**
     * Walking (awake for the sustained-bradycardia criterion): moving with a known cadence. {@link ActivityState#ACTIVE}
     * with a NaN cadence is movement not known (accelerometer counts only, {@link WearActivityTracker#onActivity}):
     * neither at rest nor walking.
     */
    static boolean walking(ActivityState activity, double stepsPerMinute) {
        return activity == ActivityState.ACTIVE && !Double.isNaN(stepsPerMinute);
    }

    /**
     * At rest for the tachycardia criterion: worn and still, or active with the last activity interval's cadence
     * below {@code restBelowStepsPerMinute} (a NaN cadence, movement not known, is not at rest).
     */
    public boolean atRest(ActivityState activity, double stepsPerMinute) {
        return activity == ActivityState.WORN_STILL
                || activity == ActivityState.ACTIVE && stepsPerMinute < p.restBelowStepsPerMinute();
    }

    private double tachyEndRate() {
        return p.tachyRateBpm() - p.tachyEndHysteresisBpm();
    }

    private double bradyEndRate(HeartRateState s) {
        return (s.bradyOpenedSevere ? p.severeRateBpm() : p.sustainedRateBpm()) + p.bradyEndHysteresisBpm();
    }

    /** Start of the earlier of the tachycardia and bradycardia episodes open now, or {@code NO_TIME} when none is. */
    public static long openEpisodeStartMs(HeartRateState s) {
        long tachy = s.tachyOpen ? s.tachyStartMs : NO_TIME;
        long brady = s.bradyOpen ? s.bradyStartMs : NO_TIME;
        return tachy == NO_TIME ? brady : brady == NO_TIME ? tachy : Math.min(tachy, brady);
    }

    /**
     * The patient's samples continue on an earlier clock ({@link org.wardstream.rhythm.RrAnalyser#restart}): an open
     * episode closes at its last sample ({@code DATA_GAP}), as after a gap, and the clock is forgotten.
     */
    public void restart(HeartRateState s, Consumer<? super HeartRateEvent> sink) {
        if (s.lastSampleMs != NO_TIME) {
            gap(s, sink);
        }
        s.lastSampleMs = NO_TIME;
    }

    /**
     * The tachycardia open in {@code s}, announced again from {@code fromMs}: a {@code TACHYCARDIA_START} starting
     * then (or at the episode's own start if later), at its last sample, with the episode's running rate statistics;
     * null unless the samples show it going on after {@code fromMs}: open, a sample at or after {@code fromMs}, and no
     * recovery running or beginning (completed minutes below the end rate, or the minute in progress so far: a rate
     * falling back as the rhythm converts is no tachycardia of its own: announced, it would
     * open an alert that closes at once, or with its end before its start). For an episode whose START raised no alert
     * because an AF episode explained it ({@link org.wardstream.episodes.Transitions#explainedByAf}): when the AF ends
     * and the tachycardia goes on, it is alerted from the AF's end. The state is not changed; this is no crossing of
     * the thresholds, and the episode's END later is its own.
     */
    public HeartRateEvent reannounceTachycardia(HeartRateState s, long fromMs) {
        if (!s.tachyOpen || s.tachyRecoverSinceMs != NO_TIME || s.minute.rate() < tachyEndRate()
                || s.lastSampleMs == NO_TIME || s.lastSampleMs < fromMs) {
            return null;
        }
        long start = Math.max(fromMs, s.tachyStartMs);
        RateStats stats = new RateStats();
        stats.add(s.tachy);
        stats.add(s.minute.stats);
        return event(HeartRateEvent.Kind.TACHYCARDIA_START, start, s.lastSampleMs, s.lastSampleMs, false, stats, null);
    }

    private void gap(HeartRateState s, Consumer<? super HeartRateEvent> sink) {
        long last = s.lastSampleMs;
        if (s.tachyOpen) { // the episode ends at its last sample: the recovery and the minute in progress were inside it
            s.tachy.add(s.tachyRecovery);
            s.tachy.add(s.minute.stats);
            sink.accept(event(HeartRateEvent.Kind.TACHYCARDIA_END, s.tachyStartMs, last, last, false, s.tachy,
                    HeartRateEvent.DATA_GAP));
            s.tachyOpen = false;
        }
        if (s.bradyOpen) {
            s.brady.add(s.bradyRecovery);
            s.brady.add(s.minute.stats);
            sink.accept(event(HeartRateEvent.Kind.BRADYCARDIA_END, s.bradyStartMs, last, last, s.bradySevere, s.brady,
                    HeartRateEvent.DATA_GAP));
            s.bradyOpen = false;
        }
        resetTachy(s);
        resetBrady(s);
        s.minute.clear();
    }

    /**
     * The minute in {@code s.minute} is complete: {@code last} is its last sample; the sample at {@code t}
     * ({@code bpm}) completed it.
     */
    private void tachycardia(HeartRateState s, long last, long t, double bpm, boolean rrDerived,
                             Consumer<? super HeartRateEvent> sink) {
        MinuteBucket m = s.minute;
        if (!s.tachyOpen) {
            if (m.rate() > p.tachyRateBpm() && m.most(m.atRest)) {
                if (s.tachySinceMs == NO_TIME) {
                    resetTachy(s);
                    s.tachySinceMs = m.startMs;
                }
                s.tachy.add(m.stats);
                if (last - s.tachySinceMs >= p.tachyMinMs()) {
                    s.tachyOpen = true;
                    s.tachyStartMs = s.tachySinceMs;
                    s.tachyRecoverSinceMs = NO_TIME;
                    s.tachyRecovery.reset();
                    sink.accept(event(HeartRateEvent.Kind.TACHYCARDIA_START, s.tachyStartMs, t, t, false,
                            s.tachy.plus(bpm, rrDerived), null));
                }
            } else {
                resetTachy(s);
            }
            return;
        }
        if (m.rate() < tachyEndRate()) {
            if (s.tachyRecoverSinceMs == NO_TIME) s.tachyRecoverSinceMs = m.startMs;
            s.tachyRecovery.add(m.stats); // after the episode's end if the recovery completes
            if (last - s.tachyRecoverSinceMs >= p.tachyEndMinMs()) {
                sink.accept(event(HeartRateEvent.Kind.TACHYCARDIA_END, s.tachyStartMs, s.tachyRecoverSinceMs, t, false,
                        s.tachy, HeartRateEvent.RECOVERED));
                s.tachyOpen = false;
                resetTachy(s);
            }
        } else {
            s.tachy.add(s.tachyRecovery); // the recovery broke: its minutes were inside the episode
            s.tachyRecovery.reset();
            s.tachyRecoverSinceMs = NO_TIME;
            s.tachy.add(m.stats);
        }
    }

    /** As {@link #tachycardia}. */
    private void bradycardia(HeartRateState s, long last, long t, double bpm, boolean rrDerived,
                             Consumer<? super HeartRateEvent> sink) {
        MinuteBucket m = s.minute;
        // candidate runs of the two criteria, each with its own statistics
        if (m.rate() < p.severeRateBpm()) {
            if (s.bradySevereSinceMs == NO_TIME) {
                s.bradySevereSinceMs = m.startMs;
                s.severeRun.reset();
            }
            s.severeRun.add(m.stats);
        } else {
            s.bradySevereSinceMs = NO_TIME;
        }
        if (m.rate() < p.sustainedRateBpm() && m.most(m.awake)) {
            if (s.bradySustainedSinceMs == NO_TIME) {
                s.bradySustainedSinceMs = m.startMs;
                s.sustainedRun.reset();
            }
            s.sustainedRun.add(m.stats);
        } else {
            s.bradySustainedSinceMs = NO_TIME;
        }
        boolean severeMet = s.bradySevereSinceMs != NO_TIME && last - s.bradySevereSinceMs >= p.severeMinMs();
        boolean sustainedMet = s.bradySustainedSinceMs != NO_TIME && last - s.bradySustainedSinceMs >= p.sustainedMinMs();
        if (!s.bradyOpen) {
            if (severeMet || sustainedMet) {
                s.bradyOpen = true;
                s.bradySevere = severeMet;
                s.bradyOpenedSevere = severeMet;
                s.bradyStartMs = severeMet ? s.bradySevereSinceMs : s.bradySustainedSinceMs;
                if (severeMet && sustainedMet) s.bradyStartMs = Math.min(s.bradySevereSinceMs, s.bradySustainedSinceMs);
                s.bradyRecoverSinceMs = NO_TIME;
                s.bradyRecovery.reset();
                // the episode's statistics: those of the run it starts with (the other run lies inside it)
                s.brady.reset();
                s.brady.add(s.bradyStartMs == s.bradySevereSinceMs ? s.severeRun : s.sustainedRun);
                sink.accept(event(HeartRateEvent.Kind.BRADYCARDIA_START, s.bradyStartMs, t, t, s.bradySevere,
                        s.brady.plus(bpm, rrDerived), null));
            }
            return;
        }
        boolean recovering = m.rate() >= bradyEndRate(s);
        if (recovering) {
            if (s.bradyRecoverSinceMs == NO_TIME) s.bradyRecoverSinceMs = m.startMs;
            s.bradyRecovery.add(m.stats); // after the episode's end if the recovery completes
        } else {
            s.brady.add(s.bradyRecovery); // a recovery that broke was inside the episode
            s.bradyRecovery.reset();
            s.bradyRecoverSinceMs = NO_TIME;
            s.brady.add(m.stats);
        }
        if (severeMet && !s.bradySevere) {
            s.bradySevere = true;
            // the evidence of the escalation: the severe run itself
            sink.accept(event(HeartRateEvent.Kind.BRADYCARDIA_SEVERE, s.bradyStartMs, t, t, true,
                    s.severeRun.plus(bpm, rrDerived), null));
        }
        if (recovering && last - s.bradyRecoverSinceMs >= p.bradyEndMinMs()) {
            sink.accept(event(HeartRateEvent.Kind.BRADYCARDIA_END, s.bradyStartMs, s.bradyRecoverSinceMs, t,
                    s.bradySevere, s.brady, HeartRateEvent.RECOVERED));
            s.bradyOpen = false;
            resetBrady(s);
        }
    }

    private static void resetTachy(HeartRateState s) {
        s.tachySinceMs = NO_TIME;
        s.tachyStartMs = NO_TIME;
        s.tachyRecoverSinceMs = NO_TIME;
        s.tachy.reset();
        s.tachyRecovery.reset();
    }

    private static void resetBrady(HeartRateState s) {
        s.bradySevereSinceMs = NO_TIME;
        s.bradySustainedSinceMs = NO_TIME;
        s.bradyStartMs = NO_TIME;
        s.bradyRecoverSinceMs = NO_TIME;
        s.bradySevere = false;
        s.bradyOpenedSevere = false;
        s.brady.reset();
        s.bradyRecovery.reset();
    }

    private static HeartRateEvent event(HeartRateEvent.Kind kind, long start, long at, long emitted, boolean severe,
                                        RateStats stats, String reason) {
        return new HeartRateEvent(kind, start, at, emitted, severe, stats.min, stats.mean(), stats.max, stats.count,
                reason, stats.rrPercent());
    }
}
