package org.wardstream.episodes;

import org.wardstream.rules.EpisodeType;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A detector transition for one patient and episode type, the input of {@link EpisodeLifecycle}.
 * Times are device (event) time, epoch ms.
 *
 * @param patient         patient pseudonym (the event key)
 * @param type            episode type
 * @param kind            START (the detector's criterion is met), UPDATE (new evidence while it lasts),
 *                        ESCALATE (an escalation condition is met), END (the criterion no longer holds), or
 *                        TICK (time passed: re-notification and episode windows; from a timer)
 * @param episodeStartMs  START: when the episode began (may be back-dated, e.g. AF onset); otherwise ignored
 * @param atMs            when this transition happened (END: the episode end)
 * @param condition       ESCALATE (or START opening directly escalated): the rule's escalation condition; END:
 *                        {@link #CLOCK_RESTART} when the analysis restarted on an earlier clock ({@link #GAP_FILL_RESTART}: to
 *                        fill a gap in the data), {@link #DATA_GAP} when
 *                        the AF analyser closed the episode because data were missing (its evidence says for how long),
 *                        otherwise null
 * @param detectorVersion version of the detector that produced it (a START's is part of the id of the episode it starts)
 * @param evidence        evidence values (e.g. minRateBpm, meanRateBpm, maxRateBpm, pauseMs), sorted by name
 * @param programme       the programme that issued the pseudonym (the other half of the patient's key: the same
 *                        pseudonym in two programmes is two patients), part of the id of the episode it starts
 *                        ({@link EpisodeIds}); null where none is known (the detectors, which run per key and leave it
 *                        to the alert stage: {@link #inProgramme}; tests and the validation)
 */
public record Transition(String patient, EpisodeType type, Kind kind, long episodeStartMs, long atMs,
                         String condition, String detectorVersion, Map<String, Double> evidence, String programme) {

    public enum Kind { START, UPDATE, ESCALATE, END, TICK }

    /**
     * The condition of an END that closes an episode because the patient's data continue on an earlier clock and the
     * analysis restarted there ({@link org.wardstream.arrival.ArrivalOrder}): its close says so.
     */
    public static final String CLOCK_RESTART = "clock-restart";

    /**
     * The condition of an END that closes an episode because the analysis restarted to analyse readings that fill the
     * last gap in the patient's analysed data (buffered during the gap, uploaded after the live data resumed:
     * {@link org.wardstream.arrival.ArrivalOrder#fillsGap}). A close for a restart like {@link #CLOCK_RESTART}, except
     * that an AF alert continued across that gap is not closed for it ({@link EpisodeLifecycle}).
     */
    public static final String GAP_FILL_RESTART = "gap-fill-restart";

    /**
     * The condition of an AF END that the RR analyser gave because no usable data came for longer than its bridge
     * (10 min: a watch taken off, charged, out of range), found when the data resumed: the episode may well go on. Its
     * evidence {@link #NO_DATA_MINUTES} says how long the data were missing (from the END's time, the last clean beat,
     * to the first beat after the gap). The lifecycle holds such a close ({@link EpisodeLifecycle}).
     */
    public static final String DATA_GAP = "data-gap";
    /** Evidence of a {@link #DATA_GAP} END (and of the changes it leads to): minutes without usable data. */
    public static final String NO_DATA_MINUTES = "noDataMinutes";

    /**
     * Evidence of a device-offline START (and of the changes of its episode) whose silence counts from when the patient's
     * alerts started or resumed, not from data that stopped: the device has sent nothing since monitoring started
     * ({@link org.wardstream.signals.WearActivityTracker#watchSilenceFrom}); the episode's start is that time. Value 1.
     */
    public static final String NO_DATA_SINCE_MONITORING_START = "noDataSinceMonitoringStart";

    /**
     * Evidence of a START (value: the end of the gap, ms; 1 from releases before session 25, read as no end known) whose
     * episode the detectors found in readings buffered during a gap in the patient's
     * data and uploaded after the data resumed (the analysis restarted to fill that gap:
     * {@link org.wardstream.arrival.ArrivalState#fillingGapToMs}), not on a clock set back: the lifecycle takes it off
     * at once ({@link EpisodeLifecycle#onTransition}); no record carries it.
     */
    public static final String IN_FILLED_GAP = "inFilledGap";

    public Transition {
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detectorVersion, "detectorVersion");
        evidence = evidence == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(evidence));
    }

    /** A transition whose programme is not known here (set by {@link #inProgramme} where it is). */
    public Transition(String patient, EpisodeType type, Kind kind, long episodeStartMs, long atMs, String condition,
                      String detectorVersion, Map<String, Double> evidence) {
        this(patient, type, kind, episodeStartMs, atMs, condition, detectorVersion, evidence, null);
    }

    /** The same transition with evidence {@code key} set to {@code value}. */
    public Transition withEvidence(String key, double value) {
        Map<String, Double> ev = new TreeMap<>(evidence);
        ev.put(key, value);
        return new Transition(patient, type, kind, episodeStartMs, atMs, condition, detectorVersion, ev, programme);
    }

    /** The same transition without evidence {@code key}. */
    public Transition withoutEvidence(String key) {
        if (!evidence.containsKey(key)) return this;
        Map<String, Double> ev = new TreeMap<>(evidence);
        ev.remove(key);
        return new Transition(patient, type, kind, episodeStartMs, atMs, condition, detectorVersion, ev, programme);
    }

    /** The same transition of the patient of that programme. */
    public Transition inProgramme(String programme) {
        return new Transition(patient, type, kind, episodeStartMs, atMs, condition, detectorVersion, evidence, programme);
    }

    public static Transition start(String patient, EpisodeType type, long episodeStartMs, long atMs,
                                   String detectorVersion, Map<String, Double> evidence) {
        return new Transition(patient, type, Kind.START, episodeStartMs, atMs, null, detectorVersion, evidence);
    }

    /** A START that already meets an escalation condition (e.g. bradycardia opened on the severe criterion). */
    public static Transition startEscalated(String patient, EpisodeType type, long episodeStartMs, long atMs,
                                            String condition, String detectorVersion, Map<String, Double> evidence) {
        return new Transition(patient, type, Kind.START, episodeStartMs, atMs, condition, detectorVersion, evidence);
    }

    public static Transition update(String patient, EpisodeType type, long atMs, String detectorVersion,
                                    Map<String, Double> evidence) {
        return new Transition(patient, type, Kind.UPDATE, Long.MIN_VALUE, atMs, null, detectorVersion, evidence);
    }

    public static Transition escalate(String patient, EpisodeType type, long atMs, String condition,
                                      String detectorVersion, Map<String, Double> evidence) {
        return new Transition(patient, type, Kind.ESCALATE, Long.MIN_VALUE, atMs, Objects.requireNonNull(condition),
                detectorVersion, evidence);
    }

    public static Transition end(String patient, EpisodeType type, long atMs, String detectorVersion,
                                 Map<String, Double> evidence) {
        return new Transition(patient, type, Kind.END, Long.MIN_VALUE, atMs, null, detectorVersion, evidence);
    }

    /** This END closing its episode because the analysis restarted on an earlier clock ({@link #CLOCK_RESTART}). */
    public Transition asClockRestart() {
        if (kind != Kind.END) {
            throw new IllegalStateException("only an END closes for a clock restart: " + kind);
        }
        return new Transition(patient, type, kind, episodeStartMs, atMs, CLOCK_RESTART, detectorVersion, evidence,
                programme);
    }

    /** This END closing its episode because the analysis restarted to fill a gap ({@link #GAP_FILL_RESTART}). */
    public Transition asGapFillRestart() {
        if (kind != Kind.END) {
            throw new IllegalStateException("only an END closes for a gap-fill restart: " + kind);
        }
        return new Transition(patient, type, kind, episodeStartMs, atMs, GAP_FILL_RESTART, detectorVersion, evidence,
                programme);
    }

    /** Whether this closes its episode because the analysis restarted ({@link #CLOCK_RESTART}, {@link #GAP_FILL_RESTART}). */
    public boolean closesForRestart() {
        return CLOCK_RESTART.equals(condition) || GAP_FILL_RESTART.equals(condition);
    }

    public static Transition tick(String patient, EpisodeType type, long atMs, String detectorVersion) {
        return new Transition(patient, type, Kind.TICK, Long.MIN_VALUE, atMs, null, detectorVersion, Map.of());
    }
}
