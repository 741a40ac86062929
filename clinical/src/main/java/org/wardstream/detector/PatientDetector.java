package org.wardstream.detector;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.wardstream.episodes.DetectorPath;
import org.wardstream.episodes.Transition;
import org.wardstream.episodes.Transitions;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rhythm.PauseEvent;
import org.wardstream.rhythm.RhythmEvent;
import org.wardstream.rhythm.RhythmSegment;
import org.wardstream.rhythm.RrAnalyser;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rule;
import org.wardstream.signals.ActivityState;
import org.wardstream.signals.HeartRateEvent;
import org.wardstream.signals.HeartRateParameters;
import org.wardstream.signals.HeartRateThresholds;
import org.wardstream.signals.RhythmRuleParameters;
import org.wardstream.signals.WearActivityEvent;
import org.wardstream.signals.WearActivityParameters;
import org.wardstream.signals.WearActivityTracker;
import org.wardstream.signals.WearSignal;

/**
 * One patient's detection, in plain Java: the job's signal operator, {@code wardstream validate} and the benchmark's
 * peers all run this class. It combines {@link RrAnalyser} (AF, pauses), {@link HeartRateThresholds} (tachycardia,
 * bradycardia) and {@link WearActivityTracker} (wear, inactivity, device-offline) over a patient's readings and
 * turns their events into lifecycle {@link Transition}s and {@link PatternCue}s for the compound CEP patterns.
 *
 * <p>Readings are analysed in the order the patient's devices delivered them, not held back for the watermark: a
 * backlog uploaded hours late is analysed like live data (its alerts carry how delayed they are). When a device
 * announces a backlog ("reconnected, n readings buffered"), the backlog and the live readings that interleave with
 * its upload are held briefly ({@link #arrive}) and analysed in device-time order ({@link #releaseHeld}), so each
 * detector, and the CEP patterns downstream, still see the patient's events in order. Silence becoming
 * device-offline and waking hours ending run on event-time timers ({@link #nextTimerMs}, {@link #onTime}).
 *
 * <p>Immutable and shared by every patient with the same rules and time zone; each patient's state is one
 * {@link DetectorState}, passed in and changed in place.
 */
