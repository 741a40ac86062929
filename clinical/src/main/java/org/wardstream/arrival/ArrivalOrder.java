package org.wardstream.arrival;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

import org.wardstream.episodes.Transition;
import org.wardstream.rules.EpisodeType;

import static org.wardstream.arrival.ArrivalState.NO_TIME;

/**
 * Puts one patient's readings into device-time order before they are analysed, deciding from the data alone
 * (a device need not announce its backlog: most phone apps simply upload what they buffered). Stateless itself;
 * the per-patient data lives in an {@link ArrivalState}, the held readings with the caller. Deterministic: every
 * decision depends only on the readings' device and receipt times and their order of arrival, never on a clock
 * or a watermark, so a replay of the same input decides the same.
 *
 * <h2>Policy</h2>
 * <ul>
 *   <li>A reading is <b>delayed</b> when it reached the platform more than {@code delayedAfterMs} after its
 *       device time ({@link #isDelayed}); its delay is receipt time minus device time ({@link #delayMs}).</li>
 *   <li><b>Holding starts</b> at a delayed reading (a backlog is arriving), or at a reading more than
 *       {@code resumeGapMs} after the newest analysed one (data resumes after a silence: its backlog may follow,
 *       and must be analysed before it).</li>
 *   <li>While holding, every reading of the patient is held (the backlog and the live data interleaved with
 *       its upload). The held readings are <b>released</b>, analysed in device-time order
 *       ({@link #inAnalysisOrder}), when a reading arrives more than {@code holdMs} of receipt time after the
 *       hold began, when {@code maxHeld} are held, or at {@link #releaseTimerMs} when no more data comes. A backlog
 *       arriving <b>newest first</b> (a delayed reading older than every reading held) extends the hold: it is
 *       released {@code holdMs} after the latest such reading, as long as the hold has lasted less than
 *       {@link #EXTENDED_HOLD_FACTOR} times {@code holdMs} (30 min by default; live readings meanwhile wait with it).
 *       Released at the first {@code holdMs}, the older part of such a backlog arrived after its newer part was
 *       analysed and restarted the analysis again and again: one AF episode raised two or three alerts, closed as
 *       "a device clock set back" or "AF not found again" (probe 20a D6).</li>
 *   <li>A reading older than the newest analysed one by at most {@code reorderBoundMs} is analysed (the
 *       detectors skip and count what they cannot use); one <b>older by more</b> cannot be analysed in order any
 *       more: it is dead-lettered with reason {@code out-of-order} ({@link #tooOldDetail}), never dropped
 *       silently.</li>
 *   <li>Unless the patient's data <b>continue on an earlier clock</b>: the device's clock was set back (a time-zone
 *       mix-up, a reset), or the older part of a backlog arrived after its newer part was analysed. Once
 *       {@code restartAfterReadings} such readings have come, each within the reorder bound of the one before and
 *       together spanning at least {@code restartAfterSpanMs} of device time, with no reading of the current clock
 *       among them (two devices of one patient on different clocks must not switch the analysis back and forth,
 *       closing and reopening episodes at every switch), the analysis <b>restarts</b> on the
 *       earlier clock ({@link Action#RESTART}): the detectors close what is open at its last evidence and forget
 *       their clocks, and the readings from then on are analysed (held first, when delayed). Before that the
 *       earlier-clock readings are dead-lettered (a few stragglers, or a retried request covering under 2 min, never
 *       restart the analysis, which closes and reopens an ongoing episode); without the restart a device whose clock
 *       went back an hour went unanalysed for an hour, and the older part of a backlog uploaded newest part first
 *       was lost. A late upload covering more (a retried request of the last half hour, while live data go on) does
 *       restart it: its data are analysed, at the cost of an ongoing episode's alert closing (saying why) and a new
 *       one opening if the episode goes on. Unless that upload ({@link #isUpload}: it arrives in less than half the
 *       device time it covers) lies wholly after the start of an episode the detectors still have open: then its
 *       time is inside an alert already raised and still open, and it is dead-lettered; the analysis restarts only
 *       if the earlier clock goes on arriving live (a clock set back during the episode).</li>
 *   <li><b>A gap fill</b> restarts at once: a reading too old to analyse in order that lies inside a gap in the
 *       analysed data ({@link ArrivalState#gapFromMs(int)}: more than {@code resumeGapMs} between two analysed readings),
 *       with no episode open in the detectors since before it, was buffered during the gap and uploaded after the data
 *       resumed (a phone that sends the live data first and syncs its buffer in the background). It needs no
 *       confirmation: {@link Action#RESTART} at its first reading, none dead-lettered. An AF alert that closed for that
 *       gap is re-opened by the AF found in it ({@link org.wardstream.episodes.EpisodeLifecycle}); one still open across
 *       that gap (AF found again as the data resumed) is not closed for the restart, whose closes say it is a gap fill
 *       ({@link #restartFillsGap}). Before, its first
 *       readings were dead-lettered and its AF raised a second alert for the same episode (probe 20a D1). The gap starts
 *       at the newest data at an instant ({@link ArrivalState#newestPointMs}), not at the end of a watch's activity
 *       interval that covered its first minutes, and a reading is in it by its instant (an activity interval by its
 *       start); up to {@value ArrivalState#MAX_GAPS} gaps are remembered ({@link ArrivalState#addGap}: beyond that the two
 *       oldest merge into one), and a gap fill keeps the others, so each gap's buffer fills its gap in any order
 *       (session 24 remembered two: the buffer of a third, older gap was taken for a clock set back; session 25). The episodes the restarted
 *       analysis finds before the gap's end are marked as late data of a filled gap
 *       ({@link ArrivalState#fillingGapToMs}, {@link org.wardstream.episodes.Transition#IN_FILLED_GAP}).</li>
 *   <li>Nor when such an upload lies wholly inside the run of data already analysed ({@link ArrivalState#analysedSinceMs}:
 *       the analysed readings up to the newest, without a gap of more than {@code restartAfterSpanMs}, the least an
 *       upload that restarts covers): it repeats readings
 *       already analysed (a retried request whose first attempt was accepted, re-sent with new event ids or after
 *       ingest's de-duplication horizon), not an earlier clock. Restarting there re-detected an AF episode already
 *       alerted and closed, and alerted it again. Its readings are dead-lettered as already analysed
 *       ({@link Action#ALREADY_ANALYSED}) from the second on (the first is {@code out-of-order}: one reading is no
 *       upload yet). The older part of a backlog analysed after its newer part lies before that run (the outage is a
 *       gap in it) and still restarts; a clock set back sends live data (no upload) and still restarts.</li>
 * </ul>
 */
