package org.wardstream.episodes;

import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Escalation;
import org.wardstream.rules.Renotify;
import org.wardstream.rules.Rule;
import org.wardstream.rules.RuleSchema;
import org.wardstream.rules.Severity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.wardstream.episodes.EpisodeState.IDLE;
import static org.wardstream.episodes.EpisodeState.NO_TIME;
import static org.wardstream.episodes.EpisodeState.OPEN;
import static org.wardstream.episodes.EpisodeState.PENDING;
import static org.wardstream.episodes.EpisodeState.SUPPRESSED;

/**
 * The alert lifecycle of one patient and one episode type: turns detector {@link Transition}s into alert state
 * changes OPENED, (UPDATED | ESCALATED)*, CLOSED, applying the patient's effective rule. A pure function of
 * (state, transition, rules) apart from mutating the given state; deterministic, no clock: a replay gives the
 * same changes and ids.
 *
 * <h2>Policy</h2>
 * <ul>
 *   <li><b>One alert per episode.</b> START while an episode is running is merged into it (as an UPDATE);
 *       UPDATE only refreshes evidence and never notifies by itself.</li>
 *   <li><b>Minimum duration</b> (rules with {@code minDuration}, i.e. atrial-fibrillation): a START shorter
 *       than it is held PENDING and opens on a later UPDATE/TICK once long enough; an END first discards it.</li>
 *   <li><b>Cool-down: suppressed, not merged.</b> A START whose episode start lies within {@code coolDown}
 *       after the end of the last <i>alerted</i> episode raises no alert: it is tracked as SUPPRESSED, its END
 *       is silent, and the number of such recurrences is reported on the next OPENED. Suppressed episodes do
 *       not extend the cool-down, so a condition that keeps recurring alerts at most once per cool-down.
 *       An episode that starts before the last alerted one is no recurrence: its data came on an earlier clock (a
 *       device clock set back, the older part of a backlog analysed after its newer part; see
 *       {@link org.wardstream.arrival.ArrivalOrder}), and it is alerted as any first episode. Nor is one that starts
 *       before the last alerted one closed, when that close was the analysis restarting on an earlier clock
 *       ({@link Transition#CLOCK_RESTART}: the episode had not ended): AF going on after a clock set back during an
 *       AF alert raises a new alert. (Another episode starting inside the last alerted one is the same condition
 *       seen again, e.g. a device-offline inside an outage already alerted, which a backlog filled: suppressed. One found
 *       in late data of a filled gap, {@link Transition#IN_FILLED_GAP}, starting inside the last alerted episode, which
 *       has closed, changes nothing at all: {@link #insideLastClosedAlert}. One found there starting before the last
 *       alerted episode, which began when the data resumed after that gap and has closed, is recorded on that alert
 *       and held back: {@link #beforeLastClosedAlertFromTheResumption}. One found there starting inside an earlier
 *       alerted episode, closed before the last one, is recorded on it: {@link #recordOnEarlierAlert}.)
 *       Exceptions for safety: a suppressed episode that meets an escalation condition is promoted to an alert
 *       (OPENED at the escalated severity); one still going on a cool-down after it was found (after the last
 *       alert's end, for one that started inside that alert's episode) is no flapping and is alerted then (OPENED,
 *       {@link AlertChange#SUSTAINED_RECURRENCE}, on its first evidence from then; device-offline's by the Flink
 *       layer's timer, as no transition comes for a device offline again soon after it reconnected).</li>
 *   <li><b>Escalation</b>: each of the rule's conditions applies once per episode; ESCALATED is emitted only if
 *       it raises the severity. Conditions arrive as ESCALATE transitions: from the detectors (severe
 *       bradycardia) or from the CEP patterns over the detectors' cues (AF with a fast ventricular rate, pause
 *       followed by stillness). A pattern match refers to the time its first event happened
 *       ({@link Transition#episodeStartMs()} of the ESCALATE) and travels to the lifecycle by another path than the
 *       detector's transitions, so it can arrive early or late; the changes are those of the order the detector
 *       emitted them in (tested for every arrival position: {@code EscalationArrivalOrderTest}). Early: it is held
 *       until the episode covering that time has opened or is suppressed and its evidence reaches that time
 *       (an AF episode still PENDING its minimum duration has not decided yet), and then applied at its own time.
 *       Late: when that time lies in the last alerted episode, which has closed meanwhile, that episode is
 *       escalated after the fact (ESCALATED with its id and end); when it lies in the last suppressed episode,
 *       which has ended meanwhile, that episode is promoted after the fact (OPENED, then CLOSED as it closed).
 *       A match referring into one of the up to {@value EpisodeState#MAX_EARLIER_ALERTS} alerted episodes closed before
 *       the last one escalates it after the fact, as the last one ({@link #escalateEarlier}; session 25: before, it
 *       referred to nothing remembered and changed nothing); one referring to no remembered episode changes nothing.</li>
 *   <li><b>Re-notification</b>: with policy {@code while-open}, an UPDATED ("still ongoing") at most once per
 *       interval, on the first evidence (UPDATE, or START merged) an interval after the last notification; for
 *       device-offline, whose evidence is the silence itself, on a TICK. Never on time alone for an episode whose data
 *       have stopped.</li>
 *   <li><b>AF across a gap in the data</b> (rule parameter {@code dataGapBridge}): the analyser's close for missing
 *       data ({@link Transition#DATA_GAP}) is held; AF found again as the data resume, with no regular rhythm in
 *       between, is the same episode (a record-only UPDATED), otherwise it closes at its last evidence
 *       ({@link #holdForDataGap}, {@link #afterDataGap}). An AF alert so closed (or closed "AF status unknown" after a
 *       longer gap) whose gap is filled later by readings uploaded late (the phone sent the live data first) that
 *       show AF from the alert's end on is the same episode: it is re-opened with its id, a record-only UPDATED
 *       ({@link AlertChange#AF_IN_LATE_DATA}), and closes again where those readings show the AF ended
 *       ({@link AlertChange#AF_ENDED_IN_LATE_DATA}; {@link #reopenForLateData}). Readings of a gap an open AF alert
 *       went on across, uploaded late, are that alert's data: the analysis' restart for them
 *       ({@link Transition#GAP_FILL_RESTART}) does not close it, the AF they show opens no second alert, and the alert
 *       gets one record-only UPDATED saying what they showed ({@link #lateDataOfABridgedGap}); once it closed, they
 *       change nothing ({@link #insideClosedAlertsBridgedGap}).</li>
 *   <li><b>Close</b>: CLOSED is always emitted for an alerted episode; {@code notifyTeam} is true only if the rule
 *       has {@code notifyOnClose} (device-offline: reason "reconnected"). Others are record-only.</li>
 *   <li><b>Episode window</b> (rules with {@code episodeWindow}, i.e. pause, whose events are instants): the
 *       episode closes once no new evidence has arrived for the window (on the next transition or TICK).</li>
 *   <li>Transitions for no running episode (UPDATE, ESCALATE, END while IDLE) produce nothing.</li>
 *   <li><b>Ids</b>: every change of an episode (and a late escalation or promotion of an ended one) has the id of
 *       its first alert, computed with the detector version of the transition that started the episode, kept in the
 *       state: a job upgraded with a savepoint while the episode was open, whose detector version is newer, still
 *       escalates and closes the alert the team has. The id includes the patient's programme
 *       ({@link Transition#programme}: the same pseudonym in two programmes is two patients), except for an episode
 *       started by a release whose ids left it out: the state keeps which {@link EpisodeIds} scheme started each
 *       episode, and that episode keeps its id.</li>
 * </ul>
 */
public final class EpisodeLifecycle {

    private EpisodeLifecycle() {
    }

    public static List<AlertChange> onTransition(EpisodeState s, Transition t, EffectiveRules rules) {
        Rule rule = rules.rule(t.type());
        List<AlertChange> out = new ArrayList<>(2);
        Double filledGap = t.evidence().get(Transition.IN_FILLED_GAP);
        boolean inFilledGap = filledGap != null;
        // the end of the gap being filled; 1 (releases before session 25) or anything not a time: not known
        long filledGapToMs = filledGap != null && filledGap > 1 ? (long) (double) filledGap : NO_TIME;
        t = t.withoutEvidence(Transition.IN_FILLED_GAP);
        closeExpiredWindow(s, t, rule, out);
        if (lateDataOfABridgedGap(s, t, rule, out)) {
            applyPendingIfCovered(s, t, rule, out);
            return out;
        }
        t = afterDataGap(s, t, rule, out);
        promoteIfSustained(s, t, rule, out);
        switch (t.kind()) {
            case START -> {
                if (s.phase == IDLE) start(s, t, inFilledGap, filledGapToMs, rule, out);
                else {
                    update(s, t, rule, out);
                    if (t.condition() != null) escalate(s, t, t.condition(), rule, out);
                }
            }
            case UPDATE -> update(s, t, rule, out);
            case ESCALATE -> escalate(s, t, t.condition(), rule, out);
            case TICK -> {
                if (s.phase == PENDING) openIfLongEnough(s, t, rule, out);
                renotify(s, t, rule, out);
            }
            case END -> {
                if (!holdForDataGap(s, t, rule, out)) end(s, t, t.atMs(), rule, out);
            }
        }
        if (t.kind() != Transition.Kind.END) applyPendingIfCovered(s, t, rule, out);
        return out;
    }

