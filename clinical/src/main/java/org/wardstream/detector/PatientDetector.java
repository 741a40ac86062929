package org.wardstream.detector;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.wardstream.arrival.ArrivalOrder;
import org.wardstream.arrival.ArrivalState;
import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rhythm.BeatQuality;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rhythm.RhythmSegment;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;
import org.wardstream.signals.ActivityState;
import org.wardstream.signals.BeatToBeatWatch;
import org.wardstream.signals.HeartRateEvent;
import org.wardstream.signals.HeartRateParameters;
import org.wardstream.signals.HeartRateState;
import org.wardstream.signals.HeartRateThresholds;
import org.wardstream.signals.RhythmRuleParameters;
import org.wardstream.signals.RrHeartRate;
import org.wardstream.signals.WearActivityEvent;
import org.wardstream.signals.WearActivityParameters;
import org.wardstream.signals.WearActivityTracker;
import org.wardstream.signals.WearSignal;

/**
 * One patient's detection, in plain Java: the job's signal operator, {@code wardstream validate} and the benchmark's
 * peers all run this class. It combines {@link RrAnalyser} (AF, pauses), {@link HeartRateThresholds} (tachycardia,
 * bradycardia) and {@link WearActivityTracker} (wear, inactivity, device-offline) over a patient's readings and
 * turns their events into lifecycle {@link Transition}s and {@link PatternCue}s for the compound CEP patterns.
 * The heart-rate thresholds read the devices' heart-rate samples, or, for a patient whose devices send RR intervals
 * without recent heart-rate samples (a chest strap, an ECG patch), a heart rate a minute from the clean intervals
 * ({@link RrHeartRate}: one source at a time, the device's samples preferred).
 *
 * <p>Readings are not held back for the watermark: a backlog uploaded hours late is analysed like live data (its
 * alerts carry how delayed they are: receipt minus the device time of the reading's newest data,
 * {@link Reading#newestMs}). {@link ArrivalOrder} decides from the data alone, whether or not the device announces a
 * reconnection, which readings are held briefly ({@link #arrive}) and analysed
 * in device-time order ({@link #releaseHeld}): a backlog and the live readings interleaved with its upload, so each
 * detector, and the CEP patterns downstream, see the patient's events in order; a reading too old to analyse in
 * order is dead-lettered by the caller ({@link Arrival#DEAD_LETTER}, {@link #tooOldDetail}), until enough of them
 * show that the patient's data continue on an earlier clock: then the analysis restarts there ({@link #arrive},
 * {@link ArrivalOrder.Action#RESTART}); unless they are an upload repeating data already analysed
 * ({@link Arrival#ALREADY_ANALYSED}, {@link #alreadyAnalysedDetail}: dead-lettered, never analysed twice). Silence becoming
 * device-offline, waking hours ending and the release of held readings run on event-time timers
 * ({@link #nextTimerMs}, {@link #onTime}); a device-offline episode ends at the reconnection
 * ({@link ArrivalOrder#withOutageEnd}).
 *
 * <p>Immutable and shared by every patient with the same rules and time zone; each patient's state is one
 * {@link DetectorState}, passed in and changed in place.
 */
public final class PatientDetector {
    /** Which readings are held and analysed in device-time order, and which cannot be analysed in order. */
    public static final ArrivalOrder ORDER = new ArrivalOrder(ArrivalOrder.Parameters.defaults());
    /**
     * Weight of each new AF segment's rate in the smoothed AF rate (an exponentially weighted mean over about the
     * last seven 8-beat segments, some 30 s): one short segment's rate, noisy over 8 beats, neither starts nor
     * breaks a fast run; the rate-control target is defined on the mean rate, not on single beats.
     */
    public static final double AF_RATE_SMOOTHING = 0.15;

    /** What to do with a reading that has just arrived ({@link #arrive}). */
    public enum Arrival {
        /** Analyse it now ({@link #analyse}). */
        ANALYSE,
        /** Keep it with the held readings; it is analysed by {@link #releaseHeld}. */
        HOLD,
        /**
         * The hold ends: {@link #releaseHeld} the held readings, then call {@link #arrive} again for this reading
         * (it decides against the released state; the receipt is noted then, after the release).
         */
        RELEASE_FIRST,
        /** It cannot be analysed in order: dead-letter it (reason {@code out-of-order}, {@link #tooOldDetail}). */
        DEAD_LETTER,
        /**
         * It repeats readings already analysed (an upload wholly inside the analysed data, e.g. a retried request):
         * dead-letter it (reason {@code already-analysed}, {@link #alreadyAnalysedDetail}).
         */
        ALREADY_ANALYSED
    }