public final class ArrivalOrder {

    /**
     * @param delayedAfterMs a reading received more than this after its device time is delayed (a backlog)
     * @param resumeGapMs    a reading this far after the newest analysed one starts a hold (its backlog may follow)
     * @param holdMs         how long (receipt time) readings are held from the start of a hold
     * @param maxHeld        at most this many readings are held; then they are analysed
     * @param reorderBoundMs a reading older than the newest analysed one by more than this is not analysed
     * @param restartAfterReadings the analysis restarts on an earlier clock at this many readings of it
     * @param restartAfterSpanMs   ... when they span at least this much device time
     */
    public record Parameters(long delayedAfterMs, long resumeGapMs, long holdMs, int maxHeld, long reorderBoundMs,
                             int restartAfterReadings, long restartAfterSpanMs) {
        public Parameters {
            if (delayedAfterMs <= 0 || resumeGapMs <= 0 || holdMs <= 0 || maxHeld <= 0 || reorderBoundMs < 0
                    || restartAfterReadings <= 0 || restartAfterSpanMs < 0) {
                throw new IllegalArgumentException("arrival-order parameters must be positive");
            }
        }

        /**
         * Delayed after 5 min (beyond ordinary upload latency and retries, which stay within a few minutes); a hold
         * after 10 min without data; holds of 5 min of receipt time (a backlog of days uploads in seconds to a
         * minute) and at most 20,000 readings (about 3 days of one device); reorder bound 10 min; a restart on an
         * earlier clock at 5 readings spanning 2 min of it (a device reports every few seconds to a minute, so a
         * clock set back is followed within minutes; a few stragglers or a retried request of a minute's readings
         * are not enough).
         */
        public static Parameters defaults() {
            return new Parameters(5 * 60_000L, 10 * 60_000L, 5 * 60_000L, 20_000, 10 * 60_000L, 5, 2 * 60_000L);
        }
    }