    /**
     * The patient is unenrolled (withdrawn or discharged): an alerted episode still open gets its closing record, as
     * the last of its changes, so that no alert stays open for a patient nobody monitors any more (no reading of theirs
     * is analysed again, so nothing else would close it). It ends at its last evidence; record-only, with the reason
     * {@link AlertChange#UNENROLLED} (never "reconnected"). A pending or suppressed episode never alerted: nothing.
     */
    public static List<AlertChange> onUnenrolment(EpisodeState s, String programme, String patient, EpisodeType type,
                                                  EffectiveRules rules, String detectorVersion) {
        return onUnenrolment(s, programme, patient, type, rules, detectorVersion, AlertChange.UNENROLLED);
    }

    /**
     * The patient's alerts stop (unenrolled, or paused with the reason {@link AlertChange#PAUSED}): as
     * {@link #onUnenrolment(EpisodeState, String, String, EpisodeType, EffectiveRules, String)}, with {@code reason}.
     * Every episode is then idle, a pending or suppressed one forgotten (the detectors forget theirs too, so that data
     * after a re-enrolment or the end of a pause start afresh; nothing of the patient is alerted meanwhile, not even a
     * held-back recurrence's timer). The close is no alerted episode's end for the cool-down: a condition still going
     * on when the patient is enrolled again is alerted as new (the team was told monitoring ended).
     */
    public static List<AlertChange> onUnenrolment(EpisodeState s, String programme, String patient, EpisodeType type,
                                                  EffectiveRules rules, String detectorVersion, String reason) {
        s.lastGapResumedMs = NO_TIME; // data after the alerts stopped never re-open one closed before
        forgetBridgedGap(s); // nor are late data of a gap before that this alert's
        if (s.phase != OPEN) {
            if (s.phase != IDLE) toIdle(s);
            clearPending(s);
            return List.of();
        }
        Rule rule = rules.rule(type);
        long end = s.lastEvidenceMs;
        Transition t = new Transition(patient, type, Transition.Kind.END, NO_TIME, end, null, detectorVersion, Map.of(),
                programme);
        AlertChange closed = change(AlertChange.Kind.CLOSED, false, s, t, rule, end, reason);
        toIdle(s);
        clearPending(s);
        return List.of(closed);
    }

    /**
     * The next device time at which a TICK can change something (episode window, pending minimum duration,
     * re-notification, an AF close held for a data gap), or {@link Long#MIN_VALUE}; the Flink layer registers an event-time timer there.
     */
    public static long nextTimerMs(EpisodeState s, Rule rule) {
        long next = NO_TIME;
        if (s.phase == IDLE) return next;
        if (rule.parameters().containsKey("episodeWindow")) next = min(next, s.lastEvidenceMs + rule.millis("episodeWindow") + 1);
        if (s.phase == PENDING && rule.parameters().containsKey("minDuration")) {
            next = min(next, s.episodeStartMs + rule.millis("minDuration"));
        }
        if (s.phase == OPEN && rule.renotify().policy() == Renotify.Policy.WHILE_OPEN && !renotifiedByEvidence(rule)) {
            next = min(next, s.lastNotifiedMs + rule.renotify().interval().toMillis());
        }
        if (s.phase == SUPPRESSED && !renotifiedByEvidence(rule)) next = min(next, sustainedAtMs(s, rule));
        if (s.dataResumedMs != NO_TIME) next = min(next, s.dataResumedMs + DATA_RESUMED_WINDOW_MS);
        if (s.gapFillDeadlineMs != NO_TIME) next = min(next, s.gapFillDeadlineMs);
        return next;
    }

    /**
     * How long after the data resumed an AF episode whose close for the data gap is held waits to be found again
     * ({@link #afterDataGap}). The RR analyser opens AF after 5 irregular 8-beat segments whose evidence reaches the onset
     * bar, about 40 beats (under a minute at 40/min and faster); 10 min, the analyser's own bridge, leaves room for
     * segments with too few clean beats to judge while the watch settles. Then the alert closes at its last evidence.
     */
    static final long DATA_RESUMED_WINDOW_MS = 10 * 60_000L;

    /**
     * An AF END for a data gap ({@link Transition#DATA_GAP}: no usable data for longer than the RR analyser's 10-min
     * bridge, found when the data resumed) of an alerted or held-back episode is not taken as the episode's end: only
     * the data stopped. Up to the rule's {@code dataGapBridge} (2 h) without data the close is held (nothing is
     * emitted; {@link EpisodeState#dataResumedMs}) until {@link #afterDataGap} decides it; after a longer gap the
     * alert closes at its last evidence, "AF status unknown: no data for ..." (record-only, as every AF close), and AF
     * found later is a new episode. A pending episode (not yet its minimum duration) ends as before.
     *
     * @return whether the END was dealt with here
     */
    private static boolean holdForDataGap(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        Double minutes = t.evidence().get(Transition.NO_DATA_MINUTES);
        if (!Transition.DATA_GAP.equals(t.condition()) || minutes == null || !Double.isFinite(minutes)
                || (s.phase != OPEN && s.phase != SUPPRESSED) || !rule.parameters().containsKey(RuleSchema.DATA_GAP_BRIDGE)) {
            return false;
        }
        if (s.reopenedByLateData) {
            // an alert re-opened by data uploaded late whose AF is still open where those data end: the live data after
            // them were judged already (AF not found again when they resumed), so it closes at its last evidence in
            // them; bridged to the live data after the upload it took a later AF episode for itself, which then was
            // never alerted (scenario 23, seed -7045492852155350035)
            return false;
        }
        long gapMs = Math.round(minutes * 60_000);
        s.lastEvidenceMs = Math.max(s.lastEvidenceMs, t.atMs());
        if (gapMs > rule.millis(RuleSchema.DATA_GAP_BRIDGE)) {
            boolean alerted = s.phase == OPEN;
            end(s, t, t.atMs(), rule, out, AlertChange.noDataStatusUnknown(gapMs));
            if (alerted) s.lastGapResumedMs = t.atMs() + gapMs;
        } else {
            s.dataResumedMs = t.atMs() + gapMs;
        }
        return true;
    }

    /**
     * Decides an AF close held for a data gap ({@link #holdForDataGap}) on the next transition:
     * <ul>
     *   <li>AF found again with no regular rhythm judged since the data resumed (a START back-dated to the resumption
     *       at the latest: the analyser dates a run that began with the first segment judged after a restart from the
     *       restart) is the same episode going on: an alerted one is UPDATED, record-only, "data resumed after N min
     *       without data; AF still present" (no new alert, no close); a held-back one stays held back. The START goes on
     *       as an UPDATE of the episode (returned).</li>
     *   <li>A START dated after the resumption (a regular rhythm was judged in between), any other END or UPDATE, or
     *       time reaching {@link #DATA_RESUMED_WINDOW_MS} after the resumption without AF found again: the episode
     *       closes at its last evidence, before the data stopped, with the reason that AF was not found again; then the
     *       transition is applied as usual (a START: a new episode, held back by the cool-down from that close).</li>
     * </ul>
     * A pattern escalation, or a TICK before the window ends, leaves it held.
     */
    private static Transition afterDataGap(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        if (s.dataResumedMs == NO_TIME) return t;
        long resumed = s.dataResumedMs;
        long gapMs = resumed - s.lastEvidenceMs;
        boolean start = t.kind() == Transition.Kind.START;
        // back-dated into the gap or to the resumption, never before the episode's last evidence (that would be data on
        // an earlier clock: ArrivalOrder's restart)
        if (start && t.episodeStartMs() > s.lastEvidenceMs && t.episodeStartMs() <= resumed) {
            s.dataResumedMs = NO_TIME;
            Map<String, Double> evidence = new TreeMap<>();
            Double rate = t.evidence().get("onsetRateBpm");
            if (rate != null) evidence.put("meanRateBpm", rate);
            evidence.put(Transition.NO_DATA_MINUTES, gapMs / 60_000.0);
            Transition going = new Transition(t.patient(), t.type(), Transition.Kind.UPDATE, NO_TIME, t.atMs(), null,
                    t.detectorVersion(), evidence, t.programme());
            if (s.phase == OPEN) {
                s.bridgedGapFromMs = s.lastEvidenceMs; // its readings may still come (uploaded late): this alert's
                s.bridgedGapToMs = resumed;
                s.gapFillAfMs = 0;
                s.lastEvidenceMs = Math.max(s.lastEvidenceMs, t.atMs());
                out.add(change(AlertChange.Kind.UPDATED, false, s, going, rule, null, AlertChange.afAfterNoData(gapMs)));
            }
            return going;
        }
        boolean waiting = t.kind() == Transition.Kind.ESCALATE
                || t.kind() == Transition.Kind.TICK && t.atMs() < resumed + DATA_RESUMED_WINDOW_MS;
        if (waiting) return t;
        long end = s.lastEvidenceMs;
        Transition closing = new Transition(t.patient(), t.type(), Transition.Kind.END, NO_TIME, end, null,
                t.detectorVersion(), Map.of(Transition.NO_DATA_MINUTES, gapMs / 60_000.0), t.programme());
        boolean alerted = s.phase == OPEN;
        end(s, closing, end, rule, out, AlertChange.afNotFoundAfterNoData(gapMs));
        if (alerted) s.lastGapResumedMs = resumed;
        return t;
    }

