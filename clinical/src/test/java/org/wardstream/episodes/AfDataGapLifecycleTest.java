package org.wardstream.episodes;

import org.junit.jupiter.api.Test;
import org.wardstream.rhythm.AfOffset;
import org.wardstream.rhythm.AfOnset;
import org.wardstream.rules.EffectiveRules;
import org.wardstream.rules.EpisodeType;
import org.wardstream.rules.Rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wardstream.episodes.AlertChange.Kind.CLOSED;
import static org.wardstream.episodes.AlertChange.Kind.OPENED;
import static org.wardstream.episodes.AlertChange.Kind.UPDATED;

/**
 * An AF alert across a gap in the data (the watch off for a shower or on its charger): the RR analyser closes AF after
 * 10 min without data (an AfOffset DATA_GAP, found when the data resume), but AF found again as soon as the data resume,
 * with no regular rhythm in between, is the same episode: the alert is updated (record-only), not closed and opened
 * again (adversarial probe 18a, D4). The transitions are those the detector makes ({@link Transitions#fromRhythm}).
 */
class AfDataGapLifecycleTest {

    static final EffectiveRules RULES = Rules.loadClasspath().defaults();
    static final String P = "patient-0001";
    static final EpisodeType AF = EpisodeType.ATRIAL_FIBRILLATION;
    static final long T0 = 1_780_000_000_000L, SEC = 1000, MIN = 60 * SEC, HOUR = 60 * MIN;

    final EpisodeState s = new EpisodeState();
    final List<AlertChange> out = new ArrayList<>();

    void on(RhythmEventOrTick e) {
        out.addAll(EpisodeLifecycle.onTransition(s, e.transition(), RULES));
    }

    interface RhythmEventOrTick {
        Transition transition();
    }

    static RhythmEventOrTick rhythm(org.wardstream.rhythm.RhythmEvent e) {
        return () -> Transitions.fromRhythm(P, e).get(0);
    }

    static RhythmEventOrTick onset(long onsetMs, long atMs) {
        return rhythm(new AfOnset(onsetMs, atMs, 0.97, 92));
    }

    static RhythmEventOrTick segment(long atMs) {
        return () -> Transition.update(P, AF, atMs, Transitions.RHYTHM_DETECTOR_VERSION, Map.of("meanRateBpm", 90.0));
    }

    /** The analyser's close for missing data: episode end at the last clean beat, found at the first beat after. */
    static RhythmEventOrTick dataGap(long onsetMs, long lastCleanBeatMs, long resumedMs) {
        return rhythm(new AfOffset(onsetMs, lastCleanBeatMs, resumedMs, AfOffset.Reason.DATA_GAP));
    }

    static RhythmEventOrTick regular(long onsetMs, long offsetMs, long atMs) {
        return rhythm(new AfOffset(onsetMs, offsetMs, atMs, AfOffset.Reason.REGULAR_RHYTHM));
    }

    static RhythmEventOrTick tick(long atMs) {
        return () -> Transition.tick(P, AF, atMs, Transitions.RHYTHM_DETECTOR_VERSION);
    }

    List<AlertChange.Kind> kinds() {
        return out.stream().map(AlertChange::kind).toList();
    }

    /** AF open from T0, alerted, evidence up to T0 + 8 h (the last clean beat before the watch comes off). */
    long openAfUntil8Hours() {
        on(onset(T0, T0 + 40 * SEC));
        for (long t = T0 + MIN; t <= T0 + 8 * HOUR; t += 10 * MIN) on(segment(t));
        assertThat(kinds()).containsExactly(OPENED);
        return T0 + 8 * HOUR;
    }

    /** The watch off after {@code lastBeat} for 15 min: the analyser's close for the gap, found as the data resume. */
    long watchOffForAQuarterOfAnHour(long lastBeat) {
        long resumed = lastBeat + 15 * MIN;
        on(dataGap(T0, lastBeat, resumed));
        return resumed;
    }

