package org.wardstream.episodes;

import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rhythm.RhythmSegment;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.RuleSchema;
import org.wardstream.signals.BeatToBeatWatch;
import org.wardstream.signals.ActivityState;
import org.wardstream.signals.HeartRateEvent;
import org.wardstream.signals.HeartRateState;
import org.wardstream.signals.HeartRateThresholds;
import org.wardstream.signals.RhythmRuleParameters;
import org.wardstream.signals.WearActivityEvent;
import org.wardstream.signals.WearActivityTracker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the detectors' derived events to lifecycle {@link Transition}s (one detector event gives at most one
 * transition). The Flink layer can run these directly, or run CEP over the detector events and build the
 * same transitions from its matches.
 */
public final class Transitions {

    /** Detector version of {@link org.wardstream.rhythm.RrAnalyser} events (part of AF and pause episode ids). */
    public static final String RHYTHM_DETECTOR_VERSION = "wardstream-rr-analyser/9"; // 2: af-model-v1, 3: af-model-v2, 4: af-model-v3, 5: af-model-v4, 6: af-model-v5, 7: af-model-v5 with the rate-rise onset gate (issue 13), 8: a clean interval 2 or 3 times a regular rhythm (missed beats) is a hole in the AF window (probe 18a, D1), 9: only once the next interval is that rhythm again (one beat of look-ahead), and two intervals summing to the rhythm (an extra detection) are holes too

    private Transitions() {
    }

    /**
     * The detector version that started an episode whose state does not record it: {@link EpisodeState} of format 7
     * and older, restored from a savepoint of the last release before format 8 (the state did not keep it then, and
     * the episode id was computed with the version of each change's own transition). Per type, that release's
     * version, written out here because it is history: it must not follow the constants when they are bumped (AF and
     * pause: af-model-v4's "wardstream-rr-analyser/5"; the others have not changed). Used only where the stored
     * version is absent, so an episode open across the upgrade keeps the id its OPENED alert had. Exact for a
     * savepoint of that release (the documented upgrade path, one release at a time).
     */
    public static String unrecordedDetectorVersion(EpisodeType type) {
        return switch (type) {
            case ATRIAL_FIBRILLATION, PAUSE -> "wardstream-rr-analyser/5";
            case TACHYCARDIA, BRADYCARDIA -> "wardstream-hr-thresholds/1";
            case INACTIVITY, DEVICE_OFFLINE -> "wardstream-wear-activity/1";
            case BEAT_TO_BEAT_OFFLINE -> BeatToBeatWatch.DETECTOR_VERSION; // new after format 8: always recorded
        };
    }

    /** The detector (name/version) whose events drive episodes of {@code type}: part of their episode ids. */
    public static String detectorVersion(EpisodeType type) {
        return switch (type) {
            case ATRIAL_FIBRILLATION, PAUSE -> RHYTHM_DETECTOR_VERSION;
            case TACHYCARDIA, BRADYCARDIA -> HeartRateThresholds.DETECTOR_VERSION;
            case INACTIVITY, DEVICE_OFFLINE -> WearActivityTracker.DETECTOR_VERSION;
            case BEAT_TO_BEAT_OFFLINE -> BeatToBeatWatch.DETECTOR_VERSION;
        };
    }

    /**
     * Whether {@code t} adds nothing a clinician does not already have: a tachycardia start while an AF
     * episode is open or pending is AF with a fast ventricular rate, which escalates the AF alert (rule
     * atrial-fibrillation, escalation fastVentricularRate) instead of raising a second alert. A tachycardia that
     * outlasts the AF is alerted from the AF's end ({@link HeartRateThresholds#reannounceTachycardia}).
     */
    public static boolean explainedByAf(Transition t, EpisodeState af) {
        return t.type() == EpisodeType.TACHYCARDIA && t.kind() == Transition.Kind.START && af != null
                && (af.phase == EpisodeState.OPEN || af.phase == EpisodeState.PENDING);
    }

    /**
     * AfOnset -> AF START (onsetRateBpm: the mean ventricular rate over the confirming segments, not of the episode);
     * RhythmSegment during AF -> AF UPDATE (meanRateBpm of
     * that segment); AfOffset -> AF END (for a data gap: condition {@link Transition#DATA_GAP}, with how long the data
     * were missing); PauseEvent -> pause START.
     */
    public static List<Transition> fromRhythm(String patient, RhythmEvent e) {
        return fromRhythm(patient, e, RhythmRuleParameters.OwnOnsetBars.NONE);
    }