    /** What to do with an arriving reading. */
    public enum Action {
        /** Analyse it now. */
        ANALYSE,
        /** Keep it with the held readings. */
        HOLD,
        /** Release (analyse) the held readings first, then decide again for this reading. */
        RELEASE_FIRST,
        /** It cannot be analysed in order: dead-letter it ({@link #tooOldDetail}). */
        DEAD_LETTER,
        /**
         * It belongs to an upload repeating readings already analysed (wholly inside the analysed run, while the
         * current clock goes on): dead-letter it as already analysed ({@link #alreadyAnalysedDetail}).
         */
        ALREADY_ANALYSED,
        /**
         * The patient's data continue on an earlier clock: restart the analysis there (the detectors close what is
         * open and forget their clocks; then {@link #restarted}), then decide again for this reading.
         */
        RESTART
    }

    /**
     * A hold extended by a backlog arriving newest first lasts at most this many times {@code holdMs} from its start
     * (then it is released as any hold, and the rest of the backlog is an earlier clock, as before): it bounds how
     * long live readings wait with the backlog.
     */
    public static final int EXTENDED_HOLD_FACTOR = 6;

    private final Parameters p;

    public ArrivalOrder(Parameters parameters) {
        this.p = parameters;
    }

    public Parameters parameters() {
        return p;
    }

    /** Receipt time minus device time, never negative. */
    public static long delayMs(long deviceMs, long receivedMs) {
        return Math.max(0, receivedMs - deviceMs);
    }

    /** Whether the reading reached the platform more than {@code delayedAfterMs} after its device time. */
    public boolean isDelayed(long deviceMs, long receivedMs) {
        return delayMs(deviceMs, receivedMs) > p.delayedAfterMs();
    }

    /** The delay to report for the reading: its {@link #delayMs} when it {@link #isDelayed}, else 0. */
    public long reportedDelayMs(long deviceMs, long receivedMs) {
        return isDelayed(deviceMs, receivedMs) ? delayMs(deviceMs, receivedMs) : 0;
    }

    /**
     * Notes a receipt (every reading, before {@link #onArrival}): a receipt at least {@code silenceLimitMs} after
     * the previous one is a reconnection ({@link ArrivalState#reconnectedAtMs}).
     *
     * @return whether this receipt is a reconnection: the device was silent to the platform for the silence limit,
     *         whatever its buffered readings will show in device time (the caller lets the silence count up to now)
     */
    public boolean heard(ArrivalState s, long receivedMs, long silenceLimitMs) {
        boolean reconnected = s.lastReceivedMs != NO_TIME && receivedMs - s.lastReceivedMs >= silenceLimitMs;
        if (reconnected) {
            s.reconnectedAtMs = receivedMs;
        }
        if (s.lastReceivedMs == NO_TIME || receivedMs > s.lastReceivedMs) {
            s.lastReceivedMs = receivedMs;
        }
        return reconnected;
    }

    /**
     * The end to report for a device-offline episode that the detectors end at {@code endMs}: the reconnection
     * when the device was heard again later than that (a backlog fills the silence in device time, but the outage
     * lasted until the device reconnected). A reconnection before {@code endMs} belongs to an earlier outage: every
     * outage starts at the last data, which is after the previous reconnection.
     */
    public static long outageEndMs(ArrivalState s, long endMs) {
        return s.reconnectedAtMs != NO_TIME && s.reconnectedAtMs > endMs ? s.reconnectedAtMs : endMs;
    }

    /** {@code t} with {@link #outageEndMs} when it ends a device-offline episode; otherwise {@code t} itself. */
    public static Transition withOutageEnd(ArrivalState s, Transition t) {
        if (t.type() != EpisodeType.DEVICE_OFFLINE || t.kind() != Transition.Kind.END) {
            return t;
        }
        long end = outageEndMs(s, t.atMs());
        return end == t.atMs() ? t : new Transition(t.patient(), t.type(), t.kind(), t.episodeStartMs(), end,
                t.condition(), t.detectorVersion(), t.evidence());
    }

    /**
     * Whether the held readings must be released before a reading received at {@code receivedMs} is looked at: the
     * hold has lasted {@code holdMs} of receipt time, or {@code maxHeld} readings are held. Decided before the receipt
     * is {@linkplain #heard noted}, so that a reconnection after a silence is judged with the held readings analysed,
     * as it is when the release timer comes first.
     */
    public boolean releaseBefore(ArrivalState s, long receivedMs) {
        return s.holding() && (receivedMs > holdClockMs(s) + p.holdMs() || s.heldCount >= p.maxHeld());
    }