    /** Receives what the detector derives, in order. */
    public interface Output {
        /** A lifecycle transition, with what the reading behind it says: its programme, delay and receipt time. */
        void transition(Transition t, String programme, long delayedByMs, long receivedMs);

        /** A cue for the compound CEP patterns. */
        void cue(PatternCue cue);

        /** Every rhythm event, after its transitions (for scoring); optional. */
        default void rhythm(RhythmEvent e) {
        }

        /** Every heart-rate threshold event (for scoring); optional. */
        default void heartRate(HeartRateEvent e) {
        }

        /** Beats ignored because they were out of order; optional. */
        default void outOfOrderBeats(int n) {
        }

        /**
         * Heart-rate samples ignored because they were not after the heart-rate detector's last sample (within the
         * reorder bound: older ones are dead-lettered, {@link Arrival#DEAD_LETTER}); optional.
         */
        default void outOfOrderSamples(int n) {
        }

        /**
         * Clean RR intervals outside the plausible range ({@link Reading#MIN_CLEAN_RR_MS}-{@link Reading#MAX_CLEAN_RR_MS}
         * ms) analysed as excluded: an artefact below it (a double-detected beat), a gap above it ({@link
         * #excludingImplausible}); optional.
         */
        default void implausibleBeats(int n) {
        }

        /**
         * The RR analyser's beat clock was re-anchored at an RR batch: an earlier batch of the patient had claimed more
         * time than passed (e.g. a mis-encoded GAP interval), so this later batch's beats all lay before the clock
         * ({@link RrAnalyser#reanchor}); optional.
         */
        default void beatClockReanchored() {
        }

        /**
         * A heart-rate sample left out because its device rated it below the quality floor
         * ({@link HeartRateThresholds#reliable}); optional.
         */
        default void unreliableHeartRate() {
        }

        /** The patient's analysis restarted on an earlier clock ({@link ArrivalOrder.Action#RESTART}); optional. */
        default void restarted(String patient) {
        }

        /**
         * The platform's time for this patient has reached {@code atMs} (held readings are released now): what
         * follows may come from readings received earlier, but became known only at {@code atMs}. The alert stage
         * orders its time-driven changes by when each transition became known, so it needs this; optional.
         */
        default void clock(String patient, String programme, long atMs) {
        }
    }

    private final RrAnalyser rr;
    private final HeartRateThresholds hr;
    private final RrHeartRate rrRate;
    private final WearActivityTracker wear;
    private final BeatToBeatWatch beats;
    private final double fastRateBpm;
    private final long fastRateMinMs;
    private final long stillnessWithinMs;
    private final long stillnessSpanMs;

    public PatientDetector(EffectiveRules rules, ZoneId zone) {
        Rule af = rules.rule(EpisodeType.ATRIAL_FIBRILLATION);
        Rule pause = rules.rule(EpisodeType.PAUSE);
        this.rr = new RrAnalyser(RhythmRuleParameters.from(rules));
        this.hr = new HeartRateThresholds(HeartRateParameters.from(rules, zone));
        this.rrRate = new RrHeartRate(hr.parameters(), rr.parameters().minPlausibleRrMs(),
                rr.parameters().maxPlausibleRrMs());
        this.wear = new WearActivityTracker(WearActivityParameters.from(rules, zone));
        this.beats = BeatToBeatWatch.from(rules);
        this.fastRateBpm = af.number("fastRateBpm");
        this.fastRateMinMs = af.millis("fastRateMinDuration");
        this.stillnessWithinMs = pause.millis("stillnessWithin");
        this.stillnessSpanMs = pause.millis("stillnessWithin") + pause.millis("stillnessMinDuration");
    }

    public RrAnalyser rrAnalyser() {
        return rr;
    }

    public WearActivityTracker wearTracker() {
        return wear;
    }

    public HeartRateParameters heartRateParameters() {
        return hr.parameters();
    }

    public HeartRateThresholds heartRateThresholds() {
        return hr;
    }

    /** The heart rate from RR intervals this detector derives (the bench peers call the same code). */
    public RrHeartRate rrHeartRate() {
        return rrRate;
    }

    /** Whether the reading is a device announcing a backlog: "reconnected, n readings buffered". */
    public static boolean announcesBacklog(Reading r) {
        return r instanceof Reading.Status s && s.reconnected() && s.bufferedEvents() > 0;
    }

    /** What a wear report says about the device. */
    public static WearSignal wearSignal(Reading.Wear w) {
        return w.onBody() ? WearSignal.ON_BODY : "CHARGER".equals(w.method()) ? WearSignal.CHARGING : WearSignal.OFF_BODY;
    }