    /**
     * How long after the open AF alert's last evidence the analysis, restarted to analyse the readings of a gap it went
     * on across that were uploaded late ({@link #lateDataOfABridgedGap}), has to find AF again once none is open in it,
     * before the alert closes at that evidence: the live readings after the upload may wait in a hold behind it (up to
     * 30 min of receipt for a backlog arriving newest first: {@link org.wardstream.arrival.ArrivalOrder}), then
     * {@link #DATA_RESUMED_WINDOW_MS} for AF to be found in them.
     */
    static final long GAP_FILL_WINDOW_MS = 40 * 60_000L;
    /** Late data covering all but this much of the gap with AF show the AF went on through it (they are dated by minute). */
    static final long GAP_FILL_SLACK_MS = 2 * 60_000L;

    /**
     * Readings of a gap in the data that an alerted AF episode went on across ({@link EpisodeState#bridgedGapFromMs}:
     * the data resumed showing AF at once, "AF still present (the same episode)"), uploaded after the live data resumed
     * (a phone that sends the live data first and syncs its buffer later): the analysis restarts to analyse them
     * ({@link Transition#GAP_FILL_RESTART}), which used to close the open alert "analysis restarted" and open a second
     * AF alert for the AF in them (escalated again if fast). They are the open alert's data:
     * <ul>
     *   <li>the restart's close is not taken ({@link EpisodeState#gapFillToMs}: the restarted analysis is in the gap);</li>
     *   <li>what the restarted analysis finds before the gap's end (AF starting, going on, ending) changes nothing but
     *       what the alert's record will say; an escalation it meets applies to the alert as usual (once an episode);</li>
     *   <li>when the analysis comes back to the live data (a transition at or after the gap's end), the alert gets one
     *       record-only UPDATED saying what the late data showed ({@link AlertChange#afInLateDataOfTheGap}) and goes on:
     *       AF in the live data is its evidence; the restarted analysis' own gap between the late data and the live
     *       data after the upload (the live data before it were analysed already) is no gap in the patient's data;</li>
     *   <li>if the restarted analysis has no AF open and finds none by {@link EpisodeState#gapFillDeadlineMs} (the live
     *       AF ended as the upload came), the alert closes at its last evidence, as for an AF end.</li>
     * </ul>
     * An open AF, tachycardia or bradycardia alert with no gap it went on across, opened in the live data after the gap
     * (the late data are older than the alert: a regular rhythm buffered before an AF episode, uploaded while its alert
     * is open), is not closed for the restart either (scenario 23; it closed "analysis restarted" and the episode going
     * on in the live data after the upload was alerted a second time); the episode found again in the live data after
     * the upload is its evidence; if it is not found again by {@link EpisodeState#gapFillDeadlineMs}, the alert closes at
     * its last evidence. An episode of the type found in those late data (over before the alert began, or running into
     * it) is not alerted again: the open alert gets one record-only UPDATED saying for how long the late data show the
     * condition before its start ({@link AlertChange#earlierEpisodeInLateData}; before, it was recorded nowhere). An
     * escalation condition met in those late data (a severe bradycardia, a fast AF rate) escalates the open alert if it
     * raises its severity (ESCALATED, dated when the late data show it; session 25: before, late data before the alert's
     * start escalated nothing, and a condition more severe than the alert was recorded nowhere).
     *
     * @return whether the transition was dealt with here
     */
    private static boolean lateDataOfABridgedGap(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        if (s.gapFillToMs == NO_TIME) {
            if (t.kind() == Transition.Kind.END && Transition.GAP_FILL_RESTART.equals(t.condition())
                    && s.phase == OPEN && s.dataResumedMs == NO_TIME) {
                boolean af = rule.parameters().containsKey(RuleSchema.DATA_GAP_BRIDGE);
                if (af && s.bridgedGapToMs != NO_TIME) {
                    s.gapFillToMs = s.bridgedGapToMs;
                } else if (af || keptAcrossGapFill(t.type())) {
                    forgetBridgedGap(s); // the late data are before this alert: nothing of them is reported
                    s.gapFillToMs = s.episodeStartMs;
                } else {
                    return false;
                }
                s.gapFillAfSinceMs = NO_TIME; // gapFillAfMs: what earlier uploads of the gap showed is kept
                s.gapFillDeadlineMs = s.lastEvidenceMs + GAP_FILL_WINDOW_MS;
                return true;
            }
            return false;
        }
        boolean beforeAlert = s.bridgedGapToMs == NO_TIME; // the late data are older than the alert
        // the late data's last batch, dated by its first beat, can reach a little past the gap's end
        long gapTo = s.gapFillToMs + GAP_EDGE_MS;
        switch (t.kind()) {
            case TICK -> {
                if (s.gapFillDeadlineMs == NO_TIME || t.atMs() < s.gapFillDeadlineMs) return false;
                reportLateData(s, t, rule, out);
                long end = s.lastEvidenceMs; // AF not found again in the live data: it ended there
                end(s, new Transition(t.patient(), t.type(), Transition.Kind.END, NO_TIME, end, null,
                        t.detectorVersion(), Map.of(), t.programme()), end, rule, out);
                return true;
            }
            case START -> {
                long start = t.episodeStartMs() == NO_TIME ? t.atMs() : t.episodeStartMs();
                if (start < gapTo) { // AF in the late data
                    if (s.gapFillAfSinceMs == NO_TIME) s.gapFillAfSinceMs = Math.max(start, s.bridgedGapFromMs);
                    s.gapFillDeadlineMs = NO_TIME;
                    // an escalation it meets applies to the alert (once an episode); late data before the alert's
                    // start too (session 25: before, a more severe condition in them raised nothing)
                    if (t.condition() != null) escalate(s, t, t.condition(), rule, out);
                    return true;
                }
                reportLateData(s, t, rule, out); // AF in the live data again: the alert's evidence, as before
                return false;
            }
            case UPDATE -> {
                if (t.atMs() < gapTo) return true;
                reportLateData(s, t, rule, out);
                return false;
            }
            case END -> {
                Double minutes = t.evidence().get(Transition.NO_DATA_MINUTES);
                boolean dataGap = Transition.DATA_GAP.equals(t.condition()) && minutes != null && Double.isFinite(minutes);
                long resumed = dataGap ? t.atMs() + Math.round(minutes * 60_000) : NO_TIME;
                if (dataGap && t.atMs() < gapTo && resumed >= gapTo) {
                    // the restarted analysis' gap from the late data to the live data after the upload: the live data
                    // in between were analysed before it (AF), so AF found again there soon is the alert's AF going on
                    lateAfEnds(s, t.atMs());
                    s.gapFillDeadlineMs = Math.max(resumed, s.lastEvidenceMs) + DATA_RESUMED_WINDOW_MS;
                    return true;
                }
                if (t.atMs() < gapTo) { // AF ended in the late data (it was found again when the data resumed)
                    lateAfEnds(s, t.atMs());
                    s.gapFillDeadlineMs = s.lastEvidenceMs + GAP_FILL_WINDOW_MS;
                    return true;
                }
                reportLateData(s, t, rule, out); // the AF of the late data went on in the live data and ended there
                return false;
            }
            default -> {
                if (beforeAlert && t.kind() == Transition.Kind.ESCALATE && t.episodeStartMs() != NO_TIME
                        && t.episodeStartMs() < s.episodeStartMs) {
                    // a pattern over the late data, before the alert's start: escalates the open alert, as a condition
                    // the detector found in them does (session 25: before, it referred to no episode and was dropped)
                    escalate(s, new Transition(t.patient(), t.type(), Transition.Kind.UPDATE, NO_TIME, t.atMs(), null,
                            t.detectorVersion(), t.evidence(), t.programme()), t.condition(), rule, out);
                    return true;
                }
                return false; // an escalation: applies to the alert as usual
            }
        }
    }