    /** The receipt time the hold's release counts from: its start, or the latest reading that extended it. */
    private static long holdClockMs(ArrivalState s) {
        return s.holdExtendedToReceivedMs == NO_TIME ? s.holdSinceReceivedMs
                : Math.max(s.holdSinceReceivedMs, s.holdExtendedToReceivedMs);
    }

    /** {@link #onArrival(ArrivalState, long, long, long)} with no episode open in the detectors. */
    public Action onArrival(ArrivalState s, long deviceMs, long receivedMs) {
        return onArrival(s, deviceMs, receivedMs, NO_TIME);
    }

    /**
     * {@link #onArrival(ArrivalState, long, long, long, long)} judging the reading against the patient's newest
     * analysed reading.
     */
    public Action onArrival(ArrivalState s, long deviceMs, long receivedMs, long openSinceMs) {
        return onArrival(s, deviceMs, receivedMs, openSinceMs, s.newestAnalysedMs);
    }

    /**
     * Decides for an arriving reading; on HOLD it is counted as held.
     *
     * @param openSinceMs   start (device time) of the earliest episode still open in the detectors, or NO_TIME: a late
     *                      upload lying after it does not restart the analysis ({@link #earlierClock})
     * @param streamNewestMs the newest device time analysed of the reading's own signal stream (an RR batch: the RR
     *                      analyser's last beat; a heart-rate sample: the heart-rate detector's last sample), or
     *                      NO_TIME when that stream has none: see {@link #tooOld}
     */
    public Action onArrival(ArrivalState s, long deviceMs, long receivedMs, long openSinceMs, long streamNewestMs) {
        return onArrival(s, deviceMs, receivedMs, openSinceMs, streamNewestMs, deviceMs);
    }

    /**
     * {@link #onArrival(ArrivalState, long, long, long, long)} for a reading whose data at an instant are at
     * {@code pointMs}: an activity interval's start (its end, {@code deviceMs}, is no instant of data: the watch
     * summarises the minutes before it), otherwise {@code deviceMs}. Whether a reading too old to analyse lies inside
     * a remembered gap ({@link #fillsGap}), and how much device time the readings of an earlier clock span, are judged by
     * it: an activity interval reaching past the gap's end, or spanning minutes, is no evidence that the clock went
     * back (scenario 23, seed 6321011161159751783: a buffered activity interval made the fifth reading of an "earlier
     * clock" spanning 7 min, and the analysis restarted as for a clock set back).
     */
    public Action onArrival(ArrivalState s, long deviceMs, long receivedMs, long openSinceMs, long streamNewestMs,
                            long pointMs) {
        if (releaseBefore(s, receivedMs)) {
            return Action.RELEASE_FIRST;
        }
        if (tooOld(s, deviceMs, streamNewestMs)) {
            if (fillsGap(s, Math.min(pointMs, deviceMs), openSinceMs)) {
                return s.holding() ? Action.RELEASE_FIRST : Action.RESTART;
            }
            return earlierClock(s, Math.min(pointMs, deviceMs), receivedMs, openSinceMs);
        }
        if (s.earlierCount > 0) { // the current clock still reports: never restart away from it
            forgetEarlierClock(s);
        }
        if (!s.holding()) {
            boolean resumes = s.newestAnalysedMs != NO_TIME && deviceMs > s.newestAnalysedMs + p.resumeGapMs();
            if (!isDelayed(deviceMs, receivedMs) && !resumes) {
                return Action.ANALYSE;
            }
            s.holdSinceReceivedMs = receivedMs;
            s.holdExtendedToReceivedMs = NO_TIME;
            s.heldCount = 0;
        } else if (s.heldOldestMs != NO_TIME && deviceMs < s.heldOldestMs && isDelayed(deviceMs, receivedMs)
                && receivedMs - s.holdSinceReceivedMs < EXTENDED_HOLD_FACTOR * p.holdMs()) {
            s.holdExtendedToReceivedMs = receivedMs; // a backlog arriving newest first: wait for its older part
        }
        s.heldOldestMs = s.heldCount == 0 || s.heldOldestMs == NO_TIME ? deviceMs : Math.min(s.heldOldestMs, deviceMs);
        s.heldCount++;
        return Action.HOLD;
    }

