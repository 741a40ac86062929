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
 * <h2>Definitions</h2>
 * <ul>
 *   <li><b>Tachycardia</b> starts when every sample has been strictly above {@code tachyRateBpm} while the
 *       patient was <i>at rest</i> for at least {@code tachyMinMs} (first to last sample of the run). At rest
 *       means the device is known to be worn ({@link ActivityState#WORN_STILL}, or {@link ActivityState#ACTIVE}
 *       with the last activity interval below {@code restBelowStepsPerMinute}, i.e. a few steps about the room,
 *       not walking): a walking patient's high rate is exertion, and a rate from a device not known to be worn
 *       is not trusted. Once open, activity no longer
 *       matters: it ends when the rate has been below {@code tachyRateBpm - tachyEndHysteresisBpm} for
 *       {@code tachyEndMinMs} (hysteresis: no flapping around the threshold).</li>
 *   <li><b>Bradycardia</b> starts on either criterion: <i>severe</i>, below {@code severeRateBpm} for
 *       {@code severeMinMs} at any time; or <i>sustained</i>, below {@code sustainedRateBpm} for
 *       {@code sustainedMinMs} while <i>awake</i> (local waking hours of the patient's time zone, or
 *       {@link ActivityState#ACTIVE}). An episode opened on the sustained criterion emits
 *       {@code BRADYCARDIA_SEVERE} once if the severe criterion is met later. It ends when the rate has been at
 *       or above the opening criterion's rate + {@code bradyEndHysteresisBpm} for {@code bradyEndMinMs}.</li>
 *   <li>Samples more than {@code maxSampleGapMs} apart break the runs; an open episode then ends at its last
 *       sample with reason {@code DATA_GAP} (missing data is not evidence either way).</li>
 * </ul>
 * Evidence (min/mean/max/samples) covers only samples inside the episode: from the first sample of the run that
 * met the opening criterion to the event, and for an END not the recovery run after the episode's end (those
 * samples are kept apart and merged back if the recovery breaks). A severe-bradycardia escalation's evidence is the
 * severe run itself (every sample below {@code severeRateBpm}).
 */
public final class HeartRateThresholds {

    /** Detector version; part of the deterministic episode ids. */
    public static final String DETECTOR_VERSION = "wardstream-hr-thresholds/1";

    private final HeartRateParameters p;

    public HeartRateThresholds(HeartRateParameters parameters) {
        this.p = Objects.requireNonNull(parameters);
    }

    public HeartRateParameters parameters() {
        return p;
    }

    public List<HeartRateEvent> onSample(HeartRateState s, long timeMs, double bpm, ActivityState activity,
                                         double stepsPerMinute) {
        List<HeartRateEvent> out = new ArrayList<>(2);
        onSample(s, timeMs, bpm, activity, stepsPerMinute, out::add);
        return out;
    }

    /**
     * Feeds one heart-rate sample with the activity state and the last activity cadence (steps per minute,
     * NaN when unknown) at that time.
     *
     * @return whether the sample was used (false if out of order or not a finite positive rate)
     */
    public boolean onSample(HeartRateState s, long timeMs, double bpm, ActivityState activity, double stepsPerMinute,
                            Consumer<? super HeartRateEvent> sink) {
        if (s.lastSampleMs != NO_TIME && timeMs <= s.lastSampleMs) return false;
        if (!(bpm > 0) || Double.isInfinite(bpm)) return false;
        if (s.lastSampleMs != NO_TIME && timeMs - s.lastSampleMs > p.maxSampleGapMs()) {
            gap(s, sink);
        }
        s.lastSampleMs = timeMs;
        boolean atRest = activity == ActivityState.WORN_STILL
                || activity == ActivityState.ACTIVE && stepsPerMinute < p.restBelowStepsPerMinute();
        tachycardia(s, timeMs, bpm, atRest, sink);
        boolean awake = activity == ActivityState.ACTIVE || p.waking().isWakingHours(timeMs);
        bradycardia(s, timeMs, bpm, awake, sink);
        return true;
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
     * recovery running (a rate falling back as the rhythm converts is no tachycardia of its own: announced, it would
     * open an alert that closes at once, or with its end before its start). For an episode whose START raised no alert
     * because an AF episode explained it ({@link org.wardstream.episodes.Transitions#explainedByAf}): when the AF ends
     * and the tachycardia goes on, it is alerted from the AF's end. The state is not changed; this is no crossing of
     * the thresholds, and the episode's END later is its own.
     */
    public HeartRateEvent reannounceTachycardia(HeartRateState s, long fromMs) {
        if (!s.tachyOpen || s.tachyRecoverSinceMs != NO_TIME || s.lastSampleMs == NO_TIME || s.lastSampleMs < fromMs) {
            return null;
        }
        long start = Math.max(fromMs, s.tachyStartMs);
        return tachyEvent(s, HeartRateEvent.Kind.TACHYCARDIA_START, start, s.lastSampleMs, s.lastSampleMs, null);
    }

    private void gap(HeartRateState s, Consumer<? super HeartRateEvent> sink) {
        long last = s.lastSampleMs;
        if (s.tachyOpen) {
            mergeTachyRecovery(s); // the episode ends at its last sample: the recovery samples were inside it
            sink.accept(tachyEvent(s, HeartRateEvent.Kind.TACHYCARDIA_END, last, last, HeartRateEvent.DATA_GAP));
            s.tachyOpen = false;
        }
        if (s.bradyOpen) {
            mergeBradyRecovery(s);
            sink.accept(bradyEvent(s, HeartRateEvent.Kind.BRADYCARDIA_END, last, last, HeartRateEvent.DATA_GAP));
            s.bradyOpen = false;
        }
        resetTachy(s);
        resetBrady(s);
    }

    private void tachycardia(HeartRateState s, long t, double bpm, boolean atRest, Consumer<? super HeartRateEvent> sink) {
        if (!s.tachyOpen) {
            if (bpm > p.tachyRateBpm() && atRest) {
                if (s.tachySinceMs == NO_TIME) {
                    resetTachy(s);
                    s.tachySinceMs = t;
                }
                addTachy(s, bpm);
                if (t - s.tachySinceMs >= p.tachyMinMs()) {
                    s.tachyOpen = true;
                    s.tachyStartMs = s.tachySinceMs;
                    s.tachyRecoverSinceMs = NO_TIME;
                    sink.accept(tachyEvent(s, HeartRateEvent.Kind.TACHYCARDIA_START, t, t, null));
                }
            } else {
                resetTachy(s);
            }
            return;
        }
        if (bpm < p.tachyRateBpm() - p.tachyEndHysteresisBpm()) {
            if (s.tachyRecoverSinceMs == NO_TIME) s.tachyRecoverSinceMs = t;
            s.tachyRecovery.add(bpm); // after the episode's end if the recovery completes
            if (t - s.tachyRecoverSinceMs >= p.tachyEndMinMs()) {
                sink.accept(tachyEvent(s, HeartRateEvent.Kind.TACHYCARDIA_END, s.tachyRecoverSinceMs, t,
                        HeartRateEvent.RECOVERED));
                s.tachyOpen = false;
                resetTachy(s);
            }
        } else {
            mergeTachyRecovery(s); // the recovery broke: its samples were inside the episode
            s.tachyRecoverSinceMs = NO_TIME;
            addTachy(s, bpm);
        }
    }

    private void bradycardia(HeartRateState s, long t, double bpm, boolean awake, Consumer<? super HeartRateEvent> sink) {
        if (!s.bradyOpen) {
            if (!(bpm < p.sustainedRateBpm()) && !(bpm < p.severeRateBpm())) {
                resetBrady(s);
                return;
            }
            if (s.bradyRunStartMs == NO_TIME) {
                resetBrady(s);
                s.bradyRunStartMs = t;
            }
        }
        // candidate runs of the two criteria, each with its own statistics
        if (bpm < p.severeRateBpm()) {
            if (s.bradySevereSinceMs == NO_TIME) {
                s.bradySevereSinceMs = t;
                s.severeRun.reset();
            }
            s.severeRun.add(bpm);
        } else {
            s.bradySevereSinceMs = NO_TIME;
        }
        if (bpm < p.sustainedRateBpm() && awake) {
            if (s.bradySustainedSinceMs == NO_TIME) {
                s.bradySustainedSinceMs = t;
                s.sustainedRun.reset();
            }
            s.sustainedRun.add(bpm);
        } else {
            s.bradySustainedSinceMs = NO_TIME;
        }
        boolean severeMet = s.bradySevereSinceMs != NO_TIME && t - s.bradySevereSinceMs >= p.severeMinMs();
        boolean sustainedMet = s.bradySustainedSinceMs != NO_TIME && t - s.bradySustainedSinceMs >= p.sustainedMinMs();
        if (!s.bradyOpen) {
            if (severeMet || sustainedMet) {
                s.bradyOpen = true;
                s.bradySevere = severeMet;
                s.bradyOpenedSevere = severeMet;
                s.bradyStartMs = severeMet ? s.bradySevereSinceMs : s.bradySustainedSinceMs;
                if (severeMet && sustainedMet) s.bradyStartMs = Math.min(s.bradySevereSinceMs, s.bradySustainedSinceMs);
                s.bradyRecoverSinceMs = NO_TIME;
                // the episode's statistics: those of the run it starts with (the other run lies inside it)
                RateStats run = s.bradyStartMs == s.bradySevereSinceMs ? s.severeRun : s.sustainedRun;
                s.bradyMin = run.min;
                s.bradyMax = run.max;
                s.bradySum = run.sum;
                s.bradyCount = run.count;
                if (s.bradyCount == 0) { // state from format 1 (no run statistics): this sample at least
                    s.bradyMin = (float) bpm;
                    s.bradyMax = (float) bpm;
                    s.bradySum = bpm;
                    s.bradyCount = 1;
                }
                sink.accept(bradyEvent(s, HeartRateEvent.Kind.BRADYCARDIA_START, t, t, null));
            }
            return;
        }
        double endRate = (s.bradyOpenedSevere ? p.severeRateBpm() : p.sustainedRateBpm()) + p.bradyEndHysteresisBpm();
        if (bpm >= endRate) {
            s.bradyRecovery.add(bpm); // after the episode's end if the recovery completes
        } else {
            mergeBradyRecovery(s); // a recovery that broke was inside the episode
            addBrady(s, bpm);
        }
        if (severeMet && !s.bradySevere) {
            s.bradySevere = true;
            // the evidence of the escalation: the severe run itself
            sink.accept(new HeartRateEvent(HeartRateEvent.Kind.BRADYCARDIA_SEVERE, s.bradyStartMs, t, t, true,
                    s.severeRun.min, s.severeRun.mean(), s.severeRun.max, s.severeRun.count, null));
        }
        if (bpm >= endRate) {
            if (s.bradyRecoverSinceMs == NO_TIME) s.bradyRecoverSinceMs = t;
            if (t - s.bradyRecoverSinceMs >= p.bradyEndMinMs()) {
                sink.accept(bradyEvent(s, HeartRateEvent.Kind.BRADYCARDIA_END, s.bradyRecoverSinceMs, t,
                        HeartRateEvent.RECOVERED));
                s.bradyOpen = false;
                resetBrady(s);
            }
        } else {
            s.bradyRecoverSinceMs = NO_TIME;
        }
    }

    private static void resetTachy(HeartRateState s) {
        s.tachySinceMs = NO_TIME;
        s.tachyStartMs = NO_TIME;
        s.tachyRecoverSinceMs = NO_TIME;
        s.tachyMin = Float.POSITIVE_INFINITY;
        s.tachyMax = Float.NEGATIVE_INFINITY;
        s.tachySum = 0;
        s.tachyCount = 0;
        s.tachyRecovery.reset();
    }

    private static void resetBrady(HeartRateState s) {
        s.bradyRunStartMs = NO_TIME;
        s.bradySevereSinceMs = NO_TIME;
        s.bradySustainedSinceMs = NO_TIME;
        s.bradyStartMs = NO_TIME;
        s.bradyRecoverSinceMs = NO_TIME;
        s.bradySevere = false;
        s.bradyOpenedSevere = false;
        s.bradyMin = Float.POSITIVE_INFINITY;
        s.bradyMax = Float.NEGATIVE_INFINITY;
        s.bradySum = 0;
        s.bradyCount = 0;
        s.bradyRecovery.reset();
    }

    private static void mergeTachyRecovery(HeartRateState s) {
        RateStats r = s.tachyRecovery;
        if (r.count > 0) {
            s.tachyMin = Math.min(s.tachyMin, r.min);
            s.tachyMax = Math.max(s.tachyMax, r.max);
            s.tachySum += r.sum;
            s.tachyCount += r.count;
        }
        r.reset();
    }

    private static void mergeBradyRecovery(HeartRateState s) {
        RateStats r = s.bradyRecovery;
        if (r.count > 0) {
            s.bradyMin = Math.min(s.bradyMin, r.min);
            s.bradyMax = Math.max(s.bradyMax, r.max);
            s.bradySum += r.sum;
            s.bradyCount += r.count;
        }
        r.reset();
    }

    private static void addTachy(HeartRateState s, double bpm) {
        s.tachyMin = (float) Math.min(s.tachyMin, bpm);
        s.tachyMax = (float) Math.max(s.tachyMax, bpm);
        s.tachySum += bpm;
        s.tachyCount++;
    }

    private static void addBrady(HeartRateState s, double bpm) {
        s.bradyMin = (float) Math.min(s.bradyMin, bpm);
        s.bradyMax = (float) Math.max(s.bradyMax, bpm);
        s.bradySum += bpm;
        s.bradyCount++;
    }

    private static HeartRateEvent tachyEvent(HeartRateState s, HeartRateEvent.Kind kind, long at, long emitted, String reason) {
        return tachyEvent(s, kind, s.tachyStartMs, at, emitted, reason);
    }

    private static HeartRateEvent tachyEvent(HeartRateState s, HeartRateEvent.Kind kind, long start, long at, long emitted,
                                             String reason) {
        return new HeartRateEvent(kind, start, at, emitted, false, s.tachyMin,
                s.tachyCount == 0 ? 0 : s.tachySum / s.tachyCount, s.tachyMax, s.tachyCount, reason);
    }

    private static HeartRateEvent bradyEvent(HeartRateState s, HeartRateEvent.Kind kind, long at, long emitted, String reason) {
        return new HeartRateEvent(kind, s.bradyStartMs, at, emitted, s.bradySevere, s.bradyMin,
                s.bradyCount == 0 ? 0 : s.bradySum / s.bradyCount, s.bradyMax, s.bradyCount, reason);
    }
}
