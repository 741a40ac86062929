package org.wardstream.signals;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import static org.wardstream.signals.WearActivityState.NO_TIME;

/**
 * Incremental, per-patient activity and wear state ({@link ActivityState}) with the inactivity episode and
 * the sustained-stillness cue ({@link WearActivityEvent.StillFor}) derived from it. Stateless itself; per-patient data lives in a
 * {@link WearActivityState}. Inputs are expected in device-time order; the Flink layer calls
 * {@link #onTime} at {@link #nextTimerMs}. A wear or activity report that arrives after later data (a
 * device reports "reconnected" before uploading its backlog) still counts when it is the newest report
 * of its kind: it sets the wear or movement flag as of the tracker's current time, since nothing newer
 * contradicts it. Other late inputs are ignored.
 *
 * <h2>States</h2>
 * <ul>
 *   <li>{@code NO_DATA}: no input of any kind for {@code silenceLimitMs} or longer (it begins, in device
 *       time, at the last data; reported when the silence reaches the limit). The device-offline input.</li>
 *   <li>{@code NOT_WORN}: the last wear report is off body or charging, or no wear status is known and the
 *       device is not moving. Never inactivity: a watch charging on the bedside table is not a patient lying
 *       still.</li>
 *   <li>{@code WORN_STILL}: worn (last wear report on body) and the last activity interval had fewer than
 *       {@code stillBelowStepsPerMinute} steps per minute. The only inactivity input.</li>
 *   <li>{@code ACTIVE}: otherwise (moving, and not reported off body).</li>
 * </ul>
 *
 * <h2>Inactivity</h2>
 * Stillness counts only inside local waking hours ({@link WakingHours}, DST-safe); the episode starts at the
 * first instant at which the counted stillness reaches the limit of the band that instant falls in, and only
 * once data up to that instant confirms it (a silent device is not evidence of stillness). It ends when the
 * state leaves WORN_STILL, or at the end of waking hours (then the night's stillness does not count towards
 * the next morning's episode: counting restarts at the next waking start).
 */
public final class WearActivityTracker {

    /** Detector version; part of the deterministic episode ids. */
    public static final String DETECTOR_VERSION = "wardstream-wear-activity/1";
    private static final int MAX_STEPS_PER_CALL = 64;

    private final WearActivityParameters p;

    public WearActivityTracker(WearActivityParameters parameters) {
        this.p = Objects.requireNonNull(parameters);
    }

    public WearActivityParameters parameters() {
        return p;
    }

    /** An activity interval [startMs, endMs] with a step count. */
    public List<WearActivityEvent> onActivity(WearActivityState s, long startMs, long endMs, double steps) {
        List<WearActivityEvent> out = new ArrayList<>(2);
        if (endMs <= startMs || !(steps >= 0)) return out;
        double perMinute = steps / ((endMs - startMs) / 60_000.0);
        boolean moving = perMinute >= p.stillBelowStepsPerMinute();
        if (s.lastActivityMs != NO_TIME && endMs < s.lastActivityMs) return out;
        input(s, endMs, startMs, true, st -> {
            st.moving = moving;
            st.lastStepsPerMinute = (float) perMinute;
            st.lastActivityMs = endMs;
        }, out::add);
        return out;
    }

    /** A wear report (on body, off body, charging). */
    public List<WearActivityEvent> onWear(WearActivityState s, long timeMs, WearSignal signal) {
        List<WearActivityEvent> out = new ArrayList<>(2);
        byte wear = signal == WearSignal.ON_BODY ? WearActivityState.WEAR_ON : WearActivityState.WEAR_OFF;
        if (s.lastWearMs != NO_TIME && timeMs < s.lastWearMs) return out;
        input(s, timeMs, timeMs, true, st -> {
            st.wear = wear;
            st.lastWearMs = timeMs;
        }, out::add);
        return out;
    }

    /** Any other data from the patient's devices (heart rate, RR, battery): the device is reporting. */
    public List<WearActivityEvent> onData(WearActivityState s, long timeMs) {
        List<WearActivityEvent> out = new ArrayList<>(1);
        input(s, timeMs, timeMs, false, st -> { }, out::add);
        return out;
    }

    /** Timer (event time): reports silence (NO_DATA) and the end of waking hours up to {@code nowMs}. */
    public List<WearActivityEvent> onTime(WearActivityState s, long nowMs) {
        List<WearActivityEvent> out = new ArrayList<>(1);
        advance(s, nowMs, out::add);
        return out;
    }

    /**
     * The patient's data continue on an earlier clock ({@link org.wardstream.rhythm.RrAnalyser#restart}): an open
     * inactivity episode closes at the last data, and the tracker forgets its clock, as before a patient's first data
     * (what the device last said about wear and movement is kept). The next data starts the activity state again;
     * no device-offline episode opens for the restart (a device-offline episode already open ends, as at any first
     * data, when data come).
     */
    public List<WearActivityEvent> restart(WearActivityState s) {
        List<WearActivityEvent> out = new ArrayList<>(1);
        if (s.inactivityOpen) {
            out.add(new WearActivityEvent.InactivityEnd(s.inactivityStartMs, s.lastDataMs,
                    WearActivityEvent.InactivityEnd.Reason.STATE_CHANGED));
            s.inactivityOpen = false;
            s.inactivityStartMs = NO_TIME;
        }
        s.state = (byte) ActivityState.NO_DATA.ordinal();
        s.stateSinceMs = NO_TIME;
        s.lastDataMs = NO_TIME;
        s.lastWearMs = NO_TIME;
        s.lastActivityMs = NO_TIME;
        s.inactivityFloorMs = NO_TIME;
        s.stillReportedSinceMs = NO_TIME;
        return out;
    }