    @Test
    void afFoundAgainWhenTheDataResumeAfterAQuarterOfAnHourIsTheSameAlertUpdatedNotANewOne() {
        long lastBeat = openAfUntil8Hours();
        String id = out.get(0).episodeId();
        long resumed = watchOffForAQuarterOfAnHour(lastBeat);
        assertThat(out).as("the close for the gap is held").hasSize(1);
        // the analyser finds the AF again 40 beats after the resumption, back-dated to it (no regular segment between)
        on(onset(resumed, resumed + 40 * SEC));
        assertThat(kinds()).containsExactly(OPENED, UPDATED);
        AlertChange updated = out.get(1);
        assertThat(updated.episodeId()).isEqualTo(id);
        assertThat(updated.notifyTeam()).as("record-only: the team already has this alert").isFalse();
        assertThat(updated.reason()).isEqualTo("data resumed after 15 min without data; AF still present (the same episode)");
        assertThat(updated.evidence()).containsEntry(Transition.NO_DATA_MINUTES, 15.0).containsEntry("meanRateBpm", 92.0)
                .containsKey("onsetRateBpm"); // still what opened it
        assertThat(updated.episodeStartMs()).isEqualTo(T0);
        assertThat(EpisodeLifecycle.nextTimerMs(s, RULES.rule(AF))).as("nothing held any more").isEqualTo(Long.MIN_VALUE);

        // the same again 8 h later, then the AF ends: one alert, closed at the real end
        for (long t = resumed + MIN; t <= T0 + 16 * HOUR; t += 10 * MIN) on(segment(t));
        long lastBeat2 = T0 + 16 * HOUR;
        on(dataGap(resumed, lastBeat2, lastBeat2 + 15 * MIN));
        on(onset(lastBeat2 + 15 * MIN, lastBeat2 + 16 * MIN));
        on(segment(T0 + 20 * HOUR));
        on(regular(lastBeat2 + 15 * MIN, T0 + 20 * HOUR, T0 + 20 * HOUR + MIN));
        assertThat(kinds()).containsExactly(OPENED, UPDATED, UPDATED, CLOSED);
        assertThat(out).extracting(AlertChange::episodeId).containsOnly(id);
        assertThat(out.get(3).episodeEndMs()).isEqualTo(T0 + 20 * HOUR);
        assertThat(out.get(3).reason()).isNull();
    }

    @Test
    void aRegularRhythmAfterTheDataResumeClosesTheAlertAtItsLastEvidenceBeforeTheGap() {
        long lastBeat = openAfUntil8Hours(), resumed = watchOffForAQuarterOfAnHour(lastBeat);
        assertThat(EpisodeLifecycle.nextTimerMs(s, RULES.rule(AF))).isEqualTo(resumed + 10 * MIN);
        on(tick(resumed + 9 * MIN));
        assertThat(out).hasSize(1);
        on(tick(resumed + 10 * MIN)); // no AF found again within 10 min of the resumption
        assertThat(kinds()).containsExactly(OPENED, CLOSED);
        AlertChange closed = out.get(1);
        assertThat(closed.episodeEndMs()).as("its last evidence, not the resumption").isEqualTo(lastBeat);
        assertThat(closed.atMs()).isEqualTo(lastBeat);
        assertThat(closed.reason()).isEqualTo("no data for 15 min; AF not found again when the data resumed");
        assertThat(closed.notifyTeam()).isFalse();
        assertThat(s.phase).isEqualTo(EpisodeState.IDLE);
        assertThat(s.lastAlertEndMs).isEqualTo(lastBeat);
    }

    @Test
    void afAfterARegularRhythmFollowingTheGapIsARecurrenceHeldBackByTheCoolDown() {
        long lastBeat = openAfUntil8Hours(), resumed = watchOffForAQuarterOfAnHour(lastBeat);
        // a regular segment was judged first: the run (and the START) begins after the resumption
        on(onset(resumed + 2 * MIN, resumed + 3 * MIN));
        assertThat(kinds()).containsExactly(OPENED, CLOSED);
        assertThat(out.get(1).episodeEndMs()).isEqualTo(lastBeat);
        assertThat(s.phase).as("a recurrence within the cool-down of the close").isEqualTo(EpisodeState.SUPPRESSED);
        assertThat(s.suppressedCount).isEqualTo(1);
    }