    /** The AF the restarted analysis had open in the late data ended at {@code atMs}: counted up to the gap's end. */
    private static void lateAfEnds(EpisodeState s, long atMs) {
        if (s.gapFillAfSinceMs != NO_TIME) {
            s.gapFillAfMs += Math.max(0, Math.min(atMs, s.gapFillToMs) - s.gapFillAfSinceMs);
        }
        s.gapFillAfSinceMs = NO_TIME;
    }

    /**
     * The restarted analysis is back in the live data (or gave up waiting for AF in them): the alert's record-only
     * UPDATED says what the late data showed so far (a long buffer may come in two uploads, each analysed when it
     * comes: the second's record counts the AF of both), and the gap-fill ends.
     */
    private static void reportLateData(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        if (s.bridgedGapToMs == NO_TIME) { // the late data were before the alert
            lateAfEnds(s, s.gapFillToMs);
            long earlierMs = s.gapFillAfMs;
            endGapFill(s);
            s.gapFillAfMs = 0;
            if (earlierMs > 0) {
                // an earlier episode of the type in them, over before this alert began: recorded on the alert the team
                // has open (no second notification for an episode that is over; before, it was recorded nowhere)
                Transition record = new Transition(t.patient(), t.type(), Transition.Kind.UPDATE, NO_TIME, t.atMs(),
                        null, t.detectorVersion(), Map.of(), t.programme());
                out.add(change(AlertChange.Kind.UPDATED, false, s, record, rule, null,
                        AlertChange.earlierEpisodeInLateData(earlierMs)));
            }
            return;
        }
        lateAfEnds(s, s.gapFillToMs);
        long gapMs = s.gapFillToMs - s.bridgedGapFromMs;
        long afMs = Math.min(s.gapFillAfMs, gapMs);
        endGapFill(s);
        Transition record = new Transition(t.patient(), t.type(), Transition.Kind.UPDATE, NO_TIME, t.atMs(), null,
                t.detectorVersion(), Map.of(Transition.NO_DATA_MINUTES, gapMs / 60_000.0), t.programme());
        out.add(change(AlertChange.Kind.UPDATED, false, s, record, rule, null,
                AlertChange.afInLateDataOfTheGap(gapMs, afMs >= gapMs - GAP_FILL_SLACK_MS ? gapMs : afMs)));
    }

    /**
     * The types whose open alert, opened in the live data after a gap, is kept across the restart for that gap's late
     * data ({@link #lateDataOfABridgedGap}): episodes with a duration that the restarted analysis finds again in the live
     * data after the upload (AF, tachycardia, bradycardia). Not a pause (an instant), inactivity or device-offline (the
     * wear tracker's, which a restart does not close).
     */
    private static boolean keptAcrossGapFill(EpisodeType type) {
        return type == EpisodeType.ATRIAL_FIBRILLATION || type == EpisodeType.TACHYCARDIA
                || type == EpisodeType.BRADYCARDIA;
    }

    private static void endGapFill(EpisodeState s) {
        s.gapFillToMs = NO_TIME;
        s.gapFillAfSinceMs = NO_TIME;
        s.gapFillDeadlineMs = NO_TIME;
    }

    private static void forgetBridgedGap(EpisodeState s) {
        s.bridgedGapFromMs = NO_TIME;
        s.bridgedGapToMs = NO_TIME;
        s.gapFillAfMs = 0;
    }

    /**
     * Whether an episode starting at {@code start} (no episode running) lies in the gap in the data that the last
     * alerted AF episode went on across, which has closed since: its readings came late (the live data showed AF on
     * both sides of the gap, and the closed alert's period covers it). Nothing changes: no held-back recurrence is
     * counted, no second alert (a fast rate in them escalates the closed alert, if it was not escalated already).
     */
    private static boolean insideClosedAlertsBridgedGap(EpisodeState s, long start) {
        return s.phase == IDLE && s.bridgedGapToMs != NO_TIME && s.lastAlertEndMs != NO_TIME
                && s.bridgedGapToMs <= s.lastAlertEndMs && s.bridgedGapFromMs >= s.lastEpisodeStartMs
                && start >= s.bridgedGapFromMs - GAP_EDGE_MS && start < s.bridgedGapToMs;
    }

    /**
     * The last alerted episode, closed, is about to be replaced as the last by another: it is remembered among the
     * earlier closed alerts ({@link EpisodeState#earlierAlertStartMs}, newest close first, the oldest forgotten beyond
     * {@link EpisodeState#MAX_EARLIER_ALERTS}), unless it closed for a clock restart (an episode on the earlier clock is
     * new, as before).
     */
    private static void rememberLastAlert(EpisodeState s) {
        if (s.lastAlertEndMs == NO_TIME || s.lastEpisodeStartMs == NO_TIME || s.lastClosedByRestart) return;
        int n = Math.min(EpisodeState.MAX_EARLIER_ALERTS, s.earlierAlertStartMs.length + 1);
        long[] start = new long[n];
        long[] end = new long[n];
        byte[] severity = new byte[n];
        int[] mask = new int[n];
        byte[] scheme = new byte[n];
        String[] version = new String[n];
        start[0] = s.lastEpisodeStartMs;
        end[0] = s.lastAlertEndMs;
        severity[0] = s.lastSeverity;
        mask[0] = s.lastEscalatedMask;
        scheme[0] = EpisodeState.schemeOf(s.lastIdScheme);
        version[0] = s.lastDetectorVersion;
        System.arraycopy(s.earlierAlertStartMs, 0, start, 1, n - 1);
        System.arraycopy(s.earlierAlertEndMs, 0, end, 1, n - 1);
        System.arraycopy(s.earlierAlertSeverity, 0, severity, 1, n - 1);
        System.arraycopy(s.earlierAlertEscalatedMask, 0, mask, 1, n - 1);
        System.arraycopy(s.earlierAlertIdScheme, 0, scheme, 1, n - 1);
        System.arraycopy(s.earlierAlertDetectorVersion, 0, version, 1, n - 1);
        s.earlierAlertStartMs = start;
        s.earlierAlertEndMs = end;
        s.earlierAlertSeverity = severity;
        s.earlierAlertEscalatedMask = mask;
        s.earlierAlertIdScheme = scheme;
        s.earlierAlertDetectorVersion = version;
    }

    /**
     * The earlier closed alert ({@link EpisodeState#earlierAlertStartMs}) whose period contains {@code atMs} (the most
     * recently closed of them, should two), or -1.
     */
    private static int earlierClosedAlertContaining(EpisodeState s, long atMs) {
        for (int i = 0; i < s.earlierAlertStartMs.length; i++) {
            if (atMs >= s.earlierAlertStartMs[i] && atMs <= s.earlierAlertEndMs[i]) return i;
        }
        return -1;
    }

    private static String earlierAlertId(EpisodeState s, Transition t, int i) {
        return EpisodeIds.of(EpisodeState.schemeOf(s.earlierAlertIdScheme[i]), t.programme(), t.patient(), t.type(),
                startedBy(s.earlierAlertDetectorVersion[i], t), s.earlierAlertStartMs[i]);
    }

    /**
     * An episode found in late data of a filled gap ({@link Transition#IN_FILLED_GAP}; no episode running) starting
     * inside an alerted episode of its type that closed before the last one ({@link #earlierClosedAlertContaining}):
     * the condition the team was told about, its time covered by that alert, whose gap's buffer came after a later alert
     * of the type (a buffer uploaded long after, newest first or in two halves, or after another gap's buffer). As one
     * inside the last alerted episode ({@link #insideLastClosedAlert}), it raises no alert and is not held back; it is
     * recorded on that alert, a record-only UPDATED with its id, period and severity
     * ({@link AlertChange#episodeInLateDataWithinAlert}), and a condition it starts with escalates that alert if more
     * severe (as a pattern escalation referring into it does: {@link #escalateEarlier}). Before (session 25, scenario 25
     * seeds -1065892134344267656, -2268532145548380654, 9055269725131118005, 2084712924300806528), only the last closed
     * alert was remembered, and such an episode raised a second alert dated inside the earlier one.
     */
    private static void recordOnEarlierAlert(EpisodeState s, Transition t, int i, Rule rule, List<AlertChange> out) {
        out.add(new AlertChange(AlertChange.Kind.UPDATED, false, earlierAlertId(s, t, i), t.patient(), t.type(),
                Severity.values()[s.earlierAlertSeverity[i]], s.earlierAlertStartMs[i], s.earlierAlertEndMs[i], t.atMs(),
                AlertChange.episodeInLateDataWithinAlert(), t.evidence(), t.detectorVersion(), rule.version(), 0));
        Optional<Escalation> esc = startEscalation(t, rule);
        if (esc.isPresent()) escalateEarlier(s, t, i, conditionBit(rule, t.condition()), esc.get(), rule, out);
    }