    /**
     * Whether a reading too old to analyse in order lies inside a gap in the analysed data
     * ({@link ArrivalState#gapContaining}), with no episode open in the detectors since
     * before it: data buffered during the gap and uploaded after the data resumed (a phone that sends the live data
     * first and syncs its buffer later). That is no clock set back: the analysis restarts there at once, without the
     * earlier clock's confirmation (whose readings were dead-lettered: the first minutes of the gap were lost, probe 20a
     * D1). With an episode open (it would close for the restart, and open again as a new alert) the readings are an
     * earlier clock as before.
     */
    private static boolean fillsGap(ArrivalState s, long deviceMs, long openSinceMs) {
        return insideGap(s, deviceMs, openSinceMs);
    }

    /**
     * Whether a {@link Action#RESTART} that {@link #onArrival(ArrivalState, long, long, long, long, long)} just decided
     * for a reading at {@code deviceMs} (with data at an instant at {@code pointMs}) is a gap fill ({@link #fillsGap}),
     * not data on an earlier clock: the detectors' closes for it say so
     * ({@link org.wardstream.episodes.Transition#GAP_FILL_RESTART}). Call it before {@link #restarted}.
     */
    public boolean restartFillsGap(ArrivalState s, long deviceMs, long openSinceMs, long streamNewestMs, long pointMs) {
        return tooOld(s, deviceMs, streamNewestMs) && insideGap(s, Math.min(pointMs, deviceMs), openSinceMs);
    }

    private static boolean insideGap(ArrivalState s, long deviceMs, long openSinceMs) {
        return s.gapContaining(deviceMs) >= 0 && (openSinceMs == NO_TIME || openSinceMs > deviceMs);
    }

    /**
     * A reading too old to analyse in order: one more of an earlier clock (within the bound of the one before, or the
     * first of a new earlier clock); RESTART once there are enough of them (after the held readings are released, so
     * they are analysed on the clock they came from), else DEAD_LETTER. Not while they are a late upload
     * ({@link #isUpload}) lying wholly after the start of an episode the detectors still have open: that time is
     * inside an alert already raised and still open, which a restart would close (and the episode going on would be
     * a new one, held back by the cool-down); the upload is dead-lettered, and the analysis restarts only if the
     * earlier clock goes on as live data (a clock set back during the episode).
     */
    private Action earlierClock(ArrivalState s, long deviceMs, long receivedMs, long openSinceMs) {
        boolean continues = s.earlierCount > 0 && Math.abs(deviceMs - s.earlierNewestMs) <= p.reorderBoundMs();
        int count = continues ? s.earlierCount + 1 : 1;
        long oldest = continues ? Math.min(s.earlierOldestMs, deviceMs) : deviceMs;
        long newest = continues ? Math.max(s.earlierNewestMs, deviceMs) : deviceMs;
        long firstReceived = continues ? s.earlierFirstReceivedMs : receivedMs;
        boolean upload = isUpload(firstReceived, receivedMs, oldest, newest);
        boolean insideOpenEpisode = openSinceMs != NO_TIME && openSinceMs <= oldest && upload;
        boolean repeat = upload && s.analysedSinceMs != NO_TIME && oldest >= s.analysedSinceMs;
        if (count >= p.restartAfterReadings() && newest - oldest >= p.restartAfterSpanMs() && !insideOpenEpisode
                && !repeat) {
            return s.holding() ? Action.RELEASE_FIRST : Action.RESTART;
        }
        s.earlierCount = count;
        s.earlierOldestMs = oldest;
        s.earlierNewestMs = newest;
        s.earlierFirstReceivedMs = firstReceived;
        return repeat ? Action.ALREADY_ANALYSED : Action.DEAD_LETTER;
    }

    /**
     * Whether readings of an earlier clock covering {@code oldestMs} to {@code newestMs} of device time, the first
     * received at {@code firstReceivedMs} and the latest at {@code receivedMs}, arrive as an upload of buffered data:
     * in less than half the device time they cover. A clock set back sends live data, about as fast as its device
     * time passes; a retried request or a backlog arrives within seconds. Unknown first receipt (state written before
     * it was kept): live.
     */
    public static boolean isUpload(long firstReceivedMs, long receivedMs, long oldestMs, long newestMs) {
        return firstReceivedMs != NO_TIME && 2 * Math.max(0, receivedMs - firstReceivedMs) < newestMs - oldestMs;
    }

    /**
     * The analysis has restarted on an earlier clock ({@link Action#RESTART}): nothing has been analysed on it yet.
     * Readings dead-lettered before the restart stay dead-lettered.
     */
    public void restarted(ArrivalState s) {
        restarted(s, false, NO_TIME);
    }