    /** The held readings in the order they are analysed: device time, ties in arrival order. */
    public static <R> void sortHeld(List<R> held, java.util.function.ToLongFunction<R> timeMs) {
        ArrivalOrder.inAnalysisOrder(held, timeMs);
    }

    /**
     * A reading has arrived: notes its receipt and decides what to do with it. A receipt after the silence limit
     * without any proves the outage up to now (like a "reconnected" message; time only, whatever device times its
     * backlog will show): the wear tracker's events up to the receipt are emitted to {@code out}. The caller keeps
     * the held readings; on {@link Arrival#RELEASE_FIRST} it releases them and calls this again.
     */
    public Arrival arrive(DetectorState s, String patient, String programme, Reading r, Output out) {
        if (ORDER.releaseBefore(s.arrival, r.receivedMs())) {
            // before the receipt is noted: a silence it ends is then judged with the held readings analysed, exactly
            // as when the release timer fires first (which of the two comes first is thread timing in the job)
            return Arrival.RELEASE_FIRST;
        }
        long heardBefore = s.arrival.lastReceivedMs;
        if (ORDER.heard(s.arrival, r.receivedMs(), wear.parameters().silenceLimitMs())) {
            Call c = new Call(s, patient, programme, out);
            c.receivedMs = r.receivedMs();
            c.heardBeforeMs = heardBefore;
            c.wearEvents(wear.onTime(s.wear, r.receivedMs()));
            c.flush();
        }
        long openSince = openEpisodeStartMs(s);
        long streamNewest = streamNewestMs(s, r);
        ArrivalOrder.Action action = ORDER.onArrival(s.arrival, r.newestMs(), r.receivedMs(), openSince, streamNewest,
                pointMs(r));
        if (action == ArrivalOrder.Action.RESTART) {
            boolean gapFill = ORDER.restartFillsGap(s.arrival, r.newestMs(), openSince, streamNewest, pointMs(r));
            restart(s, patient, programme, r.receivedMs(), gapFill, pointMs(r), out);
            action = ORDER.onArrival(s.arrival, r.newestMs(), r.receivedMs()); // nothing analysed on the new clock yet
        }
        return switch (action) {
            case ANALYSE -> Arrival.ANALYSE;
            case HOLD -> Arrival.HOLD;
            case RELEASE_FIRST -> Arrival.RELEASE_FIRST;
            case DEAD_LETTER -> Arrival.DEAD_LETTER;
            case ALREADY_ANALYSED -> Arrival.ALREADY_ANALYSED;
            case RESTART -> throw new IllegalStateException("restarted twice for one reading");
        };
    }

    /**
     * The patient's data continue on an earlier clock ({@link ArrivalOrder.Action#RESTART}): each detector closes
     * what is open at its last evidence (AF and pauses' analyser at the last clean beat, heart-rate episodes at the
     * last sample, inactivity at the last data; the closes say why: {@link Transition#CLOCK_RESTART}, or
     * {@link Transition#GAP_FILL_RESTART} when {@code gapFill}: the readings fill a gap in the analysed data) and
     * forgets its clock, so the readings from now on are analysed.
     * What this emits became known at the receipt of the reading that showed the earlier clock.
     */
    private void restart(DetectorState s, String patient, String programme, long receivedMs, boolean gapFill,
                         long pointMs, Output out) {
        Call c = new Call(s, patient, programme, out);
        c.receivedMs = receivedMs;
        rr.restart(s.rr, ev -> {
            c.closing(ev);
            c.rhythmCues(ev);
        });
        hr.restart(s.hr, e -> {
            out.heartRate(e);
            c.transitions.addAll(Transitions.fromHeartRate(patient, e));
        });
        RrHeartRate.restart(s.rrRate);
        c.wearEvents(wear.restart(s.wear)); // an inactivity end for a state change: not time-driven (no dueAt)
        c.transitions.replaceAll(t -> t.kind() != Transition.Kind.END ? t
                : gapFill ? t.asGapFillRestart() : t.asClockRestart());
        c.flush();
        c.save();
        ORDER.restarted(s.arrival, gapFill, pointMs);
        out.restarted(patient);
    }