    /**
     * An escalation whose evidence lies in an earlier closed alert ({@link #earlierClosedAlertContaining}): that alert is
     * escalated after the fact (ESCALATED with its id and end, notifying), once a condition and only when it raises its
     * severity, as the last closed alert is ({@link #escalateClosed}). Its record carries the escalation's own evidence
     * (the earlier alert's evidence is not kept). Before session 25 such an escalation referred to nothing remembered and
     * changed nothing.
     */
    private static void escalateEarlier(EpisodeState s, Transition t, int i, int bit, Escalation esc, Rule rule,
                                        List<AlertChange> out) {
        if ((s.earlierAlertEscalatedMask[i] & bit) != 0) return;
        s.earlierAlertEscalatedMask[i] |= bit;
        if (esc.severity().ordinal() <= s.earlierAlertSeverity[i]) return;
        s.earlierAlertSeverity[i] = (byte) esc.severity().ordinal();
        out.add(new AlertChange(AlertChange.Kind.ESCALATED, true, earlierAlertId(s, t, i), t.patient(), t.type(),
                esc.severity(), s.earlierAlertStartMs[i], s.earlierAlertEndMs[i], t.atMs(),
                EscalationReasons.of(rule, esc, t.evidence()), t.evidence(), t.detectorVersion(), rule.version(), 0));
    }

    /**
     * Whether an episode found in late data of a filled gap ({@link Transition#IN_FILLED_GAP}: readings buffered during a
     * gap in the data and uploaded after the data resumed; no episode running) starts inside the last alerted episode of
     * its type, which has closed since: the condition the team was told about, its time already covered by that alert
     * (a pause alert open across the gap: the pauses in the buffer). Nothing changes: no held-back recurrence, no second
     * alert (an escalation it meets escalates the closed alert after the fact, if it was not escalated already: see
     * {@link #escalate}). Before, it was held back as a recurrence and its escalation (a pause followed by stillness, a
     * severe bradycardia) promoted it to a second alert dated inside the first (scenario 23, seeds 6321011161159751783,
     * 7723955186488775445). A clock set back is not marked so: an episode on it is new, as before.
     */
    private static boolean insideLastClosedAlert(EpisodeState s, long start) {
        return s.lastAlertEndMs != NO_TIME && s.lastEpisodeStartMs != NO_TIME
                && start >= s.lastEpisodeStartMs && start <= s.lastAlertEndMs;
    }

    /**
     * The condition a START in late data of a filled gap inside the last closed alert ({@link #insideLastClosedAlert})
     * already meets (a bradycardia severe from its first minute): it escalates that alert after the fact, once a
     * condition and only if it raises its severity ({@link #escalateClosed}), as a pattern referring into it does and as
     * one inside an earlier closed alert does ({@link #recordOnEarlierAlert}). Before (session 25), the START returned
     * before its condition was looked at: a severe bradycardia in a gap's buffer inside a routine bradycardia alert
     * escalated nothing (the more severe condition recorded nowhere).
     */
    private static void escalateLastClosedByStart(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        Optional<Escalation> esc = startEscalation(t, rule);
        if (esc.isPresent()) escalateClosed(s, t, conditionBit(rule, t.condition()), esc.get(), rule, out);
    }

    /** The escalation a START's own condition meets, if any. */
    private static Optional<Escalation> startEscalation(Transition t, Rule rule) {
        return t.condition() == null ? Optional.empty() : rule.escalation(t.condition());
    }

    private static int conditionBit(Rule rule, String condition) {
        return 1 << conditions(rule).indexOf(condition);
    }

    /**
     * Whether an episode found in late data of a filled gap ({@link Transition#IN_FILLED_GAP}, the gap ending at
     * {@code gapToMs}; no episode running) starts before the last alerted episode of its type, which has closed since
     * and began when the data resumed after that gap (from {@link #GAP_EDGE_MS} before its end to
     * {@link #DATA_RESUMED_WINDOW_MS} after it): the condition the team was told about when the data resumed, seen
     * earlier in the gap's data (the same condition going on through the gap, or an episode over before that alert
     * began). Such an episode is recorded on that alert ({@link #recordEarlierEpisodeOnLastAlert}) and held back, as a
     * recurrence is: no new alert unless it is more severe than that alert ({@link #heldBackBeforeLastAlert}). Before
     * (session 24, {@code BradyBufferBetweenTwoAlertsTest}), a bradycardia whose alert closed when the data stopped
     * and which was alerted again when they resumed became a THIRD alert, dated between the two, when the gap's buffer
     * was uploaded. A clock set back is not marked so: an episode on it is new, as before. An alert still open when the
     * buffer comes is kept across the analysis' restart instead ({@link #lateDataOfABridgedGap}).
     */
    private static boolean beforeLastClosedAlertFromTheResumption(EpisodeState s, long start, long gapToMs) {
        return s.phase == IDLE && gapToMs != NO_TIME && s.lastAlertEndMs != NO_TIME && s.lastEpisodeStartMs != NO_TIME
                && !s.lastClosedByRestart && start < s.lastEpisodeStartMs
                && s.lastEpisodeStartMs >= gapToMs - GAP_EDGE_MS && s.lastEpisodeStartMs <= gapToMs + DATA_RESUMED_WINDOW_MS;
    }

    /**
     * The record-only UPDATED of the last alerted episode, closed, that an earlier episode of its type in late data
     * ({@link #beforeLastClosedAlertFromTheResumption}) is recorded on: its id, start, end and severity, the reason
     * {@link AlertChange#earlierEpisodeInLateData} (as an open alert's, {@link #reportLateData}) for the time from that
     * episode's start to the alert's start. Nothing notifies (the team had the alert); the record stays final.
     */
    private static void recordEarlierEpisodeOnLastAlert(EpisodeState s, Transition t, long start, Rule rule,
                                                        List<AlertChange> out) {
        out.add(new AlertChange(AlertChange.Kind.UPDATED, false,
                EpisodeIds.of(EpisodeState.schemeOf(s.lastIdScheme), t.programme(), t.patient(), t.type(),
                        startedBy(s.lastDetectorVersion, t), s.lastEpisodeStartMs),
                t.patient(), t.type(), Severity.values()[s.lastSeverity], s.lastEpisodeStartMs, s.lastAlertEndMs,
                t.atMs(), AlertChange.earlierEpisodeInLateData(s.lastEpisodeStartMs - start),
                withEarlier(Map.of(), s.lastAlertEvidence), t.detectorVersion(), rule.version(), 0));
    }

    /**
     * Whether a held-back episode ({@code startMs}) started before the last alerted episode: one recorded on that
     * alert ({@link #beforeLastClosedAlertFromTheResumption}; a cool-down recurrence starts after it). Its escalation
     * promotes it to an alert only when more severe than that alert (whose team was told of the condition at that
     * severity); then as any promotion (OPENED at the escalated severity), as before. (A pattern escalation arriving
     * after such an episode ended promotes it as any ended held-back episode, {@link #promoteClosed}: an extra alert at
     * most, never a dropped one.)
     */
    private static boolean heldBackBeforeLastAlert(EpisodeState s, long startMs) {
        return startMs != NO_TIME && s.lastEpisodeStartMs != NO_TIME && startMs < s.lastEpisodeStartMs;
    }

    /**
     * When a recurrence held back by the cool-down has gone on long enough to be alerted: a cool-down after it was
     * found (its START), or after the last alert's end for one that started inside that alert's episode (the
     * condition seen again, e.g. a backlog refilling an outage already alerted: only what goes on after the alert's
     * end is new). {@link EpisodeState#lastNotifiedMs} holds the time it was found while the episode is suppressed;
     * state written before this rule (where it held the previous alert's last notification) counts from the
     * episode's start.
     */
    private static long sustainedAtMs(EpisodeState s, Rule rule) {
        return Math.max(Math.max(s.lastNotifiedMs, s.episodeStartMs), s.lastAlertEndMs) + rule.coolDown().toMillis();
    }