    @Test
    void afterMoreThanTwoHoursWithoutDataTheAlertClosesStatusUnknownAndAfLaterIsANewAlert() {
        long lastBeat = openAfUntil8Hours();
        String id = out.get(0).episodeId();
        long resumed = lastBeat + 3 * HOUR + 5 * MIN;
        on(dataGap(T0, lastBeat, resumed));
        assertThat(kinds()).containsExactly(OPENED, CLOSED);
        AlertChange closed = out.get(1);
        assertThat(closed.episodeEndMs()).isEqualTo(lastBeat);
        assertThat(closed.reason()).isEqualTo("AF status unknown: no data for 3 h 5 min");
        assertThat(closed.evidence()).containsEntry(Transition.NO_DATA_MINUTES, 185.0);
        on(onset(resumed, resumed + 40 * SEC));
        assertThat(kinds()).containsExactly(OPENED, CLOSED, OPENED);
        assertThat(out.get(2).episodeId()).isNotEqualTo(id);
        assertThat(out.get(2).episodeStartMs()).isEqualTo(resumed);
    }

    /**
     * Probe 20a D1: the phone sent the live data first (a regular rhythm: the alert closed "AF not found again") and
     * uploaded the readings of the gap later; the analysis restarted on them (ArrivalOrder) and finds AF from the
     * alert's end on: the same episode, re-opened with its id (record-only), closed again at the AF's end in them.
     */
    @Test
    void afInDataFillingTheGapLaterReopensTheAlertClosedForTheGapAndClosesItAtTheAfsEnd() {
        long lastBeat = openAfUntil8Hours();
        String id = out.get(0).episodeId();
        long resumed = lastBeat + 60 * MIN;
        on(dataGap(T0, lastBeat, resumed));
        on(tick(resumed + 10 * MIN));
        assertThat(kinds()).containsExactly(OPENED, CLOSED);
        assertThat(out.get(1).reason()).isEqualTo("no data for 1 h; AF not found again when the data resumed");
        // the upload of the gap: the restarted analysis dates the run from its first beat (here the last one's ms)
        on(onset(lastBeat, lastBeat + 40 * SEC));
        assertThat(kinds()).containsExactly(OPENED, CLOSED, UPDATED);
        AlertChange reopened = out.get(2);
        assertThat(reopened.episodeId()).isEqualTo(id);
        assertThat(reopened.notifyTeam()).isFalse();
        assertThat(reopened.episodeStartMs()).isEqualTo(T0);
        assertThat(reopened.episodeEndMs()).as("open again").isNull();
        assertThat(reopened.reason()).isEqualTo(AlertChange.AF_IN_LATE_DATA);
        assertThat(reopened.evidence()).containsKey("onsetRateBpm");
        on(segment(lastBeat + 10 * MIN));
        on(regular(lastBeat, lastBeat + 20 * MIN, lastBeat + 21 * MIN));
        assertThat(kinds()).containsExactly(OPENED, CLOSED, UPDATED, CLOSED);
        AlertChange closed = out.get(3);
        assertThat(closed.episodeId()).isEqualTo(id);
        assertThat(closed.episodeEndMs()).isEqualTo(lastBeat + 20 * MIN);
        assertThat(closed.reason()).isEqualTo(AlertChange.AF_ENDED_IN_LATE_DATA);
        assertThat(closed.notifyTeam()).isFalse();
        // AF again after that (the live data) is a recurrence held back by the cool-down from the corrected end
        on(onset(resumed + 5 * MIN, resumed + 6 * MIN));
        assertThat(out).hasSize(4);
        assertThat(s.phase).isEqualTo(EpisodeState.SUPPRESSED);
        assertThat(s.lastGapResumedMs).isEqualTo(EpisodeState.NO_TIME);
        assertThat(EpisodeState.fromBytes(s.toBytes())).isEqualTo(s);
    }

    @Test
    void afInDataFillingAGapBeyondTheBridgeReopensTheAlertClosedStatusUnknown() {
        long lastBeat = openAfUntil8Hours();
        String id = out.get(0).episodeId();
        long resumed = lastBeat + 3 * HOUR;
        on(dataGap(T0, lastBeat, resumed));
        assertThat(kinds()).containsExactly(OPENED, CLOSED);
        on(onset(lastBeat + 2 * SEC, lastBeat + 40 * SEC));
        on(regular(lastBeat + 2 * SEC, lastBeat + HOUR, lastBeat + HOUR + MIN));
        assertThat(kinds()).containsExactly(OPENED, CLOSED, UPDATED, CLOSED);
        assertThat(out).extracting(AlertChange::episodeId).containsOnly(id);
        assertThat(out.get(3).episodeEndMs()).isEqualTo(lastBeat + HOUR);
    }