    /**
     * {@link #restarted(ArrivalState)}; {@code gapFill}: the restart was to fill a gap in the analysed data (any of those
     * remembered: {@link #restartFillsGap}): until the analysis is past the latest remembered gap's end
     * ({@link ArrivalState#fillingGapToMs}) it analyses data buffered during the gaps and uploaded late, whose episodes
     * are not new to the patient's timeline the way those of a clock set back may be. A gap fill begun by a reading with
     * data at {@code pointMs}: the gaps remembered that the reading is not in are kept, so that their buffers, uploaded
     * later, fill them too (two gaps, the second's buffer uploaded first: the first's was taken for an earlier clock,
     * session 24; three or more, session 25); the gaps it is in are forgotten (filled: data repeating them are not a gap
     * fill again). Any other restart forgets every gap (they are of the clock left).
     */
    public void restarted(ArrivalState s, boolean gapFill, long pointMs) {
        s.fillingGapToMs = gapFill ? s.latestGapToMs() : NO_TIME;
        if (gapFill && pointMs != NO_TIME) {
            for (int i = s.gapContaining(pointMs); i >= 0; i = s.gapContaining(pointMs)) {
                s.removeGap(i);
            }
        } else {
            s.clearGaps();
        }
        s.newestAnalysedMs = NO_TIME;
        s.analysedSinceMs = NO_TIME;
        s.newestPointMs = NO_TIME;
        forgetEarlierClock(s);
    }

    private static void forgetEarlierClock(ArrivalState s) {
        s.earlierCount = 0;
        s.earlierOldestMs = NO_TIME;
        s.earlierNewestMs = NO_TIME;
        s.earlierFirstReceivedMs = NO_TIME;
    }

    /** Whether a reading at {@code deviceMs} is older than the newest analysed one by more than the bound. */
    public boolean tooOld(ArrivalState s, long deviceMs) {
        return tooOld(s, deviceMs, s.newestAnalysedMs);
    }

    /**
     * Whether a reading at {@code deviceMs} is older by more than the bound than the newest analysed reading of its
     * own signal stream ({@code streamNewestMs}, never later than the patient's newest analysed reading; NO_TIME: that
     * stream has none, nothing to be out of order with). An RR batch is judged against the RR analysed so far: a
     * strap's backlog uploaded while the patient's watch streams heart rate live is in order for the analyser (which
     * keeps its own beat clock), not an earlier clock that the watch's live readings keep from restarting (adversarial
     * probe 16a, D4: 119 of 120 buffered minutes were dead-lettered, the AF in them never alerted). Likewise a heart-rate
     * sample against the heart rate analysed so far: a watch's buffered heart rate uploaded while a strap streams RR
     * live is in order for the heart-rate detector (every buffered sample was dead-lettered, a bradycardia in them
     * never alerted).
     */
    public boolean tooOld(ArrivalState s, long deviceMs, long streamNewestMs) {
        long newest = streamNewestMs == NO_TIME || s.newestAnalysedMs == NO_TIME ? NO_TIME
                : Math.min(streamNewestMs, s.newestAnalysedMs);
        return newest != NO_TIME && deviceMs < newest - p.reorderBoundMs();
    }

    /** The dead-letter detail of a reading that {@link #tooOld}: names times and the bound, no values. */
    public String tooOldDetail(ArrivalState s, long deviceMs) {
        return "device time is " + (s.newestAnalysedMs - deviceMs) / 60_000 + " min before the patient's newest "
                + "analysed reading (bound " + p.reorderBoundMs() / 60_000 + " min): it cannot be analysed in order ("
                + s.earlierCount + " such reading(s) in a row; the analysis restarts on the earlier clock at "
                + p.restartAfterReadings() + " spanning " + p.restartAfterSpanMs() / 60_000 + " min, unless they are a late"
                + " upload inside an episode still open)";
    }

    /** The dead-letter detail of a reading that repeats data already analysed ({@link Action#ALREADY_ANALYSED}). */
    public String alreadyAnalysedDetail(ArrivalState s, long deviceMs) {
        return "device time is " + (s.newestAnalysedMs - deviceMs) / 60_000 + " min before the patient's newest "
                + "analysed reading, inside the " + (s.newestAnalysedMs - s.analysedSinceMs) / 60_000 + " min of data "
                + "analysed without a gap: an upload of " + s.earlierCount + " reading(s) repeating readings already "
                + "analysed (a retried or re-sent request), not an earlier clock; not analysed again";
    }