    /**
     * A recurrence held back by the cool-down that is still going on a cool-down after it was found is no flapping of
     * the episode the team was told about: it is alerted (OPENED, {@link AlertChange#SUSTAINED_RECURRENCE}) on the
     * first evidence at or after that time (device-offline, whose evidence is the silence: at that time, by its TICK or
     * whichever transition shows it first). Without this a condition
     * that came back soon after its alert closed (AF an hour later, a device offline again after a short
     * reconnection) stayed silent for as long as it lasted.
     */
    private static void promoteIfSustained(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        if (s.phase != SUPPRESSED) return;
        long due = sustainedAtMs(s, rule);
        if (t.atMs() < due) return;
        boolean tick = t.kind() == Transition.Kind.TICK;
        // as a reminder: a type with evidence of its own is alerted on evidence at or after the due time, at that
        // evidence's time, never on time alone (its data may have stopped); device-offline at the due time
        if (tick && renotifiedByEvidence(rule)) return;
        if (s.suppressedCount > 0) s.suppressedCount--; // alerted: no longer a held-back recurrence
        Transition at = renotifiedByEvidence(rule) || (tick && t.atMs() == due) ? t
                : Transition.tick(t.patient(), t.type(), due, t.detectorVersion()).inProgramme(t.programme());
        open(s, at, rule, AlertChange.SUSTAINED_RECURRENCE, out);
    }

    private static void start(EpisodeState s, Transition t, boolean inFilledGap, long filledGapToMs, Rule rule,
                              List<AlertChange> out) {
        long start = t.episodeStartMs() == NO_TIME ? t.atMs() : t.episodeStartMs();
        if (reopenForLateData(s, t, start, rule, out)) return;
        if (insideClosedAlertsBridgedGap(s, start)) return;
        if (inFilledGap && insideLastClosedAlert(s, start)) {
            escalateLastClosedByStart(s, t, rule, out);
            return;
        }
        int earlier = inFilledGap && s.phase == IDLE ? earlierClosedAlertContaining(s, start) : -1;
        if (earlier >= 0) {
            recordOnEarlierAlert(s, t, earlier, rule, out);
            return;
        }
        boolean beforeResumptionAlert = inFilledGap && beforeLastClosedAlertFromTheResumption(s, start, filledGapToMs);
        if (beforeResumptionAlert) recordEarlierEpisodeOnLastAlert(s, t, start, rule, out);
        forgetBridgedGap(s); // a new episode: late data of the last alert's gap are no longer told apart
        s.episodeStartMs = start;
        s.detectorVersion = t.detectorVersion(); // part of its id in every later change (see startedBy)
        s.idScheme = EpisodeIds.CURRENT_SCHEME; // likewise its id scheme
        s.lastEvidenceMs = t.atMs();
        s.escalatedMask = 0;
        s.severity = (byte) rule.severity().ordinal();
        s.openingEvidence = EpisodeEvidence.keep(t.evidence());
        s.escalationEvidence = new TreeMap<>();
        if (beforeResumptionAlert || s.lastAlertEndMs != NO_TIME && start >= s.lastEpisodeStartMs
                && !(s.lastClosedByRestart && start <= s.lastAlertEndMs)
                && start < s.lastAlertEndMs + rule.coolDown().toMillis()) {
            s.phase = SUPPRESSED;
            s.suppressedCount++;
            s.lastNotifiedMs = t.atMs(); // while suppressed: when it was found (see sustainedAtMs)
        } else {
            s.phase = PENDING;
        }
        if (t.condition() != null) escalate(s, t, t.condition(), rule, out);
        if (s.phase == PENDING) openIfLongEnough(s, t, rule, out);
        // a held escalation referring to a time before this episode began belongs to no episode
        if (s.pendingMask != 0 && s.pendingRefersToMs < start) clearPending(s);
    }

    /**
     * An episode STARTing inside the gap in the data for which the last alert closed ({@link EpisodeState#lastGapResumedMs}):
     * after that alert's end (its last evidence, before the data stopped; {@link #GAP_EDGE_MS}) and before the data
     * resumed (AF found from the resumption on is in the live data, already judged: a recurrence, or after a gap beyond
     * the bridge a new alert, as before). Such data
     * came late, filling the gap (a phone that sent the live data first and uploaded its buffer later; the analysis
     * restarted there, {@link org.wardstream.arrival.ArrivalOrder}), and show the alert's AF went on: the alert is the
     * same episode, re-opened with its id, start, severity and escalations, by a record-only UPDATED
     * ({@link AlertChange#AF_IN_LATE_DATA}); it closes again at the end those data show. Before this, it opened a
     * second alert for the episode (probe 20a D1).
     *
     * @return whether the START re-opened the closed alert
     */
    /**
     * How far before the closed alert's last evidence an episode found in the gap's data may start: a device's batch
     * of beats (a minute) is dated by its first beat, and the last beat of the batch before the gap can reach past it
     * (by 34 ms in probe 20a D1's data).
     */
    static final long GAP_EDGE_MS = 60_000L;

    private static boolean reopenForLateData(EpisodeState s, Transition t, long start, Rule rule, List<AlertChange> out) {
        if (s.lastGapResumedMs == NO_TIME || s.lastAlertEndMs == NO_TIME || start < s.lastAlertEndMs - GAP_EDGE_MS
                || start >= s.lastGapResumedMs) { // at the resumption: the live data (judged)
            return false;
        }
        s.phase = OPEN;
        s.episodeStartMs = s.lastEpisodeStartMs;
        s.detectorVersion = s.lastDetectorVersion;
        s.idScheme = s.lastIdScheme;
        s.severity = s.lastSeverity;
        s.escalatedMask = s.lastEscalatedMask;
        s.lastEvidenceMs = t.atMs();
        s.lastNotifiedMs = t.atMs();
        s.openingEvidence = EpisodeEvidence.keep(s.lastAlertEvidence);
        s.escalationEvidence = new TreeMap<>();
        s.lastGapResumedMs = NO_TIME;
        s.reopenedByLateData = true;
        out.add(change(AlertChange.Kind.UPDATED, false, s, t, rule, null, AlertChange.AF_IN_LATE_DATA));
        if (t.condition() != null) escalate(s, t, t.condition(), rule, out);
        return true;
    }

    private static void openIfLongEnough(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        if (rule.parameters().containsKey("minDuration") && rule.episodeType() == EpisodeType.ATRIAL_FIBRILLATION
                && t.atMs() - s.episodeStartMs < rule.millis("minDuration")) {
            return;
        }
        open(s, t, rule, null, out);
    }

    private static void open(EpisodeState s, Transition t, Rule rule, String reason, List<AlertChange> out) {
        s.phase = OPEN;
        s.lastNotifiedMs = t.atMs();
        out.add(change(AlertChange.Kind.OPENED, true, s, t, rule, null, reason));
        s.suppressedCount = 0;
    }

    private static void update(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        if (s.phase == IDLE) return;
        s.lastEvidenceMs = Math.max(s.lastEvidenceMs, t.atMs());
        if (s.phase == PENDING) openIfLongEnough(s, t, rule, out);
        renotify(s, t, rule, out);
    }

    private static void escalate(EpisodeState s, Transition t, String condition, Rule rule, List<AlertChange> out) {
        if (condition == null) return;
        Optional<Escalation> esc = rule.escalation(condition);
        if (esc.isEmpty()) return;
        int bit = 1 << conditions(rule).indexOf(condition);
        long refersTo = t.kind() == Transition.Kind.ESCALATE ? t.episodeStartMs() : NO_TIME;
        if (refersTo != NO_TIME && !covers(s, refersTo)) {
            int earlier;
            if (s.phase != IDLE && refersTo >= s.episodeStartMs) {
                hold(s, refersTo, t, bit); // the current episode: its evidence up to then, or its opening, is still to come
            } else if (within(refersTo, s.lastEpisodeStartMs, s.lastAlertEndMs)) {
                escalateClosed(s, t, bit, esc.get(), rule, out);
            } else if (within(refersTo, s.lastSuppressedStartMs, s.lastSuppressedEndMs)) {
                promoteClosed(s, t, bit, esc.get(), rule, out);
            } else if ((earlier = earlierClosedAlertContaining(s, refersTo)) >= 0) {
                escalateEarlier(s, t, earlier, bit, esc.get(), rule, out);
            } else if (s.phase == IDLE && refersTo > Math.max(s.lastAlertEndMs, s.lastSuppressedEndMs)) {
                hold(s, refersTo, t, bit); // its episode has not started yet
            }
            return; // otherwise: a time no episode remembered here covers
        }
        if (s.phase == IDLE) return;
        if ((s.escalatedMask & bit) != 0) return;
        s.escalatedMask |= bit;
        Severity target = esc.get().severity();
        boolean raises = target.ordinal() > s.severity;
        if (raises) {
            s.severity = (byte) target.ordinal();
            s.escalationEvidence = EpisodeEvidence.keep(t.evidence()); // kept for every later record
        }
        switch (s.phase) {
            case PENDING -> { }
            case SUPPRESSED -> {
                if (raises && (!heldBackBeforeLastAlert(s, s.episodeStartMs) || target.ordinal() > s.lastSeverity)) {
                    // promoted: it no longer counts as a suppressed recurrence (as when promoted after it ended)
                    if (s.suppressedCount > 0) s.suppressedCount--;
                    open(s, t, rule, EscalationReasons.of(rule, esc.get(), t.evidence()), out);
                }
            }
            case OPEN -> {
                if (raises) {
                    s.lastNotifiedMs = t.atMs();
                    out.add(change(AlertChange.Kind.ESCALATED, true, s, t, rule, null,
                            EscalationReasons.of(rule, esc.get(), t.evidence())));
                }
            }
            default -> { }
        }
    }