    @Test
    void afInLateDataAfterAnotherCloseOrFromTheResumptionOnOpensAsBefore() {
        // closed by a regular rhythm (no gap): AF in data uploaded later is a recurrence, as before
        on(onset(T0, T0 + 40 * SEC));
        on(segment(T0 + 10 * MIN));
        on(regular(T0, T0 + 10 * MIN, T0 + 11 * MIN));
        on(onset(T0 + 10 * MIN + SEC, T0 + 12 * MIN));
        assertThat(kinds()).containsExactly(OPENED, CLOSED);
        assertThat(s.phase).isEqualTo(EpisodeState.SUPPRESSED);
    }

    @Test
    void afStartingBeforeTheEpisodesLastEvidenceIsNoContinuation() {
        // data on an earlier clock (a device clock set back: the analysis restarted there) are not the data resuming
        long lastBeat = openAfUntil8Hours(), resumed = watchOffForAQuarterOfAnHour(lastBeat);
        on(onset(lastBeat - HOUR, lastBeat - HOUR + 40 * SEC));
        assertThat(kinds()).startsWith(OPENED, CLOSED).doesNotContain(UPDATED);
        assertThat(out.get(1).episodeEndMs()).isEqualTo(lastBeat);
    }

    @Test
    void aGapOfExactlyTheBridgeIsStillBridged() {
        long lastBeat = openAfUntil8Hours();
        long resumed = lastBeat + 2 * HOUR;
        on(dataGap(T0, lastBeat, resumed));
        on(onset(resumed, resumed + 40 * SEC));
        assertThat(kinds()).containsExactly(OPENED, UPDATED);
        assertThat(out.get(1).reason()).startsWith("data resumed after 2 h without data");
    }

    @Test
    void aHeldBackRecurrenceStaysOneAcrossAGapAndIsAlertedACoolDownAfterItWasFound() {
        // an alerted AF closed by a regular rhythm; 20 min later AF again: held back (cool-down 1 h)
        on(onset(T0, T0 + 40 * SEC));
        on(segment(T0 + 10 * MIN));
        on(regular(T0, T0 + 10 * MIN, T0 + 11 * MIN));
        long found = T0 + 31 * MIN;
        on(onset(T0 + 30 * MIN, found));
        assertThat(kinds()).containsExactly(OPENED, CLOSED);
        assertThat(s.phase).isEqualTo(EpisodeState.SUPPRESSED);
        on(segment(T0 + 40 * MIN));
        // the watch off for 15 min: the same held-back episode goes on, not a second recurrence
        on(dataGap(T0 + 30 * MIN, T0 + 40 * MIN, T0 + 55 * MIN));
        on(onset(T0 + 55 * MIN, T0 + 56 * MIN));
        assertThat(out).hasSize(2);
        assertThat(s.suppressedCount).isEqualTo(1);
        on(segment(found + HOUR));
        assertThat(kinds()).containsExactly(OPENED, CLOSED, OPENED);
        assertThat(out.get(2).reason()).isEqualTo(AlertChange.SUSTAINED_RECURRENCE);
        assertThat(out.get(2).episodeStartMs()).isEqualTo(T0 + 30 * MIN);
    }

    @Test
    void aHeldCloseSurvivesASavepointAndAnUnenrolmentClosesAtTheLastEvidence() {
        long lastBeat = openAfUntil8Hours(), resumed = watchOffForAQuarterOfAnHour(lastBeat);
        EpisodeState restored = EpisodeState.fromBytes(s.toBytes());
        assertThat(restored.dataResumedMs).isEqualTo(resumed);
        assertThat(restored).isEqualTo(s);
        List<AlertChange> closed = EpisodeLifecycle.onUnenrolment(restored, null, P, AF, RULES,
                Transitions.RHYTHM_DETECTOR_VERSION);
        assertThat(closed).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(CLOSED);
            assertThat(c.episodeEndMs()).isEqualTo(lastBeat);
        });
        assertThat(restored.dataResumedMs).isEqualTo(EpisodeState.NO_TIME);
    }
}