    /**
     * {@link #fromRhythm(String, RhythmEvent)}, with the patient's own AF onset bars where they are not the validated
     * ones ({@link RhythmRuleParameters#ownOnsetBars}): an AF start carries each that is not NaN as evidence,
     * {@code onsetBar} and {@code onsetBarWithoutRateRise}, so the alert says that this patient's AF opens on a bar
     * of their own.
     */
    public static List<Transition> fromRhythm(String patient, RhythmEvent e, RhythmRuleParameters.OwnOnsetBars own) {
        if (e instanceof AfOnset on) {
            Map<String, Double> evidence = new LinkedHashMap<>();
            evidence.put("onsetRateBpm", on.meanRateBpm());
            evidence.put("irregularity", on.irregularity());
            if (!Double.isNaN(own.onset())) evidence.put("onsetBar", own.onset());
            if (!Double.isNaN(own.withoutRateRise())) evidence.put("onsetBarWithoutRateRise", own.withoutRateRise());
            return List.of(Transition.start(patient, EpisodeType.ATRIAL_FIBRILLATION, on.onsetMs(), on.emittedAtMs(),
                    RHYTHM_DETECTOR_VERSION, evidence));
        }
        if (e instanceof RhythmSegment seg && seg.afActive()) {
            return List.of(Transition.update(patient, EpisodeType.ATRIAL_FIBRILLATION, seg.endMs(), RHYTHM_DETECTOR_VERSION,
                    Map.of("meanRateBpm", seg.meanRateBpm())));
        }
        if (e instanceof AfOffset off && off.reason() == AfOffset.Reason.DATA_GAP) {
            // closed for missing data, found when the data resumed (emittedAtMs): the lifecycle decides whether the
            // episode goes on
            return List.of(new Transition(patient, EpisodeType.ATRIAL_FIBRILLATION, Transition.Kind.END, Long.MIN_VALUE,
                    off.offsetMs(), Transition.DATA_GAP, RHYTHM_DETECTOR_VERSION,
                    Map.of(Transition.NO_DATA_MINUTES, (off.emittedAtMs() - off.offsetMs()) / 60_000.0)));
        }
        if (e instanceof AfOffset off) {
            return List.of(Transition.end(patient, EpisodeType.ATRIAL_FIBRILLATION, off.offsetMs(), RHYTHM_DETECTOR_VERSION,
                    Map.of()));
        }
        if (e instanceof PauseEvent p) {
            return List.of(Transition.start(patient, EpisodeType.PAUSE, p.startMs(), p.endMs(), RHYTHM_DETECTOR_VERSION,
                    Map.of("pauseMs", (double) p.rrMs())));
        }
        return List.of();
    }

    /**
     * The evidence key of where a heart-rate episode's rate came from: the percentage of its samples derived from RR
     * intervals ({@link org.wardstream.signals.RrHeartRate}) rather than sent by a device as heart rate (0: all the
     * device's own samples, 100: all from beat-to-beat intervals); absent when the source is not known (samples read
     * from a state stored before it was recorded).
     */
    public static final String RATE_FROM_RR_PERCENT = "rateFromRrPercent";

    /**
     * Heart-rate threshold crossings -> tachycardia/bradycardia START, ESCALATE (severe) and END, with the rate's
     * statistics and its source ({@link #RATE_FROM_RR_PERCENT}).
     */
    public static List<Transition> fromHeartRate(String patient, HeartRateEvent e) {
        Map<String, Double> ev = new LinkedHashMap<>();
        ev.put("minRateBpm", e.minBpm());
        ev.put("meanRateBpm", e.meanBpm());
        ev.put("maxRateBpm", e.maxBpm());
        if (!Double.isNaN(e.rrPercent())) ev.put(RATE_FROM_RR_PERCENT, e.rrPercent());
        String dv = HeartRateThresholds.DETECTOR_VERSION;
        return switch (e.kind()) {
            case TACHYCARDIA_START -> List.of(Transition.start(patient, EpisodeType.TACHYCARDIA, e.episodeStartMs(), e.atMs(), dv, ev));
            case TACHYCARDIA_END -> List.of(Transition.end(patient, EpisodeType.TACHYCARDIA, e.atMs(), dv, ev));
            case BRADYCARDIA_START -> List.of(e.severe()
                    ? Transition.startEscalated(patient, EpisodeType.BRADYCARDIA, e.episodeStartMs(), e.atMs(),
                    RuleSchema.SEVERE_BRADYCARDIA, dv, ev)
                    : Transition.start(patient, EpisodeType.BRADYCARDIA, e.episodeStartMs(), e.atMs(), dv, ev));
            case BRADYCARDIA_SEVERE -> List.of(Transition.escalate(patient, EpisodeType.BRADYCARDIA, e.atMs(),
                    RuleSchema.SEVERE_BRADYCARDIA, dv, ev));
            case BRADYCARDIA_END -> List.of(Transition.end(patient, EpisodeType.BRADYCARDIA, e.atMs(), dv, ev));
        };
    }