    /**
     * Whether a pattern escalation referring to {@code refersTo} applies to the current episode now: the episode
     * has alerted or is being suppressed (a PENDING one has not decided yet whether it alerts at all) and its
     * evidence has reached that time.
     */
    private static boolean covers(EpisodeState s, long refersTo) {
        return (s.phase == OPEN || s.phase == SUPPRESSED) && refersTo >= s.episodeStartMs && refersTo <= s.lastEvidenceMs;
    }

    private static boolean within(long t, long fromMs, long toMs) {
        return fromMs != NO_TIME && t >= fromMs && t <= toMs;
    }

    /**
     * Holds a pattern escalation that arrived before the transitions it belongs after (a match travels through the
     * CEP operator, the detector's transitions do not, so either can overtake the other on the way here).
     */
    private static void hold(EpisodeState s, long refersTo, Transition t, int bit) {
        // One is held at a time. Matches of a pattern leave the CEP operator in order, so one already held came first:
        // it is the one that applies (in order, a later match of the same episode finds the condition applied). Each
        // type has at most one pattern condition, and every match refers to an episode whose START follows, which
        // applies or clears what is held.
        if (s.pendingMask != 0) return;
        s.pendingRefersToMs = refersTo;
        s.pendingAtMs = t.atMs();
        s.pendingMask = bit;
        s.pendingEvidence = EpisodeEvidence.keep(t.evidence()); // applied later with its own evidence
    }

    private static void clearPending(EpisodeState s) {
        s.pendingMask = 0;
        s.pendingRefersToMs = NO_TIME;
        s.pendingAtMs = NO_TIME;
        s.pendingEvidence = new TreeMap<>();
    }

    private static void applyPendingIfCovered(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        if (s.pendingMask != 0 && covers(s, s.pendingRefersToMs)) applyPending(s, t, rule, out);
    }

    /**
     * Applies the held escalations to the current episode, with the changes they would have made had they arrived in
     * order: at their own time, to an episode that has opened (ESCALATED) or is suppressed (promoted: OPENED).
     */
    private static void applyPending(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        int mask = s.pendingMask;
        long at = s.pendingAtMs;
        Map<String, Double> evidence = s.pendingEvidence.isEmpty() ? t.evidence() : s.pendingEvidence;
        clearPending(s);
        List<String> conditions = conditions(rule);
        for (int i = 0; i < conditions.size(); i++) {
            if ((mask & (1 << i)) != 0) {
                // as if it had arrived in order: at its own time (the change id includes the time)
                escalate(s, new Transition(t.patient(), t.type(), Transition.Kind.UPDATE, NO_TIME, at, null,
                        t.detectorVersion(), evidence, t.programme()), conditions.get(i), rule, out);
            }
        }
    }

    /** The rule's escalation conditions in bit order (sorted codes): bit i of a mask is condition i. */
    private static List<String> conditions(Rule rule) {
        return new ArrayList<>(new TreeSet<>(RuleSchema.escalationConditions(rule.episodeType())));
    }

    /** An escalation whose evidence began in the last alerted episode, which has closed since. */
    private static void escalateClosed(EpisodeState s, Transition t, int bit, Escalation esc, Rule rule,
                                       List<AlertChange> out) {
        if ((s.lastEscalatedMask & bit) != 0) return;
        s.lastEscalatedMask |= bit;
        if (esc.severity().ordinal() <= s.lastSeverity) return;
        s.lastSeverity = (byte) esc.severity().ordinal();
        // this record is the closed episode's latest version: its own evidence, then all the closing record carried
        Map<String, Double> evidence = withEarlier(t.evidence(), s.lastAlertEvidence);
        s.lastAlertEvidence = EpisodeEvidence.keep(evidence, EpisodeEvidence.MAX_EPISODE_VALUES);
        out.add(new AlertChange(AlertChange.Kind.ESCALATED, true,
                EpisodeIds.of(EpisodeState.schemeOf(s.lastIdScheme), t.programme(), t.patient(), t.type(),
                        startedBy(s.lastDetectorVersion, t), s.lastEpisodeStartMs),
                t.patient(), t.type(), esc.severity(), s.lastEpisodeStartMs, s.lastAlertEndMs, t.atMs(),
                EscalationReasons.of(rule, esc, t.evidence()),
                evidence, t.detectorVersion(), rule.version(), 0));
    }

    /**
     * An escalation whose evidence began in the last suppressed (cool-down) episode, which has ended since: had it
     * arrived in order it would have promoted that episode to an alert, so it does now, with the same changes:
     * OPENED at the escalation's time, then CLOSED as the episode closed. That episode is now the last alerted one.
     */
    private static void promoteClosed(EpisodeState s, Transition t, int bit, Escalation esc, Rule rule,
                                      List<AlertChange> out) {
        if (esc.severity().ordinal() <= rule.severity().ordinal()) return;
        long start = s.lastSuppressedStartMs;
        long end = s.lastSuppressedEndMs;
        String startedBy = startedBy(s.lastSuppressedDetectorVersion, t);
        byte scheme = EpisodeState.schemeOf(s.lastSuppressedIdScheme);
        String episodeId = EpisodeIds.of(scheme, t.programme(), t.patient(), t.type(), startedBy, start);
        // both records carry the escalation's evidence and what the suppressed episode opened and ended with
        Map<String, Double> evidence = withEarlier(t.evidence(), s.lastSuppressedEvidence);
        out.add(new AlertChange(AlertChange.Kind.OPENED, true, episodeId, t.patient(), t.type(), esc.severity(), start,
                null, t.atMs(), EscalationReasons.of(rule, esc, t.evidence()), evidence, t.detectorVersion(), rule.version(), 0));
        out.add(new AlertChange(AlertChange.Kind.CLOSED, rule.notifyOnClose(), episodeId, t.patient(), t.type(),
                esc.severity(), start, end, closedAtMs(rule, end), closeReason(rule), evidence, t.detectorVersion(),
                rule.version(), 0));
        s.lastAlertEvidence = EpisodeEvidence.keep(evidence, EpisodeEvidence.MAX_EPISODE_VALUES);
        s.lastSuppressedEvidence = new TreeMap<>();
        if (s.lastEpisodeStartMs != start) rememberLastAlert(s);
        s.lastEpisodeStartMs = start;
        s.lastDetectorVersion = startedBy;
        s.lastIdScheme = scheme;
        s.lastAlertEndMs = end;
        s.lastSeverity = (byte) esc.severity().ordinal();
        s.lastEscalatedMask = bit;
        s.lastClosedByRestart = false;
        s.lastSuppressedStartMs = NO_TIME;
        s.lastSuppressedEndMs = NO_TIME;
        s.lastSuppressedDetectorVersion = null;
        s.lastSuppressedIdScheme = 0;
        if (s.suppressedCount > 0) s.suppressedCount--; // it no longer counts as a suppressed recurrence
    }

    /** When an episode that ended at {@code endMs} closed: at its END, or when its episode window expired. */
    private static long closedAtMs(Rule rule, long endMs) {
        return rule.parameters().containsKey("episodeWindow") ? endMs + rule.millis("episodeWindow") + 1 : endMs;
    }

    private static String closeReason(Rule rule) {
        if (!rule.notifyOnClose()) return null;
        return switch (rule.episodeType()) {
            case DEVICE_OFFLINE -> AlertChange.RECONNECTED;
            case BEAT_TO_BEAT_OFFLINE -> AlertChange.BEAT_TO_BEAT_RESUMED;
            default -> null;
        };
    }

    /**
     * Whether "still ongoing" needs evidence: every type but device-offline, whose episode is the absence of data (the
     * silence going on is its evidence, so time alone re-notifies it). The others are re-notified only by a transition
     * carrying evidence at the time it claims, an interval after the last notification: a device gone silent during a
     * tachycardia sends no "still ongoing" about it (its device-offline alert says why), and no record contradicts the
     * episode's end that the data show later.
     */
    private static boolean renotifiedByEvidence(Rule rule) {
        return rule.episodeType() != EpisodeType.DEVICE_OFFLINE;
    }