    /** The held readings are being released: holding ends (call {@link #analysed} for each as it is analysed). */
    public void released(ArrivalState s) {
        s.holdSinceReceivedMs = NO_TIME;
        s.holdExtendedToReceivedMs = NO_TIME;
        s.heldOldestMs = NO_TIME;
        s.heldCount = 0;
    }

    /**
     * A reading at {@code deviceMs} has been analysed. The analysed run ({@link ArrivalState#analysedSinceMs}) starts
     * again at a reading more than {@code restartAfterSpanMs} after the newest analysed one (a hole in the analysed
     * data, e.g. a request that failed: its retry restarts the analysis, as before); a reading before its start
     * (within the reorder bound) extends it back.
     */
    public void analysed(ArrivalState s, long deviceMs) {
        analysed(s, deviceMs, deviceMs);
    }

    /**
     * {@link #analysed(ArrivalState, long)} for a reading covering device time {@code fromMs} to {@code deviceMs} (an
     * activity interval, an RR batch): it opens no hole in the analysed run when it starts within
     * {@code restartAfterSpanMs} of the newest analysed time, however far its end reaches. Judged by its end alone, a
     * watch's 5-min activity interval ending minutes after the strap's last beats (the strap taken off) began a new
     * run there, and a re-send of minutes already analysed was then taken for an earlier clock: the analysis restarted
     * and the AF in it was alerted a second time (scenario 22, V1).
     */
    public void analysed(ArrivalState s, long fromMs, long deviceMs) {
        analysed(s, fromMs, deviceMs, deviceMs);
    }

    /**
     * {@link #analysed(ArrivalState, long, long)} for a reading whose data at an instant are at {@code pointMs} (an
     * activity interval: its start; {@link ArrivalState#newestPointMs}). The data resume after a gap when the reading
     * reaches more than {@code resumeGapMs} past the newest analysed time, or, starting after every analysed interval,
     * more than that past the newest data at an instant: a watch's 5-min activity interval covering the first minutes of
     * a strap's outage does not shorten the gap (it starts at the strap's last beat), so the strap's buffer uploaded
     * later fills it.
     */
    public void analysed(ArrivalState s, long fromMs, long deviceMs, long pointMs) {
        long from = Math.min(fromMs, deviceMs);
        long point = Math.min(pointMs, deviceMs);
        long base = s.newestPointMs == NO_TIME ? s.newestAnalysedMs : s.newestPointMs;
        boolean resumed = s.newestAnalysedMs != NO_TIME && (deviceMs > s.newestAnalysedMs + p.resumeGapMs()
                || from > s.newestAnalysedMs && deviceMs > base + p.resumeGapMs());
        if (s.newestAnalysedMs == NO_TIME || s.analysedSinceMs == NO_TIME
                || from > s.newestAnalysedMs + p.restartAfterSpanMs()) {
            s.analysedSinceMs = deviceMs;
        } else if (deviceMs < s.analysedSinceMs && deviceMs >= s.analysedSinceMs - p.restartAfterSpanMs()) {
            s.analysedSinceMs = deviceMs; // an older reading next to the run extends it (never across a hole)
        }
        if (resumed) {
            s.addGap(base, deviceMs); // the data resumed after a gap: readings inside it (and the earlier ones) may still come
        }
        if (s.newestPointMs == NO_TIME || point > s.newestPointMs) {
            s.newestPointMs = point;
        }
        if (s.newestAnalysedMs == NO_TIME || deviceMs > s.newestAnalysedMs) {
            s.newestAnalysedMs = deviceMs;
        }
    }

    /**
     * The event time at which held readings are released without further data, or {@link Long#MIN_VALUE}: twice
     * the hold after it began. Event time follows device time, which does not run ahead of receipt time, so by then
     * every reading received within the hold has arrived.
     */
    public long releaseTimerMs(ArrivalState s) {
        return s.holding() ? holdClockMs(s) + 2 * p.holdMs() : Long.MIN_VALUE;
    }

    /** Sorts held readings into analysis order: device time, ties in arrival order (a stable sort). */
    public static <T> void inAnalysisOrder(List<T> readings, ToLongFunction<T> deviceMs) {
        readings.sort(Comparator.comparingLong(deviceMs));
    }
}