    /**
     * The patient's alerting stopped or resumed (discharged, withdrawn or paused; or enrolled again): the alert stage
     * closed (or will close) what it had open, so every detector forgets its open episodes and its evidence, silently
     * (no transition: the alert stage decides the closes, whichever of the two hears of the change first), and the
     * data from now on start afresh: AF or tachycardia going on after a quick re-enrolment STARTs again and is alerted.
     * The arrival order (receipts, the analysed run, held readings) is kept.
     */
    public void monitoringChanged(DetectorState s) {
        rr.restart(s.rr, ev -> { });
        hr.restart(s.hr, e -> { });
        RrHeartRate.restart(s.rrRate);
        wear.restart(s.wear);
        beats.forget(s.beats);
        s.afRateBpm = Float.NaN;
    }

    /**
     * The patient's alerting started or resumed at {@code atMs} (enrolled; a pause ended; enrolled again, after
     * {@link #monitoringChanged}): if no data has come since the detectors last forgot their clocks and none comes by
     * {@code atMs} plus the device-offline silence limit, device-offline STARTs then, its episode beginning at
     * {@code atMs} ("no data since monitoring started"), as for a device that stopped sending at {@code atMs}
     * ({@link WearActivityTracker#watchSilenceFrom}). Without it a device silent from the start would never be
     * reported: the silence is otherwise counted from the last data.
     */
    public void monitoringStarted(DetectorState s, long atMs) {
        wear.watchSilenceFrom(s.wear, atMs);
        beats.watchFrom(s.beats, atMs); // beat-to-beat data silent since before: counted from now
    }

    /**
     * Start of the earliest rhythm or heart-rate episode open now (AF, tachycardia, bradycardia), or
     * {@link ArrivalState#NO_TIME}: a late upload after it does not restart the analysis ({@link ArrivalOrder}).
     */
    static long openEpisodeStartMs(DetectorState s) {
        long rhythm = RrAnalyser.openEpisodeStartMs(s.rr);
        long rate = HeartRateThresholds.openEpisodeStartMs(s.hr);
        return rhythm == ArrivalState.NO_TIME ? rate : rate == ArrivalState.NO_TIME ? rhythm : Math.min(rhythm, rate);
    }

    /**
     * The newest device time analysed of the reading's own signal stream ({@link ArrivalOrder#tooOld}): for an RR batch
     * the RR analyser's last beat (it keeps its own beat clock: one device's RR backlog is in order for it while
     * another device of the patient streams heart rate live); for a heart-rate sample the newest heart-rate sample the
     * devices sent (likewise: a watch's buffered heart rate is in order for it while a strap streams RR live, though
     * the heart-rate detector, reading the strap's rate meanwhile, leaves out the samples not after its own: one source
     * at a time, {@link RrHeartRate}); for any other reading the patient's newest analysed reading.
     */
    static long streamNewestMs(DetectorState s, Reading r) {
        if (r instanceof Reading.RrBatch) {
            return s.rr.lastBeatMs;
        }
        return r instanceof Reading.HeartRate ? s.rrRate.lastDeviceSampleMs : s.arrival.newestAnalysedMs;
    }

    /**
     * The device time of the reading's data at an instant ({@link ArrivalOrder#onArrival(ArrivalState, long, long, long,
     * long, long)}): an activity interval's start (the watch summarises the minutes up to its end, which says nothing of
     * the patient's other devices), otherwise {@link Reading#newestMs}.
     */
    static long pointMs(Reading r) {
        return r instanceof Reading.Activity a ? a.timeMs() : r.newestMs();
    }

    /** How many of a batch's intervals are CLEAN and outside the plausible range ({@link #excludingImplausible}). */
    public static int implausibleCleanIntervals(int[] rrMs, byte[] quality) {
        int n = 0;
        for (int i = 0; i < rrMs.length; i++) {
            if (quality[i] == CLEAN && (rrMs[i] < Reading.MIN_CLEAN_RR_MS || rrMs[i] > Reading.MAX_CLEAN_RR_MS)) {
                n++;
            }
        }
        return n;
    }

    /**
     * A batch's quality codes with every CLEAN interval outside the plausible range excluded, as mature RR pipelines
     * do with a device's mislabelled beats rather than losing the batch: below {@link Reading#MIN_CLEAN_RR_MS} an
     * ARTEFACT (a double-detected beat: 150 ms is no heart's interval), above {@link Reading#MAX_CLEAN_RR_MS} a GAP (a
     * minute without a detected beat is the signal lost between two good beats far more often than an asystole, and
     * an alert about it would come long after it mattered: docs/JOBS.md, "implausible-value"). The RR analyser never
     * takes an excluded interval for irregularity or a pause; every clean interval of 3 s to a minute stays a pause.
     * Ingest refuses a batch with more than half its intervals so (EventValidator). A copy; {@code quality} is kept.
     */
    public static byte[] excludingImplausible(int[] rrMs, byte[] quality) {
        byte[] q = quality.clone();
        for (int i = 0; i < rrMs.length; i++) {
            if (q[i] == CLEAN && rrMs[i] < Reading.MIN_CLEAN_RR_MS) {
                q[i] = (byte) BeatQuality.ARTEFACT.ordinal();
            } else if (q[i] == CLEAN && rrMs[i] > Reading.MAX_CLEAN_RR_MS) {
                q[i] = (byte) BeatQuality.GAP.ordinal();
            }
        }
        return q;
    }