    /**
     * The evidence of an open tachycardia or bradycardia going on: an UPDATE when the sample at {@code timeMs} completed
     * a minute that the heart-rate detector judged still inside the episode (open, no recovery running), at most one a
     * minute per episode. The lifecycle's last evidence then says when the episode was last seen (the close at an
     * unenrolment ends there), and re-notifies "still ongoing" only on such evidence, never on time alone
     * ({@link EpisodeLifecycle}). Empty otherwise (the heart-rate detector's own events say the rest).
     */
    public static List<Transition> heartRateGoingOn(String patient, HeartRateState s, long timeMs) {
        if (s.minute.startMs != timeMs || s.lastSampleMs != timeMs) return List.of(); // no minute completed by it
        String dv = HeartRateThresholds.DETECTOR_VERSION;
        List<Transition> out = new ArrayList<>(1);
        if (s.tachyOpen && s.tachyRecoverSinceMs == HeartRateState.NO_TIME) {
            out.add(Transition.update(patient, EpisodeType.TACHYCARDIA, timeMs, dv, Map.of()));
        }
        if (s.bradyOpen && s.bradyRecoverSinceMs == HeartRateState.NO_TIME) {
            out.add(Transition.update(patient, EpisodeType.BRADYCARDIA, timeMs, dv, Map.of()));
        }
        return out;
    }

    /**
     * Beat-to-beat data silent for the limit while heart rate arrives -> beat-to-beat-offline START (episode start: the
     * last beat-to-beat data); beat-to-beat data again -> its END.
     */
    public static List<Transition> fromBeatToBeat(String patient, BeatToBeatWatch.Event e) {
        String dv = BeatToBeatWatch.DETECTOR_VERSION;
        return List.of(e.started()
                ? Transition.start(patient, EpisodeType.BEAT_TO_BEAT_OFFLINE, e.sinceMs(), e.atMs(), dv, Map.of())
                : Transition.end(patient, EpisodeType.BEAT_TO_BEAT_OFFLINE, e.atMs(), dv, Map.of()));
    }

    /**
     * NO_DATA entered -> device-offline START (episode start = last data; from NO_DATA, a silence watched since the
     * patient's alerts started or resumed: that time, with evidence {@link Transition#NO_DATA_SINCE_MONITORING_START});
     * NO_DATA left -> device-offline END;
     * inactivity start/end -> inactivity START/END. {@link WearActivityEvent.StillFor} is no transition: it is a
     * cue for the CEP pattern "pause followed by stillness", which raises the pause ESCALATE.
     */
    public static List<Transition> fromWearActivity(String patient, WearActivityEvent e) {
        String dv = WearActivityTracker.DETECTOR_VERSION;
        if (e instanceof WearActivityEvent.StateChange c) {
            if (c.to() == ActivityState.NO_DATA) {
                // from NO_DATA: no data since the patient's alerts started or resumed (the silence watched from then)
                Map<String, Double> ev = c.from() == ActivityState.NO_DATA
                        ? Map.of(Transition.NO_DATA_SINCE_MONITORING_START, 1.0) : Map.of();
                return List.of(Transition.start(patient, EpisodeType.DEVICE_OFFLINE, c.sinceMs(), c.atMs(), dv, ev));
            }
            if (c.from() == ActivityState.NO_DATA) {
                return List.of(Transition.end(patient, EpisodeType.DEVICE_OFFLINE, c.atMs(), dv, Map.of()));
            }
            return List.of();
        }
        if (e instanceof WearActivityEvent.InactivityStart s) {
            return List.of(Transition.start(patient, EpisodeType.INACTIVITY, s.startMs(), s.atMs(), dv,
                    Map.of("stillMinutes", (s.atMs() - s.startMs()) / 60_000.0, "limitMinutes", s.limitMs() / 60_000.0)));
        }
        if (e instanceof WearActivityEvent.InactivityEnd end) {
            return List.of(Transition.end(patient, EpisodeType.INACTIVITY, end.atMs(), dv,
                    Map.of("stillMinutes", (end.atMs() - end.startMs()) / 60_000.0)));
        }
        return List.of();
    }
}