    /**
     * Catching up on event time that has jumped (a watermark passing days at once) re-notifies an episode renotified
     * on time alone (device-offline) once, at the last re-notification time passed, not once for every interval passed:
     * one reading whose device time and Kafka CreateTime lay 25 years back opened device-offline then, and the next
     * live reading made 9,191 "still ongoing" alert changes at once (helper fuzz22, F1), work and messages to the
     * team without bound in a single record. Moves {@link EpisodeState#lastNotifiedMs} on by whole intervals so that
     * at most one re-notification is due by {@code upToMs}; its time is the one the intervals give.
     */
    public static void skipMissedRenotifications(EpisodeState s, Rule rule, long upToMs) {
        if (s.phase != OPEN || rule.renotify().policy() != Renotify.Policy.WHILE_OPEN || renotifiedByEvidence(rule)
                || s.lastNotifiedMs == NO_TIME) return;
        long interval = rule.renotify().interval().toMillis();
        long gap = upToMs - s.lastNotifiedMs; // negative when it overflows: nothing skipped
        if (interval <= 0 || gap <= 0) return;
        long due = gap / interval; // re-notifications due by upToMs
        if (due > 1) s.lastNotifiedMs += (due - 1) * interval;
    }

    private static void renotify(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        if (s.phase != OPEN || rule.renotify().policy() != Renotify.Policy.WHILE_OPEN) return;
        if (renotifiedByEvidence(rule) && t.kind() == Transition.Kind.TICK) return;
        if (t.atMs() - s.lastNotifiedMs >= rule.renotify().interval().toMillis()) {
            s.lastNotifiedMs = t.atMs();
            out.add(change(AlertChange.Kind.UPDATED, true, s, t, rule, null, AlertChange.STILL_ONGOING));
        }
    }

    private static void end(EpisodeState s, Transition t, long endMs, Rule rule, List<AlertChange> out) {
        end(s, t, endMs, rule, out, null);
    }

    /** {@link #end(EpisodeState, Transition, long, Rule, List)}, an alerted episode's close with {@code reason} if not null. */
    private static void end(EpisodeState s, Transition t, long endMs, Rule rule, List<AlertChange> out, String reason) {
        // a held escalation that this episode covers applies before it closes (as if it had arrived in order); one
        // for an episode that never reached its minimum duration goes with it
        if (s.phase != IDLE && s.pendingMask != 0 && s.pendingRefersToMs >= s.episodeStartMs
                && s.pendingRefersToMs <= Math.max(endMs, s.lastEvidenceMs)) {
            if (s.phase == PENDING) clearPending(s);
            else applyPending(s, t, rule, out);
        }
        if (s.phase == OPEN) {
            // its evidence carries what opened and escalated it (see change); the reason stays the close's own, which
            // identifies the change (a late escalation of a closed episode must not change the close's identity)
            boolean restart = t.closesForRestart();
            AlertChange closed = change(AlertChange.Kind.CLOSED, rule.notifyOnClose(), s, t, rule, endMs,
                    restart ? AlertChange.CLOCK_RESTART : reason != null ? reason
                            : s.reopenedByLateData ? AlertChange.AF_ENDED_IN_LATE_DATA : closeReason(rule));
            out.add(closed);
            if (confirmedAfterTheEnd(rule)) {
                s.lastAlertEvidence = EpisodeEvidence.keep(closed.evidence(), EpisodeEvidence.MAX_EPISODE_VALUES);
            }
            if (s.lastEpisodeStartMs != s.episodeStartMs) rememberLastAlert(s); // a re-opened one is the same alert
            s.lastAlertEndMs = endMs;
            s.lastEpisodeStartMs = s.episodeStartMs;
            s.lastDetectorVersion = startedBy(s.detectorVersion, t);
            s.lastIdScheme = EpisodeState.schemeOf(s.idScheme);
            s.lastSeverity = s.severity;
            s.lastEscalatedMask = s.escalatedMask;
            s.lastClosedByRestart = restart;
            s.lastGapResumedMs = NO_TIME; // the closes for a data gap set it after this
        } else if (s.phase == SUPPRESSED) {
            s.lastSuppressedStartMs = s.episodeStartMs;
            s.lastSuppressedEndMs = endMs;
            s.lastSuppressedDetectorVersion = startedBy(s.detectorVersion, t);
            s.lastSuppressedIdScheme = EpisodeState.schemeOf(s.idScheme);
            if (confirmedAfterTheEnd(rule)) {
                s.lastSuppressedEvidence = EpisodeEvidence.keep(withEarlier(withEarlier(t.evidence(),
                        s.escalationEvidence), s.openingEvidence), EpisodeEvidence.MAX_EPISODE_VALUES);
            }
        }
        toIdle(s);
    }

    /** No episode running: what the last alerted and suppressed episodes left is kept. */
    private static void toIdle(EpisodeState s) {
        s.phase = IDLE;
        s.episodeStartMs = NO_TIME;
        s.detectorVersion = null;
        s.idScheme = 0;
        s.lastEvidenceMs = NO_TIME;
        s.escalatedMask = 0;
        s.openingEvidence = new TreeMap<>();
        s.escalationEvidence = new TreeMap<>();
        s.dataResumedMs = NO_TIME;
        s.reopenedByLateData = false;
        endGapFill(s); // the gap the alert went on across stays known (its late data change nothing once it closed)
    }

    private static void closeExpiredWindow(EpisodeState s, Transition t, Rule rule, List<AlertChange> out) {
        if (s.phase == IDLE || !rule.parameters().containsKey("episodeWindow")) return;
        long endMs = s.lastEvidenceMs;
        if (t.atMs() > endMs + rule.millis("episodeWindow")) {
            // closed when the window expired (the time its TICK is due), whichever transition shows it first
            end(s, Transition.tick(t.patient(), t.type(), closedAtMs(rule, endMs), t.detectorVersion())
                    .inProgramme(t.programme()), endMs, rule, out);
        }
    }

    private static AlertChange change(AlertChange.Kind kind, boolean notify, EpisodeState s, Transition t, Rule rule,
                                      Long endMs, String reason) {
        // the change's own evidence, then what opened and escalated the episode (keys it does not carry itself)
        Map<String, Double> evidence = withEarlier(withEarlier(t.evidence(), s.escalationEvidence), s.openingEvidence);
        // the id is derived: hash of programme, patient, type, the detector version that started the episode and its
        // start, by the id scheme that started it
        String episodeId = EpisodeIds.of(EpisodeState.schemeOf(s.idScheme), t.programme(), t.patient(), t.type(),
                startedBy(s.detectorVersion, t), s.episodeStartMs);
        return new AlertChange(kind, notify, episodeId, t.patient(), t.type(), Severity.values()[s.severity],
                s.episodeStartMs, endMs, t.atMs(), reason, evidence, t.detectorVersion(), rule.version(), s.suppressedCount);
    }

    /**
     * The detector version that started an episode, kept in its state ({@code recorded}): part of the episode's id in
     * every change of it. Later transitions may carry another version (the job was upgraded with a savepoint while the
     * episode was open), and the episode must keep the id its OPENED alert had. State restored from format 7 and older
     * did not record it: then the version of the release that wrote such state ({@link Transitions#unrecordedDetectorVersion}).
     * Each change still names its own transition's detector ({@link AlertChange#detectorVersion}, the Provenance).
     */
    private static String startedBy(String recorded, Transition t) {
        return recorded != null ? recorded : Transitions.unrecordedDetectorVersion(t.type());
    }

    /**
     * Whether an escalation of this type can arrive after its episode ended: its conditions are confirmed by the CEP
     * patterns over later cues (fast AF rate, stillness after a pause), not by the detector in order. Only then is an
     * ended episode's evidence kept in state (for the record such an escalation writes).
     */
    private static boolean confirmedAfterTheEnd(Rule rule) {
        for (String c : RuleSchema.escalationConditions(rule.episodeType())) {
            if (c.equals(RuleSchema.FAST_VENTRICULAR_RATE) || c.equals(RuleSchema.FOLLOWED_BY_STILLNESS)) return true;
        }
        return false;
    }

    /** {@code own}, then the keys of {@code earlier} it does not carry itself (own values win). */
    private static Map<String, Double> withEarlier(Map<String, Double> own, Map<String, Double> earlier) {
        if (earlier.isEmpty()) return own;
        Map<String, Double> all = new TreeMap<>(own);
        earlier.forEach(all::putIfAbsent);
        return all;
    }

    private static long min(long a, long b) {
        if (a == NO_TIME) return b;
        if (b == NO_TIME) return a;
        return Math.min(a, b);
    }
}
