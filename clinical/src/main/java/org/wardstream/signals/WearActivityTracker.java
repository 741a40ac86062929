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
 *       time, at the last data; reported when the silence reaches the limit). The device-offline input. Before the
 *       first data, silence is reported only when watched ({@link #watchSilenceFrom}: the patient's alerting started
 *       or resumed then): it begins at that time.</li>
 *   <li>{@code NOT_WORN}: the last wear report is off body or charging, or no wear status is known and the
 *       device is not moving. Never inactivity: a watch charging on the bedside table is not a patient lying
 *       still.</li>
 *   <li>{@code WORN_STILL}: worn (last wear report on body) and the last activity interval had fewer than
 *       {@code stillBelowStepsPerMinute} steps per minute (or 0 accelerometer counts), or it ended more than
 *       {@code activityValidForMs} ago, or there was none. The only inactivity input.</li>
 *   <li>{@code ACTIVE}: otherwise (moving, or movement not known: an interval reported as accelerometer counts
 *       only; and not reported off body).</li>
 * </ul>
 *
 * <h2>Activity ages out</h2>
 * The last activity interval counts until {@code activityValidForMs} after its end, or its own length after its end if
 * longer (a device reporting 15-minute intervals uploads the next one 15 minutes later). Then, with no newer interval, the
 * patient is still from that end (a time-driven change ACTIVE to WORN_STILL, decided once data up to then confirm
 * it): the device contract does not require intervals without steps, and a device that uploads step deltas only when
 * there are steps says "no steps" by sending nothing. This is the same reading as a worn device that never reported
 * activity (still), so a walk no longer makes the rest of the day "moving" (adversarial probe 17a, D8).
 *
 * <h2>Several devices</h2>
 * Wear is reported per device (its source id): a chest strap put on its charger does not make the patient wearing a
 * watch "not worn". Each device's newest wear report is kept ({@link WearActivityState}, at most
 * {@value WearActivityState#MAX_SOURCES} devices, the least recently heard forgotten). The patient is worn when any
 * device's newest report is on body; a device's on-body report stops counting against another's off-body report once
 * that device has sent no data for the silence limit (a watch whose battery died on the wrist says nothing more). A
 * device's own readings are judged by its own wear ({@link #activityOf}: a heart rate from a device on its charger is
 * not trusted while the patient wears another); a device that never reported its wear is judged by the patient's.
 * An activity interval from a device reported off body does not say whether the patient moves while another device is
 * worn: it counts as data only. With one device (or readings without source ids) this is the single wear state of a
 * patient, as before.
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
    public static final String DETECTOR_VERSION = "wardstream-wear-activity/2"; // 2: activity ages out, accelerometer counts alone (probe 17a, D7-D8)
    private static final int MAX_STEPS_PER_CALL = 64;

    private final WearActivityParameters p;

    public WearActivityTracker(WearActivityParameters parameters) {
        this.p = Objects.requireNonNull(parameters);
    }

    public WearActivityParameters parameters() {
        return p;
    }

    /** An activity interval [startMs, endMs] with a step count, from a device without a source id. */
    public List<WearActivityEvent> onActivity(WearActivityState s, long startMs, long endMs, double steps) {
        return onActivity(s, null, startMs, endMs, steps, -1);
    }

    /** An activity interval [startMs, endMs] with a step count from device {@code sourceId} (null: unknown). */
    public List<WearActivityEvent> onActivity(WearActivityState s, String sourceId, long startMs, long endMs,
                                              double steps) {
        return onActivity(s, sourceId, startMs, endMs, steps, -1);
    }

    /**
     * An activity interval [startMs, endMs] from device {@code sourceId} (null: unknown) with its step count and its
     * accelerometer activity count (each negative or NaN when the device did not report it; the contract has at least
     * one). Steps decide: moving at {@code stillBelowStepsPerMinute} or more. Without steps, a count of 0 is still (no
     * movement registered, whatever the device's scale); any other count is movement <b>not known</b>: the counts are
     * on a device-specific scale, so a few counts of a wrist at rest cannot be told from walking. Not known is never
     * still (no inactivity, no stillness cue, not "at rest" for tachycardia, not "awake" by walking): the state is
     * {@link ActivityState#ACTIVE} with an unknown cadence (NaN, {@link WearActivityState#lastStepsPerMinute}).
     * Either way it holds until {@code activityValidForMs} (or the interval's length, if longer) after the interval's
     * end ({@link #advance}). An interval
     * without either value is data only. From a device reported off body while the patient wears another, it is data
     * only: a strap on its charger counts no steps of the patient.
     */
    public List<WearActivityEvent> onActivity(WearActivityState s, String sourceId, long startMs, long endMs,
                                              double steps, double activityCount) {
        List<WearActivityEvent> out = new ArrayList<>(2);
        if (endMs <= startMs) return out;
        if (!(steps >= 0) && !(activityCount >= 0)) return onData(s, sourceId, startMs);
        int key = WearActivityState.sourceKey(sourceId);
        int own = s.sourceIndex(key);
        if (own >= 0 && s.sourceWear[own] == WearActivityState.WEAR_OFF && s.wear == WearActivityState.WEAR_ON) {
            return onData(s, sourceId, endMs);
        }
        double perMinute = steps >= 0 ? steps / ((endMs - startMs) / 60_000.0)
                : activityCount == 0 ? 0 : Double.NaN; // NaN: movement not known
        boolean moving = Double.isNaN(perMinute) || perMinute >= p.stillBelowStepsPerMinute();
        if (s.lastActivityMs != NO_TIME && endMs < s.lastActivityMs) return out;
        long validUntil = endMs + Math.max(p.activityValidForMs(), endMs - startMs);
        if (s.lastDataMs != NO_TIME && validUntil <= s.lastDataMs) {
            return onData(s, sourceId, endMs); // late, and aged out already: says nothing about the patient now
        }
        input(s, key, endMs, startMs, true, st -> {
            st.moving = moving;
            st.lastStepsPerMinute = (float) perMinute;
            st.lastActivityMs = endMs;
            st.activityValidUntilMs = validUntil;
        }, out::add);
        return out;
    }

    /** A wear report (on body, off body, charging) from a device without a source id. */
    public List<WearActivityEvent> onWear(WearActivityState s, long timeMs, WearSignal signal) {
        return onWear(s, null, timeMs, signal);
    }

    /**
     * A wear report (on body, off body, charging) of device {@code sourceId} (null: unknown). An older report than
     * the device's newest is ignored.
     */
    public List<WearActivityEvent> onWear(WearActivityState s, String sourceId, long timeMs, WearSignal signal) {
        List<WearActivityEvent> out = new ArrayList<>(2);
        byte wear = signal == WearSignal.ON_BODY ? WearActivityState.WEAR_ON : WearActivityState.WEAR_OFF;
        int key = WearActivityState.sourceKey(sourceId);
        int own = s.sourceIndex(key);
        if (own >= 0 && s.sourceWearMs[own] != NO_TIME && timeMs < s.sourceWearMs[own]) return out;
        int legacy = s.sourceIndex(WearActivityState.LEGACY_SOURCE);
        if (own < 0 && legacy >= 0 && s.sourceWearMs[legacy] != NO_TIME && timeMs < s.sourceWearMs[legacy]) {
            return out; // older than format 4's newest report, which it ignored
        }
        input(s, key, timeMs, timeMs, true, st -> {
            int old = st.sourceIndex(WearActivityState.LEGACY_SOURCE);
            if (old >= 0) st.removeSource(old); // format 4's patient wear: superseded, as it was then
            int i = st.sourceSlot(key);
            st.sourceWear[i] = wear;
            st.sourceWearMs[i] = timeMs;
            st.sourceDataMs[i] = Math.max(st.sourceDataMs[i], timeMs);
            if (st.lastWearMs == NO_TIME || timeMs > st.lastWearMs) st.lastWearMs = timeMs;
        }, out::add);
        return out;
    }

    /** Any other data from the patient's devices (heart rate, RR, battery): the device is reporting. */
    public List<WearActivityEvent> onData(WearActivityState s, long timeMs) {
        return onData(s, null, timeMs);
    }

    /** Any other data (heart rate, RR, battery) from device {@code sourceId} (null: unknown): it is reporting. */
    public List<WearActivityEvent> onData(WearActivityState s, String sourceId, long timeMs) {
        List<WearActivityEvent> out = new ArrayList<>(1);
        input(s, WearActivityState.sourceKey(sourceId), timeMs, timeMs, false, st -> { }, out::add);
        return out;
    }

    /**
     * The activity state by which a reading of device {@code sourceId} (null: unknown) is judged, after it was fed
     * ({@link #onData}): the patient's, but worn or not as that device's own newest wear report says; for a device
     * that never reported its wear (or whose report came from a state before wear was kept per device), the
     * patient's. The same as {@link WearActivityState#activityState} for one device.
     */
    public ActivityState activityOf(WearActivityState s, String sourceId) {
        ActivityState patient = s.activityState();
        if (patient == ActivityState.NO_DATA) return patient;
        int own = s.sourceIndex(WearActivityState.sourceKey(sourceId));
        return own < 0 ? patient : derive(s.sourceWear[own], s.moving);
    }

    /**
     * The patient's alerting has started or resumed at {@code fromMs} (enrolled, a pause ended, enrolled again) with no
     * data since the tracker's clock was last forgotten ({@link #restart}, or a new patient): unless data come by
     * {@code fromMs} plus the silence limit, the silence is reported then as NO_DATA since {@code fromMs} (a
     * {@link WearActivityEvent.StateChange} from NO_DATA to NO_DATA: device-offline, "no data since monitoring
     * started"), as for a device that stopped sending at {@code fromMs}. Ignored when data have come: the silence
     * counts from the last data.
     */
    public void watchSilenceFrom(WearActivityState s, long fromMs) {
        if (s.lastDataMs == NO_TIME) s.silenceWatchedFromMs = fromMs;
    }

    /**
     * The patient's device was heard at {@code atMs} (receipt time) and a device-offline episode was reported as ending
     * then: the reconnection came after the last data's device time (the outage's buffer, uploaded after the device was
     * reported offline, ends before it). The next silence counts from the later of this and the last data, so a
     * device that uploads its buffer and then says nothing more is reported offline again from the reconnection, never
     * from a time the previous close said it was still offline (scenario 23, V2: it started at the last uploaded
     * reading, minutes before that close). Forgotten at a {@link #restart}.
     */
    public void silenceCountsFrom(WearActivityState s, long atMs) {
        if (s.silenceFromMs == NO_TIME || atMs > s.silenceFromMs) s.silenceFromMs = atMs;
    }

    /** When the current silence began: the last data, or the reconnection after them ({@link #silenceCountsFrom}). */
    private static long silenceSinceMs(WearActivityState s) {
        if (s.lastDataMs == NO_TIME) return NO_TIME;
        return s.silenceFromMs == NO_TIME ? s.lastDataMs : Math.max(s.lastDataMs, s.silenceFromMs);
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
        s.activityValidUntilMs = NO_TIME;
        s.moving = false; // the last activity interval's time is forgotten: it cannot age out (advance)
        s.lastStepsPerMinute = Float.NaN;
        s.inactivityFloorMs = NO_TIME;
        s.stillReportedSinceMs = NO_TIME;
        s.silenceWatchedFromMs = NO_TIME;
        s.silenceFromMs = NO_TIME;
        for (int i = 0; i < s.sourceCount; i++) { // each device's wear is kept, its clock forgotten
            s.sourceWearMs[i] = NO_TIME;
            s.sourceDataMs[i] = NO_TIME;
        }
        return out;
    }

    /** The next device time at which {@link #onTime} can emit without new input, or {@link Long#MIN_VALUE}. */
    public long nextTimerMs(WearActivityState s) {
        long next = NO_TIME;
        if (s.activityState() != ActivityState.NO_DATA && s.lastDataMs != NO_TIME) next = silenceSinceMs(s) + p.silenceLimitMs();
        if (s.inactivityOpen) next = min(next, p.waking().wakingEndOf(s.inactivityStartMs));
        return min(next, watchedSilenceMs(s));
    }

    /** When a watched silence before the first data reaches the limit ({@link #watchSilenceFrom}), or NO_TIME. */
    private long watchedSilenceMs(WearActivityState s) {
        return s.silenceWatchedFromMs != NO_TIME && s.lastDataMs == NO_TIME
                && s.activityState() == ActivityState.NO_DATA ? s.silenceWatchedFromMs + p.silenceLimitMs() : NO_TIME;
    }

    private interface Update {
        void apply(WearActivityState s);
    }

    /**
     * @param lateAllowed whether an input older than the last data still applies (as of the last data's time):
     *                    only for the newest report of a kind (the callers check that)
     */
    private void input(WearActivityState s, int sourceKey, long t, long sinceHint, boolean lateAllowed, Update update,
                       Consumer<? super WearActivityEvent> sink) {
        int source = s.sourceIndex(sourceKey);
        if (source >= 0 && (s.sourceDataMs[source] == NO_TIME || t > s.sourceDataMs[source])) {
            s.sourceDataMs[source] = t; // the device is heard from (its on-body report counts: patientWear)
        }
        boolean late = s.lastDataMs != NO_TIME && t < s.lastDataMs;
        if (late && !lateAllowed) return;
        long now = late ? s.lastDataMs : t;
        if (!late) {
            advance(s, t, sink);
            s.lastDataMs = t;
            s.silenceWatchedFromMs = NO_TIME; // data came: the silence counts from the last data
            // before this input's own change (in time order); an activity interval itself says what happens from its
            // start on
            expireMovement(s, Math.min(t, sinceHint), sink);
        }
        update.apply(s);
        s.wear = patientWear(s, now);
        ActivityState to = derive(s);
        if (to != s.activityState()) {
            long since = s.stateSinceMs == NO_TIME ? sinceHint : Math.max(sinceHint, s.stateSinceMs);
            if (s.activityState() == ActivityState.NO_DATA) since = now;
            change(s, to, now, Math.min(since, now), sink);
        }
        advance(s, now, sink);
    }

    private static ActivityState derive(WearActivityState s) {
        return derive(s.wear, s.moving);
    }

    private static ActivityState derive(byte wear, boolean moving) {
        if (wear == WearActivityState.WEAR_OFF) return ActivityState.NOT_WORN;
        if (moving) return ActivityState.ACTIVE;
        return wear == WearActivityState.WEAR_ON ? ActivityState.WORN_STILL : ActivityState.NOT_WORN;
    }

    /**
     * The patient's wear at {@code nowMs}: on body when a device's newest report says so and that device sent data
     * within the silence limit; else off body when a device's says so; else on body when a (silent) device's says so
     * (nothing contradicts it); else unknown. One device: its newest report.
     */
    private byte patientWear(WearActivityState s, long nowMs) {
        boolean off = false, silentOn = false;
        for (int i = 0; i < s.sourceCount; i++) {
            if (s.sourceWear[i] == WearActivityState.WEAR_ON) {
                long heard = s.sourceDataMs[i];
                if (heard != NO_TIME && nowMs - heard < p.silenceLimitMs()) return WearActivityState.WEAR_ON;
                silentOn = true;
            } else if (s.sourceWear[i] == WearActivityState.WEAR_OFF) {
                off = true;
            }
        }
        return off ? WearActivityState.WEAR_OFF : silentOn ? WearActivityState.WEAR_ON : WearActivityState.WEAR_UNKNOWN;
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
            // candidates in tie order: movement aged out, inactivity end, silence, sustained stillness, inactivity start
            long expire = movementExpiresMs(s);
            if (expire != NO_TIME && expire > s.lastDataMs) expire = NO_TIME;
            long end = s.inactivityOpen ? p.waking().wakingEndOf(s.inactivityStartMs) : NO_TIME;
            long silence = st != ActivityState.NO_DATA && s.lastDataMs != NO_TIME ? silenceSinceMs(s) + p.silenceLimitMs()
                    : watchedSilenceMs(s); // before the first data: only when watched
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
            long next = min(expire, min(min(end, silence), min(still, start)));
            if (next == NO_TIME || next > t) return;
            if (next == expire) {
                expireMovement(s, expire, sink);
            } else if (next == end) {
                sink.accept(new WearActivityEvent.InactivityEnd(s.inactivityStartMs, end,
                        WearActivityEvent.InactivityEnd.Reason.WAKING_HOURS_ENDED));
                s.inactivityOpen = false;
                s.inactivityStartMs = NO_TIME;
                s.inactivityFloorMs = end;
            } else if (next == silence) {
                boolean watched = s.lastDataMs == NO_TIME;
                change(s, ActivityState.NO_DATA, silence, watched ? s.silenceWatchedFromMs : silenceSinceMs(s), sink);
                if (watched) s.silenceWatchedFromMs = NO_TIME; // reported: NO_DATA until the first data
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

    /** When the movement of the last activity interval ages out, or NO_TIME (not moving, or no interval). */
    private long movementExpiresMs(WearActivityState s) {
        if (!s.moving || s.lastActivityMs == NO_TIME) return NO_TIME;
        return s.activityValidUntilMs != NO_TIME ? s.activityValidUntilMs
                : s.lastActivityMs + p.activityValidForMs(); // formats 4-5 did not record it
    }

    /**
     * The last activity interval's movement ages out if due by {@code t}: it says nothing about the patient any more;
     * a device that uploads only intervals with steps sends none while the patient is still (no interval is no
     * steps). The state changes (ACTIVE to WORN_STILL, still since the interval's end) at the due time; a patient
     * without data (NO_DATA) just forgets it.
     */
    private void expireMovement(WearActivityState s, long t, Consumer<? super WearActivityEvent> sink) {
        long due = movementExpiresMs(s);
        if (due == NO_TIME || due > t) return;
        s.moving = false;
        ActivityState from = s.activityState(), to = derive(s);
        if (from != ActivityState.NO_DATA && to != from) {
            long at = Math.max(due, s.stateSinceMs);
            change(s, to, at, Math.min(at, Math.max(s.lastActivityMs, s.stateSinceMs)), sink);
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