    /** The next device time at which {@link #onTime} can emit without new input, or {@link Long#MIN_VALUE}. */
    public long nextTimerMs(WearActivityState s) {
        long next = NO_TIME;
        if (s.activityState() != ActivityState.NO_DATA && s.lastDataMs != NO_TIME) next = s.lastDataMs + p.silenceLimitMs();
        if (s.inactivityOpen) next = min(next, p.waking().wakingEndOf(s.inactivityStartMs));
        return next;
    }

    private interface Update {
        void apply(WearActivityState s);
    }

    /**
     * @param lateAllowed whether an input older than the last data still applies (as of the last data's time):
     *                    only for the newest report of a kind (the callers check that)
     */
    private void input(WearActivityState s, long t, long sinceHint, boolean lateAllowed, Update update,
                       Consumer<? super WearActivityEvent> sink) {
        boolean late = s.lastDataMs != NO_TIME && t < s.lastDataMs;
        if (late && !lateAllowed) return;
        long now = late ? s.lastDataMs : t;
        if (!late) {
            advance(s, t, sink);
            s.lastDataMs = t;
        }
        update.apply(s);
        ActivityState to = derive(s);
        if (to != s.activityState()) {
            long since = s.stateSinceMs == NO_TIME ? sinceHint : Math.max(sinceHint, s.stateSinceMs);
            if (s.activityState() == ActivityState.NO_DATA) since = now;
            change(s, to, now, Math.min(since, now), sink);
        }
        advance(s, now, sink);
    }

    private static ActivityState derive(WearActivityState s) {
        if (s.wear == WearActivityState.WEAR_OFF) return ActivityState.NOT_WORN;
        if (s.moving) return ActivityState.ACTIVE;
        return s.wear == WearActivityState.WEAR_ON ? ActivityState.WORN_STILL : ActivityState.NOT_WORN;
    }

    private void change(WearActivityState s, ActivityState to, long at, long since, Consumer<? super WearActivityEvent> sink) {
        ActivityState from = s.activityState();
        if (s.inactivityOpen) {
            sink.accept(new WearActivityEvent.InactivityEnd(s.inactivityStartMs, at, WearActivityEvent.InactivityEnd.Reason.STATE_CHANGED));
            s.inactivityOpen = false;
            s.inactivityStartMs = NO_TIME;
        }
        s.state = (byte) to.ordinal();
        s.stateSinceMs = since;
        sink.accept(new WearActivityEvent.StateChange(from, to, at, since));
    }

    /** Fires the time-driven events due at or before {@code t}, in time order. */
    private void advance(WearActivityState s, long t, Consumer<? super WearActivityEvent> sink) {
        for (int i = 0; i < MAX_STEPS_PER_CALL; i++) {
            ActivityState st = s.activityState();
            // candidates in tie order: inactivity end, silence, sustained stillness, inactivity start
            long end = s.inactivityOpen ? p.waking().wakingEndOf(s.inactivityStartMs) : NO_TIME;
            long silence = st != ActivityState.NO_DATA && s.lastDataMs != NO_TIME ? s.lastDataMs + p.silenceLimitMs() : NO_TIME;
            long still = NO_TIME;
            if (st == ActivityState.WORN_STILL && s.stillReportedSinceMs != s.stateSinceMs) {
                long due = s.stateSinceMs + p.stillForMs();
                if (due <= s.lastDataMs) still = due;
            }
            long start = NO_TIME;
            if (st == ActivityState.WORN_STILL && !s.inactivityOpen) {
                long countFrom = s.inactivityFloorMs == NO_TIME ? s.stateSinceMs : Math.max(s.stateSinceMs, s.inactivityFloorMs);
                long due = p.waking().inactivityDeadline(countFrom);
                if (due != Long.MIN_VALUE && due <= s.lastDataMs) start = due;
            }
            long next = min(min(end, silence), min(still, start));
            if (next == NO_TIME || next > t) return;
            if (next == end) {
                sink.accept(new WearActivityEvent.InactivityEnd(s.inactivityStartMs, end,
                        WearActivityEvent.InactivityEnd.Reason.WAKING_HOURS_ENDED));
                s.inactivityOpen = false;
                s.inactivityStartMs = NO_TIME;
                s.inactivityFloorMs = end;
            } else if (next == silence) {
                change(s, ActivityState.NO_DATA, silence, s.lastDataMs, sink);
            } else if (next == still) {
                s.stillReportedSinceMs = s.stateSinceMs;
                sink.accept(new WearActivityEvent.StillFor(s.stateSinceMs, still));
            } else {
                long countFrom = s.inactivityFloorMs == NO_TIME ? s.stateSinceMs : Math.max(s.stateSinceMs, s.inactivityFloorMs);
                long startOfCount = Math.max(countFrom, p.waking().at(p.waking().localDate(start), p.waking().wakingStart()));
                s.inactivityOpen = true;
                s.inactivityStartMs = startOfCount;
                sink.accept(new WearActivityEvent.InactivityStart(startOfCount, start, limitAt(start)));
            }
        }
    }

    private long limitAt(long t) {
        WakingHours w = p.waking();
        var d = w.localDate(t);
        if (t < w.at(d, w.morningEnd())) return w.maxStillMorningMs();
        if (t < w.at(d, w.eveningStart())) return w.maxStillAfternoonMs();
        return w.maxStillEveningMs();
    }

    private static long min(long a, long b) {
        if (a == NO_TIME) return b;
        if (b == NO_TIME) return a;
        return Math.min(a, b);
    }
}