public final class PatientDetector {
    /**
     * After a device announces a backlog, the patient's readings (the backlog, and live readings up to this long
     * after the reconnection) are held and analysed together in device-time order once live data has moved beyond
     * it: a backlog uploads in seconds, interleaved with live data. Not the announced count: a count that is off
     * would release live data mid-backlog.
     */
    public static final long BACKLOG_WAIT_MS = 3 * 60_000L;
    /** At most this many readings are held for one backlog (about 3 days of one device); then they are analysed. */
    public static final int MAX_HELD = 20_000;
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
        /** Keep it with the held backlog; it is analysed by {@link #releaseHeld}. */
        HOLD,
        /** The backlog is in: {@link #releaseHeld} the held readings, then analyse this one. */
        RELEASE_THEN_ANALYSE
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
    }

    private final RrAnalyser rr;
    private final HeartRateThresholds hr;
    private final WearActivityTracker wear;
    private final double fastRateBpm;
    private final long fastRateMinMs;
    private final long stillnessWithinMs;
    private final long stillnessSpanMs;

    public PatientDetector(EffectiveRules rules, ZoneId zone) {
        Rule af = rules.rule(EpisodeType.ATRIAL_FIBRILLATION);
        Rule pause = rules.rule(EpisodeType.PAUSE);
        this.rr = new RrAnalyser(RhythmRuleParameters.from(rules));
        this.hr = new HeartRateThresholds(HeartRateParameters.from(rules, zone));
        this.wear = new WearActivityTracker(WearActivityParameters.from(rules, zone));
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

    /** Whether the reading is a device announcing a backlog: "reconnected, n readings buffered". */
    public static boolean announcesBacklog(Reading r) {
        return r instanceof Reading.Status s && s.reconnected() && s.bufferedEvents() > 0;
    }

    /** What a wear report says about the device. */
    public static WearSignal wearSignal(Reading.Wear w) {
        return w.onBody() ? WearSignal.ON_BODY : "CHARGER".equals(w.method()) ? WearSignal.CHARGING : WearSignal.OFF_BODY;
    }

    /** The held readings in the order they are analysed: device time (stable for equal times). */
    public static <R> void sortHeld(List<R> held, java.util.function.ToLongFunction<R> timeMs) {
        held.sort(Comparator.comparingLong(timeMs));
    }

    /**
     * A reading has arrived: notes its receipt and decides whether it is held with a backlog. The caller keeps the
     * held readings; on {@link Arrival#RELEASE_THEN_ANALYSE} it releases them before analysing this one.
     */
    public static Arrival arrive(DetectorState s, Reading r) {
        if (s.lastReceivedMs == DetectorState.NO_TIME || r.receivedMs() > s.lastReceivedMs) {
            s.lastReceivedMs = r.receivedMs();
        }
        Arrival a = Arrival.ANALYSE;
        if (s.backlogUntilMs != DetectorState.NO_TIME) {
            if (r.timeMs() <= s.backlogUntilMs + BACKLOG_WAIT_MS && s.heldCount < MAX_HELD) {
                s.heldCount++; // the backlog and the live readings around it, analysed together in device-time order
                return Arrival.HOLD;
            }
            s.backlogUntilMs = DetectorState.NO_TIME; // live data has moved on: the backlog is in
            s.heldCount = 0;
            a = Arrival.RELEASE_THEN_ANALYSE;
        }
        if (announcesBacklog(r)) {
            s.backlogUntilMs = r.timeMs();
            s.heldCount = 0;
        }
        return a;
    }

    /**
     * Analyses the readings held during a backlog upload in device-time order (sorts {@code held}).
     *
     * @param programme the patient's programme from the enrolment (a reading's own programme, when set, wins)
     */
    public void releaseHeld(DetectorState s, String patient, String programme, List<Reading> held, Output out) {
        sortHeld(held, Reading::timeMs);
        Call c = new Call(s, patient, programme, out);
        for (Reading r : held) {
            c.analyse(r);
        }
        c.save();
    }

    /** Analyses one reading (one that {@link #arrive} did not hold). */
    public void analyse(DetectorState s, String patient, String programme, Reading r, Output out) {
        Call c = new Call(s, patient, programme, out);
        c.analyse(r);
        c.save();
    }

    /** Event time has reached {@code timeMs} (the timer of {@link #nextTimerMs} fired). */
    public void onTime(DetectorState s, String patient, String programme, long timeMs, Output out) {
        Call c = new Call(s, patient, programme, out);
        c.receivedMs = timeMs;
        if (s.lastReceivedMs == DetectorState.NO_TIME
                || s.lastReceivedMs + wear.parameters().silenceLimitMs() <= timeMs) {
            c.wearEvents(wear.onTime(s.wear, timeMs));
        }
        c.flush();
        c.save();
    }

    /**
     * A heart-rate sample with the patient's activity given by the caller: the job's path takes it from the wear
     * tracker ({@link #analyse}); {@code wardstream validate}, whose Holter records have no wear stream, gives
     * {@link ActivityState#WORN_STILL}.
     */
    public void heartRate(DetectorState s, String patient, long timeMs, double bpm, ActivityState activity,
                          double stepsPerMinute, Output out) {
        Call c = new Call(s, patient, null, out);
        c.heartRate(timeMs, bpm, activity, stepsPerMinute);
        c.flush();
    }

    /** The end of a recording (validation only; the job never closes AF because a stream pauses). */
    public void endOfRecord(DetectorState s, String patient, Output out) {
        Call c = new Call(s, patient, null, out);
        rr.endOfData(s.rr, ev -> {
            c.transitions.addAll(Transitions.fromRhythm(patient, ev));
            out.rhythm(ev);
        });
        c.flush();
    }

    /**
     * The next event time at which something is due, or {@link Long#MIN_VALUE}. The wear tracker's silence runs on
     * device time, but a device that has just uploaded a backlog has been heard from: its silence counts from the
     * last receipt.
     */
    public long nextTimerMs(DetectorState s) {
        long next = wear.nextTimerMs(s.wear);
        if (next != Long.MIN_VALUE && s.lastReceivedMs != DetectorState.NO_TIME) {
            next = Math.max(next, s.lastReceivedMs + wear.parameters().silenceLimitMs());
        }
        return next;
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
            delayedByMs = r.lateByMs();
            receivedMs = r.receivedMs();
            if (r.programme() != null) {
                programme = r.programme();
            }
            if (r instanceof Reading.RrBatch b) {
                // the same steps as `wardstream validate`, plus the pattern cues
                int outOfOrder = DetectorPath.rrBatch(rr, s.rr, patient, b.startMs(), b.rrMs(), b.quality(),
                        transitions, ev -> {
                            rhythmCues(ev);
                            out.rhythm(ev);
                            if (ev instanceof PauseEvent p) {
                                wearEvents(wear.onData(s.wear, p.endMs()));
                            }
                        });
                out.outOfOrderBeats(outOfOrder);
                wearEvents(wear.onData(s.wear, b.timeMs()));
            } else if (r instanceof Reading.HeartRate h) {
                wearEvents(wear.onData(s.wear, h.timeMs()));
                heartRate(h.timeMs(), h.bpm(), s.wear.activityState(), s.wear.lastStepsPerMinute);
            } else if (r instanceof Reading.Activity a) {
                if (a.steps() >= 0) {
                    wearEvents(wear.onActivity(s.wear, a.timeMs(), a.timeMs() + a.intervalSeconds() * 1000L,
                            a.steps()));
                } else {
                    wearEvents(wear.onData(s.wear, a.timeMs()));
                }
            } else if (r instanceof Reading.Wear w) {
                wearEvents(wear.onWear(s.wear, w.timeMs(), wearSignal(w)));
            } else if (r instanceof Reading.Status st) {
                // "Reconnected, n readings buffered" comes before the backlog it announces. It proves the
                // silence up to now (device-offline), but counting it as data would put the patient's clock
                // after the backlog, whose readings would then be out of order: advance time only.
                if (announcesBacklog(st)) {
                    wearEvents(wear.onTime(s.wear, st.timeMs()));
                } else {
                    wearEvents(wear.onData(s.wear, st.timeMs()));
                }
            }
            flush();
        }

        void heartRate(long timeMs, double bpm, ActivityState activity, double stepsPerMinute) {
            for (HeartRateEvent e : hr.onSample(s.hr, timeMs, bpm, activity, stepsPerMinute)) {
                out.heartRate(e);
                transitions.addAll(Transitions.fromHeartRate(patient, e));
            }
        }

        void wearEvents(List<WearActivityEvent> events) {
            for (WearActivityEvent e : events) {
                transitions.addAll(Transitions.fromWearActivity(patient, e));
                if (e instanceof WearActivityEvent.StillFor still) {
                    PatternCue c = cue(PatternCue.Kind.STILL_FOR, still.atMs());
                    c.sinceMs = still.stillSinceMs();
                    cues.add(c);
                }
            }
        }

        /** The pattern cues of a rhythm event (its transitions are added by {@link DetectorPath#rrBatch}). */
        void rhythmCues(RhythmEvent e) {
            if (e instanceof PauseEvent p) {
                PatternCue c = cue(PatternCue.Kind.PAUSE, p.endMs());
                c.sinceMs = p.startMs();
                c.windowMs = stillnessWithinMs;
                c.spanMs = stillnessSpanMs;
                cues.add(c);
            } else if (e instanceof AfOnset on) {
                afRateBpm = Double.NaN;
                afRate(on.emittedAtMs(), on.meanRateBpm());
            } else if (e instanceof RhythmSegment seg && seg.afActive()) {
                afRate(seg.endMs(), seg.meanRateBpm());
            } else if (e instanceof AfOffset off) {
                afRateBpm = Double.NaN;
                cues.add(cue(PatternCue.Kind.AF_END, off.offsetMs()));
            }
        }

        /** An AF_RATE cue with the smoothed rate; it starts a fast run when the smoothed rate crosses fastRateBpm. */
        private void afRate(long atMs, double segmentRateBpm) {
            boolean wasFast = afRateBpm > fastRateBpm; // false while NaN
            afRateBpm = Double.isNaN(afRateBpm) ? segmentRateBpm
                    : afRateBpm + AF_RATE_SMOOTHING * (segmentRateBpm - afRateBpm);
            PatternCue c = cue(PatternCue.Kind.AF_RATE, atMs);
            c.rateBpm = afRateBpm;
            c.fast = afRateBpm > fastRateBpm;
            c.fastFrom = c.fast && !wasFast;
            c.windowMs = fastRateMinMs;
            cues.add(c);
        }

        private PatternCue cue(PatternCue.Kind kind, long atMs) {
            return PatternCue.of(kind, patient, programme, atMs, delayedByMs, receivedMs);
        }

        void flush() {
            for (Transition t : transitions) {
                out.transition(t, programme, delayedByMs, receivedMs);
            }
            for (PatternCue c : cues) {
                out.cue(c);
            }
            transitions.clear();
            cues.clear();
        }
    }
}