    private static final byte CLEAN = (byte) BeatQuality.CLEAN.ordinal();

    /** Why a reading that {@link #arrive} dead-lettered cannot be analysed (times and the bound, no values). */
    public static String tooOldDetail(DetectorState s, Reading r) {
        return ORDER.tooOldDetail(s.arrival, r.newestMs());
    }

    /** Why a reading that {@link #arrive} found {@link Arrival#ALREADY_ANALYSED} is not analysed (times, no values). */
    public static String alreadyAnalysedDetail(DetectorState s, Reading r) {
        return ORDER.alreadyAnalysedDetail(s.arrival, r.newestMs());
    }

    /**
     * Ends the hold and analyses the held readings in device-time order; an empty list just
     * ends the hold. Before their output, {@link Output#clock} says when they became known: when the hold ended,
     * {@link #releasedAtMs}.
     *
     * @param programme the patient's programme from the enrolment (a reading's own programme, when set, wins)
     * @param nowMs     the receipt of the reading that ends the hold ({@link Arrival#RELEASE_FIRST}), or the timer's
     *                  time ({@link #onTime})
     */
    public void releaseHeld(DetectorState s, String patient, String programme, List<Reading> held, long nowMs,
                            Output out) {
        long releasedMs = releasedAtMs(s, nowMs);
        ORDER.released(s.arrival);
        if (!held.isEmpty()) {
            out.clock(patient, programme, releasedMs);
        }
        List<Reading> readings = new ArrayList<>(held);
        sortHeld(readings, Reading::timeMs);
        Call c = new Call(s, patient, programme, out);
        for (Reading r : readings) {
            c.analyse(r);
        }
        c.save();
    }

    /**
     * When a hold that ends at {@code nowMs} (a receipt or a timer's time) ended: then, or at its release timer if
     * that was earlier. A reading received after the release timer may reach the detector before the watermark passes
     * that timer or after it (thread timing); either way the hold ended at the timer, so the held readings' output is
     * known from the same time.
     */
    public static long releasedAtMs(DetectorState s, long nowMs) {
        long timer = ORDER.releaseTimerMs(s.arrival);
        return timer == Long.MIN_VALUE ? nowMs : Math.min(nowMs, timer);
    }

    /** Whether held readings are due for release at event time {@code timeMs} (no more data came). */
    public static boolean releaseDue(DetectorState s, long timeMs) {
        long release = ORDER.releaseTimerMs(s.arrival);
        return release != Long.MIN_VALUE && release <= timeMs;
    }

    /** Analyses one reading (one that {@link #arrive} did not hold). */
    public void analyse(DetectorState s, String patient, String programme, Reading r, Output out) {
        Call c = new Call(s, patient, programme, out);
        c.analyse(r);
        c.save();
    }

    /**
     * Event time has reached {@code timeMs} (the timer of {@link #nextTimerMs} fired). When a hold is due for
     * release ({@link #releaseDue}) the held readings are analysed first: the caller passes them in {@code held}
     * (ignored, and may be empty, when no release is due).
     */
    public void onTime(DetectorState s, String patient, String programme, long timeMs, List<Reading> held,
                       Output out) {
        if (releaseDue(s, timeMs)) {
            releaseHeld(s, patient, programme, held, timeMs, out); // no more data came: the hold ends
        }
        Call c = new Call(s, patient, programme, out);
        c.receivedMs = timeMs;
        c.heardBeforeMs = s.arrival.lastReceivedMs;
        long heard = s.arrival.lastReceivedMs;
        if (heard == ArrivalState.NO_TIME || heard + wear.parameters().silenceLimitMs() <= timeMs) {
            c.wearEvents(wear.onTime(s.wear, timeMs));
        }
        c.flush();
        c.save();
    }

    /** The end of a recording (validation only; the job never closes AF because a stream pauses). */
    public void endOfRecord(DetectorState s, String patient, Output out) {
        Call c = new Call(s, patient, null, out);
        rr.endOfData(s.rr, c::closing);
        c.flush();
    }

    /**
     * The next event time at which something is due, or {@link Long#MIN_VALUE}: the earlier of the release of held
     * readings and the wear tracker's next event. The wear tracker's silence runs on device time, but a device that
     * has just uploaded a backlog has been heard from: its silence counts from the last receipt.
     */
    public long nextTimerMs(DetectorState s) {
        long next = wear.nextTimerMs(s.wear);
        long heard = s.arrival.lastReceivedMs;
        if (next != Long.MIN_VALUE && heard != ArrivalState.NO_TIME) {
            next = Math.max(next, heard + wear.parameters().silenceLimitMs());
        }
        long release = ORDER.releaseTimerMs(s.arrival);
        return release == Long.MIN_VALUE ? next : next == Long.MIN_VALUE ? release : Math.min(release, next);
    }

    /** One call's working values: what is emitted is buffered per reading, transitions first, then cues. */
    private final class Call {
        final DetectorState s;
        final String patient;
        final Output out;
        String programme;
        /** The reading being analysed (for the cues' delay and receipt; on a timer: 0 and the timer time). */
        long delayedByMs;
        long receivedMs;
        /** Smoothed AF rate (double within a call; stored as float), NaN outside AF. */
        double afRateBpm;
        final List<Transition> transitions = new ArrayList<>();
        final List<PatternCue> cues = new ArrayList<>();
        /**
         * The transitions that time passing caused (silence reaching the limit, waking hours ending), with the time the
         * platform knew: their own time, or the last receipt plus the silence limit if later (when the detector's timer
         * is due). They are found either by that timer or by the next reading, whichever comes first, which depends
         * on thread timing; so they carry that time, never the receipt of the reading that happened to show them, and
         * no delay.
         */
        final Map<Transition, Long> dueAt = new IdentityHashMap<>();
        /** The last receipt before this call's (a timer: the last receipt), or NO_TIME when unknown. */
        long heardBeforeMs = ArrivalState.NO_TIME;

        Call(DetectorState s, String patient, String programme, Output out) {
            this.s = s;
            this.patient = patient;
            this.programme = programme;
            this.out = out;
            this.afRateBpm = s.afRateBpm;
        }

        void save() {
            s.afRateBpm = (float) afRateBpm;
        }

        void analyse(Reading r) {
            long newest = r.newestMs();
            if (!announcesBacklog(r)) {
                // "reconnected, n buffered" is time only, not data (below): its device time is its sending, after the
                // backlog it announces; as the newest analysed time it made the rest of that backlog (uploaded after
                // the hold it shared ended, or after it was released alone) too old to analyse: dead-lettered
                ORDER.analysed(s.arrival, r.timeMs(), newest, pointMs(r)); // covering from its start (an activity interval)
            }
            delayedByMs = ORDER.reportedDelayMs(newest, r.receivedMs());
            receivedMs = r.receivedMs();
            if (r.programme() != null) {
                programme = r.programme();
            }
            if (r instanceof Reading.RrBatch b) {
                // the same steps as `wardstream validate`, plus the pattern cues
                int implausible = implausibleCleanIntervals(b.rrMs(), b.quality());
                byte[] quality = implausible == 0 ? b.quality() : excludingImplausible(b.rrMs(), b.quality());
                RrHeartRate.Sample rateSink = (t, bpm) -> rateFromRr(t, bpm, b.sourceId()); // one per batch
                DetectorPath.Fed fed = DetectorPath.rrBatch(rr, s.rr, patient, b.startMs(), b.rrMs(), quality,
                        transitions, ev -> {
                            rhythmCues(ev);
                            out.rhythm(ev);
                            if (ev instanceof PauseEvent p) {
                                wearEvents(wear.onData(s.wear, b.sourceId(), p.endMs()));
                            } else if (ev instanceof AfOffset off) {
                                tachycardiaOutlastingAf(off);
                            }
                        }, (beatMs, rrMs, clean) -> rrRate.onInterval(s.rrRate, beatMs, rrMs, clean, rateSink));
                out.outOfOrderBeats(fed.outOfOrderBeats());
                if (implausible > 0) {
                    out.implausibleBeats(implausible);
                }
                if (fed.reanchored()) {
                    out.beatClockReanchored();
                }
                wearEvents(wear.onData(s.wear, b.sourceId(), b.timeMs()));
                if (b.rrMs().length > 0) {
                    beatToBeat(beats.onBeats(s.beats, b.newestMs())); // rhythm monitoring (again)
                }
            } else if (r instanceof Reading.HeartRate h) {
                wearEvents(wear.onData(s.wear, h.sourceId(), h.timeMs()));
                if (h.bpm() > 0 && !Float.isInfinite(h.bpm())) {
                    beatToBeat(beats.onHeartRate(s.beats, h.timeMs())); // heart rate arrives: are beats missing?
                }
                if (!hr.reliable(h.signalQuality())) {
                    out.unreliableHeartRate(); // the device says not to trust it: data (the device reports), no rate
                } else {
                    if (h.bpm() > 0 && !Float.isInfinite(h.bpm())) {
                        rrRate.onDeviceSample(s.rrRate, h.timeMs()); // the device sends heart rate: read its samples
                    }
                    if (s.hr.lastSampleMs != HeartRateState.NO_TIME && h.timeMs() <= s.hr.lastSampleMs) {
                        out.outOfOrderSamples(1); // the heart-rate detector takes samples in time order only
                    } else {
                        // trusted as its own device is worn: a second device on its charger does not silence it
                        heartRate(h.timeMs(), h.bpm(), wear.activityOf(s.wear, h.sourceId()),
                                s.wear.lastStepsPerMinute, false);
                    }
                }
            } else if (r instanceof Reading.Activity a) {
                // steps, else accelerometer counts (WearActivityTracker: 0 is still, others movement not known)
                wearEvents(wear.onActivity(s.wear, a.sourceId(), a.timeMs(),
                        a.timeMs() + a.intervalSeconds() * 1000L, a.steps(), a.activityCount()));
            } else if (r instanceof Reading.Wear w) {
                wearEvents(wear.onWear(s.wear, w.sourceId(), w.timeMs(), wearSignal(w)));
            } else if (r instanceof Reading.Status st) {
                // "Reconnected, n readings buffered" comes before the backlog it announces. It proves the
                // silence up to now (device-offline), but counting it as data would put the patient's clock
                // after the backlog, whose readings would then be out of order: advance time only.
                if (announcesBacklog(st)) {
                    wearEvents(wear.onTime(s.wear, st.timeMs()));
                } else {
                    wearEvents(wear.onData(s.wear, st.sourceId(), st.timeMs()));
                }
            }
            flush();
        }

        /**
         * A minute of RR intervals gave a heart rate and the patient's devices sent no recent heart-rate sample
         * ({@link RrHeartRate}): the heart-rate detector reads it as a sample from the strap, judged by the strap's
         * wear as a device's sample is by its own; unless the detector already has a sample at or after it.
         */
        void rateFromRr(long timeMs, double bpm, String sourceId) {
            if (s.hr.lastSampleMs == HeartRateState.NO_TIME || timeMs > s.hr.lastSampleMs) {
                heartRate(timeMs, bpm, wear.activityOf(s.wear, sourceId), s.wear.lastStepsPerMinute, true);
            }
        }

        /** One heart-rate sample: a device's own, or ({@code rrDerived}) one from a minute of RR intervals. */
        void heartRate(long timeMs, double bpm, ActivityState activity, double stepsPerMinute, boolean rrDerived) {
            List<HeartRateEvent> events = hr.onSample(s.hr, timeMs, bpm, activity, stepsPerMinute, rrDerived);
            for (HeartRateEvent e : events) {
                out.heartRate(e);
                transitions.addAll(Transitions.fromHeartRate(patient, e));
            }
            if (events.isEmpty()) {
                transitions.addAll(Transitions.heartRateGoingOn(patient, s.hr, timeMs));
            }
        }

        /**
         * The AF episode has ended while a tachycardia is open: its START, during the AF, raised no alert (AF with a
         * fast ventricular rate, {@link Transitions#explainedByAf}), so it is announced again from the AF's end, after
         * the AF's END ({@link HeartRateThresholds#reannounceTachycardia}). A tachycardia already alerted (it began
         * before the AF) takes it as an update. Not for the closes of {@link #restart} and {@link #endOfRecord}.
         */
        void tachycardiaOutlastingAf(AfOffset off) {
            HeartRateEvent e = hr.reannounceTachycardia(s.hr, off.offsetMs());
            if (e != null) {
                transitions.addAll(Transitions.fromHeartRate(patient, e));
            }
        }

        void beatToBeat(BeatToBeatWatch.Event e) {
            if (e != null) {
                transitions.addAll(Transitions.fromBeatToBeat(patient, e));
            }
        }

        void wearEvents(List<WearActivityEvent> events) {
            for (WearActivityEvent e : events) {
                List<Transition> derived = Transitions.fromWearActivity(patient, e);
                if (timeDriven(e)) {
                    // known once the device had also been silent to the platform for the limit (as its timer fires)
                    long known = heardBeforeMs == ArrivalState.NO_TIME ? e.atMs()
                            : Math.max(e.atMs(), heardBeforeMs + wear.parameters().silenceLimitMs());
                    derived.forEach(t -> dueAt.put(t, known));
                }
                transitions.addAll(derived);
                if (e instanceof WearActivityEvent.StillFor still) {
                    cues.add(new PatternCue.StillFor(patient, programme, still.atMs(), still.stillSinceMs(),
                            delayedByMs, receivedMs));
                }
            }
        }

        /**
         * {@code t} marked {@link Transition#IN_FILLED_GAP} when it STARTs an episode inside the gap that the analysis
         * restarted to fill ({@link ArrivalState#fillingGapToMs}): the alert stage tells late data of a gap from data
         * on a clock set back by it.
         */
        private Transition inFilledGap(Transition t) {
            long gapTo = s.arrival.fillingGapToMs;
            long start = t.episodeStartMs() == ArrivalState.NO_TIME ? t.atMs() : t.episodeStartMs();
            return t.kind() == Transition.Kind.START && gapTo != ArrivalState.NO_TIME && start < gapTo
                    ? t.withEvidence(Transition.IN_FILLED_GAP, gapTo) : t;
        }

        /** Whether a wear event comes from time passing (a timer's kind of event) rather than from data. */
        private static boolean timeDriven(WearActivityEvent e) {
            return e instanceof WearActivityEvent.StateChange c && c.to() == ActivityState.NO_DATA
                    || e instanceof WearActivityEvent.InactivityEnd end
                    && end.reason() == WearActivityEvent.InactivityEnd.Reason.WAKING_HOURS_ENDED;
        }

        /** A rhythm event closing an episode because the data ended or restarted: its transitions, and the event. */
        void closing(RhythmEvent ev) {
            transitions.addAll(Transitions.fromRhythm(patient, ev, RhythmRuleParameters.ownOnsetBars(rr.parameters())));
            out.rhythm(ev);
        }

        /** The pattern cues of a rhythm event (its transitions are added by {@link DetectorPath#rrBatch}). */
        void rhythmCues(RhythmEvent e) {
            if (e instanceof PauseEvent p) {
                cues.add(new PatternCue.Pause(patient, programme, p.endMs(), p.startMs(), stillnessWithinMs,
                        stillnessSpanMs, delayedByMs, receivedMs));
            } else if (e instanceof AfOnset on) {
                afRateBpm = Double.NaN;
                afRate(on.emittedAtMs(), on.meanRateBpm());
            } else if (e instanceof RhythmSegment seg && seg.afActive()) {
                afRate(seg.endMs(), seg.meanRateBpm());
            } else if (e instanceof AfOffset off) {
                afRateBpm = Double.NaN;
                cues.add(new PatternCue.AfEnd(patient, programme, off.offsetMs(), delayedByMs, receivedMs));
            }
        }

        /** An AfRate cue with the smoothed rate; it starts a fast run when the smoothed rate crosses fastRateBpm. */
        private void afRate(long atMs, double segmentRateBpm) {
            boolean wasFast = afRateBpm > fastRateBpm; // false while NaN
            afRateBpm = Double.isNaN(afRateBpm) ? segmentRateBpm
                    : afRateBpm + AF_RATE_SMOOTHING * (segmentRateBpm - afRateBpm);
            boolean fast = afRateBpm > fastRateBpm;
            cues.add(new PatternCue.AfRate(patient, programme, atMs, afRateBpm, fast, fast && !wasFast, fastRateMinMs,
                    delayedByMs, receivedMs));
        }

        void flush() {
            for (Transition found : transitions) {
                Transition t = inFilledGap(found);
                // device-offline ends at the reconnection, not at the first buffered reading
                Transition emitted = ArrivalOrder.withOutageEnd(s.arrival, t);
                if (emitted != t) {
                    // the outage is reported as ending at the reconnection, after the data its upload brought: the
                    // next silence counts from there, so the next outage never starts inside this one (scenario 23 V2)
                    wear.silenceCountsFrom(s.wear, emitted.atMs());
                }
                Long due = dueAt.get(found); // keyed by identity: the transition as found, before any marking
                if (due != null) { // known from time passing, not from this reading: the same on every path
                    out.transition(emitted, programme, 0, due);
                } else {
                    out.transition(emitted, programme, delayedByMs, receivedMs);
                }
            }
            for (PatternCue c : cues) {
                out.cue(c);
            }
            transitions.clear();
            dueAt.clear();
            cues.clear();
        }
    }
}
